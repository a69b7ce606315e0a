#include "app/cli.h"

#include <iostream>

#include <CLI/CLI.hpp>

namespace liantiao::app {

int RunCli(int argc, char** argv) {
  CLI::App cli{"liantiao: joint-debugging onboarding platform"};
  cli.require_subcommand(1);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}

}  // namespace liantiao::app

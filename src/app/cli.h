#pragma once

namespace liantiao::app {

// Parses the command line and runs the subcommand. Exit codes: 0 ok, 1 failure
// (one clear line on stderr), 2 usage.
int RunCli(int argc, char** argv);

}  // namespace liantiao::app

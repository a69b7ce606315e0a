#include "app/cli.h"

int main(int argc, char** argv) { return liantiao::app::RunCli(argc, argv); }

#include "app/cli.h"

// jemalloc's options (the binary links it, see src/CMakeLists.txt), read when it starts;
// MALLOC_CONF in the environment still wins. An arena per CPU rather than per thread:
// a sandbox request's buffers are allocated on an HTTP thread and freed on the group
// commit's answering thread, and with more threads than cores the frees then go back
// to the arena of the core they run on (docs/benchmarks.md).
extern "C" {
const char* malloc_conf = "percpu_arena:percpu";
}

int main(int argc, char** argv) { return liantiao::app::RunCli(argc, argv); }

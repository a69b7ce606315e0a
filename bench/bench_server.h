#pragma once

// A real `liantiao serve` process for the benchmarks: started on a free port with the
// given database and master key, its port read from the line it prints.
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace liantiao::bench {

struct Server {
  pid_t pid = 0;
  unsigned short port = 0;
};

inline Server StartServer(const std::string& db_url, const std::string& dir, const std::string& master_key_hex,
                          bool test_clock) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    setenv("LIANTIAO_MASTER_KEY", master_key_hex.c_str(), 1);
    setenv("LIANTIAO_FILES_DIR", (dir + "/files").c_str(), 1);
    setenv("LIANTIAO_STATIC_DIR", (dir + "/none").c_str(), 1);
    if (!getenv("LIANTIAO_THREADS")) setenv("LIANTIAO_THREADS", "4", 1);
    if (test_clock) {
      execl(LIANTIAO_BINARY, LIANTIAO_BINARY, "serve", "--db", db_url.c_str(), "--listen", "127.0.0.1:0",
            "--test-clock", static_cast<char*>(nullptr));
    } else {
      execl(LIANTIAO_BINARY, LIANTIAO_BINARY, "serve", "--db", db_url.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1) {
    if (c == '\n') {
      if (line.find("listening on") != std::string::npos) break;
      line.clear();
    } else {
      line += c;
    }
  }
  const auto colon = line.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("server did not start: " + line);
  return Server{pid, static_cast<unsigned short>(std::stoi(line.substr(colon + 1)))};
}

}  // namespace liantiao::bench

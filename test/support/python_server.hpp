// A small HTTP server written in Python for a test (a registry answering fixtures, a
// webhook receiver, a static file server): `python3 -c SCRIPT PORT ARGS...` on a free
// port of 127.0.0.1, started in the constructor (which returns once it accepts
// connections, or throws) and killed in the destructor. Tests never reach beyond
// 127.0.0.1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace kyb::test {

class python_server {
public:
  /// The script reads its port from sys.argv[1] and `args` after it. Its output goes
  /// to /dev/null unless `quiet` is false.
  explicit python_server(const char* script, std::vector<std::string> args = {},
                         bool quiet = true);
  ~python_server();
  python_server(const python_server&) = delete;
  python_server& operator=(const python_server&) = delete;

  uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>" followed by `path` (which starts with '/').
  std::string url(const std::string& path) const;

private:
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

} // namespace kyb::test

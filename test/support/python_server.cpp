#include "test/support/python_server.hpp"

#include <csignal>
#include <stdexcept>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/support/eventually.hpp"
#include "test/support/http_client.hpp"
#include "test/support/ports.hpp"

namespace kyb::test {

python_server::python_server(const char* script, std::vector<std::string> args,
                             bool quiet) {
  port_ = free_port();
  auto port = std::to_string(port_);
  std::vector<std::string> argv = {"python3", "-c", script, port};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    if (quiet) {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    ::execvp("python3", cargv.data());
    ::_exit(127);
  }
  bool exited = false;
  bool listening = eventually(
      [&] {
        int status = 0;
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        http_connection c("127.0.0.1", port_);
        return exited || c.connected();
      },
      std::chrono::seconds(20));
  if (exited) {
    pid_ = -1;
    throw std::runtime_error("the python3 test server did not start (is python3 "
                             "installed?)");
  }
  if (listening)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  throw std::runtime_error("the python3 test server did not listen on port " + port);
}

python_server::~python_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string python_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

} // namespace kyb::test

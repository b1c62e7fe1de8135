#include "test/support/file_server.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/support/http_client.hpp"
#include "test/support/node_process.hpp"

namespace kyb::test {

file_server::file_server(std::string dir) : dir_(std::move(dir)) {
  port_ = free_port();
  auto port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1",
             "--directory", dir_.c_str(), port.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("python3 -m http.server did not start (is python3 "
                               "installed?)");
    }
    http_connection c("127.0.0.1", port_);
    if (c.connected())
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  throw std::runtime_error("python3 -m http.server did not listen on port " + port);
}

file_server::~file_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string file_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

} // namespace kyb::test

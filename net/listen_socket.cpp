#include "net/listen_socket.hpp"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kyb::net {

int open_listen_socket(const std::string& host, uint16_t port, std::string& error,
                       bool reuse_port) {
  bool v6 = host.find(':') != std::string::npos;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port)
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in6 a6{};
  sockaddr_in a4{};
  a6.sin6_family = AF_INET6;
  a6.sin6_port = htons(port);
  a4.sin_family = AF_INET;
  a4.sin_port = htons(port);
  if (::inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(),
                  v6 ? static_cast<void*>(&a6.sin6_addr)
                     : static_cast<void*>(&a4.sin_addr)) != 1) {
    error = std::string(v6 ? "not an IPv6 address: " : "not an IPv4 address: ") + host;
    ::close(fd);
    return -1;
  }
  int rc = v6 ? ::bind(fd, reinterpret_cast<sockaddr*>(&a6), sizeof a6)
              : ::bind(fd, reinterpret_cast<sockaddr*>(&a4), sizeof a4);
  if (rc != 0 || ::listen(fd, 1024) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " +
            std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace kyb::net

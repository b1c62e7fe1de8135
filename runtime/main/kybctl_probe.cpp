#include "runtime/main/kybctl_probe.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kyb::runtime {

namespace {

/// Waits for `events` on `fd` for at most `timeout`.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1 && (p.revents & events);
}

/// A non-blocking TCP connection to `at`, or -1.
int connect_to(const config::host_port& at, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto port = std::to_string(at.port);
  if (::getaddrinfo(at.host.c_str(), port.c_str(), &hints, &found) != 0)
    return -1;
  int fd = -1;
  for (auto* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
      continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0)
      break;
    int err = 0;
    socklen_t len = sizeof err;
    if (errno == EINPROGRESS && wait_for(fd, POLLOUT, timeout) &&
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
      break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  return fd;
}

} // namespace

port_answer probe_port(const config::host_port& at, std::chrono::milliseconds timeout) {
  int fd = connect_to(at, timeout);
  if (fd < 0)
    return port_answer::unreachable;
  std::string request = "GET /health HTTP/1.1\r\nHost: " + at.host +
                        "\r\nUser-Agent: kybctl-probe\r\nConnection: close\r\n\r\n";
  auto sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char head[5] = {};
  size_t got = 0;
  while (sent == static_cast<ssize_t>(request.size()) && got < sizeof head &&
         wait_for(fd, POLLIN, timeout)) {
    auto n = ::recv(fd, head + got, sizeof head - got, 0);
    if (n <= 0)
      break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return got == sizeof head && std::memcmp(head, "HTTP/", 5) == 0 ? port_answer::http
                                                                  : port_answer::not_http;
}

std::optional<config::host_port> http_url_endpoint(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return std::nullopt;
  auto rest = std::string_view(url).substr(scheme.size());
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return std::nullopt;
  // No port: HTTP's 80 (brackets of an IPv6 host stay for the parser).
  bool has_port =
      !authority.empty() && authority.back() != ']' &&
      authority.find(':', authority.rfind(']') == std::string_view::npos
                              ? 0
                              : authority.rfind(']')) != std::string_view::npos;
  auto parsed = config::parse_host_port(has_port ? std::string(authority)
                                                 : std::string(authority) + ":80");
  if (!parsed)
    return std::nullopt;
  return *parsed.value;
}

} // namespace kyb::runtime

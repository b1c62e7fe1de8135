#include "test/support/http_client.hpp"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kyb::test {

std::string http_reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json http_reply::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

bool is_problem(const http_reply& r, int status) {
  auto j = r.json();
  return r.status == status && r.header("content-type") == "application/problem+json" &&
         j.is_object() && j.value("status", 0) == status;
}

std::set<std::string> problem_fields(const http_reply& r) {
  std::set<std::string> out;
  auto j = r.json();
  if (j.is_object() && j.contains("errors"))
    for (auto& e : j["errors"])
      out.insert(e.value("field", std::string("<none>")));
  return out;
}

http_connection::http_connection(const std::string& host, uint16_t port,
                                 const std::string& source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

http_connection::~http_connection() {
  close();
}

void http_connection::close() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

bool http_connection::send_raw(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {

bool read_more(int fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
  if (left <= 0)
    return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0)
    return false;
  char tmp[65536];
  auto n = ::recv(fd, tmp, sizeof tmp, 0);
  if (n <= 0)
    return false;
  buf.append(tmp, static_cast<size_t>(n));
  return true;
}

} // namespace

std::optional<http_reply> http_connection::read_reply(std::chrono::milliseconds timeout,
                                                      bool head) {
  if (fd_ < 0)
    return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!read_more(fd_, buffer_, deadline))
      return std::nullopt;
  http_reply r;
  std::string head_text = buffer_.substr(0, end);
  auto line_end = head_text.find("\r\n");
  std::string status_line = head_text.substr(0, line_end);
  if (status_line.size() < 12)
    return std::nullopt;
  r.status = std::stoi(status_line.substr(9, 3));
  size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
  while (pos < head_text.size()) {
    auto e = head_text.find("\r\n", pos);
    if (e == std::string::npos)
      e = head_text.size();
    auto line = head_text.substr(pos, e - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& ch : name)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      r.headers[name] = value;
    }
    pos = e + 2;
  }
  size_t length = 0;
  if (auto it = r.headers.find("content-length"); it != r.headers.end())
    length = std::stoul(it->second);
  if (head || r.status / 100 == 1 || r.status == 204 || r.status == 304)
    length = 0;
  while (buffer_.size() < end + 4 + length)
    if (!read_more(fd_, buffer_, deadline))
      return std::nullopt;
  r.body = buffer_.substr(end + 4, length);
  buffer_.erase(0, end + 4 + length);
  return r;
}

bool http_connection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0)
      return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0)
      return false;
    char tmp[4096];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n == 0)
      return true;
    if (n < 0)
      return errno == ECONNRESET;
  }
}

std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body,
                         const std::map<std::string, std::string>& headers) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (auto& [k, v] : headers) {
    out += k + ": " + v + "\r\n";
    if (k == "Content-Type")
      has_type = true;
  }
  if (!body.empty() || method == "POST" || method == "PATCH") {
    if (!has_type)
      out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n" + body;
  return out;
}

http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body,
                     const std::map<std::string, std::string>& headers) {
  http_connection c("127.0.0.1", port);
  if (!c.connected() || !c.send_raw(make_request(method, target, body, headers)))
    return http_reply{};
  auto r = c.read_reply(std::chrono::seconds(30), method == "HEAD");
  return r ? *r : http_reply{};
}

} // namespace kyb::test

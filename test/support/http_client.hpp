// A deliberately small HTTP/1.1 client over a raw socket for end-to-end tests: it can
// send exactly the bytes a test wants (malformed requests, smuggling attempts, slow
// trickles) and reads responses framed by Content-Length.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace kyb::test {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;

  std::string header(const std::string& name) const;
  /// The body parsed as JSON (discarded value if it is not JSON).
  nlohmann::json json() const;
};

/// The reply is an application/problem+json document with this status (in the status
/// line and in the document).
bool is_problem(const http_reply& r, int status);
/// The `field` of every entry of a problem's `errors` ("<none>" for an entry without).
std::set<std::string> problem_fields(const http_reply& r);

class http_connection {
public:
  /// Connects to host:port (IPv4), from the local address `source` when given (any of
  /// 127.0.0.0/8 works on loopback: tests of per-address limits).
  http_connection(const std::string& host, uint16_t port, const std::string& source = {});
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// Sends raw bytes; false if the peer closed.
  bool send_raw(const std::string& bytes);
  /// Reads one response; nullopt if the connection closed or `timeout` passed first.
  /// `head`: the reply answers a HEAD request (no body follows its Content-Length).
  std::optional<http_reply>
  read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10),
             bool head = false);
  /// True once the server closed the connection (reads EOF within `timeout`).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

private:
  int fd_ = -1;
  std::string buffer_;
};

/// Builds a request. `body` non-empty adds Content-Type: application/json and
/// Content-Length.
std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {});

/// One request on a fresh connection.
http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});

} // namespace kyb::test

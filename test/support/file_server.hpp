// A static file server on loopback for tests of the outbound HTTP client: Python's
// http.server (Last-Modified, If-Modified-Since -> 304, 301 for a directory without
// its slash) serving one directory, over TLS when given a certificate. A file
// `<path>.location` makes GET <path> a 302 to the URL it holds. Tests never reach
// beyond 127.0.0.1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "test/support/python_server.hpp"

namespace kyb::test {

class file_server {
public:
  /// Serves `dir` on a free port of 127.0.0.1; returns when it accepts connections.
  /// With `cert_file` and `key_file` (PEM), serves https.
  explicit file_server(std::string dir, std::string cert_file = {},
                       std::string key_file = {});
  file_server(const file_server&) = delete;
  file_server& operator=(const file_server&) = delete;

  uint16_t port() const { return server_->port(); }
  /// "http(s)://127.0.0.1:<port>" followed by `path` (which starts with '/').
  std::string url(const std::string& path) const;
  /// Makes a self-signed certificate for 127.0.0.1 (its own CA) in `dir`: cert.pem and
  /// key.pem (with the openssl command). False when that failed.
  static bool make_certificate(const std::string& dir);

private:
  std::string dir_;
  bool tls_ = false;
  std::unique_ptr<python_server> server_;
};

} // namespace kyb::test

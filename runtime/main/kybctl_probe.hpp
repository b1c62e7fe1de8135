// What answers at a HOST:PORT, for kybctl's error messages: a node listens on three
// ports (api.listen for HTTP, cluster.listen and cluster.admin_listen for CAF's BASP,
// with TLS unless insecure), and a command pointed at the wrong one should say which
// port it reached instead of a protocol error ("malformed_basp_message", "Empty reply").
#pragma once

#include <chrono>
#include <string>

#include "config/host_port.hpp"

namespace kyb::runtime {

enum class port_answer {
  unreachable, ///< no connection (refused, no route, timed out)
  http,        ///< answered an HTTP request with an HTTP status line
  not_http,    ///< accepted, but answered otherwise or not at all (BASP, TLS)
};

/// Connects to `at`, sends one small HTTP/1.1 request (GET /health) and reads the first
/// bytes of the answer, each step bounded by `timeout`.
port_answer probe_port(const config::host_port& at,
                       std::chrono::milliseconds timeout = std::chrono::seconds(2));

/// The HOST:PORT of an http:// URL ("http://127.0.0.1:8080/x" -> 127.0.0.1:8080; port
/// 80 when none), or nothing for another scheme or a malformed URL.
std::optional<config::host_port> http_url_endpoint(const std::string& url);

} // namespace kyb::runtime

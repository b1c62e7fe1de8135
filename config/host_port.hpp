// Network endpoints written as "HOST:PORT" or "[IPv6]:PORT": the one parser for the
// listen addresses and seeds of the configuration and for kybctl's --node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kyb::config {

/// A host (name, IPv4, or IPv6 without its brackets) and a port in 1..65535.
struct host_port {
  std::string host;
  uint16_t port = 0;

  friend bool operator==(const host_port& a, const host_port& b) {
    return a.host == b.host && a.port == b.port;
  }
};

/// A parsed endpoint, or what is wrong with the text (the caller names the key).
struct host_port_result {
  std::optional<host_port> value;
  std::string error; ///< e.g. "the port must be 1..65535, got '0'"
  explicit operator bool() const { return value.has_value(); }
};

/// Parses "HOST:PORT" or "[IPv6]:PORT". Refused: no port, a port outside 1..65535 or not
/// all digits, an empty host, unbalanced brackets, an IPv6 address without brackets.
host_port_result parse_host_port(std::string_view text);

/// "host:port", or "[v6]:port" when the host holds a ':'.
std::string to_string(const host_port& endpoint);

} // namespace kyb::config

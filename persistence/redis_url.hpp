// redis://[[user]:password@]host[:port][/db] as parts.
#pragma once

#include <cstdint>
#include <string>

#include <caf/expected.hpp>

namespace kyb::persistence {

/// Where and how to reach Redis.
struct redis_endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string user;     ///< Redis 6 ACL user; empty = default user.
  std::string password; ///< Empty = no AUTH.
  int db = 0;           ///< SELECTed after connecting when not 0.
};

/// Parses a redis:// URL (percent-encoded user and password allowed). Fails with
/// errc::invalid_argument naming what is wrong.
caf::expected<redis_endpoint> parse_redis_url(const std::string& url);

} // namespace kyb::persistence

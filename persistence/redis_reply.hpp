// A Redis reply as a value: what hiredis parsed, copied out of its buffers so that it can
// travel in a CAF message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kyb::persistence {

/// One reply of a Redis command. A Redis error reply (WRONGTYPE, ERR ...) is a reply of
/// kind `error`, not a caf::error: the command reached the server. Connection loss and
/// timeouts are caf::errors (errc::unavailable, errc::timeout).
struct redis_reply {
  enum class kind : uint8_t { nil = 0, integer, string, status, array, error };

  kind type = kind::nil;
  int64_t integer = 0;               ///< For kind::integer.
  std::string str;                   ///< For kind::string, kind::status and kind::error.
  std::vector<redis_reply> elements; ///< For kind::array.

  bool is_nil() const { return type == kind::nil; }
  bool is_error() const { return type == kind::error; }
  /// True for a status or string reply equal to `s` (e.g. "OK", "PONG").
  bool is(const std::string& s) const {
    return (type == kind::status || type == kind::string) && str == s;
  }

  static redis_reply make_nil() { return {}; }
  static redis_reply make_integer(int64_t v);
  static redis_reply make_string(std::string s, kind k = kind::string);
};

bool operator==(const redis_reply& a, const redis_reply& b);
inline bool operator!=(const redis_reply& a, const redis_reply& b) {
  return !(a == b);
}

/// "nil", "42", "\"text\"", "+OK", "-ERR ...", "[a, b]": for logs and test output.
std::string to_string(const redis_reply& x);

/// CAF serialization (recursive for arrays).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, redis_reply& x) {
  return f(caf::meta::type_name("redis_reply"), x.type, x.integer, x.str, x.elements);
}

} // namespace kyb::persistence

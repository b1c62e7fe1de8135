// The one JSON string escaper: log lines (runtime/base/log) write UTF-8 as is, cache
// keys (runtime/cache/cache_key) need Python's json.dumps(ensure_ascii=True) bytes.
#pragma once

#include <string>
#include <string_view>

namespace kyb::base {

/// How non-ASCII text is written.
enum class json_escape {
  utf8,  ///< copied as is
  ascii, ///< as \uXXXX escapes (surrogate pairs above U+FFFF), as Python's ensure_ascii
};

/// Appends `s` to `out` as a JSON string body (without quotes): `"` and `\` escaped,
/// \n \r \t \b \f by name, other control characters as \u00XX. Bytes that are not
/// valid UTF-8 become U+FFFD, so the result is always valid JSON.
void append_json_escaped(std::string& out, std::string_view s, json_escape mode);

/// The same with UTF-8 copied as is (also declared in runtime/base/log.hpp).
void append_json_escaped(std::string& out, std::string_view s);

} // namespace kyb::base

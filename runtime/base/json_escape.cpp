#include "runtime/base/json_escape.hpp"

#include <cstdint>

namespace kyb::base {

namespace {

constexpr const char* hex = "0123456789abcdef";

void append_u16(std::string& out, uint32_t v) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4)
    out += hex[(v >> shift) & 0xF];
}

} // namespace

void append_json_escaped(std::string& out, std::string_view s, json_escape mode) {
  size_t i = 0;
  while (i < s.size()) {
    // A run of characters that need no escape, appended at once.
    size_t j = i;
    while (j < s.size()) {
      const auto d = static_cast<unsigned char>(s[j]);
      if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\')
        break;
      ++j;
    }
    if (j > i) {
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20)
          append_u16(out, c);
        else
          out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // One UTF-8 sequence: copied or escaped when valid, else U+FFFD.
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      if (mode == json_escape::ascii)
        append_u16(out, 0xFFFD);
      else
        out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (mode == json_escape::utf8) {
      out.append(s.data() + i, len);
      i += len;
      continue;
    }
    uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u16(out, 0xD800 + (cp >> 10));
      append_u16(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_u16(out, cp);
    }
  }
}

void append_json_escaped(std::string& out, std::string_view s) {
  append_json_escaped(out, s, json_escape::utf8);
}

} // namespace kyb::base

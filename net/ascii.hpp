// ASCII helpers shared by the HTTP pieces: HTTP field names, tokens and media types are
// ASCII and compared case-insensitively, independent of the C locale.
#pragma once

#include <cstddef>
#include <string_view>

#include "runtime/base/text.hpp"

namespace kyb::net {

using base::ascii_lower;

/// True when `a` and `b` are equal ignoring ASCII case (base::iequals under its HTTP
/// name).
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  return base::iequals(a, b);
}

/// True for RFC 9110 `tchar`, the characters of a token (method, field name, coding).
constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~':
    return true;
  default:
    return false;
  }
}

/// True when `s` is a non-empty token.
constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (!is_tchar(c))
      return false;
  return true;
}

/// `s` without leading and trailing optional whitespace (SP and HTAB only, RFC 9110 OWS;
/// unlike base::trim, CR and LF are not OWS and stay).
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace kyb::net

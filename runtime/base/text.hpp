// ASCII text basics shared by every layer: trimming blanks and comparing without case,
// independent of the C locale. Header-only and dependency-free, so the config reader and
// the pure engines can use it without linking anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kyb::base {

/// Lower-cases one ASCII letter; every other byte is returned unchanged.
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// True for the blanks `trim` removes: space, tab, CR and LF.
constexpr bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// `s` without leading and trailing blanks (space, tab, CR, LF). The result views `s`.
constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

/// Appends `s` to `out` as "<length>:<s>": fields appended this way never run into each
/// other ("ab"+"c" and "a"+"bc" differ), for keys and fingerprints made of several
/// fields.
inline void append_length_prefixed(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

/// `trim(s)` as a string of its own (for temporaries and stored values).
inline std::string trim_copy(std::string_view s) {
  return std::string(trim(s));
}

/// True when `a` and `b` are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

/// True when `s` begins with `prefix`, ignoring ASCII case.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// `s` with its ASCII letters lower-cased.
inline std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = ascii_lower(c);
  return out;
}

} // namespace kyb::base

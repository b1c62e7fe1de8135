#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

std::vector<std::string> split_trimmed(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(sep, i);
    if (j == std::string_view::npos)
      j = s.size();
    auto part = trim(s.substr(i, j - i));
    if (!part.empty())
      out.emplace_back(part);
    i = j + sep.size();
  }
  return out;
}

bool parse_uint(std::string_view s, unsigned long long& out) noexcept {
  if (s.empty() || s.size() > 19)
    return false;
  unsigned long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + static_cast<unsigned long long>(c - '0');
  }
  out = v;
  return true;
}

} // namespace kyb::screening

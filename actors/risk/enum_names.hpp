// One table of names per enum of the risk engine: the enum's values are 0..N-1 and
// names[i] is the name of value i, so naming, parsing and listing share that table.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace kyb::risk::detail {

template <class Enum, size_t N>
const char* name_in(const char* const (&names)[N], Enum value) noexcept {
  auto i = static_cast<size_t>(value);
  return i < N ? names[i] : "";
}

template <class Enum, size_t N>
std::optional<Enum> value_in(const char* const (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (name == names[i])
      return static_cast<Enum>(i);
  return std::nullopt;
}

template <class Enum, size_t N>
std::vector<Enum> values_in(const char* const (&)[N]) {
  std::vector<Enum> out;
  for (size_t i = 0; i < N; ++i)
    out.push_back(static_cast<Enum>(i));
  return out;
}

} // namespace kyb::risk::detail

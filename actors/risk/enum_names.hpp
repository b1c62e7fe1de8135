// Names of the risk engine's enums. Each enum (values 0..N-1) specialises enum_names
// with its table of names beside its declaration; naming, parsing and listing the
// values all read that one table.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

namespace kyb::risk {

/// Specialised per enum: `static constexpr const char* names[]`, names[i] naming value i.
template <class Enum>
struct enum_names;

/// The name of `value` ("" for a value outside the table).
template <class Enum>
const char* name_of(Enum value) noexcept {
  const auto& names = enum_names<Enum>::names;
  auto i = static_cast<size_t>(value);
  return i < std::size(names) ? names[i] : "";
}

/// The name of a value of any enum with an enum_names table.
template <class Enum, class = decltype(enum_names<Enum>::names)>
const char* to_string(Enum value) noexcept {
  return name_of(value);
}

/// The value named `name`, or nullopt.
template <class Enum>
std::optional<Enum> enum_named(std::string_view name) {
  const auto& names = enum_names<Enum>::names;
  for (size_t i = 0; i < std::size(names); ++i)
    if (name == names[i])
      return static_cast<Enum>(i);
  return std::nullopt;
}

/// Every value, in order.
template <class Enum>
const std::vector<Enum>& enum_values() {
  static const std::vector<Enum> values = [] {
    std::vector<Enum> out;
    for (size_t i = 0; i < std::size(enum_names<Enum>::names); ++i)
      out.push_back(static_cast<Enum>(i));
    return out;
  }();
  return values;
}

} // namespace kyb::risk

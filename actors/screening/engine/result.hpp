// A value or an error, for the engine's public API: nothing in kyb::screening throws
// across its interface.
#pragma once

#include <utility>
#include <variant>

namespace kyb::screening {

/// Holds either a value of type T or an error of type E (like caf::expected).
template <class T, class E>
class result {
public:
  /// Constructs a successful result.
  result(T value) : data_(std::in_place_index<0>, std::move(value)) {}

  /// Constructs a failed result.
  result(E error) : data_(std::in_place_index<1>, std::move(error)) {}

  /// True when a value is held.
  bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; only valid when has_value().
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &std::get<0>(data_); }
  const T* operator->() const { return &std::get<0>(data_); }

  /// The error; only valid when !has_value().
  const E& error() const { return std::get<1>(data_); }

private:
  std::variant<T, E> data_;
};

} // namespace kyb::screening

// A value or an error, for a public API without exceptions (C++17 has no
// std::expected; the engine must not depend on CAF).
#pragma once

#include <utility>
#include <variant>

#include "actors/classification/error.hpp"

namespace kyb::classification {

/// Holds either a `T` or an `error`. Test with `if (result)`, then use `*result` or
/// `result.err()`; reading the wrong alternative is a programming error.
template <class T>
class expected {
public:
  /// A successful result.
  expected(T value) : data_(std::move(value)) {}

  /// A failed result.
  expected(error err) : data_(std::move(err)) {}

  /// True when a value is held.
  bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; only valid when has_value().
  T& operator*() & { return std::get<0>(data_); }
  const T& operator*() const& { return std::get<0>(data_); }
  T&& operator*() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &std::get<0>(data_); }
  const T* operator->() const { return &std::get<0>(data_); }

  /// The error; only valid when !has_value().
  const error& err() const { return std::get<1>(data_); }

private:
  std::variant<T, error> data_;
};

} // namespace kyb::classification

// A value or an http_error, for APIs that report failures without exceptions.
#pragma once

#include <utility>
#include <variant>

#include "net/http_error.hpp"

namespace kyb::net {

/// Holds either a `T` or an http_error. Test with `if (r)`, then use `*r` or
/// `r.error()`; reading the alternative that is not held is a programming error.
template <class T>
class result {
public:
  /// A success.
  result(T value) : data_(std::in_place_index<0>, std::move(value)) {}

  /// A failure.
  result(http_error err) : data_(std::in_place_index<1>, std::move(err)) {}

  /// True when a value is held.
  bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; only when has_value().
  T& operator*() & { return *std::get_if<0>(&data_); }
  const T& operator*() const& { return *std::get_if<0>(&data_); }
  T&& operator*() && { return std::move(*std::get_if<0>(&data_)); }
  T* operator->() { return std::get_if<0>(&data_); }
  const T* operator->() const { return std::get_if<0>(&data_); }

  /// The error; only when !has_value().
  const http_error& error() const { return *std::get_if<1>(&data_); }

private:
  std::variant<T, http_error> data_;
};

} // namespace kyb::net

// An ordered list of HTTP header fields with case-insensitive lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::net {

/// Header fields in the order they were added, duplicates kept. Names and values live in
/// one arena string, so a request's headers cost two allocations that clear() keeps for
/// the next request. Lookups compare names ignoring ASCII case and return the value of
/// the first match; the views stay valid until the next add() or clear().
class http_headers {
public:
  /// One field as views into the container.
  struct field {
    std::string_view name;
    std::string_view value;
  };

  /// Iterates fields in insertion order.
  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = field;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = field;

    const_iterator() = default;
    const_iterator(const http_headers* owner, size_t index)
        : owner_(owner), index_(index) {}

    field operator*() const { return (*owner_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++index_;
      return old;
    }
    bool operator==(const const_iterator& other) const { return index_ == other.index_; }
    bool operator!=(const const_iterator& other) const { return index_ != other.index_; }

  private:
    const http_headers* owner_ = nullptr;
    size_t index_ = 0;
  };

  /// Appends a field. `name` and `value` must not point into this container.
  void add(std::string_view name, std::string_view value);

  /// The value of the first field called `name`, if any.
  std::optional<std::string_view> find(std::string_view name) const noexcept;

  /// The value of the first field called `name`, or "" when there is none.
  std::string_view get(std::string_view name) const noexcept;

  /// True when at least one field is called `name`.
  bool contains(std::string_view name) const noexcept { return find(name).has_value(); }

  /// How many fields are called `name`.
  size_t count(std::string_view name) const noexcept;

  /// The number of fields.
  size_t size() const noexcept { return entries_.size(); }

  /// True when there are no fields.
  bool empty() const noexcept { return entries_.empty(); }

  /// The field at `index` (< size()), in insertion order.
  field operator[](size_t index) const noexcept;

  /// Iteration in insertion order.
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, entries_.size()}; }

  /// Removes every field. Keeps the storage unless it grew large, so a long-lived
  /// connection does not pin the memory of its largest request.
  void clear() noexcept;

  /// Exchanges the contents of two containers.
  void swap(http_headers& other) noexcept {
    data_.swap(other.data_);
    entries_.swap(other.entries_);
  }

private:
  struct entry {
    uint32_t name_offset;
    uint32_t name_size;
    uint32_t value_offset;
    uint32_t value_size;
  };

  std::string data_;
  std::vector<entry> entries_;
};

} // namespace kyb::net

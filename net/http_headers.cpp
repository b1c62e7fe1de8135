#include "net/http_headers.hpp"

#include "net/ascii.hpp"

namespace kyb::net {

namespace {

// Above this the storage is released on clear(): typical requests need far less.
constexpr size_t retained_bytes = 16 * 1024;
constexpr size_t retained_fields = 64;

} // namespace

void http_headers::add(std::string_view name, std::string_view value) {
  entry e;
  e.name_offset = static_cast<uint32_t>(data_.size());
  e.name_size = static_cast<uint32_t>(name.size());
  data_.append(name);
  e.value_offset = static_cast<uint32_t>(data_.size());
  e.value_size = static_cast<uint32_t>(value.size());
  data_.append(value);
  entries_.push_back(e);
}

std::optional<std::string_view> http_headers::find(std::string_view name) const noexcept {
  for (const auto& e : entries_)
    if (ascii_iequals({data_.data() + e.name_offset, e.name_size}, name))
      return std::string_view{data_.data() + e.value_offset, e.value_size};
  return std::nullopt;
}

std::string_view http_headers::get(std::string_view name) const noexcept {
  auto value = find(name);
  return value ? *value : std::string_view{};
}

size_t http_headers::count(std::string_view name) const noexcept {
  size_t n = 0;
  for (const auto& e : entries_)
    if (ascii_iequals({data_.data() + e.name_offset, e.name_size}, name))
      ++n;
  return n;
}

http_headers::field http_headers::operator[](size_t index) const noexcept {
  const auto& e = entries_[index];
  return {{data_.data() + e.name_offset, e.name_size},
          {data_.data() + e.value_offset, e.value_size}};
}

void http_headers::clear() noexcept {
  if (data_.capacity() > retained_bytes)
    std::string{}.swap(data_);
  else
    data_.clear();
  if (entries_.capacity() > retained_fields)
    std::vector<entry>{}.swap(entries_);
  else
    entries_.clear();
}

} // namespace kyb::net

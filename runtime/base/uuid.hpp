// 128-bit identifiers. New rows get UUIDv7 (time-ordered, so B-tree inserts stay
// local); every replicated table uses them as keys (see REGIONS-NOTES.md).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kyb::base {

struct uuid {
  std::array<uint8_t, 16> bytes{};

  /// A new random version-7 UUID (48-bit Unix milliseconds, then random bits). The
  /// millisecond prefix never goes backwards within a process, even if the clock does.
  static uuid make_v7();

  /// Parses the canonical 36-character form or 32 hex digits (case-insensitive).
  static std::optional<uuid> parse(std::string_view text);

  bool is_nil() const;
  /// Canonical lower-case form: 8-4-4-4-12.
  std::string to_string() const;
  /// 32 lower-case hex digits, no dashes.
  std::string to_hex() const;

  friend bool operator==(const uuid& a, const uuid& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const uuid& a, const uuid& b) { return a.bytes != b.bytes; }
  friend bool operator<(const uuid& a, const uuid& b) { return a.bytes < b.bytes; }
};

/// CAF serialization: a uuid travels as its 16 bytes.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uuid& x) {
  return f(x.bytes);
}

} // namespace kyb::base

template <>
struct std::hash<kyb::base::uuid> {
  size_t operator()(const kyb::base::uuid& u) const noexcept {
    uint64_t a = 0;
    uint64_t b = 0;
    for (int i = 0; i < 8; ++i) {
      a = (a << 8) | u.bytes[i];
      b = (b << 8) | u.bytes[8 + i];
    }
    return static_cast<size_t>(a ^ (b * 0x9E3779B97F4A7C15ULL));
  }
};

#include "runtime/base/uuid.hpp"

#include <atomic>
#include <chrono>

#include "runtime/base/crypto.hpp"

namespace kyb::base {

namespace {

// The wall clock can step backwards (NTP, a VM resumed); the millisecond prefix must
// not, or keys made later would sort before earlier ones (RFC 9562 §6.2).
int64_t monotonic_unix_ms() {
  static std::atomic<int64_t> last{0};
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto seen = last.load(std::memory_order_relaxed);
  while (now > seen &&
         !last.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
  return now > seen ? now : seen;
}

} // namespace

uuid uuid::make_v7() {
  uuid u;
  auto ms = monotonic_unix_ms();
  fill_random(u.bytes.data() + 6, 10);
  for (int i = 0; i < 6; ++i)
    u.bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(ms) >> (8 * (5 - i)));
  u.bytes[6] = static_cast<uint8_t>(0x70 | (u.bytes[6] & 0x0F));
  u.bytes[8] = static_cast<uint8_t>(0x80 | (u.bytes[8] & 0x3F));
  return u;
}

std::optional<uuid> uuid::parse(std::string_view text) {
  std::string hex;
  if (text.size() == 36) {
    if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
      return std::nullopt;
    hex.reserve(32);
    for (size_t i = 0; i < text.size(); ++i)
      if (i != 8 && i != 13 && i != 18 && i != 23)
        hex += text[i];
  } else if (text.size() == 32) {
    hex = text;
  } else {
    return std::nullopt;
  }
  auto raw = hex_decode(hex);
  if (!raw)
    return std::nullopt;
  uuid u;
  std::copy(raw->begin(), raw->end(), u.bytes.begin());
  return u;
}

bool uuid::is_nil() const {
  for (auto b : bytes)
    if (b != 0)
      return false;
  return true;
}

std::string uuid::to_hex() const {
  return hex_encode(bytes.data(), bytes.size());
}

std::string uuid::to_string() const {
  auto h = to_hex();
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20);
}

} // namespace kyb::base

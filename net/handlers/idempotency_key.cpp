#include "net/handlers/idempotency_key.hpp"

#include <algorithm>

#include "runtime/base/crypto.hpp"

namespace kyb::net::handlers {

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 255)
    return false;
  for (char c : key)
    if (c < 0x21 || c > 0x7E)
      return false;
  return true;
}

base::uuid idempotent_id(const char* kind, const base::uuid& tenant,
                         const std::string& key) {
  auto d = base::sha256(std::string("kyb-idempotent-") + kind + "\n" + tenant.to_hex() +
                        "\n" + key);
  base::uuid u;
  std::copy(d.begin(), d.begin() + 16, u.bytes.begin());
  u.bytes[6] = static_cast<uint8_t>(0x80 | (u.bytes[6] & 0x0F));
  u.bytes[8] = static_cast<uint8_t>(0x80 | (u.bytes[8] & 0x3F));
  return u;
}

} // namespace kyb::net::handlers

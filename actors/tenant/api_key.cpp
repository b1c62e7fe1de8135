#include "actors/tenant/api_key.hpp"

#include "runtime/base/crypto.hpp"

namespace kyb::actors {

parsed_api_key make_api_key(const base::uuid& tenant_id, const base::uuid& key_id) {
  return {tenant_id, key_id, base::hex_encode(base::random_bytes(16))};
}

std::string format_api_key(const parsed_api_key& key) {
  return "kyb_" + key.tenant_id.to_hex() + key.key_id.to_hex() + key.secret;
}

std::optional<parsed_api_key> parse_api_key(std::string_view text) {
  if (text.size() != 100 || text.substr(0, 4) != "kyb_")
    return std::nullopt;
  auto tenant = base::uuid::parse(text.substr(4, 32));
  auto key = base::uuid::parse(text.substr(36, 32));
  auto secret = text.substr(68, 32);
  for (char c : secret)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return std::nullopt;
  if (!tenant || !key)
    return std::nullopt;
  return parsed_api_key{*tenant, *key, std::string(secret)};
}

std::string secret_hash(std::string_view secret) {
  auto d = base::sha256(secret);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

} // namespace kyb::actors

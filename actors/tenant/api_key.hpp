// API key text format. A key is shown to its owner once and never stored: the database
// keeps the SHA-256 of its secret part only.
//
//   kyb_<tenant id: 32 hex><key id: 32 hex><secret: 32 hex>     (100 characters)
//
// The tenant id routes the check to that tenant's actor; the key id finds the stored
// hash.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/base/uuid.hpp"

namespace kyb::actors {

struct parsed_api_key {
  base::uuid tenant_id;
  base::uuid key_id;
  std::string secret; ///< 32 lower-case hex digits
};

/// Makes a new key for the tenant: its text (to show once) and its parts.
parsed_api_key make_api_key(const base::uuid& tenant_id, const base::uuid& key_id);
std::string format_api_key(const parsed_api_key& key);
/// Parses a key as sent in `Authorization: Bearer ...`; nullopt if malformed.
std::optional<parsed_api_key> parse_api_key(std::string_view text);
/// SHA-256 of the secret, raw 32 bytes: what is stored and compared.
std::string secret_hash(std::string_view secret);

} // namespace kyb::actors

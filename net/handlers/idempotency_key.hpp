// What every create under an `Idempotency-Key` shares: the key's syntax and the id the
// created resource gets from the tenant and the key, so that a retry after an unknown
// outcome (a connection lost after the commit) finds it instead of creating a second.
#pragma once

#include <string>

#include "runtime/base/uuid.hpp"

namespace kyb::net::handlers {

/// 1 to 255 visible ASCII characters.
bool valid_idempotency_key(const std::string& key);

/// The id of a resource of kind `kind` ("business", "verification") created by
/// `tenant` under `key` (version 8: a custom UUID from SHA-256).
base::uuid idempotent_id(const char* kind, const base::uuid& tenant,
                         const std::string& key);

} // namespace kyb::net::handlers

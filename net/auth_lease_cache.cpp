#include "net/auth_lease_cache.hpp"

#include <algorithm>
#include <iterator>

#include "runtime/base/crypto.hpp"

namespace kyb::net {

auth_lease* auth_lease_cache::find(const base::uuid& key_id, std::string_view secret_hash,
                                   clock::time_point now) {
  auto it = leases_.find(key_id);
  if (it == leases_.end())
    return nullptr;
  auto& l = it->second;
  if (l.expires <= now || l.tokens == 0) {
    leases_.erase(it);
    return nullptr;
  }
  return base::constant_time_equal(l.secret_hash, secret_hash) ? &l : nullptr;
}

void auth_lease_cache::keep(const base::uuid& key_id, std::string secret_hash,
                            const actors::auth_grant& g, clock::time_point asked,
                            clock::time_point now) {
  if (g.tokens == 0 || g.valid_ms == 0)
    return;
  auto expires = asked + std::chrono::milliseconds(g.valid_ms);
  if (leases_.size() >= max_)
    for (auto it = leases_.begin(); it != leases_.end();)
      it = it->second.expires <= now ? leases_.erase(it) : std::next(it);
  if (leases_.size() >= max_)
    leases_.clear();
  auto& l = leases_[key_id];
  if (l.expires > now && base::constant_time_equal(l.secret_hash, secret_hash)) {
    l.tokens += g.tokens;
    l.expires = std::min(l.expires, expires);
    return;
  }
  l = auth_lease{g.who, std::move(secret_hash), g.tokens, expires};
}

} // namespace kyb::net

// The authentications an HTTP worker may reuse without asking the tenant actor again
// (leases of actors::auth_grant, rate_limit.auth_lease). A lease ends when its time or
// its tokens run out; a revoked key's lease is not cut short: the tenant actor answers
// the revocation only after every lease on the key has run out.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/messages.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::net {

/// One reusable authentication: who the key is, the hash of the secret that was
/// checked, the rate-limit tokens left, and when it runs out (counted from when the
/// worker asked, so before the tenant actor's own deadline for it).
struct auth_lease {
  actors::principal who;
  std::string secret_hash;
  uint32_t tokens = 0;
  std::chrono::steady_clock::time_point expires;
};

/// The leases of one HTTP worker by API key id, at most `max_leases` of them. Not
/// thread-safe: one broker owns it.
class auth_lease_cache {
public:
  using clock = std::chrono::steady_clock;

  static constexpr size_t default_max_leases = 10000;

  explicit auth_lease_cache(size_t max_leases = default_max_leases) noexcept
      : max_(max_leases) {}

  /// The live lease of `key_id` for the secret hashed as `secret_hash`, or nullptr.
  /// A lease that ran out (time or tokens) is dropped here. The caller spends one of
  /// its tokens (`--tokens`) when it serves a request on it.
  auth_lease* find(const base::uuid& key_id, std::string_view secret_hash,
                   clock::time_point now);

  /// Keeps the lease of grant `g`, asked for at `asked`. A live lease of the same key
  /// and secret is merged (tokens added, the earlier deadline holds for both); one of
  /// another secret is replaced. A grant without tokens or time keeps nothing. When the
  /// cache is full, expired leases go first, then all of them.
  void keep(const base::uuid& key_id, std::string secret_hash,
            const actors::auth_grant& g, clock::time_point asked, clock::time_point now);

  /// The number of leases held (live or not yet found expired).
  size_t size() const noexcept { return leases_.size(); }

private:
  size_t max_;
  std::unordered_map<base::uuid, auth_lease> leases_;
};

} // namespace kyb::net

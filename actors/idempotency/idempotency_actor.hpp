// Idempotency keys for POST requests, kept in Redis for api.idempotency_ttl (24 h):
// the first request with a key runs and its response is stored; a replay with the same
// body gets the stored response; the same key with a different body is refused.
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

struct idempotency_outcome {
  bool replay = false; ///< false: proceed (the key is now reserved for this request)
  uint16_t status = 0; ///< the stored response, when replaying
  std::string body;
  std::string location;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_outcome& x) {
  return f(x.replay, x.status, x.body, x.location);
}

using idempotency_actor = caf::typed_actor<
    /// Reserves (tenant, key) for a request with this body fingerprint, or returns the
    /// stored response. Errors: conflict (the first request is still running),
    /// unprocessable (the key was used with another body), unavailable (Redis is down).
    caf::replies_to<begin_atom, base::uuid, std::string /*key*/,
                    std::string /*fingerprint*/>::with<idempotency_outcome>,
    /// Stores the response of the reserved request (keeps the key's original expiry).
    caf::replies_to<complete_atom, base::uuid, std::string, std::string, uint16_t,
                    std::string, std::string>::with<ok_atom>,
    /// Releases a reservation whose request failed in a way worth retrying (5xx).
    caf::reacts_to<abort_atom, base::uuid, std::string, std::string>>;

idempotency_actor spawn_idempotency_actor(caf::actor_system& sys, platform_ptr p);

/// The Redis key for (tenant, idempotency key): the client's key is hashed so that its
/// length and bytes never reach Redis's key space.
std::string idempotency_redis_key(const base::uuid& tenant, const std::string& key);

} // namespace kyb::actors

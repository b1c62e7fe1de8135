// API usage analytics: HTTP brokers hand over per-minute counts off the request path;
// this actor merges them and writes `api_usage` rows in batches, and answers a tenant's
// usage summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

/// Requests of one tenant to one endpoint template with one method and status in one
/// minute.
struct usage_sample {
  base::uuid tenant_id;
  std::string region;
  std::string endpoint;
  std::string method;
  uint16_t status = 0;
  int64_t minute = 0; ///< Unix seconds, a multiple of 60
  uint64_t count = 0;
  double duration_seconds = 0; ///< sum over the requests
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_sample& x) {
  return f(x.tenant_id, x.region, x.endpoint, x.method, x.status, x.minute, x.count,
           x.duration_seconds);
}

struct usage_row {
  std::string endpoint;
  std::string method;
  uint16_t status = 0;
  uint64_t requests = 0;
  double avg_duration_seconds = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_row& x) {
  return f(x.endpoint, x.method, x.status, x.requests, x.avg_duration_seconds);
}

using usage_actor = caf::typed_actor<
    /// Counts from a broker (merged, written at the next flush).
    caf::reacts_to<record_atom, std::vector<usage_sample>>,
    /// The caller's usage in [from, to) (RFC 3339 times), per endpoint, method and
    /// status.
    caf::replies_to<list_atom, request_meta, std::string,
                    std::string>::with<std::vector<usage_row>>,
    /// Writes what is pending now; answers when committed.
    caf::replies_to<flush_atom>::with<ok_atom>,
    /// The flush timer.
    caf::reacts_to<tick_atom>>;

usage_actor spawn_usage_actor(caf::actor_system& sys, platform_ptr p);

} // namespace kyb::actors

// The leases a tenant actor granted on its keys (an HTTP worker authenticates a key's
// next requests itself until its lease runs out), and the answers that wait until they
// ran out: a revocation answers only once no lease on its key is left, so from the answer
// on no node accepts the key. Time is passed in, so tests drive it with their own clock.
#pragma once

#include <chrono>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/base/uuid.hpp"

namespace kyb::actors {

class auth_leases {
public:
  using clock = std::chrono::steady_clock;

  /// `started`: when this actor started; `lease`: how long a lease lasts
  /// (rate_limit.auth_lease). Leases granted by an earlier instance of the actor (before
  /// a passivation or a move to another node) run out by started + lease.
  auth_leases(clock::time_point started, std::chrono::milliseconds lease)
      : started_(started), lease_(lease) {}

  /// A lease on `key` was granted at `now`.
  void granted(const base::uuid& key, clock::time_point now);

  /// When the last lease on `key` runs out, an earlier instance's included.
  clock::time_point runs_out(const base::uuid& key) const;

  /// Runs `fn` once `until` has passed: at once if it has (returns false), else keeps it
  /// and returns true; the caller then calls wake() at `until` (a delayed message).
  bool after(clock::time_point until, clock::time_point now, std::function<void()> fn);

  /// Runs the kept answers that are due at `now`.
  void wake(clock::time_point now);

  /// Answers are still waiting for leases to run out.
  bool waiting() const noexcept { return !due_.empty(); }

private:
  clock::time_point started_;
  std::chrono::milliseconds lease_;
  std::unordered_map<base::uuid, clock::time_point> leased_until_;
  std::vector<std::pair<clock::time_point, std::function<void()>>> due_;
};

} // namespace kyb::actors

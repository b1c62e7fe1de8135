// Exponential reconnect backoff with jitter, shared by the PostgreSQL and Redis actors.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace kyb::persistence {

/// Delays 50 ms, 100 ms, 200 ms, ... capped at `max`, each scaled by a random factor in
/// [0.5, 1] so that many connections that broke together do not retry in lockstep.
class backoff {
public:
  explicit backoff(std::chrono::milliseconds max,
                   std::chrono::milliseconds first = std::chrono::milliseconds{50})
      : first_(std::max(first, std::chrono::milliseconds{1})),
        max_(std::max(max, first_)), next_(first_), rng_(std::random_device{}()) {}

  /// The delay before the next attempt; doubles the one after.
  std::chrono::milliseconds next() {
    auto base = next_;
    next_ = std::min(max_, next_ * 2);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::chrono::milliseconds{
        std::max<long long>(1, static_cast<long long>(base.count() * jitter(rng_)))};
  }

  /// Back to the first delay (after a successful connection).
  void reset() { next_ = first_; }

private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  std::mt19937 rng_;
};

} // namespace kyb::persistence

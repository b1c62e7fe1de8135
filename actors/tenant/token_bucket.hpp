// A token bucket: `rate` tokens per second up to `burst`. Time is passed in, so tests
// drive it with their own clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace kyb::actors {

class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  token_bucket(double rate_per_second, double burst, clock::time_point now);

  /// Takes one token. On an empty bucket returns how long until one is available.
  std::optional<std::chrono::milliseconds> take(clock::time_point now);

  /// Takes up to `n` whole tokens, as many as the bucket holds; returns how many.
  uint32_t take_up_to(uint32_t n, clock::time_point now);

  /// Changes the limits, keeping the tokens (capped at the new burst).
  void reconfigure(double rate_per_second, double burst, clock::time_point now);

  double tokens(clock::time_point now);
  double rate() const noexcept { return rate_; }
  double burst() const noexcept { return burst_; }

private:
  void refill(clock::time_point now);

  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

} // namespace kyb::actors

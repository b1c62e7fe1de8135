#include "actors/tenant/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace kyb::actors {

token_bucket::token_bucket(double rate_per_second, double burst, clock::time_point now)
    : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {}

void token_bucket::refill(clock::time_point now) {
  if (now > last_) {
    std::chrono::duration<double> dt = now - last_;
    tokens_ = std::min(burst_, tokens_ + dt.count() * rate_);
    last_ = now;
  }
}

std::optional<std::chrono::milliseconds> token_bucket::take(clock::time_point now) {
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::nullopt;
  }
  double missing = 1.0 - tokens_;
  auto ms = static_cast<long long>(std::ceil(missing / rate_ * 1000.0));
  return std::chrono::milliseconds{std::max(1LL, ms)};
}

uint32_t token_bucket::take_up_to(uint32_t n, clock::time_point now) {
  refill(now);
  auto whole = static_cast<uint32_t>(std::min<double>(n, std::floor(tokens_)));
  tokens_ -= whole;
  return whole;
}

void token_bucket::reconfigure(double rate_per_second, double burst,
                               clock::time_point now) {
  refill(now);
  rate_ = rate_per_second;
  burst_ = burst;
  tokens_ = std::min(tokens_, burst_);
}

double token_bucket::tokens(clock::time_point now) {
  refill(now);
  return tokens_;
}

} // namespace kyb::actors

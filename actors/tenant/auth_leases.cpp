#include "actors/tenant/auth_leases.hpp"

#include <algorithm>

namespace kyb::actors {

void auth_leases::granted(const base::uuid& key, clock::time_point now) {
  auto& until = leased_until_[key];
  until = std::max(until, now + lease_);
}

auth_leases::clock::time_point auth_leases::runs_out(const base::uuid& key) const {
  auto earlier = started_ + lease_;
  auto it = leased_until_.find(key);
  return it == leased_until_.end() ? earlier : std::max(it->second, earlier);
}

bool auth_leases::after(clock::time_point until, clock::time_point now,
                        std::function<void()> fn) {
  if (until <= now) {
    fn();
    return false;
  }
  due_.emplace_back(until, std::move(fn));
  return true;
}

void auth_leases::wake(clock::time_point now) {
  std::vector<std::function<void()>> ready;
  for (auto it = due_.begin(); it != due_.end();)
    if (it->first <= now) {
      ready.push_back(std::move(it->second));
      it = due_.erase(it);
    } else {
      ++it;
    }
  for (auto& fn : ready)
    fn();
}

} // namespace kyb::actors

#include "net/address_limiter.hpp"

#include <utility>

namespace kyb::net {

address_limiter::slot::slot(address_limiter* owner, std::string address) noexcept
    : owner_(owner), address_(std::move(address)) {}

address_limiter::slot::slot(slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), address_(std::move(other.address_)) {}

address_limiter::slot& address_limiter::slot::operator=(slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = std::move(other.address_);
  }
  return *this;
}

address_limiter::slot::~slot() {
  release();
}

void address_limiter::slot::release() noexcept {
  if (owner_)
    std::exchange(owner_, nullptr)->release(address_);
}

address_limiter::slot address_limiter::acquire(const std::string& address) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& n = open_[address];
  if (n >= per_address_) {
    if (n == 0)
      open_.erase(address);
    return {};
  }
  ++n;
  return slot{this, address};
}

size_t address_limiter::open(const std::string& address) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

void address_limiter::release(const std::string& address) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = open_.find(address);
  if (it != open_.end() && --it->second == 0)
    open_.erase(it);
}

} // namespace kyb::net

// Where others find a supervised actor: a thread-safe holder whose handle the supervisor
// replaces on every restart, so callers never keep talking to a dead instance.
#pragma once

#include <mutex>

namespace kyb::runtime {

template <class Handle>
class actor_slot {
public:
  actor_slot() = default;
  explicit actor_slot(Handle h) : hdl_(std::move(h)) {}

  Handle get() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return hdl_;
  }

  void set(Handle h) {
    std::lock_guard<std::mutex> guard(mtx_);
    hdl_ = std::move(h);
  }

private:
  mutable std::mutex mtx_;
  Handle hdl_;
};

} // namespace kyb::runtime

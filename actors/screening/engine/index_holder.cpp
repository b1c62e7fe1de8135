#include "actors/screening/engine/index_holder.hpp"

#include <atomic>

namespace kyb::screening {

index_holder::snapshot index_holder::current() const {
  return std::atomic_load(&current_);
}

index_holder::snapshot index_holder::publish(snapshot next) {
  return std::atomic_exchange(&current_, std::move(next));
}

} // namespace kyb::screening

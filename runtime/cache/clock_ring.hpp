// Keeps the most recently used of many shared objects alive, up to a fixed count per
// node: the CLOCK ("second chance") approximation of least-recently-used. Owners keep a
// std::weak_ptr and hand each new object to the ring; a reader marks an object used
// (`T::used`, a std::atomic<bool>) without a lock; a new object takes the slot of the
// first one the hand finds unused since it last passed. Objects whose memory should go
// back when they leave the ring are made with `new` (not make_shared), so that a weak_ptr
// left behind keeps only the control block.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace kyb::runtime {

template <class T>
class clock_ring {
public:
  explicit clock_ring(size_t capacity) : slots_(capacity) {}

  /// Holds `x` (marked used); drops the first object the hand finds unused when full.
  /// With capacity 0 it holds nothing.
  void hold(std::shared_ptr<T> x) {
    if (slots_.empty() || !x)
      return;
    x->used.store(true, std::memory_order_relaxed);
    std::shared_ptr<T> dropped; // released after the lock
    {
      std::lock_guard<std::mutex> guard(mutex_);
      // Two turns at most: the first clears every mark it passes.
      for (size_t steps = 0; steps < 2 * slots_.size(); ++steps) {
        auto& slot = slots_[hand_];
        hand_ = (hand_ + 1) % slots_.size();
        if (slot && slot->used.exchange(false, std::memory_order_relaxed))
          continue;
        if (slot)
          ++evictions_;
        else
          ++size_;
        dropped = std::move(slot);
        slot = std::move(x);
        return;
      }
    }
  }

  /// Marks `x` used: it outlives objects not used since the hand passed it.
  static void touch(const T& x) noexcept {
    if (!x.used.load(std::memory_order_relaxed))
      x.used.store(true, std::memory_order_relaxed);
  }

  size_t capacity() const noexcept { return slots_.size(); }

  size_t size() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return size_;
  }

  /// Objects dropped to make room.
  size_t evictions() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return evictions_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<T>> slots_;
  size_t hand_ = 0;
  size_t size_ = 0;
  size_t evictions_ = 0;
};

} // namespace kyb::runtime

// The life of one entity actor (a tenant, a business, and the entities of the next
// domains): it reads its state once on first use, queues work until the state is known,
// writes one change at a time, and stops when the directory asks once nothing is in hand.
//
// The write rule: ONE write at a time (the write slot). A write is built from the
// committed in-memory state and applied to it after its commit, so a second write built
// while one is in flight would start from a state about to change: a business's update
// would carry a version that is about to move (a spurious 409), a tenant's key revoked
// twice at once would answer 409 instead of 404, two bootstrap operator keys could be
// made. Work queued behind a write waits for it, in arrival order; a read that arrives
// while a write is in flight and nothing is queued runs at once on the committed state.
// (The tenant actor used to count writes in flight and let them overlap; the business
// actor's single slot is the rule both follow now.)
//
// The class holds no actor: the actor passes in how to read its state and how to stop,
// and tells it when a load or a write ended. So the rules are tested without one
// (test/actors/entity_lifecycle_test.cpp).
#pragma once

#include <cstdint>
#include <list>
#include <functional>
#include <string>
#include <utility>

#include <caf/error.hpp>

#include "runtime/error.hpp"

namespace kyb::actors {

class entity_lifecycle {
public:
  enum class phase : uint8_t {
    unloaded, ///< nothing known yet (or forgotten): the next work reads the state
    loading,  ///< the read is in flight
    creating, ///< a create is in flight on a state not read (or read as absent)
    loaded,   ///< the state is known (the entity may be absent)
  };

  using work = std::function<void()>;

  /// What the lifecycle needs of its actor.
  struct hooks {
    /// Starts reading the state; the actor ends it with load_succeeded() or
    /// load_failed().
    std::function<void()> load;
    /// Stops the actor: no error when it passivates, the load's error when that failed.
    std::function<void(const caf::error&)> stop;
    /// Work in hand beyond the queue and the write slot (answers waiting for a timer):
    /// true keeps the actor from passivating. May be empty.
    std::function<bool()> busy;
  };

  entity_lifecycle() = default;
  explicit entity_lifecycle(hooks h) : hooks_(std::move(h)) {}

  phase current() const noexcept { return ph_; }
  bool loaded() const noexcept { return ph_ == phase::loaded; }
  /// A write holds the slot.
  bool writing() const noexcept { return writing_; }
  bool passivating() const noexcept { return passivating_; }
  /// Nothing queued, no write, no read or create in flight.
  bool idle() const noexcept {
    return queue_.empty() && !writing_ && ph_ != phase::loading && ph_ != phase::creating;
  }

  /// Runs `run` now when the state is loaded, nothing queued waits before it and, for a
  /// write (`is_write`), the slot is free. Otherwise queues it in arrival order, reading
  /// the state on first use; it runs once those hold, or `unavailable` runs instead
  /// when the read failed. A write's `run` takes the slot itself (begin_write) if it
  /// writes after all.
  void when_ready(bool is_write, work run, work unavailable);

  /// when_ready() for a request: when the state cannot be read, `rp` is answered
  /// `unavailable` ("the <entity> could not be loaded; retry").
  template <class Promise>
  void when_ready(Promise rp, bool is_write, work run, const char* entity) {
    when_ready(is_write, std::move(run), [rp, entity]() mutable {
      rp.deliver(make_error(errc::unavailable, std::string("the ") + entity +
                                                   " could not be loaded; retry"));
    });
  }

  /// The read ended with the state known: runs the queued work.
  void load_succeeded();
  /// The read failed: queued work answers `unavailable`, then the actor stops with
  /// `err` (the next message activates a fresh actor that reads again).
  void load_failed(const caf::error& err);

  /// Takes the write slot. The state is loaded and no write is in flight (asserted).
  void begin_write();
  /// The write ended and the state in memory is what committed (the new state, or the
  /// old one when the write failed cleanly): frees the slot, runs the queued work, stops
  /// if asked to and idle.
  void end_write();
  /// The write's outcome is unknown (the connection was lost): frees the slot and
  /// forgets the state, which is read again before queued work runs.
  void end_write_unknown();

  /// A create needs no read: from an unloaded state, or a loaded one with the slot free
  /// (asserted). Until end_create() all other work waits.
  void begin_create();
  /// The create committed (`committed`: the state in memory is the new entity) or
  /// failed (the state is forgotten and read again before queued work runs).
  void end_create(bool committed);

  /// Forgets the loaded state so that the next work reads it again. Only when idle and
  /// loaded (asserted).
  void forget();

  /// The directory asked the actor to stop: it does once idle.
  void passivate();
  /// Stops the actor if the directory asked it to and it is idle and not busy. Called
  /// by end_write() and a committed end_create(); an actor whose busy() work ended calls
  /// it itself.
  void stop_if_idle();

private:
  struct queued {
    work run;
    work unavailable;
  };

  void start_load();
  void run_queued();

  hooks hooks_;
  phase ph_ = phase::unloaded;
  bool writing_ = false;
  bool passivating_ = false;
  // A list, not a deque: an empty std::deque allocates a 512-byte block, paid by every
  // activated entity; a list allocates per queued item only.
  std::list<queued> queue_;
};

} // namespace kyb::actors

#include "actors/entity/entity_lifecycle.hpp"

#include <cassert>

namespace kyb::actors {

void entity_lifecycle::when_ready(bool is_write, work run, work unavailable) {
  if (ph_ == phase::loaded && (!is_write || !writing_) && queue_.empty()) {
    run();
    return;
  }
  queue_.push_back(queued{std::move(run), std::move(unavailable)});
  if (ph_ == phase::unloaded)
    start_load();
}

void entity_lifecycle::start_load() {
  assert(ph_ == phase::unloaded && !writing_);
  ph_ = phase::loading;
  hooks_.load();
}

void entity_lifecycle::load_succeeded() {
  assert(ph_ == phase::loading);
  ph_ = phase::loaded;
  run_queued();
}

void entity_lifecycle::load_failed(const caf::error& err) {
  assert(ph_ == phase::loading);
  ph_ = phase::unloaded;
  auto queue = std::move(queue_);
  queue_.clear();
  for (auto& q : queue)
    q.unavailable();
  hooks_.stop(err);
}

void entity_lifecycle::begin_write() {
  assert(ph_ == phase::loaded && !writing_);
  writing_ = true;
}

void entity_lifecycle::end_write() {
  assert(writing_);
  writing_ = false;
  run_queued();
  stop_if_idle();
}

void entity_lifecycle::end_write_unknown() {
  assert(writing_ && ph_ == phase::loaded);
  writing_ = false;
  ph_ = phase::unloaded;
  if (!queue_.empty())
    start_load();
}

void entity_lifecycle::begin_create() {
  assert(!writing_ && (ph_ == phase::unloaded || ph_ == phase::loaded));
  ph_ = phase::creating;
  writing_ = true;
}

void entity_lifecycle::end_create(bool committed) {
  assert(writing_);
  if (ph_ != phase::creating) {
    // A create written as an ordinary write on a state read as absent.
    end_write();
    return;
  }
  writing_ = false;
  if (committed) {
    ph_ = phase::loaded;
    run_queued();
    stop_if_idle();
    return;
  }
  ph_ = phase::unloaded;
  if (!queue_.empty())
    start_load();
}

void entity_lifecycle::forget() {
  assert(ph_ == phase::loaded && idle());
  ph_ = phase::unloaded;
}

void entity_lifecycle::passivate() {
  passivating_ = true;
  stop_if_idle();
}

void entity_lifecycle::run_queued() {
  // A queued work may take the slot (the loop stops behind it), end a write at once
  // (which runs this loop again inside it) or stop the actor.
  while (!queue_.empty() && ph_ == phase::loaded && !writing_) {
    auto q = std::move(queue_.front());
    queue_.pop_front();
    q.run();
  }
}

void entity_lifecycle::stop_if_idle() {
  if (passivating_ && idle() && !(hooks_.busy && hooks_.busy()))
    hooks_.stop(caf::error{});
}

} // namespace kyb::actors

#include "regions/procedure_queue.hpp"

#include <algorithm>
#include <utility>

namespace kyb::regions {

procedure_queue::admission procedure_queue::admit(std::string name,
                                                  procedure_origin origin,
                                                  std::function<void()> start_fn) {
  entry e{std::move(name), origin, std::move(start_fn)};
  if (!busy_) {
    start(std::move(e));
    return admission::started;
  }
  if (origin == procedure_origin::operator_command) {
    auto is_operators = [](const entry& w) {
      return w.origin == procedure_origin::operator_command;
    };
    if (running_origin_ == procedure_origin::operator_command ||
        std::any_of(waiting_.begin(), waiting_.end(), is_operators))
      return admission::refused;
  }
  if (waiting_.size() >= max_waiting)
    return admission::refused;
  waiting_.push_back(std::move(e));
  return admission::waits;
}

void procedure_queue::finish() {
  busy_ = false;
  running_.clear();
  if (waiting_.empty())
    return;
  auto next = std::move(waiting_.front());
  waiting_.pop_front();
  start(std::move(next));
}

void procedure_queue::start(entry e) {
  busy_ = true;
  running_ = std::move(e.name);
  running_origin_ = e.origin;
  e.start();
}

} // namespace kyb::regions

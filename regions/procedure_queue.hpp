// One region procedure at a time on a node, and who waits for whom. The node's own
// procedures (ensure at start, fencing a failed-over region the moment it answers again)
// wait their turn behind anything and are never dropped. An operator's command waits
// behind the node's own, which are short and which the operator cannot see coming, but is
// refused while another operator's command runs or waits: that one changes the state the
// second was decided on. Pure: the controller hands in how to start each procedure.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>

namespace kyb::regions {

enum class procedure_origin { node, operator_command };

class procedure_queue {
public:
  enum class admission { started, waits, refused };
  /// At most this many procedures wait; more are refused, the node's own included.
  static constexpr size_t max_waiting = 8;

  /// Starts `start` now when nothing runs, queues it, or refuses it (nothing is called).
  admission admit(std::string name, procedure_origin origin, std::function<void()> start);
  /// The running procedure ended: starts the first waiting one, if any.
  void finish();

  bool busy() const { return busy_; }
  /// The running procedure's name (empty when none runs).
  const std::string& running() const { return running_; }
  size_t waiting() const { return waiting_.size(); }

private:
  struct entry {
    std::string name;
    procedure_origin origin;
    std::function<void()> start;
  };
  void start(entry e);

  bool busy_ = false;
  std::string running_;
  procedure_origin running_origin_ = procedure_origin::node;
  std::deque<entry> waiting_;
};

} // namespace kyb::regions

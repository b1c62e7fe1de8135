// How a node process ends. Once the node decided to stop (a signal, a quorum loss, an
// escalation, a start that failed after the actor system existed), the process must be
// gone by a deadline, whatever one step of the shutdown waits for: CAF's actor system
// waits for every running actor on destruction, and a node nobody can stop holds its
// ports and its leases for ever.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include <signal.h>

namespace kyb::runtime {

/// Bounds a node's shutdown. begin() starts a watchdog thread: past the deadline it logs
/// the step the shutdown was waiting for and ends the process with `_exit`; a second
/// SIGINT/SIGTERM (from the set the node handles with sigwait) ends it at once. The
/// destructor (or finish()) stops the watchdog: declare the object before the actor
/// systems so that their destruction is bounded too.
class node_shutdown {
public:
  /// `signals`: the signals the node handles by sigwait, blocked in every thread.
  explicit node_shutdown(const sigset_t& signals);
  ~node_shutdown();
  node_shutdown(const node_shutdown&) = delete;
  node_shutdown& operator=(const node_shutdown&) = delete;

  /// Until serving(): a signal of the set ends the process at once (128 + its number),
  /// so that a start that waits (for PostgreSQL, a quorum, the regions' routing) never
  /// delays a stop. Nothing is served yet, so nothing is left to drain.
  void watch_start();
  /// The node serves: from now on the node's own sigwait takes the signals.
  void serving();

  /// The shutdown began: the process ends within `budget`. Past it, the watchdog logs
  /// node.shutdown_timeout (naming the current step) and exits with `late_code`; a
  /// signal of the set received meanwhile exits at once with 128 + its number. Only the
  /// first call counts.
  void begin(std::chrono::milliseconds budget, int late_code);
  /// Names the step the shutdown is in now ("draining the HTTP brokers").
  void step(std::string name);
  /// The step named last (empty before begin()).
  std::string current_step() const;
  bool begun() const noexcept { return begun_.load(); }
  /// The shutdown ended in time: stop the watchdog. Idempotent.
  void finish();

  /// Ends the process at once with `code` after writing `message` (one line) to stderr
  /// and flushing the log: for a start that failed once actors run. Nothing was served
  /// yet, so nothing is left to drain, and CAF's shutdown would wait for actors (the
  /// cluster agent, the connection actors) that only a drain stops. The kernel closes the
  /// ports; peers see the link drop as they see a crash.
  [[noreturn]] static void fail_start(int code, const std::string& message);

private:
  void watch(std::chrono::steady_clock::time_point deadline, int late_code);
  /// One slice of sigtimedwait on the set (at most `slice`); the signal, or 0.
  int wait_signal(std::chrono::steady_clock::duration slice);

  sigset_t signals_;
  std::atomic<bool> begun_{false};
  std::atomic<bool> done_{false};
  std::atomic<bool> serving_{false};
  mutable std::mutex mtx_;
  std::string step_;
  std::chrono::milliseconds budget_{0};
  std::thread watchdog_;
  std::thread start_watch_;
};

} // namespace kyb::runtime

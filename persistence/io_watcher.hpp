// One background thread that waits (epoll) on every database and Redis socket of the
// process and tells the owning actor when its socket is ready. The watcher never calls
// libpq or hiredis: the actor does, on its own scheduler turn, so each connection is only
// ever touched by one actor.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/expected.hpp>

#include "persistence/atoms.hpp"

namespace kyb::persistence {

/// Owns an epoll set and its thread. Registrations are one-shot: after `arm`, the first
/// readiness sends the owner `(io_ready_atom, token, readable, writable)` and disarms the
/// socket until the owner arms it again (EPOLLONESHOT), so an actor never gets a second
/// wake-up for a readiness it has not handled yet. All member functions are thread-safe.
///
/// Tokens name registrations, never reused within a process: a message carrying a token
/// the owner no longer holds is stale (the socket was closed or replaced) and is ignored.
/// Owners remove their registration before or right after the socket closes; libpq may
/// close a socket on its own (on EOF), which `add` and `remove` tolerate.
class io_watcher {
public:
  /// Starts the thread. Fails if the kernel refuses an epoll set or an eventfd.
  static caf::expected<std::shared_ptr<io_watcher>> make();

  /// Stops the thread and waits for it. Registrations left over are dropped.
  ~io_watcher();

  io_watcher(const io_watcher&) = delete;
  io_watcher& operator=(const io_watcher&) = delete;

  /// Registers `fd` (disarmed) for `owner`. Returns the registration's token.
  caf::expected<uint64_t> add(int fd, caf::actor owner);

  /// Arms the registration for one readiness notification. With both flags false, only
  /// errors and hang-ups are reported. Ignored for unknown or stale tokens.
  void arm(uint64_t token, bool want_read, bool want_write);

  /// Removes a registration; messages already sent for it may still arrive.
  void remove(uint64_t token);

  /// Registrations currently held.
  size_t size() const;

  /// Readiness notifications sent so far (for tests and metrics).
  uint64_t notifications() const { return notifications_.load(); }

private:
  io_watcher(int epoll_fd, int wake_fd);
  void run();

  struct entry {
    int fd;
    caf::actor owner;
  };

  int epoll_fd_;
  int wake_fd_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> notifications_{0};
  mutable std::mutex mtx_;
  uint64_t next_token_ = 1; // 0 marks the wake-up eventfd
  std::unordered_map<uint64_t, entry> entries_;
  std::unordered_map<int, uint64_t> by_fd_;
  std::thread thread_;
};

} // namespace kyb::persistence

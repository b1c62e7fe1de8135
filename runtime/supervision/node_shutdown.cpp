#include "runtime/supervision/node_shutdown.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>

#include <unistd.h>

#include "runtime/base/log.hpp"

namespace kyb::runtime {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

/// Flushes the log, but never waits longer than `bound`: the process is about to end,
/// and a writer stuck on a full pipe must not keep it alive.
void flush_log(milliseconds bound) {
  auto flushed = std::make_shared<std::atomic<bool>>(false);
  std::thread([flushed] {
    base::logger::global().flush();
    *flushed = true;
  }).detach();
  auto deadline = steady_clock::now() + bound;
  while (!*flushed && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(5));
}

[[noreturn]] void end_process(int code, const std::string& line) {
  flush_log(milliseconds(1000));
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  std::fflush(stdout);
  ::_exit(code); // no atexit handlers, no static destructors: nothing may wait now
}

} // namespace

node_shutdown::node_shutdown(const sigset_t& signals) : signals_(signals) {}

node_shutdown::~node_shutdown() {
  serving();
  finish();
}

void node_shutdown::watch_start() {
  if (start_watch_.joinable() || serving_)
    return;
  start_watch_ = std::thread([this] {
    while (!serving_) {
      int sig = wait_signal(milliseconds(100));
      if (sig > 0) {
        base::log_info("node.stopped", {{"signal", sig}, {"during", "start-up"}});
        fail_start(128 + sig, "kyb-node: signal " + std::to_string(sig) +
                                  " during the start: exiting (nothing to drain yet)");
      }
    }
  });
}

void node_shutdown::serving() {
  serving_ = true;
  if (start_watch_.joinable())
    start_watch_.join();
}

int node_shutdown::wait_signal(steady_clock::duration slice) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count();
  timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  siginfo_t info;
  int sig = ::sigtimedwait(&signals_, &info, &ts);
  return sig > 0 ? sig : 0; // EAGAIN (the slice passed) or EINTR: none
}

void node_shutdown::begin(milliseconds budget, int late_code) {
  if (begun_.exchange(true))
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    budget_ = budget;
    if (step_.empty())
      step_ = "starting the shutdown";
  }
  auto deadline = steady_clock::now() + budget;
  watchdog_ = std::thread([this, deadline, late_code] { watch(deadline, late_code); });
}

void node_shutdown::step(std::string name) {
  base::log_info("node.shutdown_step", {{"step", name}});
  std::lock_guard<std::mutex> guard{mtx_};
  step_ = std::move(name);
}

std::string node_shutdown::current_step() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return step_;
}

void node_shutdown::finish() {
  done_ = true;
  if (watchdog_.joinable())
    watchdog_.join();
}

void node_shutdown::fail_start(int code, const std::string& message) {
  base::log_error("node.start_failed", {{"error", message}, {"exit_code", code}});
  end_process(code, message);
}

void node_shutdown::watch(steady_clock::time_point deadline, int late_code) {
  while (!done_) {
    auto now = steady_clock::now();
    if (now >= deadline) {
      auto waiting_for = current_step();
      base::log_error("node.shutdown_timeout", {{"step", waiting_for},
                                                {"budget_ms", budget_.count()},
                                                {"exit_code", late_code}});
      end_process(late_code,
                  "kyb-node: the shutdown did not end within " +
                      std::to_string(budget_.count()) +
                      " ms (node.drain_timeout); it was waiting for: " + waiting_for +
                      "; exiting with " + std::to_string(late_code));
    }
    // Short slices: finish() is noticed quickly, and so is the deadline.
    int sig =
        wait_signal(std::min<steady_clock::duration>(deadline - now, milliseconds(100)));
    if (sig > 0) {
      auto waiting_for = current_step();
      base::log_error("node.shutdown_forced",
                      {{"signal", sig}, {"step", waiting_for}, {"exit_code", 128 + sig}});
      end_process(128 + sig, "kyb-node: a second signal (" + std::to_string(sig) +
                                 ") during the shutdown: exiting at once (it was "
                                 "waiting for: " +
                                 waiting_for + ")");
    }
  }
}

} // namespace kyb::runtime

// node_shutdown in a forked child process (it ends processes): a shutdown that hangs
// ends at its deadline with its code and names the step; a second signal ends it at
// once; a shutdown that finishes in time leaves the process to exit normally; a failed
// start ends at once with its code.
#define BOOST_TEST_MODULE node_shutdown
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/supervision/node_shutdown.hpp"
#include "test/support/eventually.hpp"

using kyb::runtime::node_shutdown;
using kyb::test::eventually;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct child_result {
  int status = -1; ///< exit code, or 128 + signal
  double seconds = 0;
  std::string output; ///< its stderr
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `body` in a child process with SIGINT and SIGTERM blocked (as kyb-node does),
/// its stderr captured; sends it SIGINT once its stderr shows `signal_on` (if not empty).
child_result in_child(std::function<void(const sigset_t&)> body,
                      const std::string& signal_on = {}) {
  char path[] = "/tmp/node-shutdown-test-XXXXXX";
  int out = ::mkstemp(path);
  auto t0 = clock_type::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::dup2(out, 2);
    body(signals);
    ::_exit(0);
  }
  if (!signal_on.empty()) {
    bool shown = eventually(
        [&] { return read_file(path).find(signal_on) != std::string::npos; }, 20s);
    BOOST_TEST(shown, "the child never wrote " << signal_on);
    ::kill(pid, SIGINT);
  }
  child_result r;
  int status = 0;
  // Bounded: a child that hangs fails the test rather than hanging it.
  if (!eventually([&] { return ::waitpid(pid, &status, WNOHANG) != 0; }, 20s)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  r.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.output = read_file(path);
  ::close(out);
  ::unlink(path);
  return r;
}

[[noreturn]] void hang() {
  for (;;)
    ::pause(); // SIGINT and SIGTERM are blocked: only the watchdog or SIGKILL ends this
}

} // namespace

BOOST_AUTO_TEST_CASE(a_hanging_shutdown_ends_at_its_deadline_naming_the_step) {
  auto r = in_child([](const sigset_t& signals) {
    node_shutdown shutdown(signals);
    shutdown.begin(300ms, 70);
    shutdown.step("waiting for an actor that never stops");
    hang();
  });
  BOOST_TEST(r.status == 70);
  BOOST_TEST(r.seconds >= 0.25);
  BOOST_TEST(r.seconds < 5.0);
  BOOST_TEST(r.output.find("node.shutdown_timeout") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("waiting for an actor that never stops") != std::string::npos,
             r.output);
}

BOOST_AUTO_TEST_CASE(a_second_signal_ends_the_shutdown_at_once) {
  auto r = in_child(
      [](const sigset_t& signals) {
        node_shutdown shutdown(signals);
        shutdown.begin(60s, 1);
        shutdown.step("draining");
        hang();
      },
      "\"node.shutdown_step\"");
  BOOST_TEST(r.status == 128 + SIGINT);
  BOOST_TEST(r.seconds < 5.0);
  BOOST_TEST(r.output.find("node.shutdown_forced") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("draining") != std::string::npos, r.output);
}

// (Checks inside a child report through its exit code: its Boost.Test log is lost.)
BOOST_AUTO_TEST_CASE(a_shutdown_that_ends_in_time_returns_normally) {
  auto r = in_child([](const sigset_t& signals) {
    bool as_expected = false;
    {
      node_shutdown shutdown(signals);
      shutdown.begin(300ms, 1);
      shutdown.step("quick");
      shutdown.begin(10ms, 9); // only the first begin counts
      as_expected = shutdown.begun() && shutdown.current_step() == "quick";
    } // finish(): the watchdog stops
    // Deliberate: the scenario is time passing. Wait past the 300 ms deadline (with the
    // watchdog's 100 ms slice as margin) to see that nobody ends the process.
    std::this_thread::sleep_for(600ms);
    ::_exit(as_expected ? 5 : 6);
  });
  BOOST_TEST(r.status == 5);
  BOOST_TEST(r.output.find("node.shutdown_timeout") == std::string::npos, r.output);
}

BOOST_AUTO_TEST_CASE(a_shutdown_never_begun_watches_nothing) {
  auto r = in_child([](const sigset_t& signals) {
    node_shutdown shutdown(signals);
    bool idle = !shutdown.begun() && shutdown.current_step().empty();
    shutdown.finish();
    shutdown.finish(); // idempotent
    ::_exit(idle ? 3 : 4);
  });
  BOOST_TEST(r.status == 3);
}

BOOST_AUTO_TEST_CASE(a_failed_start_ends_at_once_with_its_code_and_reason) {
  auto r = in_child([](const sigset_t&) {
    std::thread busy(hang); // a thread that would keep a normal exit waiting
    busy.detach();
    node_shutdown::fail_start(2, "configuration error: cluster.listen (env "
                                 "KYB_CLUSTER_LISTEN): 127.0.0.1:9101: cannot listen");
  });
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.seconds < 5.0);
  BOOST_TEST(r.output.find("127.0.0.1:9101: cannot listen") != std::string::npos,
             r.output);
  BOOST_TEST(r.output.find("node.start_failed") != std::string::npos, r.output);
}

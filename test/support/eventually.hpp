// Waiting on a condition in tests: polls `pred` until it holds or `limit` passes. Tests
// synchronise on what they wait for, never on a fixed sleep.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace kyb::test {

/// True once `pred()` holds; false if it still does not after `limit`. The first polls
/// come quickly and the pause then grows to 100 ms, so a condition that costs a process
/// or a query to check is not asked hundreds of times a second. Say what was awaited in
/// the check: `BOOST_REQUIRE_MESSAGE(eventually(...), "what did not happen")`.
template <class F>
bool eventually(F pred, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = std::chrono::milliseconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(pause);
    pause =
        std::min<std::chrono::milliseconds>(pause * 2, std::chrono::milliseconds(100));
  }
  return pred();
}

} // namespace kyb::test

// Waiting on a condition in tests: polls `pred` until it holds or `limit` passes. Tests
// synchronise on what they wait for, never on a fixed sleep.
#pragma once

#include <chrono>
#include <thread>

namespace kyb::test {

/// True once `pred()` holds; false if it still does not after `limit`.
template <class F>
bool eventually(F pred, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

} // namespace kyb::test

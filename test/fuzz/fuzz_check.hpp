// What the fuzz targets share: a check that stops the run with a message when one of
// the parser's promises does not hold (libFuzzer then saves the input), and a splitter
// for inputs that carry several files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

/// Aborts (a crash to libFuzzer) when `cond` is false.
#define FUZZ_CHECK(cond)                                                                 \
  ((cond) ? static_cast<void>(0) : ::kyb::fuzz::check_failed(#cond, __FILE__, __LINE__))

namespace kyb::fuzz {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  std::abort();
}

/// Splits `input` at each `separator`: ["a", "b"] for "a<sep>b".
inline std::vector<std::string_view> split(std::string_view input,
                                           std::string_view separator) {
  std::vector<std::string_view> out;
  for (;;) {
    auto at = input.find(separator);
    out.push_back(input.substr(0, at));
    if (at == std::string_view::npos)
      return out;
    input.remove_prefix(at + separator.size());
  }
}

/// The input as a string_view.
inline std::string_view bytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace kyb::fuzz

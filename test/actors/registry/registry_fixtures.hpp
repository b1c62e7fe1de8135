// Shared helpers of the registry engine tests: the recorded answers in
// test/data/registry and responses built from them.
#pragma once

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "actors/registry/registry_request.hpp"

namespace kyb::registry {

// Printable in Boost.Test's messages.
inline std::ostream& operator<<(std::ostream& os, company_status s) {
  return os << to_string(s);
}
inline std::ostream& operator<<(std::ostream& os, registry_kind k) {
  return os << to_string(k);
}
inline std::ostream& operator<<(std::ostream& os, lookup_error_code c) {
  return os << to_string(c);
}

} // namespace kyb::registry

namespace kyb::registry::test {

/// The bytes of test/data/registry/<path>; throws (failing the test) when missing.
inline std::string fixture(const std::string& path) {
  std::string full = std::string(KYB_TEST_DATA) + "/registry/" + path;
  std::ifstream in(full, std::ios::binary);
  if (!in)
    throw std::runtime_error("missing fixture " + full);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fixed fetch time: 2026-12-06T11:00:00Z.
inline std::chrono::system_clock::time_point fetch_time() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1796554800));
}

/// A response with `status` and `body`.
inline http_response answer(int status, std::string body,
                            std::vector<http_header> headers = {}) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.fetched_at = fetch_time();
  return r;
}

} // namespace kyb::registry::test

// The router (net/router) on arbitrary requests. Input: the method on the first line,
// the path on the second; further lines "METHOD PATTERN" (or "METHOD PATTERN stream")
// add routes to a table shaped like the API's (net/routes.cpp). Checked: a found route
// fits the method and every literal segment, its parameters are all there, decoded,
// without '/' or NUL; 405 never allows the method asked for; streams() agrees with
// match(); percent_decode() inverts percent-encoding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "net/router.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::net;

namespace {

// The API's routes when this was written (net/routes.cpp), without handlers: the
// router's behaviour depends on the shapes, not on which routes exist.
const char* const api_routes[][2] = {
    {"GET", "/health"},
    {"GET", "/ready"},
    {"GET", "/metrics"},
    {"GET", "/metrics/business"},
    {"GET", "/openapi.json"},
    {"POST", "/v1/admin/cache/warm"},
    {"POST", "/v1/tenants"},
    {"GET", "/v1/tenants/{id}"},
    {"POST", "/v1/tenants/{id}/api-keys"},
    {"GET", "/v1/tenants/{id}/api-keys"},
    {"DELETE", "/v1/tenants/{id}/api-keys/{key_id}"},
    {"POST", "/v1/businesses"},
    {"GET", "/v1/businesses"},
    {"GET", "/v1/businesses/bulk"},
    {"GET", "/v1/businesses/bulk/{id}"},
    {"GET", "/v1/businesses/search"},
    {"GET", "/v1/businesses/{id}"},
    {"PATCH", "/v1/businesses/{id}"},
    {"DELETE", "/v1/businesses/{id}"},
    {"GET", "/v1/audit-logs"},
    {"GET", "/v1/audit-logs/verify"},
    {"GET", "/v1/usage"},
    {"POST", "/v1/classifications"},
    {"POST", "/v1/businesses/{id}/classify"},
    {"GET", "/v1/businesses/{id}/classification"},
    {"POST", "/v1/screenings"},
    {"POST", "/v1/screenings/compare"},
    {"POST", "/v1/businesses/{id}/screen"},
    {"GET", "/v1/businesses/{id}/screening"},
    {"POST", "/v1/businesses/{id}/screening-hits/{hit_id}/decision"},
    {"GET", "/v1/lists"},
    {"POST", "/v1/lists/reload"},
};

std::vector<std::string_view> segments(std::string_view path) {
  if (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  return kyb::fuzz::split(path, "/");
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

std::string encode_all(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto lines = kyb::fuzz::split(kyb::fuzz::bytes(data, size), "\n");
  if (lines.size() < 2)
    return 0;
  std::string method(lines[0]);
  std::string path(lines[1]);
  router r;
  r.add(route{"POST",
              "/v1/businesses/bulk",
              "importBusinesses",
              auth_kind::tenant,
              0,
              nullptr,
              {},
              true,
              {}});
  for (auto& [m, p] : api_routes)
    r.add(route{m, p, p, auth_kind::none, 0, nullptr, {}, false, {}});
  for (size_t i = 2; i < lines.size() && i < 34; ++i) {
    auto parts = kyb::fuzz::split(lines[i], " ");
    // Routes as routes.cpp writes them: a method token and an absolute pattern.
    if (parts.size() < 2 || parts[0].empty() || parts[1].empty() ||
        parts[1].front() != '/' ||
        parts[0].find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos)
      continue;
    r.add(route{std::string(parts[0]),
                std::string(parts[1]),
                "fuzz",
                auth_kind::none,
                0,
                nullptr,
                {},
                parts.size() > 2 && parts[2] == "stream",
                {}});
  }

  auto m = r.match(method, path);
  auto segs = segments(path);
  // percent_decode refuses a decoded NUL; a literal one (which the codec never lets
  // through) it passes on.
  bool literal_nul = path.find('\0') != std::string::npos;
  switch (m.result) {
  case route_match::outcome::found: {
    FUZZ_CHECK(m.matched != nullptr);
    FUZZ_CHECK(m.matched->method == method ||
               (method == "HEAD" && m.matched->method == "GET"));
    const auto& pattern = m.matched->segments;
    FUZZ_CHECK(pattern.size() == segs.size());
    std::map<std::string, std::string> expected; // a repeated name: the last one wins
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (!is_param(pattern[i])) {
        FUZZ_CHECK(pattern[i] == segs[i]);
        continue;
      }
      FUZZ_CHECK(!segs[i].empty());
      std::string decoded;
      FUZZ_CHECK(percent_decode(segs[i], decoded));
      FUZZ_CHECK(decoded.find('/') == std::string::npos);
      if (!literal_nul)
        FUZZ_CHECK(decoded.find('\0') == std::string::npos);
      expected[pattern[i].substr(1, pattern[i].size() - 2)] = decoded;
    }
    FUZZ_CHECK(m.params == expected);
    FUZZ_CHECK(m.allow.empty());
    break;
  }
  case route_match::outcome::method_not_allowed: {
    FUZZ_CHECK(m.matched == nullptr);
    FUZZ_CHECK(!m.allow.empty());
    auto allowed = kyb::fuzz::split(m.allow, ", ");
    for (auto a : allowed)
      FUZZ_CHECK(a != method);
    break;
  }
  case route_match::outcome::bad_path:
    FUZZ_CHECK(path.find('%') != std::string::npos);
    break;
  case route_match::outcome::not_found:
    FUZZ_CHECK(m.matched == nullptr);
    FUZZ_CHECK(m.params.empty());
    break;
  }
  bool streamed = m.result == route_match::outcome::found && m.matched->streams;
  FUZZ_CHECK(r.streams(method, path) == streamed);

  // percent_decode inverts percent-encoding, and refuses what it promises to refuse.
  std::string decoded;
  if (!literal_nul && percent_decode(path, decoded, true)) {
    FUZZ_CHECK(decoded.find('\0') == std::string::npos);
    std::string again;
    FUZZ_CHECK(percent_decode(encode_all(decoded), again, true));
    FUZZ_CHECK(again == decoded);
    // Without allow_slash, exactly the escapes that decode to '/' are refused.
    bool escaped_slash = false;
    for (size_t i = 0; i + 2 < path.size(); ++i)
      if (path[i] == '%') {
        escaped_slash = escaped_slash || (path[i + 1] == '2' &&
                                          (path[i + 2] == 'f' || path[i + 2] == 'F'));
        i += 2;
      }
    FUZZ_CHECK(percent_decode(path, again, false) == !escaped_slash);
  }
  return 0;
}

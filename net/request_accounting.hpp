// What an HTTP worker records about each request it answered: the request count and
// duration metrics, the tenants' usage counts (handed to the usage actor every
// api.usage_flush_interval) and the access log line (log.access). One per broker.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/messages.hpp"
#include "actors/usage/usage_actor.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::net {

struct route;

/// One answered request, as accounting sees it.
struct served_request {
  const route* rt = nullptr; ///< nullptr for a path no route matched
  std::string_view endpoint; ///< the route template ("unmatched" without a route)
  std::string_view method;
  std::string_view path;
  std::string_view request_id;
  const actors::principal* who = nullptr; ///< nullptr for an anonymous caller
  bool forwarded_out = false; ///< served by another region: counted for usage there
  int status = 0;
  size_t bytes_out = 0; ///< the response as written
  double seconds = 0;   ///< from the request's arrival to its answer
  /// Where the time went (kyb_http_stage_seconds), for a request that was routed: the
  /// seconds of each stage before stage_write (below; the broker counts that one when
  /// it writes); negative for a stage the request never reached.
  double stages[4] = {-1, -1, -1, -1};
};

/// The stages of a request on a worker, in order: reading and parsing it (from its first
/// bytes to its route), authentication (to the handler's start), the handler with the
/// actor hops it makes (to its answer), encoding the answer, and the wait until the
/// answer goes to the socket (behind earlier answers of a pipelining client).
enum request_stage : uint8_t {
  stage_parse,
  stage_auth,
  stage_handler,
  stage_encode,
  stage_write,
  stage_count
};
inline constexpr const char* request_stage_names[stage_count] = {
    "parse", "auth", "handler", "encode", "write"};
static_assert(std::size(served_request{}.stages) == stage_write);

/// The labels of one request's metric and usage series, as cheap values: the route (or
/// nullptr for unmatched paths), the method's index, the status and the tenant.
struct series_key {
  const route* rt = nullptr;
  uint8_t method = 0;
  uint16_t status = 0;
  base::uuid tenant;
  int64_t minute = 0; ///< usage only

  friend bool operator==(const series_key& a, const series_key& b) {
    return a.rt == b.rt && a.method == b.method && a.status == b.status &&
           a.tenant == b.tenant && a.minute == b.minute;
  }
};

struct series_key_hash {
  size_t operator()(const series_key& k) const noexcept {
    return std::hash<base::uuid>{}(k.tenant) ^ (std::hash<const void*>{}(k.rt) * 31) ^
           (static_cast<size_t>(k.method) << 40) ^ (static_cast<size_t>(k.status) << 20) ^
           static_cast<size_t>(k.minute);
  }
};

/// The metric label of a request method: one of the standard methods, else "OTHER"
/// (arbitrary methods must not create series).
std::string_view method_label(std::string_view method) noexcept;

class request_accounting {
public:
  using clock = std::chrono::steady_clock;

  /// Access log lines are handed to the logger in blocks of about this many bytes.
  static constexpr size_t access_log_block = 64 * 1024;

  request_accounting() = default;
  /// For HTTP worker `worker`; `access_log`: write an http.request line per request.
  request_accounting(int worker, bool access_log, clock::time_point now);

  /// Counts `r` in kyb_api_requests_total and kyb_api_request_duration_seconds, in its
  /// tenant's usage (authenticated, served here) and in the access log.
  void record(const served_request& r);

  /// The usage counted since the last take, emptied; `now` starts the next interval.
  std::vector<actors::usage_sample> take_usage(clock::time_point now);
  /// When usage was last taken.
  clock::time_point last_usage_take() const noexcept { return last_usage_take_; }

  /// Counts the wait of an answer until it went to the socket (stage_write).
  void record_write_wait(double seconds) { stage_series_[stage_write]->Observe(seconds); }

  /// Hands the buffered access log lines to the logger.
  void flush_access_log();
  /// The access log lines not handed to the logger yet (newline-separated).
  const std::string& pending_access_log() const noexcept { return access_log_; }

private:
  /// Appends the http.request line of `r` to the access log buffer.
  void append_access_line(const served_request& r);

  int worker_ = 0;
  bool access_log_on_ = false;
  // Metric series resolved once per label set (then one atomic add per request).
  std::unordered_map<series_key, base::counter*, series_key_hash> request_series_;
  std::unordered_map<series_key, base::histogram*, series_key_hash> duration_series_;
  base::histogram* stage_series_[stage_count] = {};
  // Usage counts per (tenant, endpoint, method, status, minute).
  std::unordered_map<series_key, actors::usage_sample, series_key_hash> usage_;
  clock::time_point last_usage_take_;
  std::string access_log_;
};

} // namespace kyb::net

#include "net/request_accounting.hpp"

#include <nlohmann/json.hpp>

#include "net/json_writer.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/log_line.hpp"

namespace kyb::net {

namespace {

constexpr const char* method_names[] = {"OTHER", "GET",   "HEAD",   "POST",
                                        "PUT",   "PATCH", "DELETE", "OPTIONS"};

uint8_t method_index(std::string_view m) {
  for (uint8_t i = 1; i < 8; ++i)
    if (m == method_names[i])
      return i;
  return 0;
}

} // namespace

std::string_view method_label(std::string_view method) noexcept {
  return method_names[method_index(method)];
}

request_accounting::request_accounting(int worker, bool access_log, clock::time_point now)
    : worker_(worker), access_log_on_(access_log), last_usage_take_(now) {
  access_log_.reserve(access_log_block + 1024);
  // From a microsecond to a second: the stages of a cached read take microseconds.
  auto& family = base::metrics_registry::global().histogram(
      "kyb_http_stage_seconds",
      "Seconds a request spent in each stage on an HTTP worker: parse, auth, handler "
      "(with its actor hops), encode, write (waiting behind earlier answers)",
      {"stage"},
      {0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
       0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0});
  for (int i = 0; i < stage_count; ++i)
    stage_series_[i] = &family.with({request_stage_names[i]});
}

void request_accounting::record(const served_request& r) {
  series_key key;
  key.rt = r.rt;
  key.method = method_index(r.method);
  key.status = static_cast<uint16_t>(r.status);
  if (r.who)
    key.tenant = r.who->tenant_id;
  auto& c = request_series_[key];
  if (!c)
    c = &base::metrics_registry::global()
             .counter("kyb_api_requests_total",
                      "Total API requests by endpoint and tenant",
                      {"endpoint", "method", "status_code", "tenant_id"})
             .with({std::string(r.endpoint), method_names[key.method],
                    std::to_string(r.status), r.who ? r.who->tenant_id.to_string() : ""});
  c->Increment();
  series_key dkey;
  dkey.rt = r.rt;
  dkey.method = key.method;
  auto& h = duration_series_[dkey];
  if (!h)
    h = &base::metrics_registry::global()
             .histogram("kyb_api_request_duration_seconds",
                        "API request duration in seconds", {"endpoint", "method"},
                        {0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0})
             .with({std::string(r.endpoint), method_names[key.method]});
  h->Observe(r.seconds);
  for (int i = 0; i < stage_write; ++i)
    if (r.stages[i] >= 0)
      stage_series_[i]->Observe(r.stages[i]);

  // A request forwarded to another region is counted where it is served.
  if (r.who && !r.who->tenant_id.is_nil() && !r.forwarded_out) {
    key.minute = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() /
                 60 * 60;
    auto& u = usage_[key];
    if (u.count == 0) {
      u.tenant_id = r.who->tenant_id;
      u.region = r.who->region;
      u.endpoint = std::string(r.endpoint);
      u.method = method_names[key.method];
      u.status = key.status;
      u.minute = key.minute;
    }
    u.count += 1;
    u.duration_seconds += r.seconds;
  }

  if (access_log_on_) {
    if (!access_log_.empty())
      access_log_ += '\n';
    append_access_line(r);
    // Handed to the logger in blocks: one lock per many requests, not per request.
    if (access_log_.size() >= access_log_block)
      flush_access_log();
  }
}

void request_accounting::append_access_line(const served_request& r) {
  // The line append_log_line would write for these fields (in key order), appended
  // directly: a JSON object per request cost about a sixth of a cached read's time.
  base::append_log_line_start(access_log_, base::log_level::info, "http.request");
  json_writer w(access_log_, true);
  w.key("bytes_out").integer(static_cast<int64_t>(r.bytes_out));
  w.key("duration_ms").num(r.seconds * 1000.0);
  w.key("endpoint").str(r.endpoint).key("method").str(r.method);
  w.key("path").str(r.path.substr(0, 256)).key("request_id").str(r.request_id);
  w.key("status").integer(r.status);
  w.key("tenant_id").str(r.who ? r.who->tenant_id.to_string() : "");
  w.key("worker").integer(worker_).close();
}

std::vector<actors::usage_sample> request_accounting::take_usage(clock::time_point now) {
  last_usage_take_ = now;
  std::vector<actors::usage_sample> samples;
  samples.reserve(usage_.size());
  for (auto& [k, s] : usage_)
    samples.push_back(s);
  usage_.clear();
  return samples;
}

void request_accounting::flush_access_log() {
  if (access_log_.empty())
    return;
  base::logger::global().write_line(std::move(access_log_));
  access_log_.clear();
  access_log_.reserve(access_log_block + 1024);
}

} // namespace kyb::net

#include "config/defaults.hpp"

#include <cmath>
#include <thread>

#include "config/config.hpp"

namespace kyb::config::detail {
namespace {

using std::chrono::milliseconds;

template <class Section>
apply_fn str(Section settings::*sec, std::string Section::*field, bool required = false) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    if (required && v.empty())
      return "must not be empty";
    (s.*sec).*field = v;
    return std::nullopt;
  };
}

template <class Section>
apply_fn one_of(Section settings::*sec, std::string Section::*field,
                std::vector<std::string> allowed) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    for (auto& a : allowed)
      if (a == v) {
        (s.*sec).*field = v;
        return std::nullopt;
      }
    std::string msg = "expected one of";
    for (auto& a : allowed)
      msg += " '" + a + "'";
    return msg + ", got '" + v + "'";
  };
}

template <class Section, class Int>
apply_fn integer(Section settings::*sec, Int Section::*field, long long lo,
                 long long hi) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto range = " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    try {
      size_t pos = 0;
      long long x = std::stoll(v, &pos);
      if (pos != v.size() || x < lo || x > hi)
        return "expected an integer" + range + ", got '" + v + "'";
      (s.*sec).*field = static_cast<Int>(x);
      return std::nullopt;
    } catch (...) {
      return "expected an integer" + range + ", got '" + v + "'";
    }
  };
}

template <class Section>
apply_fn real(Section settings::*sec, double Section::*field, double lo, double hi) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto bad = "expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "], got '" + v + "'";
    try {
      size_t pos = 0;
      double x = std::stod(v, &pos);
      if (pos != v.size() || !std::isfinite(x) || x < lo || x > hi)
        return bad;
      (s.*sec).*field = x;
      return std::nullopt;
    } catch (...) {
      return bad;
    }
  };
}

template <class Section>
apply_fn duration(Section settings::*sec, milliseconds Section::*field, milliseconds lo,
                  milliseconds hi) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto d = parse_duration(v);
    if (!d || *d < lo || *d > hi)
      return "expected a duration such as '500ms', '10s', '2min', '24h' or '7d' "
             "between " +
             std::to_string(lo.count()) + "ms and " + std::to_string(hi.count()) +
             "ms, got '" + v + "'";
    (s.*sec).*field = *d;
    return std::nullopt;
  };
}

template <class Section>
apply_fn size(Section settings::*sec, size_t Section::*field, size_t lo, size_t hi) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto n = parse_size(v);
    if (!n || *n < lo || *n > hi)
      return "expected a size such as '512', '16KiB' or '1MiB' between " +
             std::to_string(lo) + " and " + std::to_string(hi) + " bytes, got '" + v +
             "'";
    (s.*sec).*field = *n;
    return std::nullopt;
  };
}

template <class Section>
apply_fn boolean(Section settings::*sec, bool Section::*field) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto b = parse_bool(v);
    if (!b)
      return "expected true or false, got '" + v + "'";
    (s.*sec).*field = *b;
    return std::nullopt;
  };
}

apply_fn listen_address() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    auto bad =
        "expected HOST:PORT such as '127.0.0.1:8080' or '[::1]:8080', got '" + v + "'";
    std::string host;
    std::string port;
    if (!v.empty() && v.front() == '[') {
      auto close = v.find(']');
      if (close == std::string::npos || close + 1 >= v.size() || v[close + 1] != ':')
        return bad;
      host = v.substr(1, close - 1);
      port = v.substr(close + 2);
    } else {
      auto colon = v.rfind(':');
      if (colon == std::string::npos)
        return bad;
      host = v.substr(0, colon);
      port = v.substr(colon + 1);
    }
    if (host.empty() || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos)
      return bad;
    auto p = std::stoul(port);
    if (p > 65535)
      return bad;
    s.http.listen_host = host;
    s.http.listen_port = static_cast<uint16_t>(p);
    return std::nullopt;
  };
}

template <class Section>
apply_fn url(Section settings::*sec, std::string Section::*field,
             std::vector<std::string> schemes) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    for (auto& scheme : schemes)
      if (v.rfind(scheme + "://", 0) == 0 || v.empty()) {
        (s.*sec).*field = v;
        return std::nullopt;
      }
    std::string msg = "expected a URL starting with";
    for (auto& scheme : schemes)
      msg += " '" + scheme + "://'";
    return msg;
  };
}

const auto ms = [](long long n) { return milliseconds{n}; };
constexpr long long day_ms = 24LL * 3600 * 1000;

} // namespace

const std::vector<option>& options() {
  static const std::vector<option> table = {
      // node
      {"node.id", "node-1", "Unique name of this node within the cluster.",
       str(&settings::node, &node_settings::id, true)},
      {"node.region", "us-east-1", "Region this node runs in.",
       one_of(&settings::node, &node_settings::region,
              {"us-east-1", "us-west-2", "eu-west-1"})},
      {"node.data_dir", "var", "Directory for the node's local files.",
       str(&settings::node, &node_settings::data_dir, true)},
      // http
      {"http.listen", "127.0.0.1:8080", "Address the HTTP API listens on.",
       listen_address()},
      {"http.workers", "0",
       "HTTP actor systems sharing the port (SO_REUSEPORT); 0 = one per core.",
       integer(&settings::http, &http_settings::workers, 0, 64)},
      {"http.max_header_bytes", "16KiB", "Largest request line plus headers (else 431).",
       size(&settings::http, &http_settings::max_header_bytes, 1024, 1 << 20)},
      {"http.max_body_bytes", "1MiB", "Largest request body (else 413).",
       size(&settings::http, &http_settings::max_body_bytes, 1024, size_t{1} << 30)},
      {"http.max_json_depth", "32", "Deepest JSON nesting accepted (else 400).",
       integer(&settings::http, &http_settings::max_json_depth, 2, 512)},
      {"http.max_connections", "10000", "Open connections per HTTP worker.",
       integer(&settings::http, &http_settings::max_connections, 1, 1000000)},
      {"http.max_pipelined", "32",
       "Requests queued on one connection before reading pauses.",
       integer(&settings::http, &http_settings::max_pipelined, 1, 1024)},
      {"http.read_timeout", "10s",
       "A started request must arrive completely within this.",
       duration(&settings::http, &http_settings::read_timeout, ms(100), ms(3600000))},
      {"http.idle_timeout", "60s", "Idle keep-alive connections are closed after this.",
       duration(&settings::http, &http_settings::idle_timeout, ms(100), ms(day_ms))},
      {"http.request_timeout", "30s",
       "Longest a request may take inside the platform (else 504).",
       duration(&settings::http, &http_settings::request_timeout, ms(10), ms(3600000))},
      {"http.drain_timeout", "10s", "How long shutdown waits for requests in flight.",
       duration(&settings::http, &http_settings::drain_timeout, ms(0), ms(600000))},
      // database
      {"database.url", "", "PostgreSQL connection URL (postgresql://user@host:port/db).",
       url(&settings::database, &database_settings::url, {"postgresql", "postgres"})},
      {"database.pool_size", "4", "PostgreSQL connections per node.",
       integer(&settings::database, &database_settings::pool_size, 1, 256)},
      {"database.connect_timeout", "5s", "Time allowed to establish a connection.",
       duration(&settings::database, &database_settings::connect_timeout, ms(100),
                ms(600000))},
      {"database.statement_timeout", "10s",
       "Server-side statement_timeout of every session.",
       duration(&settings::database, &database_settings::statement_timeout, ms(10),
                ms(3600000))},
      {"database.reconnect_backoff_max", "2s",
       "Longest wait between reconnection attempts.",
       duration(&settings::database, &database_settings::reconnect_backoff_max, ms(10),
                ms(600000))},
      {"database.pipeline_max_statements", "2000",
       "Statements in flight on one connection.",
       integer(&settings::database, &database_settings::pipeline_max_statements, 1,
               1000000)},
      // redis
      {"redis.url", "redis://127.0.0.1:6379/0",
       "Redis URL (redis://[:password@]host:port/db).",
       url(&settings::redis, &redis_settings::url, {"redis"})},
      {"redis.timeout", "1s", "Longest wait for a Redis reply.",
       duration(&settings::redis, &redis_settings::timeout, ms(10), ms(600000))},
      {"redis.reconnect_backoff_max", "2s", "Longest wait between reconnection attempts.",
       duration(&settings::redis, &redis_settings::reconnect_backoff_max, ms(10),
                ms(600000))},
      // security
      {"security.tax_id_key", "",
       "base64 of 32 random bytes: AES-256-GCM key for tax ids.",
       str(&settings::security, &security_settings::tax_id_key)},
      {"security.tax_id_hmac_key", "",
       "base64 of 32 random bytes: HMAC key for tax id lookup.",
       str(&settings::security, &security_settings::tax_id_hmac_key)},
      {"security.bootstrap_key_file", "var/bootstrap-admin.key",
       "Where the first start writes the platform-operator API key (mode 0600).",
       str(&settings::security, &security_settings::bootstrap_key_file, true)},
      // rate limits
      {"rate_limit.requests_per_second", "100", "Default token refill rate per tenant.",
       real(&settings::rate_limit, &rate_limit_settings::requests_per_second, 0.001,
            1e9)},
      {"rate_limit.burst", "200", "Default token bucket size per tenant.",
       real(&settings::rate_limit, &rate_limit_settings::burst, 1, 1e9)},
      // api
      {"api.idempotency_ttl", "24h", "How long an Idempotency-Key is remembered.",
       duration(&settings::api, &api_settings::idempotency_ttl, ms(1000),
                ms(30 * day_ms))},
      {"api.default_page_limit", "20", "Page size when ?limit= is absent.",
       integer(&settings::api, &api_settings::default_page_limit, 1, 1000)},
      {"api.max_page_limit", "100", "Largest ?limit= accepted.",
       integer(&settings::api, &api_settings::max_page_limit, 1, 1000)},
      {"api.search_limit", "50", "Most results a search returns.",
       integer(&settings::api, &api_settings::search_limit, 1, 1000)},
      {"api.usage_flush_interval", "1s", "How often API usage counters are written.",
       duration(&settings::api, &api_settings::usage_flush_interval, ms(10),
                ms(3600000))},
      // actors
      {"actors.passivate_after", "2min",
       "Idle business and tenant actors stop after this.",
       duration(&settings::actors, &actor_settings::passivate_after, ms(10), ms(day_ms))},
      {"actors.max_live_per_node", "2000000",
       "Live entity actors per node before LRU passivation.",
       integer(&settings::actors, &actor_settings::max_live_per_node, 1, 100000000)},
      // cache (TTLs: the seed's 7.1)
      {"cache.classification_ttl", "7d", "TTL of cached industry classifications.",
       duration(&settings::cache, &cache_settings::classification_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.risk_assessment_ttl", "24h", "TTL of cached risk assessments.",
       duration(&settings::cache, &cache_settings::risk_assessment_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.website_analysis_ttl", "7d", "TTL of cached website analyses.",
       duration(&settings::cache, &cache_settings::website_analysis_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.business_registry_ttl", "30d", "TTL of cached registry lookups.",
       duration(&settings::cache, &cache_settings::business_registry_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.sanctions_screening_ttl", "24h", "TTL of cached sanctions screenings.",
       duration(&settings::cache, &cache_settings::sanctions_screening_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.model_predictions_ttl", "1h",
       "TTL of cached model predictions (shared caches).",
       duration(&settings::cache, &cache_settings::model_predictions_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.sessions_ttl", "24h", "TTL of cached sessions.",
       duration(&settings::cache, &cache_settings::sessions_ttl, ms(1000),
                ms(365 * day_ms))},
      {"cache.hot_accesses_per_hour", "60",
       "Access rate at which an entry counts as fully hot (refreshed at 60% of its TTL).",
       real(&settings::cache, &cache_settings::hot_accesses_per_hour, 0.001, 1e9)},
      {"cache.max_entries_per_actor", "64",
       "Cached entries one actor keeps per cache type.",
       integer(&settings::cache, &cache_settings::max_entries_per_actor, 1, 1000000)},
      {"cache.max_entries_per_node", "1000000",
       "Cached entries one node keeps per cache type.",
       integer(&settings::cache, &cache_settings::max_entries_per_node, 1, 1000000000)},
      {"cache.warm_schedule", "0 2 * * *",
       "Cron expression (UTC) of the warming job (the seed's daily 02:00).",
       str(&settings::cache, &cache_settings::warm_schedule, true)},
      // runtime
      {"runtime.scheduler_threads", "0",
       "Worker threads of the core actor system; 0 = one per core.",
       integer(&settings::runtime, &runtime_settings::scheduler_threads, 0, 256)},
      {"runtime.scheduler_policy", "sharing",
       "CAF scheduling: 'sharing' (one queue, lowest latency) or 'stealing'.",
       one_of(&settings::runtime, &runtime_settings::scheduler_policy,
              {"sharing", "stealing"})},
      // log
      {"log.level", "info", "Least severe level written.",
       one_of(&settings::log, &log_settings::level, {"debug", "info", "warn", "error"})},
      {"log.access", "true", "Write one JSON line per HTTP request.",
       boolean(&settings::log, &log_settings::access)},
  };
  return table;
}

std::optional<std::string> cross_check(const settings& s, std::string& key) {
  if (s.api.default_page_limit > s.api.max_page_limit) {
    key = "api.default_page_limit";
    return "must not exceed api.max_page_limit (" + std::to_string(s.api.max_page_limit) +
           ")";
  }
  if (s.rate_limit.burst < 1) {
    key = "rate_limit.burst";
    return "must be at least 1";
  }
  return std::nullopt;
}

} // namespace kyb::config::detail

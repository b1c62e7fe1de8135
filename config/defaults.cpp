#include "config/defaults.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <thread>

#include "config/config.hpp"
#include "config/host_port.hpp"

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

/// A number of calendar months ("13months", "7y") within [lo, hi]; `why_lo` says why
/// fewer are refused.
template <class Section>
apply_fn months(Section settings::*sec, int Section::*field, int lo, int hi,
                std::string why_lo) {
  return [=](settings& s, const std::string& v) -> std::optional<std::string> {
    auto n = parse_months(v);
    if (!n)
      return "expected calendar months such as '13months', '18mo' or '7y', got '" + v +
             "'";
    if (*n < lo)
      return "must be at least " + std::to_string(lo) + " months (" + why_lo +
             "), got '" + v + "'";
    if (*n > hi)
      return "must be at most " + std::to_string(hi) + " months, got '" + v + "'";
    (s.*sec).*field = *n;
    return std::nullopt;
  };
}

/// Parses `v` as HOST:PORT into `host` and `port`; the problem otherwise, with an
/// example.
std::optional<std::string> endpoint_into(const std::string& v, const std::string& example,
                                         std::string& host, uint16_t& port) {
  auto parsed = parse_host_port(v);
  if (!parsed)
    return "expected HOST:PORT such as '" + example + "': " + parsed.error;
  host = parsed.value->host;
  port = parsed.value->port;
  return std::nullopt;
}

/// A HOST:PORT endpoint of the cluster settings (its host and port members).
apply_fn cluster_endpoint(std::string cluster_settings::*host,
                          uint16_t cluster_settings::*port, std::string example) {
  return [host, port, example](settings& s,
                               const std::string& v) -> std::optional<std::string> {
    return endpoint_into(v, example, s.cluster.*host, s.cluster.*port);
  };
}

apply_fn metrics_listen() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    if (v.empty() || v == "off") {
      s.metrics.listen_host.clear();
      s.metrics.listen_port = 0;
      return std::nullopt;
    }
    if (auto bad = endpoint_into(v, "127.0.0.1:9464", s.metrics.listen_host,
                                 s.metrics.listen_port))
      return *bad + " (or 'off')";
    return std::nullopt;
  };
}

const std::vector<std::string>& region_names() {
  static const std::vector<std::string> names = {"us-east-1", "us-west-2", "eu-west-1"};
  return names;
}

apply_fn region_databases() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    s.regions.databases.clear();
    std::vector<std::string> seen;
    for (auto& item : comma_list(v)) {
      auto eq = item.find('=');
      auto name = eq == std::string::npos ? item : item.substr(0, eq);
      if (eq == std::string::npos || eq + 1 == item.size())
        return "expected REGION=URL, got '" + item + "'";
      if (std::find(region_names().begin(), region_names().end(), name) ==
          region_names().end())
        return "unknown region '" + name + "' (us-east-1, us-west-2 or eu-west-1)";
      if (std::find(seen.begin(), seen.end(), name) != seen.end())
        return "region '" + name + "' is listed twice";
      seen.push_back(name);
      s.regions.databases.push_back(item);
    }
    if (!seen.empty() && seen.size() != region_names().size())
      return "list all three regions (us-east-1, us-west-2, eu-west-1)";
    return std::nullopt;
  };
}

apply_fn group_list() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    s.regions.synchronous.clear();
    for (auto& g : comma_list(v)) {
      if (g != "businesses" && g != "risk_assessments" && g != "audit_logs")
        return "unknown table group '" + g +
               "' (businesses, risk_assessments or audit_logs)";
      s.regions.synchronous.push_back(g);
    }
    return std::nullopt;
  };
}

apply_fn seed_list() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    s.cluster.seeds.clear();
    for (auto& item : comma_list(v)) {
      auto seed = parse_host_port(item);
      if (!seed)
        return "expected a comma-separated list of HOST:PORT: " + seed.error;
      s.cluster.seeds.push_back(std::move(*seed.value));
    }
    return std::nullopt;
  };
}

apply_fn listen_address() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    return endpoint_into(v, "127.0.0.1:8080' or '[::1]:8080", s.http.listen_host,
                         s.http.listen_port);
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

apply_fn port_list() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    s.outbound.allowed_ports.clear();
    for (auto& item : comma_list(v)) {
      bool digits = !item.empty() && item.size() <= 5 &&
                    std::all_of(item.begin(), item.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      auto n = digits ? std::stol(item) : 0;
      if (n < 1 || n > 65535)
        return "expected a comma-separated list of ports (1-65535), got '" + item + "'";
      s.outbound.allowed_ports.push_back(static_cast<uint16_t>(n));
    }
    if (s.outbound.allowed_ports.empty())
      return "list at least one port (e.g. '80,443')";
    return std::nullopt;
  };
}

/// "host=N/DURATION,...", e.g. "api.company-information.service.gov.uk=600/5m".
apply_fn host_rate_list() {
  return [](settings& s, const std::string& v) -> std::optional<std::string> {
    s.outbound.host_rates.clear();
    for (auto& item : comma_list(v)) {
      auto bad = "expected HOST=REQUESTS/DURATION such as "
                 "'api.company-information.service.gov.uk=600/5m', got '" +
                 item + "'";
      auto eq = item.find('=');
      auto slash = item.find('/', eq == std::string::npos ? 0 : eq);
      if (eq == std::string::npos || eq == 0 || slash == std::string::npos)
        return bad;
      outbound_host_rate r;
      r.host = item.substr(0, eq);
      for (auto& c : r.host)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      try {
        size_t pos = 0;
        auto count = item.substr(eq + 1, slash - eq - 1);
        r.requests = std::stod(count, &pos);
        if (pos != count.size() || !std::isfinite(r.requests) || r.requests < 1 ||
            r.requests > 1e9)
          return bad;
      } catch (...) {
        return bad;
      }
      auto per = parse_duration(item.substr(slash + 1));
      if (!per || per->count() < 1)
        return bad;
      r.per = *per;
      s.outbound.host_rates.push_back(std::move(r));
    }
    return std::nullopt;
  };
}

const auto ms = [](long long n) { return milliseconds{n}; };
constexpr long long day_ms = 24LL * 3600 * 1000;

/// Screening list files: a file is read from its path or downloaded from its URL, not
/// both, and an aux file needs its list's primary file.
std::optional<std::string> screening_cross_check(const screening_settings& c,
                                                 std::string& key) {
  struct slot {
    const char* name;
    const std::string& path;
    const std::string& url;
    int primary; ///< index of the primary file, or -1 for a primary
  };
  const slot slots[] = {
      {"ofac_sdn", c.ofac_sdn_path, c.ofac_sdn_url, -1},
      {"ofac_sdn_alt", c.ofac_sdn_alt_path, c.ofac_sdn_alt_url, 0},
      {"ofac_sdn_add", c.ofac_sdn_add_path, c.ofac_sdn_add_url, 0},
      {"ofac_sdn_comments", c.ofac_sdn_comments_path, c.ofac_sdn_comments_url, 0},
      {"ofac_cons", c.ofac_cons_path, c.ofac_cons_url, -1},
      {"ofac_cons_alt", c.ofac_cons_alt_path, c.ofac_cons_alt_url, 4},
      {"ofac_cons_add", c.ofac_cons_add_path, c.ofac_cons_add_url, 4},
      {"ofac_cons_comments", c.ofac_cons_comments_path, c.ofac_cons_comments_url, 4},
      {"un", c.un_path, c.un_url, -1},
      {"us_csl", c.us_csl_path, c.us_csl_url, -1},
      {"eu_fsf", c.eu_fsf_path, c.eu_fsf_url, -1},
      {"uk_ofsi", c.uk_ofsi_path, c.uk_ofsi_url, -1},
  };
  for (auto& s : slots) {
    std::string base = std::string("screening.") + s.name;
    if (!s.path.empty() && !s.url.empty()) {
      key = base + "_url";
      return "set either " + base + "_path or " + base + "_url, not both";
    }
    if (s.primary >= 0 && (!s.path.empty() || !s.url.empty())) {
      auto& p = slots[s.primary];
      if (p.path.empty() && p.url.empty()) {
        key = base + (s.path.empty() ? "_url" : "_path");
        return std::string("needs the list's primary file: set screening.") + p.name +
               "_path or screening." + p.name + "_url";
      }
    }
  }
  if (!c.download_ca_file.empty() && !std::ifstream(c.download_ca_file).good()) {
    key = "screening.download_ca_file";
    return "cannot read " + c.download_ca_file;
  }
  return std::nullopt;
}

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
      {"node.drain_timeout", "30s",
       "Bound on the whole shutdown after SIGTERM/SIGINT (HTTP drain, usage flush, "
       "leaving "
       "the cluster, stopping the actors); past it the node exits non-zero naming the "
       "step "
       "it waited for. Keep it above http.drain_timeout. A second signal exits at once.",
       duration(&settings::node, &node_settings::drain_timeout, ms(100), ms(3600000))},
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
      {"http.max_connections_per_ip", "256",
       "Open connections per client address over all HTTP workers; more are answered "
       "503 with Retry-After and closed.",
       integer(&settings::http, &http_settings::max_connections_per_ip, 1, 1000000)},
      {"http.max_pipelined", "32",
       "Requests queued on one connection before reading pauses.",
       integer(&settings::http, &http_settings::max_pipelined, 1, 1024)},
      {"http.read_timeout", "10s",
       "A started request (its headers, then its body) must arrive completely within "
       "this, however slowly its bytes trickle in (else 408 and the connection "
       "closes).",
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
      {"database.migration_url", "",
       "PostgreSQL URL the node runs migrations with: the schema owner, when "
       "database.url "
       "is an application role such as a member of kyb_app (empty: database.url).",
       url(&settings::database, &database_settings::migration_url,
           {"postgresql", "postgres"})},
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
      {"security.audit_key", "",
       "base64 of 32 random bytes: HMAC-SHA256 key of the audit log's hash chain (new "
       "rows; never stored in the database).",
       str(&settings::security, &security_settings::audit_key)},
      {"security.audit_previous_keys", "",
       "Comma-separated base64 audit keys used before security.audit_key: rows they "
       "signed still verify.",
       str(&settings::security, &security_settings::audit_previous_keys)},
      {"security.bootstrap_key_file", "var/bootstrap-admin.key",
       "Where the first start writes the platform-operator API key (mode 0600). The "
       "key is also shown when stdout is a terminal, never in a log.",
       str(&settings::security, &security_settings::bootstrap_key_file, true)},
      // rate limits
      {"rate_limit.requests_per_second", "100", "Default token refill rate per tenant.",
       real(&settings::rate_limit, &rate_limit_settings::requests_per_second, 0.001,
            1e9)},
      {"rate_limit.burst", "200", "Default token bucket size per tenant.",
       real(&settings::rate_limit, &rate_limit_settings::burst, 1, 1e9)},
      {"rate_limit.auth_lease", "200ms",
       "How long an HTTP worker may reuse a key's authentication with rate-limit "
       "tokens leased from the tenant actor (a twentieth of that time's refill), "
       "without asking it again; a revocation answers after the leases ran out. "
       "0 asks the tenant actor on every request.",
       duration(&settings::rate_limit, &rate_limit_settings::auth_lease, ms(0),
                ms(5000))},
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
      // cluster
      {"cluster.listen", "127.0.0.1:9101",
       "This node's cluster endpoint: peer nodes connect here (node certificates only).",
       cluster_endpoint(&cluster_settings::listen_host, &cluster_settings::listen_port,
                        "127.0.0.1:9101")},
      {"cluster.admin_listen", "127.0.0.1:9301",
       "This node's admin endpoint: kybctl connects here (admin certificates only).",
       cluster_endpoint(&cluster_settings::admin_host, &cluster_settings::admin_port,
                        "127.0.0.1:9301")},
      {"cluster.seeds", "",
       "Comma-separated HOST:PORT of nodes to join; the first one forms a new cluster.",
       seed_list()},
      {"cluster.shards", "256",
       "Entity shards of the cluster (never change it on a live cluster).",
       integer(&settings::cluster, &cluster_settings::shards, 1, 4096)},
      {"cluster.vnodes", "128", "Points of each node on the consistent-hash ring.",
       integer(&settings::cluster, &cluster_settings::vnodes, 1, 4096)},
      {"cluster.heartbeat_interval", "500ms", "Heartbeats between nodes (CAF middleman).",
       duration(&settings::cluster, &cluster_settings::heartbeat_interval, ms(50),
                ms(60000))},
      {"cluster.connection_timeout", "2s",
       "A peer silent for this long is declared down (hung or cut off).",
       duration(&settings::cluster, &cluster_settings::connection_timeout, ms(100),
                ms(600000))},
      {"cluster.rejoin_interval", "1s",
       "How often membership is reconciled and a node without quorum tries to rejoin.",
       duration(&settings::cluster, &cluster_settings::rejoin_interval, ms(50),
                ms(600000))},
      {"cluster.bootstrap_timeout", "2s",
       "How long the first seed waits for an existing cluster before forming a new one.",
       duration(&settings::cluster, &cluster_settings::bootstrap_timeout, ms(0),
                ms(600000))},
      {"cluster.join_timeout", "60s",
       "A starting node that has not joined a cluster by then stops with an error.",
       duration(&settings::cluster, &cluster_settings::join_timeout, ms(100),
                ms(3600000))},
      {"cluster.read_lease", "10ms",
       "How long a node answers plain reads of another node's business with a copy of "
       "its published view; a write to it waits until such copies ran out (at most this "
       "long after its last remote read). 0ms: every such read asks the owner.",
       duration(&settings::cluster, &cluster_settings::read_lease, ms(0), ms(1000))},
      {"cluster.insecure", "false",
       "Plaintext, unauthenticated cluster and admin traffic: anyone who reaches the "
       "ports runs the node. Development only; warned at every start. Off: mutual TLS "
       "with roles (cluster.tls_*).",
       boolean(&settings::cluster, &cluster_settings::insecure)},
      {"cluster.tls_certificate", "",
       "PEM certificate of this node, signed by cluster.tls_ca, naming role "
       "URI:kyb:role:node in its subjectAltName.",
       str(&settings::cluster, &cluster_settings::tls_certificate)},
      {"cluster.tls_key", "", "PEM private key of cluster.tls_certificate.",
       str(&settings::cluster, &cluster_settings::tls_key)},
      {"cluster.tls_ca", "",
       "PEM CA that signed every node's and every admin's certificate.",
       str(&settings::cluster, &cluster_settings::tls_ca)},
      // cache (a TTL per cache type)
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
      {"cache.business_views", "16384",
       "Businesses whose rendered view a node keeps for reads (the most recently read; "
       "about 2 KiB each). A loaded business not among them keeps its packed record "
       "and renders again when read. 0: none kept.",
       integer(&settings::cache, &cache_settings::business_views, 0, 100000000)},
      {"cache.warm_schedule", "0 2 * * *",
       "Cron expression (UTC) of the warming job (default: daily at 02:00).",
       str(&settings::cache, &cache_settings::warm_schedule, true)},
      {"cache.warm_top_codes", "10",
       "The scheduled warming loads the businesses of this many most common MCC codes.",
       integer(&settings::cache, &cache_settings::warm_top_codes, 1, 1000)},
      {"cache.warm_max_businesses", "1000",
       "Businesses one warm run (schedule, model load, import) loads at most.",
       integer(&settings::cache, &cache_settings::warm_max_businesses, 0, 1000000)},
      // runtime
      {"runtime.scheduler_threads", "0",
       "Worker threads of the core actor system; 0 = one per core.",
       integer(&settings::runtime, &runtime_settings::scheduler_threads, 0, 256)},
      {"runtime.scheduler_policy", "sharing",
       "CAF scheduling: 'sharing' (one queue, lowest latency) or 'stealing'.",
       one_of(&settings::runtime, &runtime_settings::scheduler_policy,
              {"sharing", "stealing"})},
      // import (POST /v1/businesses/bulk)
      {"import.max_upload_bytes", "8GiB", "Largest streamed bulk upload (else 413).",
       size(&settings::import, &import_settings::max_upload_bytes, 1024,
            size_t{1} << 40)},
      {"import.max_record_bytes", "64KiB",
       "Largest NDJSON line or CSV record of an upload (else that row fails).",
       size(&settings::import, &import_settings::max_record_bytes, 256, size_t{1} << 24)},
      {"import.batch_rows", "1000", "Rows written per transaction by a bulk import.",
       integer(&settings::import, &import_settings::batch_rows, 1, 100000)},
      {"import.max_errors_stored", "10000",
       "Row errors stored per import job (every error is counted).",
       integer(&settings::import, &import_settings::max_errors_stored, 0, 10000000)},
      // classification (the industry model; none unless configured)
      {"classification.model_path", "",
       "Industry classification model file "
       "(actors/classification/model/kyb_industry.model "
       "in the source tree); empty: classification answers 503.",
       str(&settings::classification, &classification_settings::model_path)},
      {"classification.review_below", "0.5",
       "A classification whose primary MCC confidence (calibrated: the chance it is "
       "right) is below this is marked needs_review, with its alternatives; 0: never.",
       real(&settings::classification, &classification_settings::review_below, 0, 1)},
      {"classification.workers", "0",
       "Classification workers sharing the one loaded model (a request goes to the "
       "worker its input hashes to); 0: one per core.",
       integer(&settings::classification, &classification_settings::workers, 0, 256)},
      // risk (reference data built in unless configured)
      {"risk.rules_path", "",
       "Complete default risk rules (JSON, as config/risk/default_rules.json); empty: "
       "the built-in copy.",
       str(&settings::risk, &risk_settings::rules_path)},
      {"risk.country_risk_path", "",
       "Country risk lists (CSV, as config/risk/country_risk.csv); empty: the built-in "
       "copy.",
       str(&settings::risk, &risk_settings::country_risk_path)},
      {"risk.mcc_tiers_path", "",
       "MCC risk tiers (CSV, as config/risk/mcc_risk_tiers.csv); empty: the built-in "
       "copy.",
       str(&settings::risk, &risk_settings::mcc_tiers_path)},
      {"risk.refresh_interval", "5m",
       "How often configured risk files are re-read (a changed file replaces the "
       "reference data and re-assesses stored assessments); 0s = only at start and on "
       "reload.",
       duration(&settings::risk, &risk_settings::refresh_interval, ms(0),
                ms(30 * day_ms))},
      {"risk.monitor_rate", "20",
       "Background re-assessments per second after an input of an assessment changed.",
       real(&settings::risk, &risk_settings::monitor_rate, 0.01, 100000)},
      {"risk.monitor_concurrency", "4", "Background re-assessments in flight at once.",
       integer(&settings::risk, &risk_settings::monitor_concurrency, 1, 256)},
      {"risk.rules_lease", "1s",
       "How long an assessment may use the tenant's rules version it last read before "
       "asking again; PUT /v1/risk-rules answers once this long has passed since the new "
       "version committed (0s: ask before every assessment).",
       duration(&settings::risk, &risk_settings::rules_lease, ms(0), ms(60000))},
      // website analysis
      {"website.max_pages", "5",
       "Same-site pages (about, contact, terms, privacy, imprint) read beyond the home "
       "page.",
       integer(&settings::website, &website_settings::max_pages, 0, 20)},
      {"website.max_page_bytes", "2MiB", "A page's body beyond this is not read.",
       size(&settings::website, &website_settings::max_page_bytes, 1024,
            size_t{1} << 26)},
      {"website.page_timeout", "8s", "One page's whole fetch (connect, TLS, body).",
       duration(&settings::website, &website_settings::page_timeout, ms(100),
                ms(120000))},
      {"website.timeout", "20s",
       "One whole analysis; keep it below http.request_timeout.",
       duration(&settings::website, &website_settings::timeout, ms(100), ms(600000))},
      // verifications
      {"verification.step_timeout", "120s",
       "The longest wait for one step of a verification (a registry lookup, a website "
       "analysis...); a step that takes longer fails.",
       duration(&settings::verification, &verification_settings::step_timeout, ms(100),
                ms(3600000))},
      {"verification.resume_interval", "5s",
       "How often a node resumes the unfinished verifications of its shards that no "
       "actor runs (after a node died).",
       duration(&settings::verification, &verification_settings::resume_interval, ms(100),
                ms(3600000))},
      // webhooks
      {"webhooks.allow_http", "false",
       "Accept http:// webhook endpoint URLs (tests and local receivers); https only "
       "otherwise.",
       boolean(&settings::webhooks, &webhook_settings::allow_http)},
      {"webhooks.timeout", "10s",
       "One delivery attempt (connect to the last byte); a slower receiver's attempt "
       "failed.",
       duration(&settings::webhooks, &webhook_settings::timeout, ms(100), ms(120000))},
      {"webhooks.retry_base", "30s",
       "The wait after a delivery's first failed attempt; it doubles with each attempt "
       "(with jitter).",
       duration(&settings::webhooks, &webhook_settings::retry_base, ms(10), ms(3600000))},
      {"webhooks.retry_max", "1h", "The longest wait between two attempts.",
       duration(&settings::webhooks, &webhook_settings::retry_max, ms(10), ms(86400000))},
      {"webhooks.retry_window", "72h",
       "How long a delivery is retried (from its event, or a redelivery asked for) "
       "before it is marked failed.",
       duration(&settings::webhooks, &webhook_settings::retry_window, ms(100),
                ms(30LL * 86400000))},
      {"webhooks.poll_interval", "1s",
       "How often a node fans new events out to endpoints and sends what is due.",
       duration(&settings::webhooks, &webhook_settings::poll_interval, ms(10),
                ms(60000))},
      {"webhooks.rotation_overlap", "24h",
       "How long a rotated-out signing secret still signs deliveries (next to the new "
       "one), unless the rotation asks for another overlap.",
       duration(&settings::webhooks, &webhook_settings::rotation_overlap, ms(0),
                ms(30LL * 86400000))},
      {"webhooks.max_in_flight", "32", "Delivery attempts out at once per node.",
       integer(&settings::webhooks, &webhook_settings::max_in_flight, 1, 10000)},
      // registry lookups
      {"registry.gleif_url", "https://api.gleif.org/api/v1", "GLEIF API base URL.",
       str(&settings::registry, &registry_settings::gleif_url, true)},
      {"registry.companies_house_url", "https://api.company-information.service.gov.uk",
       "UK Companies House API base URL.",
       str(&settings::registry, &registry_settings::companies_house_url, true)},
      {"registry.companies_house_key", "",
       "Companies House API key (secret); empty: Companies House is not asked.",
       str(&settings::registry, &registry_settings::companies_house_key)},
      {"registry.sec_url", "https://data.sec.gov", "SEC EDGAR submissions base URL.",
       str(&settings::registry, &registry_settings::sec_url, true)},
      {"registry.sec_tickers_url", "https://www.sec.gov/files/company_tickers.json",
       "SEC ticker to CIK table.",
       str(&settings::registry, &registry_settings::sec_tickers_url, true)},
      {"registry.opencorporates_url", "https://api.opencorporates.com/v0.4",
       "OpenCorporates API base URL.",
       str(&settings::registry, &registry_settings::opencorporates_url, true)},
      {"registry.opencorporates_token", "",
       "OpenCorporates API token (secret); empty: OpenCorporates is not asked.",
       str(&settings::registry, &registry_settings::opencorporates_token)},
      {"registry.user_agent", "",
       "User-Agent of registry requests, naming the operator and a contact e-mail (the "
       "SEC refuses requests without one); empty: SEC EDGAR is not asked.",
       str(&settings::registry, &registry_settings::user_agent)},
      {"registry.min_candidate_score", "0.80",
       "The least name score at which a search result is taken as the business.",
       real(&settings::registry, &registry_settings::min_candidate_score, 0.0, 1.0)},
      {"registry.max_search_results", "20", "Search results read per registry search.",
       integer(&settings::registry, &registry_settings::max_search_results, 1, 100)},
      {"registry.timeout", "20s",
       "One lookup in one registry (all its requests); keep it below "
       "http.request_timeout.",
       duration(&settings::registry, &registry_settings::timeout, ms(100), ms(600000))},
      // screening (sanctions lists; nothing loads unless configured)
      {"screening.ofac_sdn_path", "", "OFAC SDN primary file (sdn.csv) to load.",
       str(&settings::screening, &screening_settings::ofac_sdn_path)},
      {"screening.ofac_sdn_alt_path", "", "OFAC SDN aliases (alt.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_sdn_alt_path)},
      {"screening.ofac_sdn_add_path", "", "OFAC SDN addresses (add.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_sdn_add_path)},
      {"screening.ofac_sdn_comments_path", "",
       "OFAC SDN remarks continuation (sdn_comments.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_sdn_comments_path)},
      {"screening.ofac_cons_path", "",
       "OFAC non-SDN consolidated primary file (cons_prim.csv) to load.",
       str(&settings::screening, &screening_settings::ofac_cons_path)},
      {"screening.ofac_cons_alt_path", "",
       "OFAC non-SDN aliases (cons_alt.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_cons_alt_path)},
      {"screening.ofac_cons_add_path", "",
       "OFAC non-SDN addresses (cons_add.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_cons_add_path)},
      {"screening.ofac_cons_comments_path", "",
       "OFAC non-SDN remarks continuation (cons_comments.csv), optional.",
       str(&settings::screening, &screening_settings::ofac_cons_comments_path)},
      {"screening.un_path", "", "UN Security Council consolidated list (XML) to load.",
       str(&settings::screening, &screening_settings::un_path)},
      {"screening.us_csl_path", "", "US Consolidated Screening List (CSV) to load.",
       str(&settings::screening, &screening_settings::us_csl_path)},
      {"screening.eu_fsf_path", "",
       "EU consolidated list of financial sanctions (the Financial Sanctions Files XML, "
       "version 1.1) to load.",
       str(&settings::screening, &screening_settings::eu_fsf_path)},
      {"screening.uk_ofsi_path", "",
       "UK consolidated list of financial sanctions targets (OFSI's ConList.csv) to "
       "load.",
       str(&settings::screening, &screening_settings::uk_ofsi_path)},
      {"screening.generic_dir", "",
       "Directory whose <name>.csv / <name>.json files (generic formats, see "
       "actors/screening/LIST_FORMATS.md) load as lists named <name>.",
       str(&settings::screening, &screening_settings::generic_dir)},
      {"screening.lists_dir", "",
       "Directory of list files under their publishers' names (sdn.csv, alt.csv, "
       "add.csv, sdn_comments.csv; cons_prim.csv, cons_alt.csv, cons_add.csv, "
       "cons_comments.csv; consolidated.xml for the UN; consolidated.csv for the US "
       "CSL, names in any case): each list found loads from there unless its own "
       "screening.<list>_path or _url is set.",
       str(&settings::screening, &screening_settings::lists_dir)},
      {"screening.sources", "official",
       "official: a built-in list (OFAC SDN, OFAC non-SDN, UN, US CSL) that has no path, "
       "URL or file in screening.lists_dir is downloaded from its publisher's official "
       "URL at start and on schedule; configured: only the lists configured load.",
       one_of(&settings::screening, &screening_settings::sources,
              {"official", "configured"})},
      {"screening.ofac_sdn_url", "",
       "Download sdn.csv from here (official: "
       "https://sanctionslistservice.ofac.treas.gov/"
       "api/PublicationPreview/exports/SDN.CSV).",
       url(&settings::screening, &screening_settings::ofac_sdn_url, {"http", "https"})},
      {"screening.ofac_sdn_alt_url", "",
       "Download alt.csv from here (official: .../exports/ALT.CSV).",
       url(&settings::screening, &screening_settings::ofac_sdn_alt_url,
           {"http", "https"})},
      {"screening.ofac_sdn_add_url", "",
       "Download add.csv from here (official: .../exports/ADD.CSV).",
       url(&settings::screening, &screening_settings::ofac_sdn_add_url,
           {"http", "https"})},
      {"screening.ofac_sdn_comments_url", "",
       "Download sdn_comments.csv from here (official: .../exports/SDN_COMMENTS.CSV).",
       url(&settings::screening, &screening_settings::ofac_sdn_comments_url,
           {"http", "https"})},
      {"screening.ofac_cons_url", "",
       "Download cons_prim.csv from here (official: .../exports/CONS_PRIM.CSV).",
       url(&settings::screening, &screening_settings::ofac_cons_url, {"http", "https"})},
      {"screening.ofac_cons_alt_url", "",
       "Download cons_alt.csv from here (official: .../exports/CONS_ALT.CSV).",
       url(&settings::screening, &screening_settings::ofac_cons_alt_url,
           {"http", "https"})},
      {"screening.ofac_cons_add_url", "",
       "Download cons_add.csv from here (official: .../exports/CONS_ADD.CSV).",
       url(&settings::screening, &screening_settings::ofac_cons_add_url,
           {"http", "https"})},
      {"screening.ofac_cons_comments_url", "",
       "Download cons_comments.csv from here (official: .../exports/CONS_COMMENTS.CSV).",
       url(&settings::screening, &screening_settings::ofac_cons_comments_url,
           {"http", "https"})},
      {"screening.un_url", "",
       "Download the UN list from here (official: "
       "https://scsanctions.un.org/resources/xml/en/consolidated.xml).",
       url(&settings::screening, &screening_settings::un_url, {"http", "https"})},
      {"screening.us_csl_url", "",
       "Download the US CSL from here (official: https://data.trade.gov/"
       "downloadable_consolidated_screening_list/v1/consolidated.csv).",
       url(&settings::screening, &screening_settings::us_csl_url, {"http", "https"})},
      {"screening.eu_fsf_url", "",
       "Download the EU list (FSF XML 1.1) from here (official: the Financial Sanctions "
       "Files at webgate.ec.europa.eu/fsd/fsf, with the download token of your "
       "registration).",
       url(&settings::screening, &screening_settings::eu_fsf_url, {"http", "https"})},
      {"screening.uk_ofsi_url", "",
       "Download the UK list (OFSI ConList.csv) from here (official: "
       "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv).",
       url(&settings::screening, &screening_settings::uk_ofsi_url, {"http", "https"})},
      {"screening.refresh_interval", "12h",
       "How often lists are downloaded and re-read (a changed list is re-indexed and "
       "re-screens the stored businesses); 0s = only at start and on reload.",
       duration(&settings::screening, &screening_settings::refresh_interval, ms(0),
                ms(30 * day_ms))},
      {"screening.retry_interval", "1min",
       "After a reload in which a list could not be loaded (a download or a file "
       "failed): when to try again; each further failure waits twice as long, up to "
       "screening.refresh_interval (an hour when that is 0s).",
       duration(&settings::screening, &screening_settings::retry_interval, ms(10),
                ms(day_ms))},
      {"screening.threshold", "0.80",
       "Default score at or above which a listed name is a hit (a query may override).",
       real(&settings::screening, &screening_settings::threshold, 0.01, 1)},
      {"screening.max_bad_rows", "0",
       "Malformed rows a list may skip with a warning before it fails to load.",
       integer(&settings::screening, &screening_settings::max_bad_rows, 0, 1000000)},
      {"screening.download_timeout", "120s", "Longest download of one list file.",
       duration(&settings::screening, &screening_settings::download_timeout, ms(100),
                ms(3600000))},
      {"screening.download_connect_timeout", "10s",
       "Longest wait to connect to a list publisher.",
       duration(&settings::screening, &screening_settings::download_connect_timeout,
                ms(100), ms(600000))},
      {"screening.download_max_bytes", "256MiB", "Largest list file downloaded.",
       size(&settings::screening, &screening_settings::download_max_bytes, 1024,
            size_t{1} << 34)},
      {"screening.download_max_redirects", "5",
       "Redirects followed per download (the outbound client follows at most 5).",
       integer(&settings::screening, &screening_settings::download_max_redirects, 0, 20)},
      {"screening.download_ca_file", "",
       "PEM CA bundle trusted for https list downloads instead of the system's (a "
       "private mirror); empty = the system's.",
       str(&settings::screening, &screening_settings::download_ca_file)},
      {"screening.monitor_rate", "20",
       "Stored businesses re-screened per second after a list changed.",
       real(&settings::screening, &screening_settings::monitor_rate, 0.01, 100000)},
      {"screening.monitor_concurrency", "4",
       "Re-screenings of stored businesses in flight at once.",
       integer(&settings::screening, &screening_settings::monitor_concurrency, 1, 256)},
      // regions (one region unless regions.databases is set)
      {"regions.databases", "",
       "Comma-separated REGION=URL of the PostgreSQL of each region (us-east-1, "
       "us-west-2, eu-west-1); empty: a single region.",
       region_databases()},
      {"regions.us_primary", "us-east-1",
       "The region that takes US writes until a failover moves them.",
       one_of(&settings::regions, &regions_settings::us_primary,
              {"us-east-1", "us-west-2"})},
      {"regions.heartbeat_interval", "250ms",
       "How often each source region rewrites its replication heartbeat rows.",
       duration(&settings::regions, &regions_settings::heartbeat_interval, ms(10),
                ms(60000))},
      {"regions.poll_interval", "1s",
       "How often the region replica actors sample lag, slots and apply errors.",
       duration(&settings::regions, &regions_settings::poll_interval, ms(50),
                ms(600000))},
      {"regions.probe_interval", "500ms", "Failure-detection probes of each region.",
       duration(&settings::regions, &regions_settings::probe_interval, ms(50),
                ms(600000))},
      {"regions.probe_failures", "3",
       "Failed probes in a row that declare a region down.",
       integer(&settings::regions, &regions_settings::probe_failures, 1, 1000)},
      {"regions.auto_failover", "false",
       "Fail the US primary over to us-west-2 as soon as it is detected down.",
       boolean(&settings::regions, &regions_settings::auto_failover)},
      {"regions.synchronous", "",
       "Comma-separated table groups (businesses, risk_assessments, audit_logs) whose "
       "commits wait for a replica (zero loss, slower writes).",
       group_list()},
      {"regions.forward_workers", "4",
       "Threads of the request relay that serves requests other regions forward here.",
       integer(&settings::regions, &regions_settings::forward_workers, 1, 256)},
      {"regions.forward_timeout", "10s", "Bound on one forwarded request.",
       duration(&settings::regions, &regions_settings::forward_timeout, ms(100),
                ms(600000))},
      // outbound HTTP (net/outbound_client): list downloads, region forwarding,
      // website analysis and registry lookups
      {"outbound.connect_timeout", "10s",
       "Longest wait to connect (DNS, TCP, TLS) for an outbound request.",
       duration(&settings::outbound, &outbound_settings::connect_timeout, ms(100),
                ms(600000))},
      {"outbound.timeout", "30s",
       "Longest outbound request, from submission (queueing for its host included) to "
       "the last byte, redirects included.",
       duration(&settings::outbound, &outbound_settings::timeout, ms(100), ms(3600000))},
      {"outbound.idle_timeout", "30s",
       "An outbound transfer that receives nothing for this long ends (a slow "
       "trickle); whole seconds.",
       duration(&settings::outbound, &outbound_settings::idle_timeout, ms(1000),
                ms(3600000))},
      {"outbound.max_response_bytes", "16MiB",
       "Largest outbound response body (decoded); a larger one is aborted.",
       size(&settings::outbound, &outbound_settings::max_response_bytes, 1024,
            size_t{1} << 34)},
      {"outbound.max_redirects", "5",
       "Redirects an outbound request follows (each hop checked again; never https to "
       "http).",
       integer(&settings::outbound, &outbound_settings::max_redirects, 0, 5)},
      {"outbound.ca_file", "",
       "PEM CA bundle trusted for outbound https instead of the system's; empty = the "
       "system's.",
       str(&settings::outbound, &outbound_settings::ca_file)},
      {"outbound.proxy", "",
       "Proxy for outbound requests (http://, https://, socks5h://); empty = none "
       "(the environment's http_proxy is ignored).",
       url(&settings::outbound, &outbound_settings::proxy,
           {"http", "https", "socks5", "socks5h"})},
      {"outbound.allow_private", "false",
       "Let tenant-chosen URLs (websites) reach loopback, private, link-local and other "
       "non-public addresses. For tests and local fixtures only: the node logs a "
       "warning at every start while it is on.",
       boolean(&settings::outbound, &outbound_settings::allow_private)},
      {"outbound.allowed_ports", "80,443",
       "Comma-separated ports tenant-chosen URLs may use.", port_list()},
      {"outbound.per_host_concurrency", "8",
       "Outbound requests in flight to one host at once; more wait in a queue.",
       integer(&settings::outbound, &outbound_settings::per_host_concurrency, 1, 1024)},
      {"outbound.host_rates", "",
       "Comma-separated per-host rate limits HOST=REQUESTS/DURATION (a token bucket; "
       "requests over it wait), e.g. "
       "'api.company-information.service.gov.uk=600/5m'.",
       host_rate_list()},
      {"outbound.user_agent", "kyb-platform/0.1",
       "User-Agent of outbound requests (a caller may set its own).",
       str(&settings::outbound, &outbound_settings::user_agent, true)},
      // retention (actors/retention/)
      {"audit.retention", "7y",
       "How long audit rows stay in the database, in whole calendar months before the "
       "current one ('84months', '7y'; at least 12: the audit queries' one-year window). "
       "Older monthly partitions are exported to retention.export_dir, then detached.",
       months(&settings::retention, &retention_settings::audit_retention_months, 12, 1200,
              "the audit queries read a year back")},
      {"audit.partitions_ahead", "3",
       "Monthly audit_logs partitions kept made ahead of the current month.",
       integer(&settings::retention, &retention_settings::audit_partitions_ahead, 1, 24)},
      {"usage.retention", "13months",
       "How long api_usage rows are kept ('13months', '2y'); older rows are deleted in "
       "batches of retention.batch_size.",
       months(&settings::retention, &retention_settings::usage_retention_months, 1, 1200,
              "a month of usage is the least a bill needs")},
      {"retention.enabled", "true",
       "Run retention on this node's schedule (one node per database at a time: an "
       "advisory lock; the others skip). POST /v1/admin/retention/run runs it either "
       "way.",
       boolean(&settings::retention, &retention_settings::enabled)},
      {"retention.interval", "1h",
       "How often retention runs (also 30 s after start, and on POST "
       "/v1/admin/retention/run).",
       duration(&settings::retention, &retention_settings::interval, ms(1000),
                ms(7 * day_ms))},
      {"retention.export_dir", "",
       "Where audit partitions are exported before they are detached (NDJSON, one file "
       "per month, with a .sha256 beside it); empty: node.data_dir/exports/audit. Keep "
       "it "
       "on durable storage shared by the nodes.",
       str(&settings::retention, &retention_settings::export_dir)},
      {"retention.batch_size", "5000",
       "Rows per export read and per api_usage DELETE (short transactions: no long "
       "locks).",
       integer(&settings::retention, &retention_settings::batch_size, 1, 1000000)},
      {"retention.drop_detached", "false",
       "Drop an audit partition once it is exported and detached (default: keep it, "
       "detached, for the owner to archive).",
       boolean(&settings::retention, &retention_settings::drop_detached)},
      // log
      {"log.level", "info", "Least severe level written.",
       one_of(&settings::log, &log_settings::level, {"debug", "info", "warn", "error"})},
      {"log.access", "true", "Write one JSON line per HTTP request.",
       boolean(&settings::log, &log_settings::access)},
      // metrics
      {"metrics.listen", "127.0.0.1:9464",
       "Address of the metrics listener (GET /metrics, /metrics/business), apart from "
       "the API port, which does not serve them: keep it on loopback or a private "
       "network (the series name tenant ids). Empty or 'off': no listener.",
       metrics_listen()},
      {"metrics.business_refresh", "15s",
       "How often each node reads the tenants' business metrics from the database "
       "(kyb_monthly_recurring_revenue_dollars, kyb_customer_churn_rate_ratio, "
       "kyb_active_tenants_total): three queries, one pass over the tenants each.",
       duration(&settings::metrics, &metrics_settings::business_refresh, ms(100),
                ms(3600000))},
  };
  return table;
}

std::optional<std::string> cross_check(const settings& s, std::string& key) {
  if (s.api.default_page_limit > s.api.max_page_limit) {
    key = "api.default_page_limit";
    return "must not exceed api.max_page_limit (" + std::to_string(s.api.max_page_limit) +
           ")";
  }
  if (s.cluster.admin_port == s.cluster.listen_port) {
    // Roles are told apart by the local port (tls_roles.hpp).
    key = "cluster.admin_listen";
    return "must differ from cluster.listen in its port";
  }
  if (s.rate_limit.burst < 1) {
    key = "rate_limit.burst";
    return "must be at least 1";
  }
  if (!s.metrics.listen_host.empty() && s.metrics.listen_port != 0 &&
      s.metrics.listen_host == s.http.listen_host &&
      s.metrics.listen_port == s.http.listen_port) {
    key = "metrics.listen";
    return "must differ from http.listen (the API port does not serve metrics)";
  }
  if (auto err = screening_cross_check(s.screening, key))
    return err;
  if (!s.outbound.ca_file.empty() && !std::ifstream(s.outbound.ca_file).good()) {
    key = "outbound.ca_file";
    return "cannot read " + s.outbound.ca_file;
  }
  return std::nullopt;
}

} // namespace kyb::config::detail

// The node's whole configuration as typed values. Filled by config::load from the
// defaults table (defaults.cpp), then a config file, then KYB_* environment variables.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/host_port.hpp"

namespace kyb::config {

using std::chrono::milliseconds;

struct node_settings {
  std::string id;       ///< Unique node name within the cluster.
  std::string region;   ///< us-east-1, us-west-2 or eu-west-1.
  std::string data_dir; ///< Where the node keeps local files (keys, exports).
  /// Bound on the whole shutdown (HTTP drain, usage flush, leave, stopping the actors);
  /// past it the process exits non-zero, logging the step it waited for.
  milliseconds drain_timeout{0};
};

struct http_settings {
  std::string listen_host;
  uint16_t listen_port = 0;
  int workers = 0;             ///< HTTP actor systems (SO_REUSEPORT); 0 = one per core.
  size_t max_header_bytes = 0; ///< Request line plus headers; over it: 431.
  size_t max_body_bytes = 0;   ///< Over it: 413.
  size_t max_json_depth = 0;   ///< Deeper documents: 400.
  size_t max_connections = 0;  ///< Per worker; further connections are closed.
  size_t max_connections_per_ip = 0; ///< Per client address, over all workers (503).
  size_t max_pipelined = 0;     ///< Requests queued per connection before reading pauses.
  milliseconds read_timeout{0}; ///< A started request must be complete within this.
  milliseconds idle_timeout{0}; ///< A keep-alive connection without requests is closed.
  milliseconds request_timeout{0}; ///< Upper bound for a request inside the platform.
  milliseconds drain_timeout{0};   ///< How long shutdown waits for in-flight requests.
};

struct database_settings {
  std::string url;
  std::string migration_url; ///< Migrations run with it (the schema owner); "" = url.
  int pool_size = 0;
  milliseconds connect_timeout{0};
  milliseconds statement_timeout{0};
  milliseconds reconnect_backoff_max{0};
  size_t pipeline_max_statements = 0; ///< Statements in flight per connection.
};

struct redis_settings {
  std::string url;
  milliseconds timeout{0};
  milliseconds reconnect_backoff_max{0};
};

struct security_settings {
  std::string tax_id_key;      ///< base64 of 32 bytes: AES-256-GCM key for tax ids.
  std::string tax_id_hmac_key; ///< base64 of 32 bytes: HMAC-SHA256 key for lookups.
  std::string audit_key; ///< base64 of 32 bytes: HMAC-SHA256 key of the audit chain.
  std::string audit_previous_keys; ///< Comma-separated base64 keys, verification only.
  std::string bootstrap_key_file;
};

struct rate_limit_settings {
  double requests_per_second = 0;
  double burst = 0;
  milliseconds auth_lease{0}; ///< how long an HTTP worker may reuse an authentication
};

struct api_settings {
  milliseconds idempotency_ttl{0};
  size_t default_page_limit = 0;
  size_t max_page_limit = 0;
  size_t search_limit = 0;
  milliseconds usage_flush_interval{0};
};

struct actor_settings {
  milliseconds passivate_after{0};
  size_t max_live_per_node = 0;
};

/// The cluster this node belongs to (runtime/cluster).
struct cluster_settings {
  std::string listen_host; ///< CAF middleman endpoint of this node (peer nodes)
  uint16_t listen_port = 0;
  std::string admin_host; ///< the admin endpoint (kybctl), an actor system of its own
  uint16_t admin_port = 0;
  std::vector<host_port> seeds; ///< nodes to join; the first forms the cluster
  int shards = 0;               ///< entity shards (fixed for the cluster's lifetime)
  int vnodes = 0;               ///< ring points per node
  milliseconds heartbeat_interval{0};
  milliseconds connection_timeout{0};
  milliseconds rejoin_interval{0};
  milliseconds bootstrap_timeout{0};
  milliseconds join_timeout{0}; ///< a starting node gives up joining after this
  milliseconds read_lease{0};   ///< how long another node keeps a published answer
  bool insecure = false;        ///< plaintext cluster and admin traffic (else mutual TLS)
  std::string tls_certificate;
  std::string tls_key;
  std::string tls_ca;
};

/// Actor-local caches (runtime/cache): a TTL per cache type, proactive
/// refresh at ttl * (0.8 - 0.2 * access_frequency), size bounds, scheduled warming.
struct cache_settings {
  milliseconds classification_ttl{0};
  milliseconds risk_assessment_ttl{0};
  milliseconds website_analysis_ttl{0};
  milliseconds business_registry_ttl{0};
  milliseconds sanctions_screening_ttl{0};
  milliseconds model_predictions_ttl{0};
  milliseconds sessions_ttl{0};
  double hot_accesses_per_hour = 0; ///< access_frequency = min(1, rate / this)
  size_t max_entries_per_actor = 0;
  size_t max_entries_per_node = 0; ///< per cache type
  size_t business_views = 0;       ///< rendered business views a node keeps (most recent)
  std::string warm_schedule;       ///< cron expression (UTC) of the daily warming job
  size_t warm_top_codes = 0;       ///< the scheduled run's most common MCC codes
  size_t warm_max_businesses = 0;  ///< businesses one warm run loads at most
};

struct runtime_settings {
  int scheduler_threads =
      0; ///< worker threads of the core actor system; 0 = one per core
  std::string
      scheduler_policy; ///< "sharing" (one queue) or "stealing" (per-thread queues)
};

/// The metrics listener (/metrics, /metrics/business): apart from the API port, on
/// loopback by default, since the series name tenants and the platform's internals.
struct metrics_settings {
  std::string listen_host; ///< empty: no metrics listener
  uint16_t listen_port = 0;
  /// How often the tenants' business metrics (MRR, churn, active tenants) are read from
  /// the database (actors/tenant/tenant_metrics_actor.hpp).
  milliseconds business_refresh{0};
};

struct log_settings {
  std::string level;  ///< debug, info, warn, error
  bool access = true; ///< One JSON line per HTTP request.
};

/// The industry classification model. Unset, classification answers 503; set, the node
/// refuses to start when the file is missing or corrupt.
struct classification_settings {
  std::string model_path; ///< a file made by classification-train
  /// An answer whose primary MCC is less confident than this says needs_review.
  double review_below = 0.5;
  size_t workers = 0; ///< Classification workers sharing the model; 0: one per core.
};

/// Risk assessment (actors/risk/): the reference data (empty paths: the copies of
/// config/risk/ built into the binary), how often configured files are checked for a new
/// version, and the pace of background re-assessments after an input changed.
struct risk_settings {
  std::string rules_path;           ///< The complete default rules (JSON).
  std::string country_risk_path;    ///< Country risk lists (CSV).
  std::string mcc_tiers_path;       ///< MCC risk tiers (CSV).
  milliseconds refresh_interval{0}; ///< Re-read configured files; 0 = start and reload.
  double monitor_rate = 0;          ///< Background re-assessments per second.
  size_t monitor_concurrency = 0;   ///< Re-assessments in flight at once.
  /// How long a business actor assesses under a rules version it read before asking its
  /// tenant actor again; a PUT of new rules answers once this long has passed since its
  /// commit, so from the answer on every assessment uses the new version.
  milliseconds rules_lease{0};
};

/// Website analysis (actors/website/): how much of a business's site one analysis reads.
struct website_settings {
  size_t max_pages = 0;         ///< Same-site pages read beyond the home page.
  size_t max_page_bytes = 0;    ///< A page's body is cut (and said so) beyond this.
  milliseconds page_timeout{0}; ///< One page's whole fetch.
  milliseconds timeout{0};      ///< The whole analysis (every page).
};

/// Verifications (actors/verification/): how long one step may take, and how often a
/// node looks for verifications of its shards that no actor is running (after a node
/// died, they resume on the node that took its shards).
struct verification_settings {
  milliseconds step_timeout{0};
  milliseconds resume_interval{0};
};

/// Webhooks (actors/webhooks/): delivery of outbox events to tenants' endpoints.
struct webhook_settings {
  bool allow_http = false;       ///< http:// endpoint URLs (tests); https only else
  milliseconds timeout{0};       ///< One POST, connect to last byte
  milliseconds retry_base{0};    ///< The wait after the first failed attempt
  milliseconds retry_max{0};     ///< The longest wait between attempts
  milliseconds retry_window{0};  ///< After this, a delivery still failing is failed
  milliseconds poll_interval{0}; ///< How often a node looks for events and due deliveries
  milliseconds rotation_overlap{0}; ///< How long a rotated-out secret still signs
  size_t max_in_flight = 0;         ///< POSTs out at once per node
};

/// Registry lookups (actors/registry/): each registry's base URL and credentials. A
/// registry whose key, token or User-Agent is missing answers not_configured.
struct registry_settings {
  std::string gleif_url;
  std::string companies_house_url;
  std::string companies_house_key; ///< secret: HTTP basic auth user
  std::string sec_url;             ///< submissions (data.sec.gov)
  std::string sec_tickers_url;     ///< company_tickers.json
  std::string opencorporates_url;
  std::string opencorporates_token; ///< secret: api_token query parameter
  std::string user_agent; ///< names the operator and a contact (the SEC requires one)
  double min_candidate_score = 0; ///< a search candidate's least name score
  size_t max_search_results = 0;
  milliseconds timeout{0}; ///< one lookup in one registry, every request of it
};

/// Bulk import (POST /v1/businesses/bulk): how uploads are bounded and written.
struct import_settings {
  size_t max_upload_bytes = 0;  ///< One streamed upload; over it: 413.
  size_t max_record_bytes = 0;  ///< One NDJSON line or CSV record; over: the row fails.
  size_t batch_rows = 0;        ///< Rows per transaction.
  size_t max_errors_stored = 0; ///< Row errors kept per job (all are counted).
};

/// Sanctions screening (actors/screening): which lists load and from where, when they are
/// refreshed, how downloads are bounded, the default threshold and the pace of ongoing
/// monitoring. A list loads when its main file's `*_path` or `*_url` is set; nothing is
/// set by default (a node without lists serves, and screening answers 503).
struct screening_settings {
  // Local files. OFAC legacy CSV: the primary file and its optional aux files.
  std::string ofac_sdn_path;           ///< sdn.csv
  std::string ofac_sdn_alt_path;       ///< alt.csv
  std::string ofac_sdn_add_path;       ///< add.csv
  std::string ofac_sdn_comments_path;  ///< sdn_comments.csv
  std::string ofac_cons_path;          ///< cons_prim.csv (OFAC non-SDN consolidated)
  std::string ofac_cons_alt_path;      ///< cons_alt.csv
  std::string ofac_cons_add_path;      ///< cons_add.csv
  std::string ofac_cons_comments_path; ///< cons_comments.csv
  std::string un_path;                 ///< UN Security Council consolidated XML
  std::string us_csl_path;             ///< US Consolidated Screening List CSV
  std::string eu_fsf_path;             ///< EU consolidated financial sanctions XML
  std::string uk_ofsi_path;            ///< UK OFSI consolidated list CSV (ConList.csv)
  std::string generic_dir; ///< Every <name>.csv / <name>.json in it is a list.
  /// Every standard file found here (sdn.csv, cons_prim.csv, consolidated.xml, ...)
  /// loads as its list, unless that list's own path or URL is set.
  std::string lists_dir;
  /// "official": a built-in list with no path, URL or file in lists_dir is downloaded
  /// from its publisher's official URL; "configured": only what is set loads.
  std::string sources;
  // Publisher URLs, downloaded into node.data_dir/screening/downloads/<list>/.
  std::string ofac_sdn_url;
  std::string ofac_sdn_alt_url;
  std::string ofac_sdn_add_url;
  std::string ofac_sdn_comments_url;
  std::string ofac_cons_url;
  std::string ofac_cons_alt_url;
  std::string ofac_cons_add_url;
  std::string ofac_cons_comments_url;
  std::string un_url;
  std::string us_csl_url;
  std::string eu_fsf_url;
  std::string uk_ofsi_url;
  milliseconds refresh_interval{0}; ///< Re-download and re-read the lists; 0 = never.
  /// After a reload in which a list failed: the first retry; each further one waits
  /// twice as long, up to refresh_interval (or an hour).
  milliseconds retry_interval{0};
  double threshold = 0;             ///< Default score at or above which a name is a hit.
  size_t max_bad_rows = 0;          ///< Malformed rows a list may skip (with warnings).
  milliseconds download_timeout{0}; ///< Whole transfer of one file.
  milliseconds download_connect_timeout{0};
  size_t download_max_bytes = 0; ///< Larger files are refused.
  int download_max_redirects = 0;
  std::string download_ca_file;   ///< PEM CAs for https downloads; empty = the system's.
  double monitor_rate = 0;        ///< Businesses re-screened per second after a change.
  size_t monitor_concurrency = 0; ///< Re-screenings in flight at once.
};

/// Regions (us-east-1, us-west-2, eu-west-1): the PostgreSQL of each, who takes the
/// writes, and how replication is watched. Without `databases` the node runs one region
/// and every request is served where it arrives.
struct regions_settings {
  std::vector<std::string> databases; ///< "REGION=URL" of each region's PostgreSQL
  std::string us_primary;             ///< Where US writes go until a failover moves them.
  milliseconds heartbeat_interval{0}; ///< Each source's heartbeat rows (lag probes).
  milliseconds poll_interval{0};      ///< Lag, slots and apply errors are sampled.
  milliseconds probe_interval{0};     ///< Failure detection probes of a region.
  int probe_failures = 0;             ///< Failed probes in a row: the region is down.
  bool auto_failover = false;         ///< Fail over on detection, without an operator.
  std::vector<std::string> synchronous; ///< Table groups replicated synchronously.
  int forward_workers = 0;              ///< Relay threads serving forwarded requests.
  milliseconds forward_timeout{0};      ///< A forwarded request's whole exchange.
};

/// A per-host rate limit of outbound requests: `requests` per `per`.
struct outbound_host_rate {
  std::string host;
  double requests = 0;
  milliseconds per{0};
};

/// The outbound HTTP client (net/outbound_client): its bounds, TLS trust, proxy, the
/// SSRF rules for tenant-chosen URLs, and per-host limits.
struct outbound_settings {
  milliseconds connect_timeout{0};
  milliseconds timeout{0};      ///< A request's whole exchange, redirects included.
  milliseconds idle_timeout{0}; ///< No byte received for this long ends a transfer.
  size_t max_response_bytes = 0;
  int max_redirects = 0;
  std::string ca_file; ///< PEM CAs trusted instead of the system's; empty = the system's.
  std::string proxy;   ///< Empty: no proxy.
  bool allow_private = false; ///< Tenant-chosen URLs may reach private addresses.
  std::vector<uint16_t> allowed_ports; ///< Ports tenant-chosen URLs may use.
  size_t per_host_concurrency = 0;
  std::vector<outbound_host_rate> host_rates;
  std::string user_agent;
};

/// Retention (actors/retention/): monthly audit partitions made ahead, months past
/// audit.retention exported to a file and detached, api_usage rows past usage.retention
/// deleted in batches; one node per database at a time, every `interval`.
struct retention_settings {
  int audit_retention_months = 0; ///< audit.retention: whole months kept before this one
  int audit_partitions_ahead = 0; ///< audit.partitions_ahead: months made ahead
  int usage_retention_months = 0; ///< usage.retention
  bool enabled = false;           ///< retention.enabled: runs on this node's schedule
  milliseconds interval{0};       ///< retention.interval
  std::string export_dir;         ///< retention.export_dir ("" = node.data_dir/exports)
  size_t batch_size = 0;          ///< rows per export read and per usage DELETE
  bool drop_detached = false;     ///< drop a detached partition (after its export)
};

struct settings {
  node_settings node;
  http_settings http;
  database_settings database;
  redis_settings redis;
  security_settings security;
  rate_limit_settings rate_limit;
  api_settings api;
  actor_settings actors;
  runtime_settings runtime;
  cache_settings cache;
  cluster_settings cluster;
  log_settings log;
  metrics_settings metrics;
  screening_settings screening;
  classification_settings classification;
  risk_settings risk;
  website_settings website;
  registry_settings registry;
  verification_settings verification;
  webhook_settings webhooks;
  import_settings import;
  regions_settings regions;
  outbound_settings outbound;
  retention_settings retention;
};

/// Splits a comma-separated list, trimming blanks and dropping empty items.
std::vector<std::string> comma_list(std::string_view v);

} // namespace kyb::config

// The platform's one outbound HTTP client (libcurl). One process-wide curl_global_init;
// one thread of its own drives a curl multi handle (curl_multi_poll, woken by
// curl_multi_wakeup), so callers on any thread submit a request with a completion
// callback and never block; spawn_outbound_actor wraps it for actors (request a fetch,
// get the response as a message).
//
// Per request: method, URL, headers, body, connect / total / idle timeouts, a response
// size cap, redirects followed by the client hop by hop (never https -> http, each hop
// checked again), TLS verified against the system's CAs or a configured CA file, the
// peer certificate's facts, conditional requests, a proxy. Per host: a concurrency
// limit and a token-bucket rate limit, with a bounded queue; a 429/503 Retry-After holds
// the host back. Tenant-chosen URLs (`untrusted_target`) are resolved by the client,
// every address checked (net/outbound_address), the checked address pinned for the
// connection (no second DNS lookup) and the address each socket connects to checked
// again; only allowed ports; no userinfo.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kyb::config {
struct outbound_settings;
}

namespace kyb::net {

using std::chrono::milliseconds;

/// Why a request failed (none: a response came, whatever its status).
enum class outbound_error {
  none,
  timeout,          ///< connect, total or idle timeout, or queued past the deadline
  too_large,        ///< the response exceeded max_response_bytes
  refused_address,  ///< an untrusted target resolved to a forbidden address
  refused_url,      ///< scheme, port, userinfo or a malformed URL
  refused_redirect, ///< https -> http, a non-http(s) target, too many redirects
  tls,              ///< handshake or certificate verification failed
  dns,              ///< the host name did not resolve
  connect,          ///< no connection (refused, unreachable)
  protocol,         ///< a malformed, truncated or empty answer
  cancelled,        ///< the caller's cancel flag, or the client stopping
  overloaded,       ///< the host's queue is full
  io,               ///< the caller's body sink refused the data
};

/// "none", "timeout", "too_large", ... (the enumerator's name).
const char* to_string(outbound_error e) noexcept;

/// One request.
struct outbound_request {
  std::string method = "GET";
  std::string url;                  ///< http:// or https://
  std::vector<std::string> headers; ///< "Name: value" lines
  std::string body;
  /// The caller's purpose, the `target` label of the metrics ("list_download",
  /// "website", "registry:gleif", "region_forward"): a few fixed values, never a URL.
  std::string target = "other";
  /// A tenant-chosen URL: resolved and checked by the client (SSRF rules).
  bool untrusted_target = false;
  bool follow_redirects = true;
  /// Unset: the client's options.
  std::optional<milliseconds> connect_timeout;
  std::optional<milliseconds> timeout; ///< From submission to the last byte, all hops.
  std::optional<milliseconds> idle_timeout; ///< No byte received for this long.
  std::optional<size_t> max_response_bytes;
  /// A body over max_response_bytes is cut there and the response kept (`truncated`),
  /// instead of failing too_large: for readers of a page's beginning.
  bool truncate_at_limit = false;
  std::optional<int> max_redirects;
  std::string ca_file; ///< PEM CAs trusted instead of the client's; empty = client's
  /// Validators of a copy the caller holds: sent as If-None-Match / If-Modified-Since;
  /// a 304 answer is reported as not_modified.
  std::string if_none_match;
  std::string if_modified_since;
  bool path_as_is = false; ///< Send the path unnormalised (no /../ squashing).
  /// Streams the final response's body to the caller (on the client's thread) instead
  /// of collecting it; false aborts the transfer (error io).
  std::function<bool(std::string_view)> body_sink;
  /// Streams the request body from the caller (chunked), instead of `body`. Fills the
  /// buffer and returns the bytes written (0 at the end). Not for redirected requests.
  std::function<size_t(char*, size_t)> body_source;
  /// Bytes uploaded and downloaded so far (on the client's thread, often).
  std::function<void(uint64_t sent, uint64_t received)> progress;
  /// Polled during the transfer: set, the request ends with error cancelled. Must
  /// outlive the request.
  const std::atomic<bool>* cancel = nullptr;
};

/// The peer certificate of an https response, as the connection saw it.
struct tls_facts {
  bool present = false;
  std::string version;   ///< "TLSv1.3"
  std::string subject;   ///< RFC 2253
  std::string issuer;    ///< RFC 2253
  int64_t not_after = 0; ///< Unix seconds
  bool chain_verified = false;
  long verify_result = 0; ///< OpenSSL's X509_V_* code (0: ok)
  bool hostname_match = false;
};

struct outbound_timings {
  std::chrono::microseconds total{0};   ///< Submission to completion, all hops, queueing.
  std::chrono::microseconds connect{0}; ///< Of the final hop: TCP connected.
  std::chrono::microseconds tls{0};     ///< Of the final hop: TLS handshake done.
};

/// What came back.
struct outbound_response {
  outbound_error error = outbound_error::none;
  std::string message; ///< When error: what went wrong, naming the (redacted) URL.
  long status = 0;     ///< Of the final response (0 when none came).
  bool not_modified = false;
  std::vector<std::pair<std::string, std::string>> headers; ///< Of the final response.
  std::string body; ///< Unless the request had a body_sink.
  uint64_t body_bytes = 0;
  bool truncated = false; ///< truncate_at_limit cut the body.
  std::string final_url;  ///< After redirects.
  int redirects = 0;
  /// A 429 or 503's Retry-After (seconds or an HTTP date), as a delay.
  std::optional<std::chrono::seconds> retry_after;
  outbound_timings timings;
  tls_facts tls;

  bool ok() const noexcept { return error == outbound_error::none; }
  /// The first header of that name (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

/// A per-host token bucket: `requests` per `per`, bursts up to `requests`.
struct host_rate {
  std::string host; ///< Lower-case host name or address, without port.
  double requests = 0;
  milliseconds per{0};
};

struct outbound_options {
  milliseconds connect_timeout{10000};
  milliseconds timeout{30000};
  milliseconds idle_timeout{30000};
  size_t max_response_bytes = size_t{16} << 20;
  int max_redirects = 5;
  std::string ca_file;        ///< Empty: the system's CA store.
  std::string proxy;          ///< Empty: none (environment proxies are ignored).
  bool allow_private = false; ///< Lifts the address rule for untrusted targets.
  std::vector<uint16_t> allowed_ports{80, 443}; ///< For untrusted targets.
  /// Numeric addresses untrusted targets may reach although the address rule forbids
  /// them (a fixture standing in for a public host; a trusted internal mirror).
  std::vector<std::string> allowed_addresses;
  size_t per_host_concurrency = 8;
  size_t max_queued_per_host = 1024;
  std::vector<host_rate> host_rates;
  std::string user_agent = "kyb-platform/0.1";
};

/// The options the configuration gives (outbound.*).
outbound_options outbound_options_from(const config::outbound_settings& s);

/// The client. Thread-safe; callbacks run on its own thread (keep them short).
class outbound_client {
public:
  using callback = std::function<void(outbound_response)>;

  explicit outbound_client(outbound_options options);
  /// Completes what is still pending with error cancelled, then stops its threads.
  ~outbound_client();
  outbound_client(const outbound_client&) = delete;
  outbound_client& operator=(const outbound_client&) = delete;

  /// Starts `req`; `done` is called exactly once with the result.
  void submit(outbound_request req, callback done);
  /// Submits and waits. Blocks the calling thread: never on an actor's thread.
  outbound_response perform(outbound_request req);

  /// Overrides the concurrency limit of one host (e.g. the region relay's loopback).
  void set_host_concurrency(const std::string& host, size_t limit);

  const outbound_options& options() const noexcept;

  /// The process's client: made from `options` at the first call, shared after.
  static std::shared_ptr<outbound_client> process(const outbound_options& options);
  /// The process's client, made with default options when none was made yet.
  static std::shared_ptr<outbound_client> process();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// libcurl's global initialisation, once per process (the client calls it).
void init_curl_once();

} // namespace kyb::net

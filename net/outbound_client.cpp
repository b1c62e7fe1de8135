#include "net/outbound_client.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <curl/curl.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "config/settings.hpp"
#include "net/outbound_address.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/redact.hpp"
#include "runtime/base/text.hpp"

namespace kyb::net {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;

/// Redirects followed at most, whatever a request asks.
constexpr int hard_max_redirects = 5;

/// Retry-After holds a host back at most this long.
constexpr std::chrono::seconds max_hold{3600};

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// What the client needs of a URL, taken with libcurl's own parser (so the host the
/// checks see is the host libcurl connects to).
struct url_parts {
  std::string scheme;
  std::string host; ///< Without IPv6 brackets.
  uint16_t port = 0;
  bool userinfo = false;
};

std::optional<url_parts> parse_url(const std::string& url, std::string& why) {
  CURLU* u = curl_url();
  if (!u) {
    why = "out of memory";
    return std::nullopt;
  }
  std::optional<url_parts> out;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    why = "not a valid URL";
  } else {
    url_parts p;
    auto get = [&](CURLUPart part, unsigned flags, std::string& into) {
      char* v = nullptr;
      if (curl_url_get(u, part, &v, flags) != CURLUE_OK || !v)
        return false;
      into = v;
      curl_free(v);
      return true;
    };
    std::string port, user, password, options;
    get(CURLUPART_SCHEME, 0, p.scheme);
    get(CURLUPART_HOST, 0, p.host);
    get(CURLUPART_PORT, CURLU_DEFAULT_PORT, port);
    p.userinfo = get(CURLUPART_USER, 0, user) || get(CURLUPART_PASSWORD, 0, password) ||
                 get(CURLUPART_OPTIONS, 0, options);
    p.scheme = lower(p.scheme);
    if (p.host.size() > 2 && p.host.front() == '[' && p.host.back() == ']')
      p.host = p.host.substr(1, p.host.size() - 2);
    auto zone = p.host.find('%'); // an IPv6 zone id never reaches a public host
    if (p.scheme != "http" && p.scheme != "https")
      why = "only http:// and https:// URLs are fetched";
    else if (p.host.empty())
      why = "the URL has no host";
    else if (zone != std::string::npos)
      why = "an IPv6 zone id is not allowed";
    else {
      p.host = lower(p.host);
      p.port = static_cast<uint16_t>(std::atoi(port.c_str()));
      out = std::move(p);
    }
  }
  curl_url_cleanup(u);
  return out;
}

/// Seconds from a Retry-After value (delta seconds or an HTTP date).
std::optional<std::chrono::seconds> parse_retry_after(const std::string& v) {
  auto t = base::trim_copy(v);
  if (t.empty())
    return std::nullopt;
  if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (t.size() > 9)
      return max_hold;
    return std::chrono::seconds(std::stoll(t));
  }
  auto when = curl_getdate(t.c_str(), nullptr);
  if (when < 0)
    return std::nullopt;
  auto now = std::time(nullptr);
  return std::chrono::seconds(when > now ? when - now : 0);
}

std::string x509_name(X509_NAME* name) {
  if (!name)
    return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio)
    return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio, &data);
  std::string out(data ? data : "", len > 0 ? static_cast<size_t>(len) : 0);
  BIO_free(bio);
  return out;
}

tls_facts read_tls_facts(CURL* easy, const std::string& host) {
  tls_facts f;
  curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || !info ||
      info->backend != CURLSSLBACKEND_OPENSSL || !info->internals)
    return f;
  auto* ssl = static_cast<SSL*>(info->internals);
  f.present = true;
  f.version = SSL_get_version(ssl);
  f.verify_result = SSL_get_verify_result(ssl);
  f.chain_verified = f.verify_result == X509_V_OK;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert)
    return f;
  f.subject = x509_name(X509_get_subject_name(cert));
  f.issuer = x509_name(X509_get_issuer_name(cert));
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
    f.not_after = static_cast<int64_t>(timegm(&tm));
  if (classify_address(host))
    f.hostname_match = X509_check_ip_asc(cert, host.c_str(), 0) == 1;
  else
    f.hostname_match = X509_check_host(cert, host.data(), host.size(), 0, nullptr) == 1;
  X509_free(cert);
  return f;
}

struct metrics {
  base::counter_family& requests;
  base::histogram_family& duration;
  static metrics& get() {
    static metrics m{
        base::metrics_registry::global().counter(
            "kyb_outbound_requests_total",
            "Outbound HTTP requests by purpose and outcome (the final status's class, or "
            "the error)",
            {"target", "status_class"}),
        base::metrics_registry::global().histogram(
            "kyb_outbound_request_duration_seconds",
            "Outbound HTTP requests from submission to completion, all hops", {"target"},
            {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120})};
    return m;
  }
};

} // namespace

const char* to_string(outbound_error e) noexcept {
  switch (e) {
  case outbound_error::none:
    return "none";
  case outbound_error::timeout:
    return "timeout";
  case outbound_error::too_large:
    return "too_large";
  case outbound_error::refused_address:
    return "refused_address";
  case outbound_error::refused_url:
    return "refused_url";
  case outbound_error::refused_redirect:
    return "refused_redirect";
  case outbound_error::tls:
    return "tls";
  case outbound_error::dns:
    return "dns";
  case outbound_error::connect:
    return "connect";
  case outbound_error::protocol:
    return "protocol";
  case outbound_error::cancelled:
    return "cancelled";
  case outbound_error::overloaded:
    return "overloaded";
  case outbound_error::io:
    return "io";
  }
  return "protocol";
}

std::string outbound_response::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (base::iequals(k, name))
      return v;
  return {};
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

outbound_options outbound_options_from(const config::outbound_settings& s) {
  outbound_options o;
  o.connect_timeout = s.connect_timeout;
  o.timeout = s.timeout;
  o.idle_timeout = s.idle_timeout;
  o.max_response_bytes = s.max_response_bytes;
  o.max_redirects = s.max_redirects;
  o.ca_file = s.ca_file;
  o.proxy = s.proxy;
  o.allow_private = s.allow_private;
  o.allowed_ports = s.allowed_ports;
  o.per_host_concurrency = s.per_host_concurrency;
  o.user_agent = s.user_agent;
  for (auto& r : s.host_rates)
    o.host_rates.push_back(host_rate{r.host, r.requests, r.per});
  return o;
}

// ---------------------------------------------------------------------------------------

namespace {

/// One request, over all its hops.
struct job {
  uint64_t id = 0;
  const outbound_client::impl* client = nullptr;
  outbound_request req;
  outbound_client::callback done;
  clock_type::time_point submitted;
  clock_type::time_point deadline;
  milliseconds connect_timeout{0};
  milliseconds idle_timeout{0};
  size_t max_bytes = 0;
  int max_redirects = 0;
  // The current hop.
  std::string url;
  std::string method;
  std::string body;
  url_parts parts;
  std::string host_key;
  int hops = 0;
  bool running = false; // holds a slot of its host
  std::string pinned;   // the checked address (untrusted targets)
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  curl_slist* connect_to = nullptr;
  long hop_status = 0;
  std::vector<std::pair<std::string, std::string>> hop_headers;
  bool hop_has_location = false;
  bool headers_done = false;
  std::string collected;
  uint64_t received = 0;
  bool too_large = false;
  bool truncated = false; ///< truncate_at_limit cut the body at max_bytes
  bool sink_failed = false;
  bool check_sockets = false;
  std::string refused_socket; // why a socket was refused
  tls_facts tls;
  char errbuf[CURL_ERROR_SIZE] = {0};

  bool discards_body() const {
    return req.follow_redirects && is_redirect(hop_status) && hop_has_location;
  }
};

struct token_bucket {
  double capacity = 0;
  double per_second = 0;
  double tokens = 0;
  clock_type::time_point refilled;
};

struct host_state {
  size_t active = 0;
  std::optional<size_t> limit;
  std::deque<uint64_t> waiting;
  clock_type::time_point held_until;
  std::optional<token_bucket> bucket;
};

} // namespace

struct outbound_client::impl {
  explicit impl(outbound_options o) : opts(std::move(o)) {
    init_curl_once();
    for (auto& r : opts.host_rates) {
      token_bucket b;
      b.capacity = std::max(1.0, r.requests);
      b.per_second = r.requests / std::max(0.001, r.per.count() / 1000.0);
      b.tokens = b.capacity;
      b.refilled = clock_type::now();
      hosts[lower(r.host)].bucket = b;
    }
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 64L);
    io = std::thread([this] { run(); });
    for (int i = 0; i < 2; ++i)
      resolvers.emplace_back([this] { resolve_loop(); });
  }

  ~impl() {
    {
      std::lock_guard<std::mutex> g(mtx);
      stopping = true;
    }
    resolve_cv.notify_all();
    curl_multi_wakeup(multi);
    io.join();
    for (auto& t : resolvers)
      t.join();
    curl_multi_cleanup(multi);
  }

  // ---- shared with other threads (under mtx) ----
  struct resolved {
    uint64_t id;
    std::vector<std::string> addresses; // numeric
    std::string error;                  // getaddrinfo's, when it failed
  };
  std::mutex mtx;
  bool stopping = false;
  std::vector<std::unique_ptr<job>> inbox;
  std::vector<resolved> resolutions;
  std::vector<std::pair<std::string, size_t>> limit_changes;
  std::condition_variable resolve_cv;
  std::deque<std::tuple<uint64_t, std::string, uint16_t>> to_resolve;

  // ---- the I/O thread's own ----
  outbound_options opts;
  CURLM* multi = nullptr;
  std::thread io;
  std::vector<std::thread> resolvers;
  std::map<uint64_t, std::unique_ptr<job>> jobs;
  std::unordered_map<std::string, host_state> hosts;
  uint64_t next_id = 1;

  void submit(std::unique_ptr<job> j) {
    {
      std::lock_guard<std::mutex> g(mtx);
      if (!stopping) {
        inbox.push_back(std::move(j));
        j = nullptr;
      }
    }
    if (j) {
      outbound_response r;
      r.error = outbound_error::cancelled;
      r.message = j->method + " " + base::redact_url(j->url) + ": the client is stopping";
      j->done(std::move(r));
      return;
    }
    curl_multi_wakeup(multi);
  }

  // ---------------------------------------------------------------- resolver threads
  void resolve_loop() {
    for (;;) {
      std::tuple<uint64_t, std::string, uint16_t> item;
      {
        std::unique_lock<std::mutex> g(mtx);
        resolve_cv.wait(g, [this] { return stopping || !to_resolve.empty(); });
        if (stopping)
          return;
        item = std::move(to_resolve.front());
        to_resolve.pop_front();
      }
      resolved r{std::get<0>(item), {}, {}};
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* res = nullptr;
      auto port = std::to_string(std::get<2>(item));
      int rc = ::getaddrinfo(std::get<1>(item).c_str(), port.c_str(), &hints, &res);
      if (rc != 0) {
        r.error = ::gai_strerror(rc);
      } else {
        for (auto* p = res; p; p = p->ai_next) {
          auto text = address_text(p->ai_addr);
          if (!text.empty() && std::find(r.addresses.begin(), r.addresses.end(), text) ==
                                   r.addresses.end())
            r.addresses.push_back(text);
        }
        ::freeaddrinfo(res);
      }
      {
        std::lock_guard<std::mutex> g(mtx);
        resolutions.push_back(std::move(r));
      }
      curl_multi_wakeup(multi);
    }
  }

  // ---------------------------------------------------------------- the I/O thread
  void run() {
    for (;;) {
      std::vector<std::unique_ptr<job>> fresh;
      std::vector<resolved> answers;
      std::vector<std::pair<std::string, size_t>> limits;
      bool stop = false;
      {
        std::lock_guard<std::mutex> g(mtx);
        fresh.swap(inbox);
        answers.swap(resolutions);
        limits.swap(limit_changes);
        stop = stopping;
      }
      for (auto& [host, limit] : limits)
        hosts[host].limit = limit;
      for (auto& j : fresh)
        accept(std::move(j));
      for (auto& a : answers)
        on_resolved(a);
      if (stop) {
        while (!jobs.empty())
          fail(*jobs.begin()->second, outbound_error::cancelled,
               "the client is stopping");
        return;
      }
      int still = 0;
      curl_multi_perform(multi, &still);
      while (auto* msg = curl_multi_info_read(multi, &still))
        if (msg->msg == CURLMSG_DONE) {
          job* j = nullptr;
          curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &j);
          auto rc = msg->data.result;
          if (j)
            hop_done(*j, rc);
        }
      auto wait = schedule();
      long curl_wait = -1;
      curl_multi_timeout(multi, &curl_wait);
      if (curl_wait >= 0)
        wait = std::min<long>(wait, curl_wait);
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::max<long>(wait, 0)),
                      nullptr);
    }
  }

  std::string what(const job& j) const {
    return j.method + " " + base::redact_url(j.url);
  }

  void accept(std::unique_ptr<job> owned) {
    auto& j = *owned;
    j.id = next_id++;
    j.client = this;
    jobs.emplace(j.id, std::move(owned));
    enqueue(j);
  }

  /// Checks the current hop's URL and queues it with its host.
  void enqueue(job& j) {
    std::string why;
    auto parts = parse_url(j.url, why);
    if (!parts)
      return fail(j, outbound_error::refused_url, why);
    j.parts = *parts;
    if (j.req.untrusted_target) {
      if (j.parts.userinfo)
        return fail(j, outbound_error::refused_url,
                    "a URL with user information (user:password@) is refused");
      auto& ports = opts.allowed_ports;
      if (std::find(ports.begin(), ports.end(), j.parts.port) == ports.end())
        return fail(j, outbound_error::refused_url,
                    "port " + std::to_string(j.parts.port) +
                        " is not allowed (outbound.allowed_ports)");
    }
    j.host_key = j.parts.host;
    auto& h = hosts[j.host_key];
    if (h.waiting.size() >= opts.max_queued_per_host)
      return fail(j, outbound_error::overloaded,
                  "too many requests wait for " + j.host_key);
    h.waiting.push_back(j.id);
  }

  /// Starts what the hosts' limits let start; returns how long to sleep at most (ms).
  long schedule() {
    auto now = clock_type::now();
    long wait = 1000;
    auto until = [&](clock_type::time_point t) {
      auto ms = duration_cast<milliseconds>(t - now).count() + 1;
      wait = std::min<long>(wait, std::max<long>(ms, 0));
    };
    std::vector<uint64_t> expired;
    for (auto& [id, j] : jobs)
      if (!j->running || !j->easy) {
        if (now >= j->deadline)
          expired.push_back(id);
        else
          until(j->deadline);
      }
    for (auto id : expired) {
      auto it = jobs.find(id);
      if (it != jobs.end())
        fail(*it->second, outbound_error::timeout,
             it->second->running
                 ? "timed out resolving " + it->second->host_key
                 : "timed out waiting for a turn with " + it->second->host_key +
                       " (per-host concurrency or rate limit)");
    }
    for (auto& [name, h] : hosts) {
      auto limit = h.limit.value_or(opts.per_host_concurrency);
      while (!h.waiting.empty() && h.active < limit) {
        auto it = jobs.find(h.waiting.front());
        if (it == jobs.end()) {
          h.waiting.pop_front();
          continue;
        }
        if (h.held_until > now) {
          until(h.held_until);
          break;
        }
        if (h.bucket) {
          auto& b = *h.bucket;
          double secs = std::chrono::duration<double>(now - b.refilled).count();
          b.tokens = std::min(b.capacity, b.tokens + secs * b.per_second);
          b.refilled = now;
          if (b.tokens < 1) {
            auto need = (1 - b.tokens) / b.per_second;
            until(now + duration_cast<clock_type::duration>(
                            std::chrono::duration<double>(need)));
            break;
          }
          b.tokens -= 1;
        }
        h.waiting.pop_front();
        ++h.active;
        it->second->running = true;
        start(*it->second);
      }
    }
    return wait;
  }

  void start(job& j) {
    if (j.req.untrusted_target) {
      {
        std::lock_guard<std::mutex> g(mtx);
        to_resolve.emplace_back(j.id, j.parts.host, j.parts.port);
      }
      resolve_cv.notify_one();
      return;
    }
    launch(j);
  }

  void on_resolved(const resolved& r) {
    auto it = jobs.find(r.id);
    if (it == jobs.end())
      return;
    auto& j = *it->second;
    if (!r.error.empty() || r.addresses.empty())
      return fail(j, outbound_error::dns,
                  "cannot resolve " + j.parts.host + ": " +
                      (r.error.empty() ? std::string("no address") : r.error));
    if (!opts.allow_private)
      for (auto& a : r.addresses) {
        auto kind = classify_address(a).value_or(address_kind::reserved);
        if (kind != address_kind::global && !excepted(a))
          return fail(j, outbound_error::refused_address,
                      j.parts.host + " resolves to " + a + ", a " + to_string(kind) +
                          " address (refused for this URL)");
      }
    j.pinned = r.addresses.front();
    launch(j);
  }

  static size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto& j = *static_cast<job*>(user);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      j.hop_headers.clear();
      j.hop_has_location = false;
      j.headers_done = false;
      auto sp = line.find(' ');
      j.hop_status = sp == std::string_view::npos
                         ? 0
                         : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
      if (!j.tls.present && j.parts.scheme == "https")
        j.tls = read_tls_facts(j.easy, j.parts.host);
      return size * n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (base::trim(line).empty())
        j.headers_done = true;
      return size * n;
    }
    if (j.hop_headers.size() < 256) {
      auto name = std::string(base::trim(line.substr(0, colon)));
      auto value = std::string(base::trim(line.substr(colon + 1)).substr(0, 8192));
      if (base::iequals(name, "location"))
        j.hop_has_location = true;
      j.hop_headers.emplace_back(std::move(name), std::move(value));
    }
    return size * n;
  }

  static size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto& j = *static_cast<job*>(user);
    size_t len = size * n;
    if (j.discards_body())
      return len;
    if (j.received + len > j.max_bytes) {
      if (!j.req.truncate_at_limit) {
        j.too_large = true;
        return 0;
      }
      // Keep what fits, then end the transfer as a (truncated) response.
      len = j.max_bytes - j.received;
      j.truncated = true;
      j.received += len;
      if (j.req.body_sink)
        j.sink_failed = !j.req.body_sink(std::string_view(data, len));
      else
        j.collected.append(data, len);
      return 0;
    }
    j.received += len;
    if (j.req.body_sink) {
      if (!j.req.body_sink(std::string_view(data, len))) {
        j.sink_failed = true;
        return 0;
      }
    } else {
      j.collected.append(data, len);
    }
    return len;
  }

  static size_t on_read(char* buf, size_t size, size_t n, void* user) {
    auto& j = *static_cast<job*>(user);
    return j.req.body_source(buf, size * n);
  }

  static int on_progress(void* user, curl_off_t, curl_off_t now_down, curl_off_t,
                         curl_off_t now_up) {
    auto& j = *static_cast<job*>(user);
    if (j.req.cancel && j.req.cancel->load(std::memory_order_relaxed))
      return 1;
    if (j.req.progress)
      j.req.progress(static_cast<uint64_t>(now_up), static_cast<uint64_t>(now_down));
    return 0;
  }

  bool excepted(const std::string& address) const {
    auto& list = opts.allowed_addresses;
    return std::find(list.begin(), list.end(), address) != list.end();
  }

  static curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* addr) {
    auto& j = *static_cast<job*>(user);
    if (j.check_sockets) {
      auto kind = classify_address(&addr->addr);
      if (kind != address_kind::global &&
          !j.client->excepted(address_text(&addr->addr))) {
        j.refused_socket = "a connection to " + address_text(&addr->addr) + ", a " +
                           to_string(kind) + " address, was refused";
        return CURL_SOCKET_BAD;
      }
    }
    return ::socket(addr->family, addr->socktype, addr->protocol);
  }

  void launch(job& j) {
    auto now = clock_type::now();
    if (now >= j.deadline)
      return fail(j, outbound_error::timeout, "timed out before it was sent");
    auto remaining = duration_cast<milliseconds>(j.deadline - now);
    CURL* e = curl_easy_init();
    if (!e)
      return fail(j, outbound_error::io, "no libcurl handle");
    j.easy = e;
    j.hop_status = 0;
    j.hop_headers.clear();
    j.hop_has_location = false;
    j.collected.clear();
    j.received = 0;
    j.tls = tls_facts{};
    j.errbuf[0] = 0;
    curl_easy_setopt(e, CURLOPT_PRIVATE, &j);
    curl_easy_setopt(e, CURLOPT_URL, j.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j.errbuf);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(remaining, j.connect_timeout).count()));
    auto idle_s = (j.idle_timeout.count() + 999) / 1000;
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(
        e, CURLOPT_LOW_SPEED_TIME,
        static_cast<long>(std::max<long long>(1, static_cast<long long>(idle_s))));
    if (!j.req.truncate_at_limit) // else the body is cut in on_body, not refused here
      curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(j.max_bytes));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_PROXY, opts.proxy.c_str());
    auto& ca = j.req.ca_file.empty() ? opts.ca_file : j.req.ca_file;
    if (!ca.empty())
      curl_easy_setopt(e, CURLOPT_CAINFO, ca.c_str());
    if (j.req.path_as_is)
      curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    // Headers: the caller's, then ours.
    bool has_agent = false;
    for (auto& h : j.req.headers) {
      if (h.size() >= 11 &&
          base::iequals(std::string_view(h).substr(0, 11), "user-agent:"))
        has_agent = true;
      j.header_list = curl_slist_append(j.header_list, h.c_str());
    }
    if (!has_agent)
      curl_easy_setopt(e, CURLOPT_USERAGENT, opts.user_agent.c_str());
    if (!j.req.if_none_match.empty())
      j.header_list = curl_slist_append(
          j.header_list, ("If-None-Match: " + j.req.if_none_match).c_str());
    if (!j.req.if_modified_since.empty())
      j.header_list = curl_slist_append(
          j.header_list, ("If-Modified-Since: " + j.req.if_modified_since).c_str());
    j.header_list = curl_slist_append(j.header_list, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j.header_list);
    // The method and body.
    if (j.method == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (j.req.body_source && j.hops == 0) {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, &j);
      if (j.method != "POST")
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j.method.c_str());
    } else if (!j.body.empty() || j.method == "POST" || j.method == "PUT" ||
               j.method == "PATCH") {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, j.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(j.body.size()));
      if (j.method != "POST")
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j.method.c_str());
    } else if (j.method != "GET") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j.method.c_str());
    }
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &j);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &j);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &j);
    if (j.req.untrusted_target) {
      // The address checked is the address connected to: libcurl looks nothing up
      // again (DNS rebinding), and every socket's address is checked once more.
      auto ip = j.pinned.find(':') != std::string::npos ? "[" + j.pinned + "]" : j.pinned;
      auto port = std::to_string(j.parts.port);
      auto host = j.parts.host.find(':') != std::string::npos ? "[" + j.parts.host + "]"
                                                              : j.parts.host;
      j.connect_to = curl_slist_append(
          j.connect_to, (host + ":" + port + ":" + ip + ":" + port).c_str());
      curl_easy_setopt(e, CURLOPT_CONNECT_TO, j.connect_to);
      j.check_sockets = !opts.allow_private && opts.proxy.empty();
      curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
      curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &j);
    }
    if (curl_multi_add_handle(multi, e) != CURLM_OK)
      fail(j, outbound_error::io, "libcurl refused the transfer");
  }

  void release_hop(job& j) {
    if (j.easy) {
      curl_multi_remove_handle(multi, j.easy);
      curl_easy_cleanup(j.easy);
      j.easy = nullptr;
    }
    curl_slist_free_all(j.header_list);
    j.header_list = nullptr;
    curl_slist_free_all(j.connect_to);
    j.connect_to = nullptr;
    if (j.running) {
      j.running = false;
      auto it = hosts.find(j.host_key);
      if (it != hosts.end() && it->second.active > 0)
        --it->second.active;
    }
  }

  void hop_done(job& j, CURLcode rc) {
    long status = 0;
    curl_easy_getinfo(j.easy, CURLINFO_RESPONSE_CODE, &status);
    std::string redirect;
    if (char* r = nullptr;
        curl_easy_getinfo(j.easy, CURLINFO_REDIRECT_URL, &r) == CURLE_OK && r)
      redirect = r;
    curl_off_t connect_us = 0, tls_us = 0;
    curl_easy_getinfo(j.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_getinfo(j.easy, CURLINFO_APPCONNECT_TIME_T, &tls_us);
    std::string curl_error = j.errbuf[0] ? j.errbuf : curl_easy_strerror(rc);
    release_hop(j);
    bool cut = j.truncated && !j.sink_failed && rc == CURLE_WRITE_ERROR;
    if (rc != CURLE_OK && !cut)
      return fail_transfer(j, rc, curl_error, status);
    if (j.req.follow_redirects && is_redirect(status) && !redirect.empty())
      return follow(j, status, redirect);
    outbound_response r;
    r.status = status;
    r.not_modified = status == 304;
    r.headers = std::move(j.hop_headers);
    r.body = std::move(j.collected);
    r.body_bytes = j.received;
    r.truncated = j.truncated;
    r.final_url = j.url;
    r.redirects = j.hops;
    r.tls = j.tls;
    r.timings.connect = microseconds(connect_us);
    r.timings.tls = microseconds(tls_us);
    if (status == 429 || status == 503) {
      r.retry_after = parse_retry_after(r.header("retry-after"));
      if (r.retry_after)
        hosts[j.host_key].held_until =
            clock_type::now() + std::min<std::chrono::seconds>(*r.retry_after, max_hold);
    }
    complete(j, std::move(r));
  }

  void follow(job& j, long status, const std::string& next) {
    if (j.hops + 1 > j.max_redirects)
      return fail(j, outbound_error::refused_redirect,
                  "more than " + std::to_string(j.max_redirects) + " redirects");
    std::string why;
    auto parts = parse_url(next, why);
    if (!parts)
      return fail(j, outbound_error::refused_redirect,
                  "refused a redirect to " + base::redact_url(next) + ": " + why);
    if (j.parts.scheme == "https" && parts->scheme != "https")
      return fail(j, outbound_error::refused_redirect,
                  "refused a redirect from https to " + base::redact_url(next) +
                      " (an https request is only redirected to https)");
    ++j.hops;
    if (status == 303 || ((status == 301 || status == 302) && j.method == "POST")) {
      j.method = "GET";
      j.body.clear();
    }
    j.url = next;
    enqueue(j);
  }

  void fail_transfer(job& j, CURLcode rc, const std::string& curl_error, long status) {
    if (j.too_large || rc == CURLE_FILESIZE_EXCEEDED)
      return fail(j, outbound_error::too_large,
                  "the response is larger than " + std::to_string(j.max_bytes) +
                      " bytes (the transfer was aborted)",
                  status);
    if (!j.refused_socket.empty())
      return fail(j, outbound_error::refused_address, j.refused_socket, status);
    if (j.sink_failed)
      return fail(j, outbound_error::io, "the body could not be stored", status);
    switch (rc) {
    case CURLE_ABORTED_BY_CALLBACK:
      return fail(j, outbound_error::cancelled, "cancelled", status);
    case CURLE_OPERATION_TIMEDOUT:
      return fail(j, outbound_error::timeout, "timed out (" + curl_error + ")", status);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return fail(j, outbound_error::dns, curl_error, status);
    case CURLE_COULDNT_CONNECT:
      return fail(j, outbound_error::connect, curl_error, status);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return fail(j, outbound_error::tls, "TLS: " + curl_error, status);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return fail(j, outbound_error::refused_url, curl_error, status);
    default:
      return fail(j, outbound_error::protocol, curl_error, status);
    }
  }

  void fail(job& j, outbound_error kind, const std::string& why, long status = 0) {
    outbound_response r;
    r.error = kind;
    r.status = status;
    r.message = what(j) + ": " + why;
    r.final_url = j.url;
    r.redirects = j.hops;
    r.tls = j.tls;
    complete(j, std::move(r));
  }

  void complete(job& j, outbound_response r) {
    if (!j.running && !j.host_key.empty()) {
      // Still queued (timed out or the client stops): its place is free again.
      auto& waiting = hosts[j.host_key].waiting;
      waiting.erase(std::remove(waiting.begin(), waiting.end(), j.id), waiting.end());
    }
    release_hop(j);
    r.timings.total = duration_cast<microseconds>(clock_type::now() - j.submitted);
    std::string status_class =
        r.ok() ? std::to_string(r.status / 100) + "xx" : std::string(to_string(r.error));
    // Not while the client stops: at process exit the registry may be gone already.
    if (r.error != outbound_error::cancelled || j.req.cancel) {
      auto& m = metrics::get();
      m.requests.with({j.req.target, status_class}).Increment();
      m.duration.with({j.req.target})
          .Observe(std::chrono::duration<double>(r.timings.total).count());
    }
    auto done = std::move(j.done);
    jobs.erase(j.id); // j is gone from here on
    if (done)
      done(std::move(r));
  }
};

outbound_client::outbound_client(outbound_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

outbound_client::~outbound_client() = default;

void outbound_client::submit(outbound_request req, callback done) {
  auto j = std::make_unique<job>();
  auto& o = impl_->opts;
  j->submitted = clock_type::now();
  j->deadline = j->submitted + req.timeout.value_or(o.timeout);
  j->connect_timeout = req.connect_timeout.value_or(o.connect_timeout);
  j->idle_timeout = req.idle_timeout.value_or(o.idle_timeout);
  j->max_bytes = req.max_response_bytes.value_or(o.max_response_bytes);
  j->max_redirects =
      req.follow_redirects
          ? std::clamp(req.max_redirects.value_or(o.max_redirects), 0, hard_max_redirects)
          : 0;
  j->url = req.url;
  j->method = req.method.empty() ? "GET" : req.method;
  j->body = req.body;
  j->req = std::move(req);
  j->done = std::move(done);
  impl_->submit(std::move(j));
}

outbound_response outbound_client::perform(outbound_request req) {
  auto promise = std::make_shared<std::promise<outbound_response>>();
  auto future = promise->get_future();
  submit(std::move(req),
         [promise](outbound_response r) { promise->set_value(std::move(r)); });
  return future.get();
}

void outbound_client::set_host_concurrency(const std::string& host, size_t limit) {
  {
    std::lock_guard<std::mutex> g(impl_->mtx);
    impl_->limit_changes.emplace_back(lower(host), std::max<size_t>(1, limit));
  }
  curl_multi_wakeup(impl_->multi);
}

const outbound_options& outbound_client::options() const noexcept {
  return impl_->opts;
}

namespace {

std::mutex process_mtx;
std::shared_ptr<outbound_client> process_client;

} // namespace

std::shared_ptr<outbound_client>
outbound_client::process(const outbound_options& options) {
  std::lock_guard<std::mutex> g(process_mtx);
  if (!process_client)
    process_client = std::make_shared<outbound_client>(options);
  return process_client;
}

std::shared_ptr<outbound_client> outbound_client::process() {
  return process(outbound_options{});
}

} // namespace kyb::net

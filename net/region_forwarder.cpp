#include "net/region_forwarder.hpp"

#include "config/host_port.hpp"

#include <algorithm>
#include <cctype>

#include <caf/actor_pool.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <curl/curl.h>

#include "runtime/base/crypto.hpp"
#include "runtime/error.hpp"

namespace kyb::net {

namespace {

/// The most header lines a relayed request may carry (the broker's own limit on
/// header bytes bounds them further).
constexpr size_t max_relayed_headers = 128;

struct transfer {
  std::string body;
  std::vector<std::string> headers;
  size_t max_bytes = 0;
  bool too_big = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  if (t->body.size() + size * n > t->max_bytes) {
    t->too_big = true;
    return 0;
  }
  t->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  if (line.rfind("HTTP/", 0) == 0)
    t->headers.clear(); // a new response (after 100 Continue)
  else if (!line.empty())
    t->headers.push_back(line);
  return size * n;
}

/// No byte that could end a line or a field early (libcurl sends header lines and the
/// target as given).
bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f;
  });
}

bool valid_method(std::string_view m) {
  return !m.empty() && m.size() <= 16 && std::all_of(m.begin(), m.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) != 0;
  });
}

/// The base URL of this node's own HTTP port: a wildcard listen address is reached
/// over loopback.
std::string local_base(const std::string& listen) {
  // http.listen was validated when the configuration was read.
  auto endpoint = config::parse_host_port(listen).value.value_or(config::host_port{});
  if (endpoint.host.empty() || endpoint.host == "0.0.0.0" || endpoint.host == "*")
    endpoint.host = "127.0.0.1";
  else if (endpoint.host == "::")
    endpoint.host = "::1";
  return "http://" + config::to_string(endpoint);
}

struct relay_worker_state {
  CURL* curl = nullptr;
  ~relay_worker_state() {
    if (curl)
      curl_easy_cleanup(curl);
  }
  static inline const char* name = "region_relay";
};

using relay_result = caf::result<int, std::vector<std::string>, std::string>;

relay_result relay(CURL* c, const relay_config& cfg, const std::string& base,
                   const std::string& method, const std::string& target,
                   const std::vector<std::string>& headers, const std::string& hops,
                   const std::string& body) {
  if (!c)
    return make_error(errc::internal, "no libcurl handle");
  if (!valid_method(method) || target.empty() || target.front() != '/' ||
      target.find(' ') != std::string::npos || !printable(target) ||
      headers.size() > max_relayed_headers || !printable(hops) ||
      !std::all_of(headers.begin(), headers.end(),
                   [](const std::string& h) { return printable(h); }))
    return make_error(errc::internal, "a malformed request was relayed");
  if (body.size() > cfg.max_request_bytes)
    return make_error(errc::payload_too_large, "the relayed body exceeds the limit");
  curl_easy_reset(c);
  transfer t;
  t.max_bytes = cfg.max_response_bytes;
  curl_slist* list = nullptr;
  for (auto& h : headers)
    list = curl_slist_append(list, h.c_str());
  auto proof = cfg.seal->sign(method, target, hops, body, forward_seal::clock::now());
  list = curl_slist_append(list, (std::string(forwarded_header) + ": " + hops).c_str());
  list =
      curl_slist_append(list, (std::string(forward_proof_header) + ": " + proof).c_str());
  // No "Expect: 100-continue" round trip for bodies.
  list = curl_slist_append(list, "Expect:");
  auto url = base + target;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); // the target as proven, unnormalised
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(cfg.timeout.count(), 2000)));
  if (method == "HEAD")
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  auto rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (t.too_big)
    return make_error(errc::unavailable,
                      "the serving region's response exceeds the limit");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return make_error(errc::timeout,
                      "the region serving this request did not answer in time");
  if (rc != CURLE_OK)
    return make_error(errc::unavailable,
                      std::string("the region serving this request cannot serve it "
                                  "now: ") +
                          curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return {static_cast<int>(status), std::move(t.headers), std::move(t.body)};
}

} // namespace

forward_seal::forward_seal() : key_(base::random_bytes(32)) {}

std::string forward_seal::mac(std::string_view stamp, std::string_view method,
                              std::string_view target, std::string_view hops,
                              std::string_view body) const {
  std::string data;
  data.reserve(stamp.size() + method.size() + target.size() + hops.size() + 68);
  for (auto part : {stamp, method, target, hops})
    data.append(part).push_back('\n');
  data += base::sha256_hex(body);
  return base::hmac_sha256_hex(key_, data);
}

std::string forward_seal::sign(std::string_view method, std::string_view target,
                               std::string_view hops, std::string_view body,
                               clock::time_point now) const {
  auto stamp = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch())
          .count());
  return stamp + "." + mac(stamp, method, target, hops, body);
}

bool forward_seal::verify(std::string_view proof, std::string_view method,
                          std::string_view target, std::string_view hops,
                          std::string_view body, clock::time_point now) const {
  auto dot = proof.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 18)
    return false;
  auto stamp = proof.substr(0, dot);
  if (!std::all_of(stamp.begin(), stamp.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto made =
      clock::time_point(std::chrono::milliseconds(std::stoll(std::string(stamp))));
  auto age = now > made ? now - made : made - now;
  if (age > forward_proof_window)
    return false;
  return base::constant_time_equal(proof.substr(dot + 1),
                                   mac(stamp, method, target, hops, body));
}

caf::actor spawn_region_relay(caf::actor_system& sys, relay_config cfg) {
  auto shared = std::make_shared<const relay_config>(std::move(cfg));
  auto base = std::make_shared<const std::string>(local_base(shared->local_http));
  // The settings travel as spawn arguments (CAF 0.17 dereferences a null argument tuple
  // for a function-based actor spawned without any).
  auto worker = [&sys, shared, base] {
    return sys.spawn<caf::detached>(
        [](caf::stateful_actor<relay_worker_state>* self,
           std::shared_ptr<const relay_config> cfg,
           std::shared_ptr<const std::string> url) -> caf::behavior {
          self->state.curl = curl_easy_init();
          return {[self, cfg,
                   url](relay_atom, const std::string& method, const std::string& target,
                        const std::vector<std::string>& headers, const std::string& hops,
                        const std::string& body) -> relay_result {
            return relay(self->state.curl, *cfg, *url, method, target, headers, hops,
                         body);
          }};
        },
        shared, base);
  };
  return caf::actor_pool::make(sys.dummy_execution_unit(),
                               static_cast<size_t>(std::max(1, shared->workers)), worker,
                               caf::actor_pool::round_robin());
}

caf::actor spawn_relay_sender(caf::actor_system& sys, std::chrono::milliseconds timeout) {
  return sys.spawn(
      [](caf::event_based_actor* self,
         std::chrono::milliseconds timeout) -> caf::behavior {
        return {[self, timeout](relay_atom, const caf::actor& relay, std::string& method,
                                std::string& target, std::vector<std::string>& headers,
                                std::string& hops, std::string& body) {
          auto rp = self->make_response_promise();
          self->request(relay, timeout, relay_atom::value, std::move(method),
                        std::move(target), std::move(headers), std::move(hops),
                        std::move(body))
              .then(
                  [rp](int status, std::vector<std::string>& lines,
                       std::string& answer) mutable {
                    rp.deliver(status, std::move(lines), std::move(answer));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        }};
      },
      timeout);
}

} // namespace kyb::net

#include "net/region_forwarder.hpp"

#include "config/host_port.hpp"

#include <algorithm>
#include <cctype>

#include <caf/event_based_actor.hpp>

#include "net/outbound_actor.hpp"
#include "net/outbound_client.hpp"

#include "runtime/base/crypto.hpp"
#include "runtime/error.hpp"

namespace kyb::net {

namespace {

/// The most header lines a relayed request may carry (the broker's own limit on
/// header bytes bounds them further).
constexpr size_t max_relayed_headers = 128;

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

/// The relayed request as an outbound request, or why it is refused.
caf::expected<outbound_request>
make_relayed(const relay_config& cfg, const std::string& base, const std::string& method,
             const std::string& target, const std::vector<std::string>& headers,
             const std::string& hops, const std::string& body) {
  if (!valid_method(method) || target.empty() || target.front() != '/' ||
      target.find(' ') != std::string::npos || !printable(target) ||
      headers.size() > max_relayed_headers || !printable(hops) ||
      !std::all_of(headers.begin(), headers.end(),
                   [](const std::string& h) { return printable(h); }))
    return make_error(errc::internal, "a malformed request was relayed");
  if (body.size() > cfg.max_request_bytes)
    return make_error(errc::payload_too_large, "the relayed body exceeds the limit");
  outbound_request req;
  req.method = method;
  req.url = base + target;
  req.path_as_is = true; // the target as proven, unnormalised
  req.headers = headers;
  auto proof = cfg.seal->sign(method, target, hops, body, forward_seal::clock::now());
  req.headers.push_back(std::string(forwarded_header) + ": " + hops);
  req.headers.push_back(std::string(forward_proof_header) + ": " + proof);
  req.body = body;
  req.target = "region_forward";
  req.follow_redirects = false; // the answer travels back as it is
  req.timeout = cfg.timeout;
  req.idle_timeout = cfg.timeout;
  req.connect_timeout =
      std::min<std::chrono::milliseconds>(cfg.timeout, std::chrono::seconds(2));
  req.max_response_bytes = cfg.max_response_bytes;
  return req;
}

caf::error relay_error(const outbound_response& r) {
  switch (r.error) {
  case outbound_error::too_large:
    return make_error(errc::unavailable,
                      "the serving region's response exceeds the limit");
  case outbound_error::timeout:
    return make_error(errc::timeout,
                      "the region serving this request did not answer in time");
  default:
    return make_error(errc::unavailable,
                      "the region serving this request cannot serve it now: " +
                          r.message);
  }
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
  auto client = cfg.client ? cfg.client : outbound_client::process();
  auto base = local_base(cfg.local_http);
  // The relay's workers are the client's connections to this node's own port.
  auto host = base.substr(7, base.rfind(':') - 7); // "http://HOST:PORT"
  if (host.size() > 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  client->set_host_concurrency(host, static_cast<size_t>(std::max(1, cfg.workers)));
  auto outbound = spawn_outbound_actor(sys, client);
  auto shared = std::make_shared<const relay_config>(std::move(cfg));
  // The settings travel as spawn arguments (CAF 0.17 dereferences a null argument tuple
  // for a function-based actor spawned without any).
  return sys.spawn(
      [](caf::event_based_actor* self, std::shared_ptr<const relay_config> cfg,
         std::string base, outbound_actor outbound) -> caf::behavior {
        self->link_to(outbound);
        return {[self, cfg, base, outbound](
                    relay_atom, const std::string& method, const std::string& target,
                    const std::vector<std::string>& headers, const std::string& hops,
                    const std::string& body) {
          auto rp = self->make_response_promise();
          auto req = make_relayed(*cfg, base, method, target, headers, hops, body);
          if (!req) {
            rp.deliver(std::move(req.error()));
            return;
          }
          self->request(outbound, caf::infinite, outbound_fetch_atom::value,
                        std::move(*req))
              .then(
                  [rp](outbound_response& r) mutable {
                    if (!r.ok()) {
                      rp.deliver(relay_error(r));
                      return;
                    }
                    std::vector<std::string> lines;
                    lines.reserve(r.headers.size());
                    for (auto& [name, value] : r.headers)
                      lines.push_back(name + ": " + value);
                    rp.deliver(static_cast<int>(r.status), std::move(lines),
                               std::move(r.body));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        }};
      },
      shared, base, outbound);
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

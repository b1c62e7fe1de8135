#include "net/region_gateway.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "config/settings.hpp"
#include "net/region_forwarder.hpp"
#include "regions/routing.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::net {

namespace {

bool lower_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i])
      return false;
  return true;
}

/// Hop-by-hop fields and those the sending side recomputes.
bool passes(std::string_view name) {
  for (auto skip : {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
                    "upgrade", "proxy-authorization", "proxy-connection", "host",
                    "content-length", "expect", "x-request-id", "date", "server",
                    "content-type", "x-kyb-forwarded-by", "x-kyb-forward-proof"})
    if (lower_equals(name, skip))
      return false;
  return true;
}

/// The regions a request went through (its proven X-KYB-Forwarded-By hops).
std::vector<std::string> visited(const exchange& ex) {
  std::vector<std::string> out;
  for (auto& item : config::comma_list(ex.forwarded_by)) {
    auto at = item.find('@');
    if (at != std::string::npos)
      out.push_back(item.substr(at + 1));
  }
  return out;
}

/// Sends the request to a node of `target` (through its request relay, over the
/// cluster channel) and answers with its response.
void send_to_region(const exchange_ptr& ex, const std::string& target) {
  const auto& p = *ex->services().platform;
  ex->forwarded_out = true;
  auto members = p.places ? p.places->current() : nullptr; // keeps the peers alive
  std::vector<const runtime::member_info*> peers;
  if (members)
    for (auto& [id, m] : members->members)
      if (m.region == target && !m.http.empty() && m.relay)
        peers.push_back(&m);
  if (peers.empty() || !ex->services().relay_sender) {
    ex->reply_problem(problem_type::unavailable,
                      "no node of region " + target +
                          ", which serves this tenant, is "
                          "reachable now; retry",
                      {{"Retry-After", "1"}});
    return;
  }
  const auto& peer = *peers[ex->seq % peers.size()];
  if (ex->rt && ex->rt->streams) {
    // An upload streams through this node's codec and cannot be replayed from here:
    // the client sends it to the serving region (clients resend the body on a 307).
    auto url = "http://" + peer.http + ex->req.target;
    ex->respond(307, "application/json",
                nlohmann::json{{"detail", "this upload is served by region " + target},
                               {"location", url}}
                    .dump(),
                {{"Location", url}}, true);
    return;
  }
  std::vector<std::string> headers;
  for (auto [name, value] : ex->req.headers)
    if (passes(name))
      headers.push_back(std::string(name) + ": " + std::string(value));
  if (!ex->req.content_type().empty())
    headers.push_back("Content-Type: " + std::string(ex->req.content_type()));
  headers.push_back("X-Request-Id: " + ex->request_id);
  auto hops = ex->forwarded_by + (ex->forwarded_by.empty() ? "" : ",") +
              p.settings.node.id + "@" + p.settings.node.region;
  ex->self
      ->request(ex->services().relay_sender, caf::infinite, relay_atom::value, peer.relay,
                ex->req.method, ex->req.target, std::move(headers), std::move(hops),
                ex->req.body)
      .then(
          [ex, target](int status, std::vector<std::string>& lines, std::string& body) {
            exchange::header_list out;
            std::string content_type = "application/json";
            std::string served_by = target; // unless the target forwarded it on
            for (auto& line : lines) {
              auto colon = line.find(':');
              if (colon == std::string::npos)
                continue;
              auto name = line.substr(0, colon);
              auto value = line.substr(colon + 1);
              while (!value.empty() && value.front() == ' ')
                value.erase(0, 1);
              if (lower_equals(name, "content-type"))
                content_type = value;
              else if (lower_equals(name, "x-kyb-served-by-region"))
                served_by = value;
              else if (passes(name))
                out.emplace_back(name, value);
            }
            out.emplace_back("X-KYB-Served-By-Region", served_by);
            ex->respond(status, content_type, std::move(body), std::move(out));
          },
          [ex, target](caf::error& err) {
            if (err.category() == caf::atom("system")) // the link, not the peer's answer
              err = err == caf::sec::request_timeout
                        ? make_error(errc::timeout,
                                     "region " + target + " did not answer in time")
                        : make_error(errc::unavailable, "region " + target +
                                                            " cannot be reached now; "
                                                            "retry");
            ex->reply_error(err);
          });
}

} // namespace

namespace {

/// This node's routing view when it runs with regions, else null.
regions::routing_ptr multi_region_view(const exchange& ex) {
  const auto& p = *ex.services().platform;
  if (!p.routing)
    return nullptr;
  auto view = p.routing->current();
  return view->multi_region ? view : nullptr;
}

/// Sends the request to the first of `candidates` it has not been through yet.
bool send_to_unvisited(const exchange_ptr& ex, const regions::routing_view& view,
                       std::initializer_list<const std::string*> candidates) {
  auto seen = visited(*ex);
  seen.push_back(view.self);
  for (const auto* candidate : candidates)
    if (!candidate->empty() &&
        std::find(seen.begin(), seen.end(), *candidate) == seen.end()) {
      send_to_region(ex, *candidate);
      return true;
    }
  return false;
}

} // namespace

bool forward_if_elsewhere(const exchange_ptr& ex, std::string_view residency,
                          std::string_view replica_group) {
  if (replica_group == "*" || replica_group == "handler")
    return false;
  auto view = multi_region_view(*ex);
  if (!view || !ex->forwarded_by.empty())
    return false;
  auto target = view->serving_region(residency, replica_group);
  if (target.empty())
    return false;
  send_to_region(ex, target);
  return true;
}

bool forward_unknown_tenant(const exchange_ptr& ex) {
  auto view = multi_region_view(*ex);
  if (!view)
    return false;
  // The regions that know every tenant of a residency are its write regions; a tenant
  // unknown here most likely lives in the other residency, so its writer comes first.
  auto first = &view->table.eu_write;
  auto second = &view->table.us_write;
  if (regions::residency_of_region(view->self) == "eu")
    std::swap(first, second);
  return send_to_unvisited(ex, *view, {first, second});
}

bool forward_unreadable_tenant(const exchange_ptr& ex) {
  auto view = multi_region_view(*ex);
  if (!view)
    return false;
  const auto& own = view->table.write_region(regions::residency_of_region(view->self));
  return send_to_unvisited(ex, *view, {&own});
}

} // namespace kyb::net

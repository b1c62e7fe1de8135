// One request in flight on an HTTP broker, and the helpers handlers use to answer it:
// JSON and problem+json replies, body and query parsing, and asking actors (entities
// through the directory, with one retry when an entity stopped under the request).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/io/broker.hpp>
#include <caf/io/connection_handle.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_validation.hpp"
#include "actors/messages.hpp"
#include "net/http_broker.hpp"
#include "net/http_request.hpp"
#include "net/http_services.hpp"
#include "net/problem.hpp"
#include "net/problem_type.hpp"
#include "net/result.hpp"
#include "net/router.hpp"
#include "runtime/error.hpp"

namespace kyb::net {

using broker_ptr = http_broker_ptr;

struct exchange : std::enable_shared_from_this<exchange> {
  // -- the request ---------------------------------------------------------------------
  http_request req;
  const route* rt = nullptr;
  std::map<std::string, std::string> params; ///< path parameters, decoded
  std::string endpoint;                      ///< route template: the metrics label
  std::string request_id;
  std::optional<actors::principal> who;
  http_request::clock::time_point start;
  // When the request reached its stages (kyb_http_stage_seconds): routed after parsing,
  // authed when its handler starts, answered when the handler answers.
  http_request::clock::time_point routed, authed, answered;

  // -- where the answer goes -----------------------------------------------------------
  broker_ptr self = nullptr;
  caf::io::connection_handle conn;
  uint64_t seq = 0;
  bool responded = false;
  /// The request's body streams (its route `streams`); `body_done` once it all arrived.
  bool streamed = false;
  bool body_done = false;
  /// Sent on to another region's node (net/region_gateway), which answers it.
  bool forwarded_out = false;
  /// The hops of a request forwarded here by another region ("node@region,..."), from
  /// its X-KYB-Forwarded-By only when this node's request relay proved it; else empty.
  std::string forwarded_by;

  const http_services& services() const;
  const config::settings& settings() const;
  actors::request_meta meta() const;

  // -- answering -----------------------------------------------------------------------
  using header_list = std::vector<std::pair<std::string, std::string>>;

  /// Any response. The broker adds X-Request-Id, records metrics, usage and the access
  /// log, and writes it in request order.
  void respond(int status, std::string content_type, std::string body,
               header_list headers = {}, bool close = false);
  void reply_json(int status, const nlohmann::json& body, header_list headers = {});
  /// problem+json of `type`; `extra` members are merged into the document.
  void reply_problem(problem_type type, std::string detail, header_list headers = {},
                     nlohmann::json extra = nlohmann::json::object(), bool close = false);
  /// Maps one of our errors (or a CAF system error) to its problem (net/problem.cpp);
  /// internal ones are logged with the request id, as the client sees none of it.
  void reply_error(const caf::error& err);
  /// Answers a net-layer failure (closing the connection when it says so).
  void reply_error(const http_error& err);
  /// 400 validation_failed listing every field problem.
  void reply_invalid(const std::vector<actors::field_error>& errors);
  /// Sends a prepared problem (instance and request id are filled in here).
  void send_problem(problem p, header_list headers, bool close = false);

  // -- reading the request -------------------------------------------------------------
  /// The JSON body; on failure (415, 400, 413) answers and returns nullopt.
  std::optional<nlohmann::json> json_body();
  /// The decoded query parameters; on a malformed query answers 400 and returns nullopt.
  std::optional<std::map<std::string, std::string>> query();
  /// ?cursor= and ?limit= of a list endpoint (limit from 1 to api.max_page_limit,
  /// api.default_page_limit when absent); answers 400 and returns nullopt when bad.
  std::optional<std::pair<std::string, uint32_t>>
  page_params(const std::map<std::string, std::string>& query);
  /// ?name=true or ?name=false of `query` into `out` (absent: `out` unchanged); answers
  /// 400 and returns false for any other value.
  bool bool_param(const std::map<std::string, std::string>& query,
                  const std::string& name, bool& out);
  /// Path parameter `name` as a UUID; answers 404 and returns nullopt when malformed
  /// (a malformed id names no resource).
  std::optional<base::uuid> uuid_param(const std::string& name);

  // -- streamed bodies (routes with `streams`)
  // -------------------------------------------
  /// Takes the body from here on (and resumes decoding it). Without one, the body is
  /// read and dropped; an answer sent before the body ended closes the connection.
  void stream_body(std::shared_ptr<body_stream> sink);
  /// Stops reading the body until resume_body() (the sink is busy).
  void pause_body();
  void resume_body();

  // -- asking actors -------------------------------------------------------------------
  /// Requests `xs` from `target` and calls ok(result) on success, reply_error otherwise.
  template <class Result, class Handle, class Ok, class... Ts>
  void ask(const Handle& target, Ok ok, Ts... xs);

  /// Like ask, for the entity (kind, id) resolved through the directory; retries once
  /// when the entity stopped between resolution and delivery (passivation).
  template <class Result, class Ok, class... Ts>
  void ask_entity(runtime::entity_kind kind, const base::uuid& id, Ok ok, Ts... xs) {
    auto ex = shared_from_this();
    ask_entity_or<Result>(
        kind, id, std::move(ok), [ex](caf::error& err) { ex->reply_error(err); },
        std::move(xs)...);
  }

  /// ask_entity with a failure callback instead of the default error reply.
  template <class Result, class Ok, class Fail, class... Ts>
  void ask_entity_or(runtime::entity_kind kind, const base::uuid& id, Ok ok, Fail fail,
                     Ts... xs) {
    ask_entity_attempt<Result>(kind, id, 0, std::move(ok), std::move(fail),
                               std::make_tuple(std::move(xs)...));
  }

private:
  template <class Result, class Ok, class Fail, class... Ts>
  void ask_entity_attempt(runtime::entity_kind kind, const base::uuid& id, int attempt,
                          Ok ok, Fail fail, std::tuple<Ts...> args);
};

using exchange_ptr = std::shared_ptr<exchange>;

/// The decoded parameters of a query string (`+` is a space). A malformed %-escape is
/// a 400 malformed_request, a parameter given twice a 400 validation_failed naming it;
/// neither closes the connection.
result<std::map<std::string, std::string>> parse_query(std::string_view query);

/// ?cursor= and ?limit= of a list endpoint: the cursor ("" when absent) and the limit
/// (`default_limit` when absent, else an integer from 1 to `max_limit`: a 400
/// validation_failed naming `limit` otherwise).
result<std::pair<std::string, uint32_t>>
parse_page_params(const std::map<std::string, std::string>& query, size_t default_limit,
                  size_t max_limit);

/// The timeout of requests from a broker to actors: none. Registering a timeout per
/// request costs a lock on the actor clock; instead the broker's tick answers 504 for
/// requests older than http.request_timeout (connection_state::pending).
inline caf::duration actor_timeout(const exchange&) {
  return caf::infinite;
}

template <class Result, class Handle, class Ok, class... Ts>
void exchange::ask(const Handle& target, Ok ok, Ts... xs) {
  auto ex = shared_from_this();
  self->request(target, actor_timeout(*this), std::move(xs)...)
      .then([ex, ok](Result& r) mutable { ok(r); },
            [ex](caf::error& err) { ex->reply_error(err); });
}

template <class Result, class Ok, class Fail, class... Ts>
void exchange::ask_entity_attempt(runtime::entity_kind kind, const base::uuid& id,
                                  int attempt, Ok ok, Fail fail, std::tuple<Ts...> args) {
  auto ex = shared_from_this();
  auto target = services().platform->directory->resolve(kind, id);
  if (!target) {
    auto err = make_error(errc::unavailable, "no node can serve this entity now");
    fail(err);
    return;
  }
  auto send = [&](auto&&... xs) {
    return self->request(target, actor_timeout(*this), xs...);
  };
  std::apply(send, args)
      .then([ex, ok](Result& r) mutable { ok(r); },
            [ex, kind, id, attempt, ok, fail, args](caf::error& err) mutable {
              if (err == caf::sec::request_receiver_down && attempt == 0)
                ex->ask_entity_attempt<Result>(kind, id, 1, std::move(ok),
                                               std::move(fail), std::move(args));
              else
                fail(err);
            });
}

} // namespace kyb::net

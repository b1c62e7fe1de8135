// What the webhook actors say: the node's webhook service (endpoints, deliveries, and the
// dispatcher that fans outbox events out to endpoints and sends them:
// webhook_actor.hpp), and the sender it asks to POST one event (implemented in
// net/webhook_sender.cpp over the outbound client, so actors/ never includes net/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "runtime/base/std_optional_inspect.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

using rotate_secret_atom = caf::atom_constant<caf::atom("whrotate")>;
using deliveries_atom = caf::atom_constant<caf::atom("whdeliv")>;
using redeliver_atom = caf::atom_constant<caf::atom("whredeliv")>;
using send_webhook_atom = caf::atom_constant<caf::atom("whsend")>;
using dispatch_atom = caf::atom_constant<caf::atom("whdispatch")>;

/// A create (every member but `enabled` given) or a patch (the members given).
struct webhook_endpoint_input {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<std::string> description;
  std::optional<bool> enabled;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_endpoint_input& x) {
  return f(caf::meta::type_name("kyb::webhook_endpoint_input"), x.url, x.events,
           x.description, x.enabled);
}

struct webhook_endpoint_data {
  base::uuid id;
  base::uuid tenant_id;
  std::string region;
  std::string url;
  std::vector<std::string> events;
  std::string description;
  bool enabled = true;
  std::string disabled_reason;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  /// The previous secret stays valid until then during a rotation ("" none).
  std::string previous_secret_expires_at;
  /// The signing secret: only in the answer of a create or a rotation (shown once).
  std::string secret;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_endpoint_data& x) {
  return f(caf::meta::type_name("kyb::webhook_endpoint_data"), x.id, x.tenant_id,
           x.region, x.url, x.events, x.description, x.enabled, x.disabled_reason,
           x.created_by, x.created_at, x.updated_at, x.previous_secret_expires_at,
           x.secret);
}

struct webhook_delivery_data {
  base::uuid id;
  base::uuid endpoint_id;
  base::uuid event_id;
  std::string event_type;
  base::uuid subject_id;
  std::string status; ///< pending, delivered, failed
  int32_t attempts = 0;
  std::string next_attempt_at;
  std::string last_attempt_at;
  int32_t last_status_code = 0; ///< 0: no answer
  int64_t last_latency_ms = -1; ///< -1: no attempt
  std::string last_error;
  std::string attempt_log_json = "[]";
  std::string created_at;
  std::string delivered_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_delivery_data& x) {
  return f(caf::meta::type_name("kyb::webhook_delivery_data"), x.id, x.endpoint_id,
           x.event_id, x.event_type, x.subject_id, x.status, x.attempts,
           x.next_attempt_at, x.last_attempt_at, x.last_status_code, x.last_latency_ms,
           x.last_error, x.attempt_log_json, x.created_at, x.delivered_at);
}

struct webhook_delivery_page {
  std::vector<webhook_delivery_data> items;
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_delivery_page& x) {
  return f(caf::meta::type_name("kyb::webhook_delivery_page"), x.items, x.next_cursor);
}

/// One POST of one event to one endpoint.
struct webhook_post {
  std::string url;
  std::string body;
  std::vector<std::string> headers; ///< "Name: value"
};

/// How it went: the receiver's status (0: no answer), the time it took, and why there
/// was no answer.
struct webhook_post_result {
  int32_t status = 0;
  int64_t latency_ms = 0;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_post& x) {
  return f(caf::meta::type_name("kyb::webhook_post"), x.url, x.body, x.headers);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_post_result& x) {
  return f(caf::meta::type_name("kyb::webhook_post_result"), x.status, x.latency_ms,
           x.error);
}

/// The node's sender (net/webhook_sender.hpp): POSTs to a tenant-chosen URL under the
/// outbound client's SSRF rules, no redirects followed, within webhooks.timeout.
using webhook_sender_actor = caf::typed_actor<
    caf::replies_to<send_webhook_atom, webhook_post>::with<webhook_post_result>>;

/// Registers the webhook message types (called by actors::register_types).
void register_webhook_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

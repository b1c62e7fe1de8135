// The vocabulary the platform's actors speak: atoms, the caller identity that travels
// with every request, and the registration of all message types (one place).
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "runtime/base/std_optional_inspect.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

// Atoms (at most 10 characters in CAF 0.17).
using authenticate_atom = caf::atom_constant<caf::atom("auth")>;
using lease_expired_atom = caf::atom_constant<caf::atom("leaseexp")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using search_atom = caf::atom_constant<caf::atom("search")>;
using create_key_atom = caf::atom_constant<caf::atom("createkey")>;
using revoke_key_atom = caf::atom_constant<caf::atom("revokekey")>;
using list_keys_atom = caf::atom_constant<caf::atom("listkeys")>;
using ensure_operator_atom = caf::atom_constant<caf::atom("ensureop")>;
using set_plan_atom = caf::atom_constant<caf::atom("setplan")>;
using cancel_plan_atom = caf::atom_constant<caf::atom("cancelplan")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
using record_atom = caf::atom_constant<caf::atom("record")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using begin_atom = caf::atom_constant<caf::atom("begin")>;
using complete_atom = caf::atom_constant<caf::atom("complete")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using ok_atom = caf::atom_constant<caf::atom("ok")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
// Sanctions screening (actors/screening/).
using screen_atom = caf::atom_constant<caf::atom("screen")>;
using compare_atom = caf::atom_constant<caf::atom("compare")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using generation_atom = caf::atom_constant<caf::atom("generation")>;
using decide_atom = caf::atom_constant<caf::atom("decide")>;
using latest_atom = caf::atom_constant<caf::atom("latest")>;
using latest_classification_atom = caf::atom_constant<caf::atom("latestcls")>;
using import_atom = caf::atom_constant<caf::atom("import")>;
using warm_atom = caf::atom_constant<caf::atom("warm")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using download_atom = caf::atom_constant<caf::atom("download")>;
using build_atom = caf::atom_constant<caf::atom("build")>;
using monitor_atom = caf::atom_constant<caf::atom("monitor")>;
/// An entity's own timer: the read leases other nodes held on its old state ran out.
using leases_out_atom = caf::atom_constant<caf::atom("leasesout")>;

/// API key scopes, as bits.
enum scope : uint8_t {
  scope_read = 1,
  scope_write = 2,
  scope_admin = 4,
  scope_operator = 8,
};

/// "read,write" -> bits; returns 0 for an unknown name.
uint8_t parse_scope(const std::string& name);
/// bits -> ["read", "write", ...] in a fixed order, comma-separated.
std::string scopes_to_string(uint8_t scopes);

/// What a caller holding `held` scope bits hears for a route that needs `required`.
std::string missing_scope_detail(uint8_t required, uint8_t held);

/// Who is calling: established by the tenant actor from an API key.
struct principal {
  base::uuid tenant_id;
  base::uuid key_id;
  uint8_t scopes = 0;
  std::string region; ///< the tenant's home region: "us" or "eu"

  bool has(uint8_t s) const { return (scopes & s) == s; }
  bool is_operator() const { return (scopes & scope_operator) != 0; }
  /// How audit rows name this caller: "key:<key id>".
  std::string audit_actor() const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(x.tenant_id, x.key_id, x.scopes, x.region);
}

/// A tenant actor's answer to an authentication: who is calling, and a lease the
/// asking HTTP worker may spend on further requests with the same key and secret
/// without asking again: `tokens` rate-limit tokens (taken from the tenant's bucket
/// already, beyond the one of this request), valid for `valid_ms` counted from when the
/// worker sent its request. A revocation answers only after every lease on the key has
/// run out, so "revoked" still means "refused on every node from now on".
struct auth_grant {
  principal who;
  uint32_t tokens = 0;
  uint32_t valid_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth_grant& x) {
  return f(x.who, x.tokens, x.valid_ms);
}

/// What every request to an entity carries besides its own arguments.
struct request_meta {
  principal who;
  std::string request_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_meta& x) {
  return f(x.who, x.request_id);
}

/// Registers every message type of the actors layer with an actor system config.
void register_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

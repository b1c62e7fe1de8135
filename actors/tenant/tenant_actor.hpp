// One actor per tenant, activated on demand: it holds the tenant, its API keys (hashes),
// its rate-limit bucket and its current risk rules version, and answers every
// authentication for the tenant. Because the cluster runs at most one instance per
// tenant, revoking a key here revokes it everywhere at once, and a new rules version is
// the one every later assessment asks for.
#pragma once

#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/risk/risk_messages.hpp"
#include "actors/tenant/tenant.hpp"
#include "actors/verification/verification_messages.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::actors {

using tenant_actor = caf::typed_actor<
    /// Checks a key (its id and the SHA-256 of its secret, actors::secret_hash: the
    /// secret itself never leaves the HTTP worker) for `required` scope bits and takes a
    /// rate-limit token, and maybe a lease of more (auth_grant). Errors: unauthorized,
    /// forbidden, rate_limited (extra: retry-after seconds).
    caf::replies_to<authenticate_atom, base::uuid, std::string,
                    uint8_t>::with<auth_grant>,
    /// Creates this tenant (operator only). Errors: conflict if it exists.
    caf::replies_to<create_atom, request_meta, tenant_spec>::with<tenant_record>,
    caf::replies_to<get_atom, request_meta>::with<tenant_record>,
    /// Sets or changes the tenant's plan (operator only), with an audit row
    /// `tenant.plan_set`; answers the tenant with it. A plan set after a cancellation is
    /// a new subscription. Errors: not_found, forbidden, invalid_argument (its field),
    /// unprocessable for the platform tenant.
    caf::replies_to<set_plan_atom, request_meta, tenant_plan_spec>::with<tenant_record>,
    /// Cancels the tenant's active plan now (operator only), with an audit row
    /// `tenant.plan_cancel`. Errors: not_found, forbidden, conflict when there is no
    /// active plan, unprocessable for the platform tenant.
    caf::replies_to<cancel_plan_atom, request_meta>::with<tenant_record>,
    /// Issues a key with a name and scope bits (operator, or the tenant's admin).
    caf::replies_to<create_key_atom, request_meta, std::string,
                    uint8_t>::with<issued_api_key>,
    /// Revokes a key; from the reply on, it authenticates nothing.
    caf::replies_to<revoke_key_atom, request_meta, base::uuid>::with<api_key_info>,
    caf::replies_to<list_keys_atom, request_meta>::with<std::vector<api_key_info>>,
    /// Platform tenant only: makes an operator key when none is active; returns its text,
    /// or "" when one exists already.
    caf::replies_to<ensure_operator_atom>::with<std::string>,
    /// The current risk rules version, for the actors that assess (no scope check):
    /// answered from memory once the state is read; version 0 with document "{}" for a
    /// tenant without rules. Errors: not_found when the tenant does not exist.
    caf::replies_to<risk_rules_atom>::with<risk_rules_version>,
    /// A rules version for the API (read scope): -1 the current one, n >= 0 version n
    /// (0: the defaults). Errors: not_found (another tenant's caller, an unknown
    /// version), forbidden.
    caf::replies_to<risk_rules_atom, request_meta, int32_t>::with<risk_rules_version>,
    /// Stores a rules document (JSON object text, valid over the platform's default
    /// rules: actors/risk/risk_rules.hpp) as version current + 1 with an audit row
    /// ('admin' scope). Errors: not_found, forbidden, invalid_argument (its field the
    /// first problem's JSON pointer).
    caf::replies_to<put_risk_rules_atom, request_meta,
                    std::string>::with<risk_rules_version>,
    /// A verification policy version (read scope): -1 the current one, n >= 0 version
    /// n (0: the defaults). Errors: not_found, forbidden, invalid_argument.
    caf::replies_to<verification_policy_atom, request_meta,
                    int32_t>::with<verification_policy_version>,
    /// Stores a verification policy document (JSON object text, valid over the
    /// shipped defaults: actors/verification/verification_policy.hpp) as version
    /// current + 1 with an audit row ('admin' scope). Verifications created from then
    /// on are judged by it. Errors: not_found, forbidden, invalid_argument (its field
    /// the first problem's JSON pointer), conflict (another version was stored at once).
    caf::replies_to<put_verification_policy_atom, request_meta,
                    std::string>::with<verification_policy_version>,
    /// Sent to itself: revocations waiting for their key's leases may answer now.
    caf::reacts_to<lease_expired_atom>,
    /// Sent by the directory: stop once the work in hand is done.
    caf::reacts_to<runtime::passivate_atom>>;

/// Spawns the actor of tenant `id` (used by the directory's factory).
tenant_actor spawn_tenant_actor(caf::actor_system& sys, platform_ptr p,
                                const base::uuid& id);

} // namespace kyb::actors

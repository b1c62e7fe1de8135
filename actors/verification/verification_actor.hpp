// One actor per verification, placed like every entity (by its id's shard), supervised
// by the directory's shard supervisor. It runs the steps of a verification of one
// business through that business's actor and the node's services
// (verification_services.hpp): the registry lookup, the website analysis and the
// sanctions screening of the business and every owner in parallel, the classification
// once the website's text is known, then the risk assessment on all of their results
// (assessment_type `verification`). Every change of a step is stored (fenced by the
// shard's lease) before the next one starts, so a node that takes the shard over after
// a crash resumes the steps that did not finish, and the verification completes once.
// The verdict comes from the tenant's verification policy (verification_policy.hpp) as
// of the verification's creation, and is stored with its verification.completed event
// in one statement.
#pragma once

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/verification/verification.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::actors {

using verification_actor = caf::typed_actor<
    /// Creates the verification of input.business_id (checks validated by the caller)
    /// and starts it; answers it pending. Errors: forbidden (write scope), not_found
    /// (no such business for the caller), conflict (it exists).
    caf::replies_to<create_atom, request_meta,
                    verification_input>::with<verification_data>,
    /// Reads it. Errors: not_found (also another tenant's).
    caf::replies_to<get_atom, request_meta>::with<verification_data>,
    /// Cancels it: its unfinished steps are skipped, results still arriving are
    /// dropped. Errors: not_found, forbidden, conflict (completed or cancelled already).
    caf::replies_to<cancel_verification_atom, request_meta>::with<verification_data>,
    /// Sent by the node's resumer: continue if unfinished (loads it on activation).
    caf::reacts_to<resume_verification_atom>,
    /// Sent by the directory: stop once the work in hand is done.
    caf::reacts_to<runtime::passivate_atom>>;

/// Spawns the actor of verification `id` (used by the directory's factory).
verification_actor spawn_verification_actor(caf::actor_system& sys, platform_ptr p,
                                            const base::uuid& id);

/// The node's resumer: every verification.resume_interval it sends
/// resume_verification_atom to the unfinished verifications whose shard this node owns
/// (activating them), so that a verification whose node died continues on the new
/// owner without anyone asking.
using verification_resumer_actor = caf::typed_actor<caf::reacts_to<tick_atom>>;

verification_resumer_actor spawn_verification_resumer(caf::actor_system& sys,
                                                      platform_ptr p);

} // namespace kyb::actors

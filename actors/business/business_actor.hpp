// One actor per business, activated on demand: it loads the business once, serves
// reads from memory (the actor-local cache), and is the only writer of its rows. Every
// change is written with its audit row in one transaction and acknowledged after commit.
//
// Its life (load, wait until ready, one write at a time, passivation) is
// actors/entity/entity_lifecycle.hpp, shared with the tenant actor. Its own record
// (create, read, update, delete) is business_actor.cpp; every other flow has its file
// beside it: business_screening_flow.cpp, business_classification_flow.cpp,
// business_hit_decisions.cpp, business_risk_flow.cpp. A new flow (website, registry,
// verification) is added the same way:
//  1. its messages here, in `business_actor` (what each takes, answers and fails with);
//  2. one function per message in business_flows.hpp, defined in the new
//     business_<flow>_flow.cpp: it checks the caller's scope, then waits with
//     when_visible() (or when_ready(): business_actor_state.hpp) as a read, or as a write
//     when it stores anything;
//  3. a write takes the slot (state.life.begin_write()) before its first request and
//     releases it (state.life.end_write()) after its commit or failure, in every path;
//     its rows go through run_fenced() with their audit row in the same batch, and
//     functions that need the slot say so and assert(state.life.writing());
//  4. a cache of what the flow derived from the record lives in business_state::derived()
//     (made by the first flow that needs it), its own cache made on first use, and is
//     cleared in forget_derived() (the record changed or is gone);
//     proactive refreshes go through queue_refresh();
//  5. a one-line handler in shared_behavior() (business_actor.cpp) calls the function
//     with this_business(), the actor handling the message.
// The engine the flow calls (actors/<domain>/) stays a plain library behind its actor.
#pragma once

#include <caf/typed_actor.hpp>

#include "actors/business/business.hpp"
#include "actors/classification/business_classification.hpp"
#include "actors/classification/classification_actor.hpp"
#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/registry/business_registry.hpp"
#include "actors/risk/business_risk.hpp"
#include "actors/risk/risk_messages.hpp"
#include "actors/screening/business_screening.hpp"
#include "actors/screening/screening_actor.hpp"
#include "actors/website/business_website.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::actors {

/// What a read may reveal beyond the masked view (each reveal is an audited read).
enum reveal : uint8_t {
  reveal_tax_id = 1,
  reveal_owners = 2,
};

using business_actor = caf::typed_actor<
    /// Creates the business (input validated by the caller). Errors: conflict if it
    /// exists.
    caf::replies_to<create_atom, request_meta, business_input>::with<business_view>,
    /// Reads it, masked except for the `reveal` bits (which need the admin scope).
    caf::replies_to<get_atom, request_meta, uint8_t>::with<business_view>,
    /// Applies a validated merge-patch.
    caf::replies_to<update_atom, request_meta, business_input>::with<business_view>,
    /// Soft-deletes it (deleted_at); afterwards it answers not_found.
    caf::replies_to<delete_atom, request_meta>::with<business_view>,
    /// Screens the legal name, DBA and every owner against the sanctions lists through
    /// `screening`, stores the result with an audit row, and caches it for the sanctions
    /// TTL (a change of the names, owners or lists misses; refreshed proactively
    /// before it expires). Errors: not_found, unavailable (no lists loaded).
    caf::replies_to<screen_atom, request_meta, screen_request,
                    screening_actor>::with<business_screening>,
    /// The latest stored screening. Errors: not_found (also when never screened).
    caf::replies_to<latest_atom, request_meta>::with<business_screening>,
    /// Records the caller's decision ("false_positive" or "confirmed", validated by the
    /// caller) with its reason on hit `hit_id` of this business, audited; remembered for
    /// later screenings of the business. Errors: not_found.
    caf::replies_to<decide_atom, request_meta, base::uuid, std::string,
                    std::string>::with<stored_hit>,
    /// Classifies the business's industry through `classification` (from its legal
    /// name, DBA, description and country), stores the MCC (primary and alternates),
    /// NAICS, NAICS sector and SIC rows in business_classifications with an audit row,
    /// and caches the result for the classification TTL (7 d; a change of those inputs
    /// or of the model misses; refreshed proactively before it expires). After
    /// re-activation a stored classification whose inputs and model still match, younger
    /// than the TTL, is served again instead of classifying anew. `model_version` is the
    /// version of `classification`'s model (part of the cache key; it changes only with a
    /// restart, so the caller knows it without asking). Errors: not_found.
    caf::replies_to<classify_atom, request_meta, classification_actor,
                    std::string>::with<business_classification>,
    /// The latest stored classification. Errors: not_found (also when never
    /// classified).
    caf::replies_to<latest_classification_atom,
                    request_meta>::with<business_classification>,
    /// Cache warming (actors/cache/): loads the business and, when its stored
    /// classification fits its inputs and model `model_version` ("" = none), puts it in
    /// the classification cache. Computes and writes nothing. Answers 0 (no such
    /// business), 1 (loaded) or 2 (loaded, classification cached).
    caf::replies_to<warm_atom, std::string>::with<int32_t>,
    /// Assesses the business's risk now (business_risk_flow.cpp): the tenant's current
    /// rules over its latest stored screening and classification (a missing one is
    /// computed first through the request's actors, or reported unknown with the
    /// reason), stored with an audit row and, when the level moved, a
    /// risk.level_changed event. Within the risk TTL and with nothing changed it answers
    /// the stored assessment (cached). A `monitoring` request writes nothing when
    /// nothing changed and fails not_found for a business never assessed. Errors:
    /// not_found, forbidden (write scope), unavailable (the tenant's rules).
    caf::replies_to<assess_atom, request_meta, risk_request>::with<business_risk>,
    /// The latest stored assessment. Errors: not_found (also when never assessed).
    caf::replies_to<latest_risk_atom, request_meta>::with<business_risk>,
    /// Stored assessments, newest first: after `cursor` ("" = first page), `limit`
    /// (1..1000) per page. Errors: invalid_argument (cursor, limit), not_found.
    caf::replies_to<risk_history_atom, request_meta, std::string,
                    uint32_t>::with<business_risk_page>,
    /// Analyses the business's website (its website_url, or `url` of the request)
    /// through the request's website service (business_website_flow.cpp), stores the
    /// result with an audit row and caches it for the website TTL (7 d) under the URL,
    /// legal name, DBA and latest classified MCC (a stored analysis of the same still
    /// serves after re-activation; `refresh` fetches anyway). Errors: not_found,
    /// forbidden (write scope), invalid_argument (no URL), unprocessable (the URL may
    /// not be fetched: loopback, private, a port not allowed...), unavailable.
    caf::replies_to<analyse_website_atom, request_meta,
                    website_request>::with<business_website>,
    /// The latest stored analysis. Errors: not_found (also when never analysed).
    caf::replies_to<latest_website_atom, request_meta>::with<business_website>,
    /// Looks the business up through the request's registry service
    /// (business_registry_flow.cpp) in the registries its identifiers point at (or the
    /// one named), stores a row per registry with one audit row and caches them for the
    /// registry TTL (30 d) under the identifiers, owners and registry asked (failed
    /// lookups are stored, never cached). Errors: not_found, forbidden (write scope),
    /// invalid_argument (an unknown registry), unprocessable (nothing to ask, or the
    /// registry is not configured), unavailable.
    caf::replies_to<lookup_registry_atom, request_meta,
                    registry_request>::with<business_registry>,
    /// The latest stored lookup in each registry. Errors: not_found (also when never
    /// looked up).
    caf::replies_to<latest_registry_atom, request_meta>::with<business_registry>,
    /// Sent by the directory: stop once the work in hand is done.
    caf::reacts_to<runtime::passivate_atom>,
    /// Its own timer: a write's answer waited for other nodes' read leases to run out
    /// (begin_record_write, after_read_leases).
    caf::reacts_to<leases_out_atom>>;

/// Spawns the actor of business `id` (used by the directory's factory).
business_actor spawn_business_actor(caf::actor_system& sys, platform_ptr p,
                                    const base::uuid& id);

/// A plain read (no reveal) by a caller of `tenant`, answered with the view a business
/// actor published (directory::publish): the view, or none when the business is
/// another tenant's (the actor answers that: not found).
std::optional<business_view> published_business_view(std::shared_ptr<const void> snapshot,
                                                     const base::uuid& tenant);

/// A classify by a caller of `tenant` (write scope), answered with the classification
/// the business actor's cache holds for the business's current inputs and the model
/// `model_version`, published beside its view (`snapshot`) until a read of the cache
/// would ask for its refresh: that classification ("cached": true), or none (the actor
/// answers). Counted as the actor's cache hit.
std::optional<business_classification>
published_business_classification(const std::shared_ptr<const void>& snapshot,
                                  const base::uuid& tenant,
                                  const std::string& model_version);

/// The directory's published_reader for businesses: answers (get_atom, request_meta, 0).
std::optional<caf::message> read_published_business(const caf::message& msg,
                                                    std::shared_ptr<const void> snapshot);

} // namespace kyb::actors

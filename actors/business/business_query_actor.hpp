// Reads across a tenant's businesses (pages and full-text search) straight
// from PostgreSQL: a stateless service actor, one per node.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/business/business.hpp"
#include "actors/business/risk_trends.hpp"
#include "actors/import/import_job.hpp"
#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/risk/risk_messages.hpp"
#include "actors/verification/verification.hpp"

namespace kyb::actors {

struct business_page {
  std::vector<business_record> items; ///< masked views
  std::optional<std::string> next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_page& x) {
  return f(x.items, x.next_cursor);
}

using business_query_actor = caf::typed_actor<
    /// One page of the tenant's businesses, newest first. The cursor is opaque; a bad one
    /// answers invalid_argument naming "cursor".
    caf::replies_to<list_atom, request_meta, std::string /*cursor*/,
                    uint32_t /*limit*/>::with<business_page>,
    /// Search: full-text rank over legal and DBA names, or an exact tax id.
    caf::replies_to<search_atom, request_meta, std::string /*q*/,
                    std::string /*tax_id*/>::with<std::vector<business_summary>>,
    /// A bulk import job of the tenant with up to `limit` of its row errors after line
    /// `after`. Errors: not_found.
    caf::replies_to<import_atom, request_meta, base::uuid, int64_t /*after*/,
                    uint32_t /*limit*/>::with<import_report>,
    /// The tenant's newest bulk import jobs.
    caf::replies_to<import_atom, request_meta,
                    uint32_t /*limit*/>::with<std::vector<import_job>>,
    /// The tenant's risk trends (GET /v1/risk/trends). A bad cursor answers
    /// invalid_argument naming "cursor".
    caf::replies_to<risk_trends_atom, request_meta, risk_trends_query>::with<risk_trends>,
    /// A page of the verifications of one business of the tenant, newest first: after
    /// `cursor` ("" = first page), `limit` (1..1000). Errors: not_found (no such
    /// business), invalid_argument (cursor).
    caf::replies_to<list_verifications_atom, request_meta, base::uuid, std::string,
                    uint32_t>::with<verification_page>>;

business_query_actor spawn_business_query_actor(caf::actor_system& sys, platform_ptr p);

/// Opaque keyset cursor over (created_at, id).
std::string encode_business_cursor(const std::string& created_at, const base::uuid& id);
bool decode_business_cursor(const std::string& cursor, std::string& created_at,
                            base::uuid& id);

} // namespace kyb::actors

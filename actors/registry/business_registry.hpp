// A business's registry lookups as the platform stores and serves them
// (registry_lookups), the node's registry service that makes them
// (net/registry_service.cpp runs the engine's step machine of registry_plan.hpp over the
// outbound client), and the pure pieces the business actor's flow needs: the cache key,
// the rows, the JSON. The flow is actors/business/business_registry_flow.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/detail/scope_guard.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/db.hpp"
#include "actors/risk/risk_inputs.hpp"

namespace kyb::actors {

using lookup_registry_atom = caf::atom_constant<caf::atom("reglookup")>;
using latest_registry_atom = caf::atom_constant<caf::atom("reglatest")>;

/// What the registry service is asked: the business's identifiers, its declared owners
/// (compared with the registry's officers and PSCs), and which registry ("" = those
/// the identifiers point at: registry::select_registries).
struct registry_job {
  std::string registry;
  std::string legal_name;
  std::string country;
  std::string jurisdiction;
  std::string registration_number;
  std::string lei;
  std::string cik;
  std::string ticker;
  std::vector<std::string> owners;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_job& x) {
  return f(caf::meta::type_name("kyb::registry_job"), x.registry, x.legal_name, x.country,
           x.jurisdiction, x.registration_number, x.lei, x.cik, x.ticker, x.owners);
}

/// One registry's answer.
struct registry_report {
  std::string registry; ///< "gleif", "companies_house", "sec_edgar", "opencorporates"
  /// matched (a record was found and compared), not_found (the registry has no such
  /// company), failed (no answer about the company: rate limited, an upstream error, a
  /// malformed answer, not configured; `result_json` holds the error).
  std::string outcome;
  std::string entity_id;
  double match_confidence = 0;
  std::string status = "unknown"; ///< active, inactive, dissolved, unknown
  std::string registry_status;    ///< the registry's own word
  /// registry::to_json of the result (or {"error": ...}), with "risk_input" when the
  /// answer says something about the company.
  std::string result_json;
  std::vector<std::string> document_hashes; ///< SHA-256 of every raw document read
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_report& x) {
  return f(caf::meta::type_name("kyb::registry_report"), x.registry, x.outcome,
           x.entity_id, x.match_confidence, x.status, x.registry_status, x.result_json,
           x.document_hashes);
}

/// The node's registry service: looks the business up in each registry of the job, in
/// parallel, through the outbound client. Errors: unprocessable (no registry can be
/// asked with these identifiers, or the registry named is unknown or not configured).
using registry_actor =
    caf::typed_actor<caf::replies_to<lookup_registry_atom,
                                     registry_job>::with<std::vector<registry_report>>>;

/// One stored lookup.
struct business_registry_data {
  base::uuid id;
  base::uuid business_id;
  base::uuid tenant_id;
  std::string region;
  registry_report report;
  std::string cache_key; ///< registry_cache_key of the job it answered
  std::string created_by;
  std::string looked_up_at; ///< RFC 3339
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_registry_data& x) {
  return f(caf::meta::type_name("kyb::business_registry_data"), x.id, x.business_id,
           x.tenant_id, x.region, x.report, x.cache_key, x.created_by, x.looked_up_at);
}

/// The lookups of one request (or the latest of each registry), shared by the business
/// actor's cache and its readers.
struct business_registry {
  std::shared_ptr<const std::vector<business_registry_data>> lookups;
  bool cached = false; ///< Served from the cache or the stored rows (nothing fetched).
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_registry& x) {
  if constexpr (Inspector::reads_state) {
    static const std::vector<business_registry_data> empty;
    auto& d = x.lookups ? *x.lookups : empty;
    return f(caf::meta::type_name("kyb::business_registry"),
             const_cast<std::vector<business_registry_data>&>(d), x.cached);
  } else {
    auto d = std::make_shared<std::vector<business_registry_data>>();
    auto guard = caf::detail::make_scope_guard([&] { x.lookups = d; });
    return f(caf::meta::type_name("kyb::business_registry"), *d, x.cached);
  }
}

/// What POST /v1/businesses/{id}/registry-lookup asks for: beyond the record's legal
/// name, country, registration number and jurisdiction, identifiers it does not hold.
struct registry_request {
  std::string registry; ///< "" = those the identifiers point at
  std::string lei;
  std::string cik;
  std::string ticker;
  bool refresh = false; ///< Ask again even when cached lookups fit.
  registry_actor service;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_request& x) {
  return f(caf::meta::type_name("kyb::registry_request"), x.registry, x.lei, x.cik,
           x.ticker, x.refresh, x.service);
}

/// The cache key of a lookup: every identifier, owner and the registry asked. Equal
/// keys within the TTL (30 d): the stored lookups serve.
std::string registry_cache_key(const registry_job& job);

/// The INSERT of `r`.
void add_registry_row(pg_batch& batch, const business_registry_data& r);

/// The rows of a registry_lookups_latest result (the latest lookup in each registry),
/// each with its age in seconds.
struct stored_registry {
  business_registry_data data;
  double age_seconds = 0;
};
std::vector<stored_registry> decode_registry_rows(const pg_rows& rows);

/// The API's JSON of the lookups, as text (the stored results spliced in unparsed).
std::string registry_json_text(const base::uuid& business_id,
                               const std::vector<business_registry_data>& lookups,
                               bool cached);

/// What risk's registry factor reads from a stored lookup (its "risk_input"); nullopt
/// when the lookup said nothing about the company (a failure).
std::optional<risk::registry_input> registry_risk_input(const business_registry_data& r);

/// Registers the types above with CAF (the node's configuration).
void register_registry_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

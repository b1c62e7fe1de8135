// A business's website analysis as the platform stores and serves it
// (website_analyses), the node's website service that makes one (net/website_service.cpp
// fetches through the outbound client and runs the engine of website_analysis.hpp), and
// the pure pieces the business actor's flow needs: the cache key, the rows, the JSON.
// The flow is actors/business/business_website_flow.cpp.
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

using analyse_website_atom = caf::atom_constant<caf::atom("webanalyse")>;
using latest_website_atom = caf::atom_constant<caf::atom("weblatest")>;

/// What the website service is asked: one site, and the business it is compared with.
struct website_job {
  std::string url;
  std::string legal_name;
  std::string dba_name;   ///< "" when none
  std::string stored_mcc; ///< the business's latest classified MCC, "" when none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, website_job& x) {
  return f(caf::meta::type_name("kyb::website_job"), x.url, x.legal_name, x.dba_name,
           x.stored_mcc);
}

/// What it answers.
struct website_report {
  /// "analysed" (the home page answered 2xx), "unreachable" (it did not: the result
  /// says why) or "refused" (the URL may not be fetched: `refusal` says why; nothing
  /// was fetched and nothing is stored).
  std::string outcome;
  std::string refusal;
  std::string final_url;
  int32_t http_status = 0;
  /// The analysis (website::to_json) with its "risk_input" (what risk's website factor
  /// reads) and "tables_version".
  std::string result_json;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, website_report& x) {
  return f(caf::meta::type_name("kyb::website_report"), x.outcome, x.refusal, x.final_url,
           x.http_status, x.result_json);
}

/// The node's website service: fetches a site through the outbound HTTP client (as a
/// tenant-chosen URL: the SSRF rules apply) and analyses it. Errors: unavailable (the
/// service is overloaded), timeout.
using website_actor = caf::typed_actor<
    caf::replies_to<analyse_website_atom, website_job>::with<website_report>>;

/// One stored analysis.
struct business_website_data {
  base::uuid id;
  base::uuid business_id;
  base::uuid tenant_id;
  std::string region;
  std::string requested_url;
  std::string final_url;
  std::string outcome; ///< analysed, unreachable
  int32_t http_status = 0;
  std::string result_json; ///< website_report::result_json
  std::string cache_key;   ///< website_cache_key of what it was made from
  std::string created_by;
  std::string analysed_at; ///< RFC 3339
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_website_data& x) {
  return f(caf::meta::type_name("kyb::business_website_data"), x.id, x.business_id,
           x.tenant_id, x.region, x.requested_url, x.final_url, x.outcome, x.http_status,
           x.result_json, x.cache_key, x.created_by, x.analysed_at);
}

/// An immutable stored analysis, shared by the business actor's cache and its readers.
struct business_website {
  std::shared_ptr<const business_website_data> data;
  bool cached = false; ///< Served from the cache or the stored row (nothing fetched).
};

/// CAF serialization: travels as its data (a new shared copy on the receiving side).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_website& x) {
  if constexpr (Inspector::reads_state) {
    static const business_website_data empty;
    auto& d = x.data ? *x.data : empty;
    return f(caf::meta::type_name("kyb::business_website"),
             const_cast<business_website_data&>(d), x.cached);
  } else {
    auto d = std::make_shared<business_website_data>();
    auto guard = caf::detail::make_scope_guard([&] { x.data = d; });
    return f(caf::meta::type_name("kyb::business_website"), *d, x.cached);
  }
}

/// What POST /v1/businesses/{id}/website-analysis asks for.
struct website_request {
  std::string url;      ///< "" = the business's website_url
  bool refresh = false; ///< Fetch again even when a cached analysis fits.
  website_actor service;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, website_request& x) {
  return f(caf::meta::type_name("kyb::website_request"), x.url, x.refresh, x.service);
}

/// The cache key of an analysis: the URL and everything it was compared with. Equal
/// keys within the TTL (7 d): the stored analysis serves.
std::string website_cache_key(const website_job& job);

/// The INSERT of `w`.
void add_website_row(pg_batch& batch, const business_website_data& w);

/// The row of a website_latest result (none: nullopt), with its age in seconds.
struct stored_website {
  business_website_data data;
  double age_seconds = 0;
};
std::optional<stored_website> decode_website_row(const pg_rows& rows);

/// The API's JSON of an analysis, as text (the stored result spliced in unparsed).
std::string website_json_text(const business_website_data& w, bool cached);

/// What risk's website factor reads of the latest analysis: the row of a
/// website_risk_input_latest result (its id, time and "risk_input" only). nullopt when
/// there is none; `input` nullopt when the document holds no risk input.
struct stored_website_risk {
  std::string id;
  std::string analysed_at;
  std::optional<risk::website_input> input;
};
std::optional<stored_website_risk> decode_website_risk(const pg_rows& rows);

/// The visible text a stored analysis holds (null when none).
std::shared_ptr<const std::string> website_visible_text(const business_website_data& w);

/// Registers the types above with CAF (the node's configuration).
void register_website_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

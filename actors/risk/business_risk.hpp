// A stored risk assessment of a business (risk_assessments), and how the business actor
// makes one: the engine's inputs from what the actor holds (its record, its latest
// screening and classification), the key that says whether anything an assessment read
// has changed, the rows it writes, and the rows read back. Pure functions over plain
// data; the flow that calls them is actors/business/business_risk_flow.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/detail/scope_guard.hpp>
#include <caf/meta/type_name.hpp>
#include <nlohmann/json_fwd.hpp>

#include "actors/business/business.hpp"
#include "actors/classification/business_classification.hpp"
#include "actors/classification/classification_actor.hpp"
#include "actors/db.hpp"
#include "actors/risk/risk_assessment.hpp"
#include "actors/risk/risk_inputs.hpp"
#include "actors/screening/business_screening.hpp"
#include "actors/screening/screening_actor.hpp"

namespace kyb::actors {

/// One stored assessment.
struct business_risk_data {
  base::uuid id;
  base::uuid business_id;
  base::uuid tenant_id;
  std::string region;
  int32_t score = 0; ///< 0..100
  std::string level; ///< low, medium, high, critical
  bool review_required = false;
  double coverage_percent = 0;   ///< Scored weight / total weight, 0..100.
  int32_t rules_version = 0;     ///< The tenant's rules version (0: the defaults).
  std::string reference_version; ///< risk::risk_reference::version
  std::string assessment_type;   ///< manual, monitoring or verification
  std::string assessed_at;       ///< RFC 3339
  std::string input_key;         ///< risk_input_key of what it read
  /// {"weighted_score", "scored_weight", "total_weight", "factors": [...],
  /// "applied": [...]} (risk::to_json of the assessment, without score and level).
  std::string factors_json;
  /// What each input was: {"screening": {"state": "used", "id": ...}, "website":
  /// {"state": "unknown", "reason": ...}, ..., "computed": ["classification"]}.
  std::string inputs_json;
  std::string created_by;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_risk_data& x) {
  return f(caf::meta::type_name("kyb::business_risk_data"), x.id, x.business_id,
           x.tenant_id, x.region, x.score, x.level, x.review_required, x.coverage_percent,
           x.rules_version, x.reference_version, x.assessment_type, x.assessed_at,
           x.input_key, x.factors_json, x.inputs_json, x.created_by);
}

/// An immutable stored assessment, shared by the business actor's cache and its readers.
struct business_risk {
  std::shared_ptr<const business_risk_data> data;
  bool cached = false; ///< Served from the cache (no new row was written).
};

/// CAF serialization: travels as its data (a new shared copy on the receiving side).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_risk& x) {
  if constexpr (Inspector::reads_state) {
    static const business_risk_data empty;
    auto& d = x.data ? *x.data : empty;
    return f(caf::meta::type_name("kyb::business_risk"),
             const_cast<business_risk_data&>(d), x.cached);
  } else {
    auto d = std::make_shared<business_risk_data>();
    auto guard = caf::detail::make_scope_guard([&] { x.data = d; });
    return f(caf::meta::type_name("kyb::business_risk"), *d, x.cached);
  }
}

/// One page of a business's assessments, newest first.
struct business_risk_page {
  std::vector<business_risk_data> items;
  std::string next_cursor; ///< "" on the last page.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_risk_page& x) {
  return f(caf::meta::type_name("kyb::business_risk_page"), x.items, x.next_cursor);
}

/// What POST /v1/businesses/{id}/risk-assessments and the re-assessments ask for.
struct risk_request {
  std::string assessment_type = "manual"; ///< manual, monitoring or verification
  /// Computes a missing screening or classification first (a null handle: that input is
  /// reported unknown, "not available on this node").
  screening_actor screening;
  classification_actor classification;
  std::string classification_model_version;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_request& x) {
  return f(caf::meta::type_name("kyb::risk_request"), x.assessment_type, x.screening,
           x.classification, x.classification_model_version);
}

/// What the business actor has when it assesses: its record, and its latest stored
/// screening and classification (null: none, `*_note` says why).
struct risk_sources {
  const business_record* record = nullptr;
  const business_screening_data* screening = nullptr;
  std::string screening_note;
  const business_classification_data* classification = nullptr;
  std::string classification_note;
  std::vector<std::string> computed; ///< Inputs computed first for this assessment.
  /// The latest stored website analysis (website_analyses), if any.
  struct website_source {
    std::string id;
    std::string analysed_at;
    risk::website_input input;
  };
  std::optional<website_source> website;
  std::string website_note; ///< Why there is none.
  /// The latest stored lookup in each registry asked (registry_lookups); empty: none.
  struct registry_source {
    std::string id;
    std::string looked_up_at;
    risk::registry_input input;
  };
  std::vector<registry_source> registry;
  std::string registry_note; ///< Why there is none.
};

/// The engine's inputs from `src` on day `today`. Hits count when raised or decided.
risk::risk_inputs risk_inputs_of(const risk_sources& src, risk::civil_date today);

/// What each input was (the inputs column and the API's `inputs`).
nlohmann::json risk_inputs_summary(const risk_sources& src);

/// A digest of everything an assessment reads except the date: equal keys, equal
/// assessments (within the day). Covers the record's facts, the hits with their scores
/// and statuses, the MCCs with confidences, the rules version and the reference data.
std::string risk_input_key(const risk::risk_inputs& in, int32_t rules_version,
                           const std::string& reference_version);

/// The stored form of `a`.
business_risk_data
assemble_risk(const business_record& rec, const risk::risk_assessment& a,
              const risk_sources& src, const std::string& input_key,
              const std::string& reference_version, const std::string& assessment_type,
              const std::string& created_by, const std::string& assessed_at);

/// The INSERT of `r`.
void add_risk_row(pg_batch& batch, const business_risk_data& r);

/// The risk.level_changed event of a new assessment `now` after `before`.
void add_level_changed_event(pg_batch& batch, const business_risk_data& before,
                             const business_risk_data& now);

/// Row `i` of a result of risk_assessment_latest / risk_assessments_page, with its age in
/// seconds.
struct stored_risk {
  business_risk_data data;
  double age_seconds = 0;
};
stored_risk decode_risk_row(const pg_rows& rows, size_t i);

/// The cursor after `last` in a page of assessments, and its reading (the
/// (timestamp, id) cursor of the business pages).
std::string encode_risk_cursor(const business_risk_data& last);
bool decode_risk_cursor(const std::string& cursor, std::string& assessed_at,
                        base::uuid& id);

/// The API's JSON of one assessment, as text: the stored factors and inputs spliced in
/// as they are (no parse: the answer of a cached assessment costs what a small
/// object's does).
std::string risk_json_text(const business_risk_data& r, bool cached);

} // namespace kyb::actors

// The screening of one stored business: which of its names are screened (legal name,
// DBA, every owner as an individual), how the tenant's analyst decisions apply to the
// hits, and how a screening is stored and read back. The business actor runs the flow;
// this file holds its pure parts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <caf/detail/scope_guard.hpp>

#include "actors/business/business.hpp"
#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "actors/screening/screening_messages.hpp"

namespace kyb::actors {

/// Why a business is screened.
struct screen_request {
  std::string trigger = "api"; ///< "api", "refresh" (cache refresh) or "monitoring".
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, screen_request& x) {
  return f(x.trigger);
}

/// A name of the business that is screened.
struct screening_subject {
  std::string kind; ///< "legal_name", "dba_name" or "owner".
  std::string name;
  std::string type;  ///< "entity" or "individual".
  std::string error; ///< Why the name could not be screened (else empty).
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, screening_subject& x) {
  return f(x.kind, x.name, x.type, x.error);
}

/// A stored hit: the engine's hit for one subject, with the analyst's decision.
///
/// A hit is `raised` (an alert an analyst must look at) unless the tenant decided it a
/// false positive on the same entry: the decision carries over while the listed
/// entry's fingerprint is unchanged; a changed entry raises it again
/// (`entry_changed`).
struct stored_hit {
  base::uuid id;
  int32_t position = 0;
  std::string subject_kind;
  std::string subject_name;
  std::string list;
  std::string list_version;
  std::string entity_id;
  std::string entity_type;
  std::string primary_name;
  std::string matched_name;
  bool matched_alias = false;
  double score = 0;
  std::vector<std::string> programs;
  std::string explanation_json; ///< explanation_to_json, as text.
  std::string fingerprint;      ///< entity_fingerprint of the listed entry.
  bool raised = true;
  bool is_new = false; ///< Raised now, not raised by the previous screening.
  bool entry_changed = false;
  std::string decision; ///< "", "false_positive" or "confirmed".
  std::string decision_reason;
  std::string decided_by;
  std::string decided_at;

  /// "open", "false_positive" or "confirmed".
  std::string status() const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_hit& x) {
  return f(x.id, x.position, x.subject_kind, x.subject_name, x.list, x.list_version,
           x.entity_id, x.entity_type, x.primary_name, x.matched_name, x.matched_alias,
           x.score, x.programs, x.explanation_json, x.fingerprint, x.raised, x.is_new,
           x.entry_changed, x.decision, x.decision_reason, x.decided_by, x.decided_at);
}

/// One stored screening of a business.
struct business_screening_data {
  base::uuid id;
  base::uuid business_id;
  base::uuid tenant_id;
  std::string region;
  int32_t business_version = 0;
  std::string triggered_by; ///< "api", "refresh" or "monitoring".
  std::string outcome;      ///< "clear" (nothing raised) or "match".
  double threshold = 0;
  std::string generation;
  std::vector<list_version> lists;
  std::vector<screening_subject> subjects;
  std::vector<stored_hit> hits;
  int32_t hit_count = 0;
  int32_t raised_count = 0;
  int32_t new_count = 0;
  std::string screened_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_screening_data& x) {
  return f(x.id, x.business_id, x.tenant_id, x.region, x.business_version, x.triggered_by,
           x.outcome, x.threshold, x.generation, x.lists, x.subjects, x.hits, x.hit_count,
           x.raised_count, x.new_count, x.screened_at);
}

/// An immutable stored screening, shared by the business actor's cache and its readers.
struct business_screening {
  std::shared_ptr<const business_screening_data> data;
  bool cached = false; ///< Served from the business actor's cache.
};

/// CAF serialization: travels as its data (a new shared copy on the receiving side).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_screening& x) {
  if constexpr (Inspector::reads_state) {
    static const business_screening_data empty;
    auto& d = x.data ? *x.data : empty;
    return f(const_cast<business_screening_data&>(d), x.cached);
  } else {
    auto d = std::make_shared<business_screening_data>();
    auto guard = caf::detail::make_scope_guard([&] { x.data = d; });
    return f(*d, x.cached);
  }
}

/// The names of `rec` to screen, in order: legal name, DBA (when set and different),
/// owners.
std::vector<screening_subject> screening_subjects(const business_record& rec);

/// The queries for `screening_subjects(rec)`, in the same order: entity names with the
/// business's country, owners as individuals with their date of birth and nationality.
std::vector<screening::screening_query> screening_queries(const business_record& rec);

/// The key of a business's cached screening: the generation of the lists and every
/// screened input (runtime::generate_cache_key), so a change of either misses.
std::string screening_cache_key(const std::string& generation,
                                const business_record& rec);

/// (subject name, list, entity id): what a decision is about.
using hit_key = std::tuple<std::string, std::string, std::string>;

/// A tenant's decision on a hit.
struct prior_decision {
  std::string decision;
  std::string reason;
  std::string decided_by;
  std::string decided_at;
  std::string fingerprint; ///< Of the entry the decision was made on.
};

using decision_map = std::map<hit_key, prior_decision>;

/// Rows of screening_decisions_of_business.
decision_map decode_decisions(const pg_rows& rows);
/// Rows of screening_raised_of_latest.
std::set<hit_key> decode_raised(const pg_rows& rows);

/// The stored form of one screening of `rec`: `batch` holds the engine's hits per
/// subject (in screening_subjects order); decisions apply as described at stored_hit;
/// a raised hit not in `previously_raised` is new.
business_screening_data
assemble_screening(const business_record& rec, std::vector<screening_subject> subjects,
                   const batch_screening& batch, const decision_map& decisions,
                   const std::set<hit_key>& previously_raised,
                   const std::string& triggered_by, const std::string& screened_at);

/// Appends the statements that store `s` (its result row and hit rows).
void add_screening_rows(pg_batch& batch, const business_screening_data& s);

/// A row of the hit columns (screening_hit_get, screening_hits_of_latest); `c` are the
/// columns of its result.
stored_hit decode_stored_hit(const row_columns& c, const std::vector<pg_value>& row);

/// The latest stored screening from screening_result_latest and
/// screening_hits_of_latest; nullopt when the business was never screened.
std::optional<business_screening_data> decode_stored_screening(const pg_rows& result,
                                                               const pg_rows& hits);

} // namespace kyb::actors

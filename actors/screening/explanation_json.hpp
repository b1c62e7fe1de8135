// The JSON form of a match explanation: what the API shows an analyst and what a stored
// hit keeps (screening_hits.explanation), so both always say the same.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/screening/engine/screening_hit.hpp"

namespace kyb::actors {

/// {query_tokens, list_tokens, matches: [{query_tokens, list_tokens, kind, similarity,
/// weight, contribution, legal_form}], unmatched_query, unmatched_list, query_weight,
/// list_weight, evidence, evidence_required, name_score, alias_factor,
/// refinements: [{field, outcome, factor, detail}]}. Numbers are rounded to 4 decimals.
nlohmann::json explanation_to_json(const screening::match_explanation& e);

/// A stored explanation (screening_hits.explanation) as answers show it. Hits stored
/// before date-of-birth details were given in years only carry the query's full date
/// ("query 1965-03-04 vs listed circa 1965"); such a detail is rewritten the way
/// screening::birth_year_comparison writes it, so no answer shows an owner's full date
/// of birth whenever its hit was stored.
nlohmann::json answer_explanation(nlohmann::json stored);

/// A number rounded to 4 decimals (scores and weights as the API shows them).
double round4(double v);

} // namespace kyb::actors

// JSON shapes of sanctions screening on the wire: screenings, comparisons, stored
// screenings of businesses and their hits, loaded lists, reload reports.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/screening/business_screening.hpp"
#include "actors/screening/screening_messages.hpp"

namespace kyb::net {

/// POST /v1/screenings: {object, threshold, hits: [...], candidates_scored,
/// names_indexed}.
nlohmann::json screening_result_to_json(const screening::screening_result& r);

/// One hit of a screening: list, list_version, entity_id, entity_type, primary_name,
/// matched_name, matched_alias, score, programs, explanation.
nlohmann::json screening_hit_to_json(const screening::screening_hit& h);

/// POST /v1/screenings/compare: {object, score, match, threshold, explanation}.
nlohmann::json comparison_to_json(const screening::comparison& c);

/// A stored hit with its status ("open", "false_positive", "confirmed") and decision.
nlohmann::json stored_hit_to_json(const actors::stored_hit& h);

/// A stored screening of a business.
nlohmann::json business_screening_to_json(const actors::business_screening& s);

/// GET /v1/lists.
nlohmann::json lists_status_to_json(const actors::lists_status& s);

/// The report of POST /v1/lists/reload (and `last_reload` of GET /v1/lists).
nlohmann::json reload_report_to_json(const actors::reload_report& r);

/// Lists that did not load: list, file (URLs redacted), line, message, serving_previous.
nlohmann::json list_failures_to_json(const std::vector<actors::list_failure>& failures);

} // namespace kyb::net

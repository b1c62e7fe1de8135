// JSON shapes of industry classification on the wire: a classification of free text
// (POST /v1/classifications) and a stored classification of a business.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/classification/business_classification.hpp"
#include "actors/classification/classifier.hpp"

namespace kyb::net {

/// POST /v1/classifications: {object, model_version, mcc, mcc_alternates, naics,
/// naics_sector, sic, evidence, known_merchant}.
nlohmann::json
classification_result_to_json(const classification::classification_result& r);

/// A stored classification of a business: {object, id, business_id, model_version,
/// classified_at, cached, mcc, mcc_alternates, naics, naics_sector, sic, evidence}.
nlohmann::json business_classification_to_json(const actors::business_classification& c);

} // namespace kyb::net

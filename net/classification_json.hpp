// JSON shapes of industry classification on the wire: a classification of free text
// (POST /v1/classifications) and a stored classification of a business.
#pragma once

#include <string>

#include "actors/classification/business_classification.hpp"
#include "actors/classification/classifier.hpp"

namespace kyb::net {

/// POST /v1/classifications, serialized: {object, model_version, mcc, mcc_alternates,
/// naics, naics_sector, sic, evidence, known_merchant, needs_review}. Written straight
/// to text, members sorted by name (no JSON tree: when the answer comes from a cache,
/// building and freeing a tree costs more than the rest of the request).
std::string render_classification_result(const classification::classification_result& r);

/// A stored classification of a business, serialized the same way: {object, id,
/// business_id, model_version, classified_at, cached, mcc, mcc_alternates, naics,
/// naics_sector, sic, evidence, known_merchant, needs_review}.
std::string render_business_classification(const actors::business_classification& c);

} // namespace kyb::net

#include "net/classification_json.hpp"

namespace kyb::net {

namespace {

using nlohmann::json;

/// The API's name of the field an evidence term came from (POST /v1/classifications
/// calls the legal name `name`).
const char* field_name(const classification::evidence_term& e) {
  if (e.is_country)
    return "country";
  return e.field == classification::input_field::name
             ? "name"
             : classification::field_name(e.field);
}

json code_json(const classification::code_prediction& c) {
  return {{"code", c.code}, {"title", c.title}, {"confidence", c.confidence}};
}

json mcc_json(const classification::mcc_prediction& m) {
  return {{"code", m.code},
          {"title", m.title},
          {"confidence", m.confidence},
          {"naics", m.naics},
          {"sic", m.sic}};
}

json stored_json(const actors::stored_code& c) {
  return {{"code", c.code}, {"title", c.title}, {"confidence", c.confidence}};
}

/// A stored MCC in the free-text answer's shape (with its NAICS and SIC).
json stored_mcc_json(const actors::stored_code& c) {
  auto j = stored_json(c);
  j["naics"] = c.naics;
  j["sic"] = c.sic;
  return j;
}

} // namespace

json classification_result_to_json(const classification::classification_result& r) {
  json alternates = json::array();
  for (const auto& m : r.mcc_alternates)
    alternates.push_back(mcc_json(m));
  json evidence = json::array();
  for (const auto& e : r.evidence)
    evidence.push_back(
        {{"term", e.term}, {"field", field_name(e)}, {"weight", e.weight}});
  return {{"object", "classification"},
          {"model_version", r.model_version},
          {"mcc", mcc_json(r.mcc)},
          {"mcc_alternates", alternates},
          {"naics", code_json(r.naics)},
          {"naics_sector", code_json(r.naics_sector)},
          {"sic", code_json(r.sic)},
          {"evidence", evidence},
          {"known_merchant", r.known_merchant},
          {"needs_review", r.needs_review}};
}

json business_classification_to_json(const actors::business_classification& c) {
  const auto& d = *c.data;
  json alternates = json::array();
  for (const auto& a : d.mcc_alternates)
    alternates.push_back(stored_mcc_json(a));
  json evidence = json::array();
  for (const auto& e : d.evidence)
    evidence.push_back({{"term", e.term}, {"field", e.field}, {"weight", e.weight}});
  return {{"object", "business_classification"},
          {"id", d.id.to_string()},
          {"business_id", d.business_id.to_string()},
          {"model_version", d.model_version},
          {"classified_at", d.classified_at},
          {"cached", c.cached},
          {"mcc", stored_mcc_json(d.mcc)},
          {"mcc_alternates", alternates},
          {"naics", stored_json(d.naics)},
          {"naics_sector", stored_json(d.naics_sector)},
          {"sic", stored_json(d.sic)},
          {"evidence", evidence},
          {"known_merchant", d.known_merchant},
          {"needs_review", d.needs_review}};
}

} // namespace kyb::net

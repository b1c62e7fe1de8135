#include "actors/screening/explanation_json.hpp"

#include <cmath>

namespace kyb::actors {

namespace {

using nlohmann::json;

json unmatched(const std::vector<screening::unmatched_token>& tokens) {
  json out = json::array();
  for (auto& t : tokens)
    out.push_back(
        {{"token", t.token}, {"weight", round4(t.weight)}, {"legal_form", t.legal_form}});
  return out;
}

} // namespace

double round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

json explanation_to_json(const screening::match_explanation& e) {
  json matches = json::array();
  for (auto& m : e.matches)
    matches.push_back({{"query_tokens", m.query_tokens},
                       {"list_tokens", m.list_tokens},
                       {"kind", screening::to_string(m.kind)},
                       {"similarity", round4(m.similarity)},
                       {"weight", round4(m.weight)},
                       {"contribution", round4(m.contribution)},
                       {"legal_form", m.legal_form}});
  json refinements = json::array();
  for (auto& r : e.refinements)
    refinements.push_back({{"field", r.field},
                           {"outcome", r.outcome},
                           {"factor", round4(r.factor)},
                           {"detail", r.detail}});
  return {{"query_tokens", e.query_tokens},
          {"list_tokens", e.list_tokens},
          {"matches", matches},
          {"unmatched_query", unmatched(e.unmatched_query)},
          {"unmatched_list", unmatched(e.unmatched_list)},
          {"query_weight", round4(e.query_weight)},
          {"list_weight", round4(e.list_weight)},
          {"evidence", round4(e.evidence)},
          {"evidence_required", round4(e.evidence_required)},
          {"name_score", round4(e.name_score)},
          {"alias_factor", round4(e.alias_factor)},
          {"refinements", refinements}};
}

} // namespace kyb::actors

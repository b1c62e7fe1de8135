#include "actors/risk/risk_assessment.hpp"

#include <nlohmann/json.hpp>

namespace kyb::risk {

using nlohmann::json;

json to_json(const factor_evidence& e) {
  json j{{"fact", e.fact}, {"value", e.value}, {"detail", e.detail}};
  if (e.points)
    j["points"] = *e.points;
  return j;
}

json to_json(const factor_result& f) {
  json ev = json::array();
  for (auto& e : f.evidence)
    ev.push_back(to_json(e));
  return json{{"factor", to_string(f.factor)},
              {"state", to_string(f.state)},
              {"sub_score", f.state == factor_state::scored ? json(f.sub_score) : json()},
              {"weight", f.weight},
              {"evidence", ev}};
}

json to_json(const risk_assessment& a) {
  json factors = json::array();
  for (auto& f : a.factors)
    factors.push_back(to_json(f));
  json applied = json::array();
  for (auto& r : a.applied)
    applied.push_back(
        json{{"kind", r.kind},
             {"id", r.id},
             {"at_least", r.at_least ? json(to_string(*r.at_least)) : json()},
             {"review", r.review},
             {"raised_score", r.raised_score},
             {"detail", r.detail}});
  int percent = a.total_weight > 0 ? a.scored_weight * 100 / a.total_weight : 0;
  return json{{"score", a.score},
              {"level", to_string(a.level)},
              {"weighted_score", a.weighted_score},
              {"coverage",
               {{"scored_weight", a.scored_weight},
                {"total_weight", a.total_weight},
                {"percent", percent}}},
              {"review_required", a.review_required},
              {"factors", factors},
              {"applied", applied},
              {"rules_version", a.rules_version},
              {"assessed_on", a.assessed_on.to_string()}};
}

} // namespace kyb::risk

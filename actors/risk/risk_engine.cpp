#include "actors/risk/risk_engine.hpp"

#include <algorithm>

#include "actors/risk/risk_factors.hpp"

namespace kyb::risk {

namespace {

bool listed(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

/// Lifts `a.score` to the lowest score of `level` and records why.
void apply(risk_assessment& a, const level_bands& bands, applied_rule rule) {
  if (rule.at_least) {
    int min = minimum_score(*rule.at_least, bands);
    if (a.score < min) {
      a.score = min;
      rule.raised_score = true;
    }
  }
  a.review_required = a.review_required || rule.review;
  a.applied.push_back(std::move(rule));
}

} // namespace

risk_engine::risk_engine(country_risk_table countries, mcc_risk_table mccs)
    : countries_(std::move(countries)), mccs_(std::move(mccs)) {}

std::optional<std::string> matching_fact(override_fact fact,
                                         const std::vector<std::string>& values,
                                         const risk_inputs& in) {
  switch (fact) {
  case override_fact::mcc:
    if (in.classification && listed(values, in.classification->mcc.code))
      return "mcc " + in.classification->mcc.code;
    break;
  case override_fact::business_country:
    if (in.business && in.business->country && listed(values, *in.business->country))
      return "business country " + *in.business->country;
    break;
  case override_fact::owner_nationality:
    if (in.business)
      for (auto& o : in.business->owners)
        if (o.nationality && listed(values, *o.nationality))
          return "owner '" + o.name + "' nationality " + *o.nationality;
    break;
  case override_fact::registry_status:
    for (auto& g : in.registry)
      if (g.found && listed(values, to_string(g.status)))
        return "registry " + g.source + " status " + to_string(g.status);
    break;
  case override_fact::website_prohibited_content:
    if (in.website)
      for (auto& s : in.website->prohibited_content)
        if (listed(values, s))
          return "website signal " + s;
    break;
  }
  return std::nullopt;
}

risk_assessment risk_engine::assess(const risk_inputs& in, const risk_rules& rules,
                                    int rules_version) const {
  risk_tables tables{countries_, mccs_};
  risk_assessment a;
  a.rules_version = rules_version;
  a.assessed_on = in.assessed_on;
  a.factors.push_back(score_sanctions(in, rules));
  a.factors.push_back(score_industry(in, rules, tables));
  a.factors.push_back(score_country(in, rules, tables));
  a.factors.push_back(score_business_age(in, rules));
  a.factors.push_back(score_ownership(in, rules, tables));
  a.factors.push_back(score_website(in, rules));
  a.factors.push_back(score_registry(in, rules));

  long long weighted_sum = 0;
  std::vector<std::string> unknown_required;
  for (auto& f : a.factors) {
    a.total_weight += f.weight;
    if (f.state == factor_state::scored) {
      a.scored_weight += f.weight;
      weighted_sum += static_cast<long long>(f.weight) * f.sub_score;
    } else if (std::find(rules.coverage.required.begin(), rules.coverage.required.end(),
                         f.factor) != rules.coverage.required.end()) {
      unknown_required.push_back(to_string(f.factor));
    }
  }
  // Rounded half up, in integers so that every platform gives the same score.
  if (a.scored_weight > 0)
    a.weighted_score =
        static_cast<int>((2 * weighted_sum + a.scored_weight) / (2LL * a.scored_weight));
  a.score = a.weighted_score;

  const auto& cov = rules.coverage;
  bool thin = static_cast<long long>(a.scored_weight) * 100 <
              static_cast<long long>(cov.minimum_percent) * a.total_weight;
  if (a.scored_weight == 0 || thin || !unknown_required.empty()) {
    std::string detail = "scored weight " + std::to_string(a.scored_weight) + " of " +
                         std::to_string(a.total_weight) + " (minimum " +
                         std::to_string(cov.minimum_percent) + "%)";
    for (auto& name : unknown_required)
      detail += "; required factor " + name + " is unknown";
    apply(a, rules.bands,
          {"coverage", "coverage", cov.otherwise_at_least, true, false, detail});
  }
  for (auto& fl : rules.floors) {
    const auto& f = a.factors[static_cast<size_t>(fl.factor)];
    if (f.state == factor_state::scored && f.sub_score >= fl.sub_score_at_least)
      apply(a, rules.bands,
            {"floor", fl.id, fl.level, fl.review, false,
             std::string{to_string(fl.factor)} + " sub-score " +
                 std::to_string(f.sub_score) +
                 " >= " + std::to_string(fl.sub_score_at_least)});
  }
  for (auto& o : rules.overrides)
    if (auto hit = matching_fact(o.fact, o.in, in))
      apply(a, rules.bands,
            {"override", o.id, o.at_least, o.review, false,
             o.reason.empty() ? *hit : *hit + ": " + o.reason});
  a.score = std::clamp(a.score, 0, 100);
  a.level = level_of(a.score, rules.bands);
  return a;
}

} // namespace kyb::risk

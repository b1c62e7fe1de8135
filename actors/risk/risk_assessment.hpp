// The result of one risk assessment: the score and level, each factor with its
// sub-score, weight, state and evidence, the floors, overrides and coverage rule that
// applied, and the rules version used. Plain data with a JSON form (to_json) for the
// API and the risk_assessments.factors column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/risk/risk_rules.hpp"

namespace kyb::risk {

/// Whether a factor had input.
enum class factor_state {
  scored,  ///< Its sub-score counts in the weighted mean.
  unknown, ///< No usable input: left out of the mean, never read as zero risk.
};

template <>
struct enum_names<factor_state> {
  static constexpr const char* names[] = {"scored", "unknown"};
};

/// One fact behind a factor.
struct factor_evidence {
  std::string fact;   ///< Where it comes from: "business.owners[1].nationality".
  std::string value;  ///< The fact's value: "IR".
  std::string detail; ///< What it means: "on call_for_action as of 2025-06-13 ...".
  std::optional<int> points; ///< What it contributed to the sub-score, when it did.
};

/// One factor of the breakdown.
struct factor_result {
  risk_factor factor = risk_factor::sanctions;
  factor_state state = factor_state::unknown;
  int sub_score = 0; ///< 0..100; meaningful when scored.
  int weight = 0;    ///< The rules' weight.
  std::vector<factor_evidence> evidence;
};

/// A floor, override or the coverage rule that matched.
struct applied_rule {
  std::string kind; ///< "coverage", "floor" or "override".
  std::string id;   ///< The rule's id ("coverage" for the coverage rule).
  std::optional<risk_level> at_least;
  bool review = false;
  bool raised_score = false; ///< It lifted the score (it was below the level's band).
  std::string detail;        ///< Why it matched.
};

/// One assessment.
struct risk_assessment {
  int score = 0; ///< 0..100, after floors and overrides.
  risk_level level = risk_level::low;
  int weighted_score = 0; ///< The weighted mean of the scored factors, before rules.
  int scored_weight = 0;  ///< Sum of the weights of scored factors.
  int total_weight = 0;   ///< Sum of all weights.
  bool review_required = false;
  std::vector<factor_result> factors; ///< Every factor, in risk_factor order.
  std::vector<applied_rule> applied;  ///< Coverage, then floors, then overrides.
  int rules_version = 0;
  civil_date assessed_on = civil_date::from_days(0);
};

nlohmann::json to_json(const factor_evidence& e);
nlohmann::json to_json(const factor_result& f);
nlohmann::json to_json(const risk_assessment& a);

} // namespace kyb::risk

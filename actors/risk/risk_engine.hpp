// The risk engine: scores a business from its inputs under a tenant's rules. Pure and
// deterministic: no clock (the assessment date is an input), no I/O after loading the
// reference tables, integer arithmetic for the score; the same inputs, rules and tables
// always give the same assessment.
//
// The score is the weighted mean of the scored factors' sub-scores, the weights of
// unknown factors left out (renormalised over the scored ones; the assessment reports
// the scored and total weights as its coverage). The coverage rule, floors and
// overrides can then only lift the score, to the lowest score of the level they name;
// they never lower it.
#pragma once

#include <memory>

#include "actors/risk/country_risk.hpp"
#include "actors/risk/mcc_risk.hpp"
#include "actors/risk/risk_assessment.hpp"
#include "actors/risk/risk_inputs.hpp"
#include "actors/risk/risk_rules.hpp"

namespace kyb::risk {

/// Scores businesses against fixed reference tables. Immutable and thread-safe.
class risk_engine {
public:
  risk_engine(country_risk_table countries, mcc_risk_table mccs);

  /// Assesses `in` under `rules` (a validated rule set); `rules_version` is recorded.
  risk_assessment assess(const risk_inputs& in, const risk_rules& rules,
                         int rules_version) const;

  const country_risk_table& countries() const noexcept { return countries_; }
  const mcc_risk_table& mccs() const noexcept { return mccs_; }

private:
  country_risk_table countries_;
  mcc_risk_table mccs_;
};

/// The value of `fact` in `in` that one of `values` matches, or nullopt.
std::optional<std::string> matching_fact(override_fact fact,
                                         const std::vector<std::string>& values,
                                         const risk_inputs& in);

} // namespace kyb::risk

// The seven risk factors, each scored from its own inputs into a sub-score (0..100)
// with the evidence behind it, or `unknown` when its input is missing. Pure functions
// of the inputs, the rules and the reference tables.
#pragma once

#include "actors/risk/country_risk.hpp"
#include "actors/risk/mcc_risk.hpp"
#include "actors/risk/risk_assessment.hpp"
#include "actors/risk/risk_inputs.hpp"
#include "actors/risk/risk_rules.hpp"

namespace kyb::risk {

/// The reference tables a factor may read.
struct risk_tables {
  const country_risk_table& countries;
  const mcc_risk_table& mccs;
};

/// Confirmed hit: 100. Otherwise the best open hit's score x 100 (business names and
/// owners alike). False positives are listed without points. Unknown without a
/// screening.
factor_result score_sanctions(const risk_inputs& in, const risk_rules& rules);

/// The highest tier score among the primary MCC and the alternates whose confidence
/// reaches industry.min_confidence; unlisted MCCs score industry.unlisted_score.
/// Unknown without a classification or when no MCC is confident enough.
factor_result score_industry(const risk_inputs& in, const risk_rules& rules,
                             const risk_tables& tables);

/// The highest list score of the business's country and the owners' nationalities.
/// Unknown when none of them is given.
factor_result score_country(const risk_inputs& in, const risk_rules& rules,
                            const risk_tables& tables);

/// The age band of the incorporation date (a registry's date before the recorded one)
/// on the assessment date. Unknown without a readable date.
factor_result score_business_age(const risk_inputs& in, const risk_rules& rules);

/// Points for declared ownership under the minimum, owners without date of birth or
/// nationality, a single nominee-like owner, owners of a listed nationality; capped at
/// 100. Unknown without the business record.
factor_result score_ownership(const risk_inputs& in, const risk_rules& rules,
                              const risk_tables& tables);

/// Points for an unreachable site, invalid TLS, no contact details and each
/// prohibited-content signal; capped at 100. Unknown without a website analysis.
factor_result score_website(const risk_inputs& in, const risk_rules& rules);

/// Found nowhere: registry.not_found_points. Otherwise the worst found lookup's points
/// for its status and a name that differs from the recorded legal and DBA names;
/// capped at 100. Unknown without any lookup.
factor_result score_registry(const risk_inputs& in, const risk_rules& rules);

} // namespace kyb::risk

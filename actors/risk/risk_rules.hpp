// A tenant's risk rules: factor weights, the score bands of each level, the coverage
// a score needs, floors (a factor's sub-score forcing a minimum level), overrides (a
// fact forcing a minimum level or a review) and each factor's own parameters. Read from
// a JSON document and validated with every problem named by its JSON pointer; the
// shipped defaults are config/risk/default_rules.json, and a tenant's document changes
// only the members it names.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/risk/country_risk.hpp"
#include "actors/risk/mcc_risk.hpp"

namespace kyb::risk {

/// The factors of an assessment, in the order an assessment lists them.
enum class risk_factor {
  sanctions,
  industry,
  country,
  business_age,
  ownership,
  website,
  registry
};

template <>
struct enum_names<risk_factor> {
  static constexpr const char* names[] = {"sanctions",    "industry",  "country",
                                          "business_age", "ownership", "website",
                                          "registry"};
};

/// Risk levels, lowest first.
enum class risk_level { low, medium, high, critical };

template <>
struct enum_names<risk_level> {
  static constexpr const char* names[] = {"low", "medium", "high", "critical"};
};

/// Upper score bound of each level; critical is everything above high_max.
struct level_bands {
  int low_max = 0;
  int medium_max = 0;
  int high_max = 0;
};

/// The level of `score` (0..100).
risk_level level_of(int score, const level_bands& bands) noexcept;

/// The lowest score of `level`.
int minimum_score(risk_level level, const level_bands& bands) noexcept;

/// A factor whose sub-score reaches `sub_score_at_least` lifts the level to `level`.
struct floor_rule {
  std::string id;
  risk_factor factor = risk_factor::sanctions;
  int sub_score_at_least = 0;
  risk_level level = risk_level::low;
  bool review = false; ///< Also require an analyst's review.
};

/// The facts an override can test.
enum class override_fact {
  mcc,                       ///< The classification's primary MCC.
  business_country,          ///< The business's country.
  owner_nationality,         ///< Any owner's nationality.
  registry_status,           ///< Any registry lookup's status.
  website_prohibited_content ///< Any prohibited-content signal of the website.
};

template <>
struct enum_names<override_fact> {
  static constexpr const char* names[] = {"mcc", "business.country", "owner.nationality",
                                          "registry.status",
                                          "website.prohibited_content"};
};

/// When `fact` takes one of `in`, lift the level to `at_least` and/or require review.
struct override_rule {
  std::string id;
  override_fact fact = override_fact::mcc;
  std::vector<std::string> in;
  std::optional<risk_level> at_least;
  bool review = false;
  std::string reason; ///< Shown with the override when it applies.
};

/// What an assessment needs to be trusted: when the scored factors' weights make up
/// less than `minimum_percent` of all weights, or a `required` factor is unknown, the
/// level is at least `otherwise_at_least` and a review is required.
struct coverage_rule {
  int minimum_percent = 0;
  std::vector<risk_factor> required;
  risk_level otherwise_at_least = risk_level::low;
};

/// Businesses younger than `under_days` score `score`.
struct age_band {
  int under_days = 0;
  int score = 0;
};

/// A complete rule set (see the file comment and config/risk/default_rules.json).
struct risk_rules {
  std::map<risk_factor, int> weights;
  level_bands bands;
  coverage_rule coverage;
  std::vector<floor_rule> floors;
  std::vector<override_rule> overrides;
  struct {
    double min_confidence = 0; ///< MCCs below this confidence are not used.
    std::map<mcc_tier, int> tier_scores;
    int unlisted_score = 0;
  } industry;
  struct {
    std::map<country_list, int> list_scores;
    int unlisted_score = 0;
  } country;
  struct {
    std::vector<age_band> bands; ///< By increasing under_days.
    int otherwise_score = 0;
  } business_age;
  struct {
    int min_declared_percent = 0;
    int undeclared_points = 0;
    int missing_identity_points = 0; ///< Per owner without date of birth or nationality.
    int nominee_points = 0;
    std::vector<std::string> nominee_terms; ///< Lower-case words or phrases.
    int high_risk_country_points = 0;       ///< Per owner of a listed nationality.
  } ownership;
  struct {
    int unreachable_points = 0;
    int tls_invalid_points = 0;
    int no_contact_points = 0;
    int prohibited_content_points = 0; ///< Per signal.
  } website;
  struct {
    int not_found_points = 0;
    int inactive_points = 0;
    int dissolved_points = 0;
    int name_mismatch_points = 0;
    std::vector<std::string> ignored_name_words; ///< Legal forms left out of comparisons.
  } registry;
};

/// A problem in a rules document: where (RFC 6901 JSON pointer) and what.
struct rule_problem {
  std::string pointer;
  std::string problem;
};

/// Valid rules, or every problem found.
struct rules_result {
  std::optional<risk_rules> rules;
  std::vector<rule_problem> problems;

  explicit operator bool() const noexcept { return rules.has_value(); }
};

/// A tenant's document applied over `base` (normally the defaults): members present
/// replace base's (objects member by member, arrays whole). Unknown members are
/// problems, so a misspelt key never passes silently.
rules_result parse_rules(const nlohmann::json& doc, const risk_rules& base);

/// The same for JSON text; text that is not JSON is one problem at pointer "".
rules_result parse_rules_text(std::string_view text, const risk_rules& base);

/// A complete document, every member required: the shipped defaults.
rules_result parse_complete_rules(const nlohmann::json& doc);

/// Reads and parses the complete rules file at `path`.
rules_result load_rules_file(const std::string& path);

/// The document form of `rules` (parse_complete_rules reads it back unchanged).
nlohmann::json to_json(const risk_rules& rules);

} // namespace kyb::risk

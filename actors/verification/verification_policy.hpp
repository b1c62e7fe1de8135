// A tenant's verification policy and the verdict it gives: which facts of a
// verification's steps fail a business, which send it to an analyst's review, and
// `pass` otherwise. Read from a JSON document and validated with every problem named by
// its JSON pointer; the shipped defaults are config/verification/default_policy.json,
// and a tenant's document changes only the members it names.
//
// Whatever the policy says, a step that failed makes the verdict at least `review`: a
// check that could not be made never passes a business.
//
// A pure library: no actor, no I/O (test/actors/verification_policy_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kyb::verification {

/// The steps of a verification, in the order they are listed.
inline constexpr const char* step_names[] = {"registry", "website", "classification",
                                             "screening", "risk"};
inline constexpr size_t step_count = 5;

/// True for one of step_names.
bool is_step(std::string_view name) noexcept;

struct verification_policy {
  // fail when...
  bool fail_sanctions_confirmed_hit = true;
  std::vector<std::string> fail_registry_statuses; ///< active, inactive, dissolved
  // review when...
  bool review_sanctions_open_hit = true;
  std::vector<std::string> review_risk_levels; ///< low, medium, high, critical
  bool review_risk_review_required = true;
  bool review_website_prohibited_content = true;
  bool review_website_unreachable = true;
  std::vector<std::string> review_registry_statuses;
  bool review_registry_not_found = true;
  /// A matched registry record whose match confidence is below this (0..1; 0: never).
  double review_registry_name_confidence_below = 0;
  bool review_registry_owners_undeclared = true;
  /// The classification's primary MCC was below classification.review_below.
  bool review_classification_needs_review = true;
  /// Steps whose being skipped (no website, nothing to ask a registry...) needs review.
  std::vector<std::string> review_skipped_steps;
};

/// A problem in a policy document: where (RFC 6901 JSON pointer) and what.
struct policy_problem {
  std::string pointer;
  std::string problem;
};

/// A valid policy, or every problem found.
struct policy_result {
  std::optional<verification_policy> policy;
  std::vector<policy_problem> problems;
  explicit operator bool() const noexcept { return policy.has_value(); }
};

/// Reads `doc` over `base`: every member it names replaces base's. Unknown members,
/// wrong types and values out of range are problems.
policy_result parse_policy(const nlohmann::json& doc, const verification_policy& base);
/// The same for JSON text; text that is not JSON is one problem at pointer "".
policy_result parse_policy_text(std::string_view text, const verification_policy& base);

/// The shipped defaults (config/verification/default_policy.json, built in).
const verification_policy& default_policy();

// -- what the verdict reads -------------------------------------------------------------

/// How a step ended: "succeeded", "failed" or "skipped" (with why: the error's detail or
/// the reason it was skipped).
struct step_outcome {
  std::string step;
  std::string status;
  std::string reason;
};

struct hit_fact {
  std::string subject_name;
  std::string list;
  std::string entity_id;
  std::string matched_name;
  std::string status; ///< open, confirmed, false_positive
};

struct registry_fact {
  std::string registry;
  std::string outcome; ///< matched, not_found, failed
  std::string status;  ///< active, inactive, dissolved, unknown
  double match_confidence = 0;
  std::vector<std::string> owners_missing; ///< declared owners the registry does not list
};

struct website_fact {
  std::string url;
  std::string outcome; ///< analysed, unreachable
  std::vector<std::string> prohibited_content;
};

struct classification_fact {
  std::string mcc;
  double confidence = 0;
  bool needs_review = false;
};

struct risk_fact {
  std::string level;
  int score = 0;
  bool review_required = false;
};

/// The facts of one verification's steps (a part is absent when its step did not
/// succeed).
struct verification_facts {
  std::vector<step_outcome> steps;
  std::optional<std::vector<hit_fact>> screening;
  std::optional<std::vector<registry_fact>> registry;
  std::optional<website_fact> website;
  std::optional<classification_fact> classification;
  std::optional<risk_fact> risk;
};

/// One reason of a verdict: the verdict it asks for, the step and what it found.
struct reason {
  std::string verdict; ///< fail, review
  std::string step;
  std::string code; ///< e.g. sanctions_confirmed_hit, registry_status, step_failed
  std::string fact; ///< what was found, for a person
};

struct verdict {
  std::string result; ///< pass, review, fail
  std::vector<reason> reasons;
};

/// The verdict of `facts` under `policy`: fail when any fail rule holds, else review
/// when any review rule holds (or a step failed), else pass. Every rule that holds is a
/// reason, fail reasons first.
verdict decide(const verification_policy& policy, const verification_facts& facts);

/// {"verdict", "step", "code", "fact"} for each reason.
nlohmann::json reasons_json(const std::vector<reason>& reasons);

} // namespace kyb::verification

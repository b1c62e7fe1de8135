#include "actors/verification/verification_policy.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace kyb::verification {

extern const std::string_view builtin_default_policy;

namespace {

using nlohmann::json;

constexpr const char* registry_statuses[] = {"active", "inactive", "dissolved",
                                             "unknown"};
constexpr const char* risk_levels[] = {"low", "medium", "high", "critical"};

template <size_t N>
bool one_of(const std::string& s, const char* const (&names)[N]) {
  return std::any_of(std::begin(names), std::end(names),
                     [&](const char* n) { return s == n; });
}

template <size_t N>
std::string listing(const char* const (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i)
    out += (i ? (i + 1 == N ? " or '" : ", '") : "'") + std::string(names[i]) + "'";
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// Reads the members of one section ("fail" or "review") into `p`.
class section_reader {
public:
  section_reader(const json& obj, std::string pointer, std::vector<policy_problem>& out)
      : obj_(obj), pointer_(std::move(pointer)), out_(out) {}

  bool has(const char* key) const { return obj_.contains(key); }

  void flag(const char* key, bool& dst) {
    if (!has(key))
      return;
    seen(key);
    auto& v = obj_.at(key);
    if (!v.is_boolean())
      return problem(key, "must be true or false");
    dst = v.get<bool>();
  }

  template <size_t N>
  void names(const char* key, std::vector<std::string>& dst,
             const char* const (&allowed)[N]) {
    if (!has(key))
      return;
    seen(key);
    auto& v = obj_.at(key);
    if (!v.is_array())
      return problem(key, "must be an array of " + listing(allowed));
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      auto& e = v[i];
      if (!e.is_string() || !one_of(e.get<std::string>(), allowed)) {
        out_.push_back({pointer_ + "/" + key + "/" + std::to_string(i),
                        "must be " + listing(allowed)});
        continue;
      }
      if (!contains(out, e.get<std::string>()))
        out.push_back(e.get<std::string>());
    }
    dst = std::move(out);
  }

  void fraction(const char* key, double& dst) {
    if (!has(key))
      return;
    seen(key);
    auto& v = obj_.at(key);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
      return problem(key, "must be a number from 0 to 1");
    dst = v.get<double>();
  }

  /// Every member not read is unknown.
  void finish() {
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end())
        out_.push_back({pointer_ + "/" + it.key(), "unknown member '" + it.key() + "'"});
  }

private:
  void seen(const char* key) { seen_.emplace_back(key); }
  void problem(const char* key, std::string what) {
    out_.push_back({pointer_ + "/" + key, std::move(what)});
  }

  const json& obj_;
  std::string pointer_;
  std::vector<policy_problem>& out_;
  std::vector<std::string> seen_;
};

std::string fixed(double d, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, d);
  return buf;
}

} // namespace

bool is_step(std::string_view name) noexcept {
  return std::any_of(std::begin(step_names), std::end(step_names),
                     [&](const char* n) { return name == n; });
}

policy_result parse_policy(const json& doc, const verification_policy& base) {
  policy_result r;
  if (!doc.is_object()) {
    r.problems.push_back({"", "the policy must be a JSON object"});
    return r;
  }
  auto p = base;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const auto& key = it.key();
    if (key != "fail" && key != "review") {
      r.problems.push_back({"/" + key, "unknown member '" + key + "'"});
      continue;
    }
    if (!it->is_object()) {
      r.problems.push_back({"/" + key, "must be an object"});
      continue;
    }
    section_reader s(*it, "/" + key, r.problems);
    if (key == "fail") {
      s.flag("sanctions_confirmed_hit", p.fail_sanctions_confirmed_hit);
      s.names("registry_statuses", p.fail_registry_statuses, registry_statuses);
    } else {
      s.flag("sanctions_open_hit", p.review_sanctions_open_hit);
      s.names("risk_levels", p.review_risk_levels, risk_levels);
      s.flag("risk_review_required", p.review_risk_review_required);
      s.flag("website_prohibited_content", p.review_website_prohibited_content);
      s.flag("website_unreachable", p.review_website_unreachable);
      s.names("registry_statuses", p.review_registry_statuses, registry_statuses);
      s.flag("registry_not_found", p.review_registry_not_found);
      s.fraction("registry_name_confidence_below",
                 p.review_registry_name_confidence_below);
      s.flag("registry_owners_undeclared", p.review_registry_owners_undeclared);
      s.flag("classification_needs_review", p.review_classification_needs_review);
      s.names("skipped_steps", p.review_skipped_steps, step_names);
    }
    s.finish();
  }
  if (r.problems.empty())
    r.policy = std::move(p);
  return r;
}

policy_result parse_policy_text(std::string_view text, const verification_policy& base) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    policy_result r;
    r.problems.push_back({"", "the policy is not valid JSON"});
    return r;
  }
  return parse_policy(doc, base);
}

const verification_policy& default_policy() {
  static const verification_policy p = [] {
    // The built-in document names every member, so it is read over an empty policy.
    verification_policy none;
    none.fail_sanctions_confirmed_hit = false;
    none.review_sanctions_open_hit = false;
    none.review_risk_review_required = false;
    none.review_website_prohibited_content = false;
    none.review_website_unreachable = false;
    none.review_registry_not_found = false;
    none.review_registry_owners_undeclared = false;
    none.review_classification_needs_review = false;
    auto r = parse_policy_text(builtin_default_policy, none);
    if (!r)
      throw std::logic_error("config/verification/default_policy.json: " +
                             r.problems.at(0).pointer + ": " + r.problems.at(0).problem);
    return *r.policy;
  }();
  return p;
}

verdict decide(const verification_policy& policy, const verification_facts& facts) {
  std::vector<reason> fail, review;
  auto add = [](std::vector<reason>& to, const char* verdict, const char* step,
                const char* code, std::string fact) {
    to.push_back({verdict, step, code, std::move(fact)});
  };
  for (const auto& s : facts.steps) {
    if (s.status == "failed")
      add(review, "review", s.step.c_str(), "step_failed",
          "the " + s.step + " step failed: " + s.reason);
    else if (s.status == "skipped" && contains(policy.review_skipped_steps, s.step))
      add(review, "review", s.step.c_str(), "step_skipped",
          "the " + s.step + " step was skipped: " + s.reason);
  }
  if (facts.screening)
    for (const auto& h : *facts.screening) {
      auto what = "'" + h.subject_name + "' matches '" + h.matched_name + "' (" + h.list +
                  " entry " + h.entity_id + ")";
      if (h.status == "confirmed" && policy.fail_sanctions_confirmed_hit)
        add(fail, "fail", "screening", "sanctions_confirmed_hit",
            "confirmed sanctions hit: " + what);
      else if (h.status == "open" && policy.review_sanctions_open_hit)
        add(review, "review", "screening", "sanctions_open_hit",
            "open sanctions hit awaiting a decision: " + what);
    }
  if (facts.registry)
    for (const auto& r : *facts.registry) {
      if (r.outcome == "not_found") {
        if (policy.review_registry_not_found)
          add(review, "review", "registry", "registry_not_found",
              r.registry + " has no record of the business");
        continue;
      }
      if (r.outcome != "matched")
        continue;
      if (contains(policy.fail_registry_statuses, r.status))
        add(fail, "fail", "registry", "registry_status",
            r.registry + " lists the business as " + r.status);
      else if (contains(policy.review_registry_statuses, r.status))
        add(review, "review", "registry", "registry_status",
            r.registry + " lists the business as " + r.status);
      if (r.match_confidence < policy.review_registry_name_confidence_below)
        add(review, "review", "registry", "registry_name_mismatch",
            r.registry + "'s record matches the business with confidence " +
                fixed(r.match_confidence, 2) + ", below " +
                fixed(policy.review_registry_name_confidence_below, 2));
      if (policy.review_registry_owners_undeclared && !r.owners_missing.empty()) {
        std::string names;
        for (const auto& o : r.owners_missing)
          names += (names.empty() ? "'" : ", '") + o + "'";
        add(review, "review", "registry", "registry_owners_undeclared",
            "declared owners not listed by " + r.registry + ": " + names);
      }
    }
  if (facts.website) {
    const auto& w = *facts.website;
    if (w.outcome != "analysed" && policy.review_website_unreachable)
      add(review, "review", "website", "website_unreachable",
          w.url + " could not be read (" + w.outcome + ")");
    if (policy.review_website_prohibited_content && !w.prohibited_content.empty()) {
      std::string names;
      for (const auto& c : w.prohibited_content)
        names += (names.empty() ? "" : ", ") + c;
      add(review, "review", "website", "website_prohibited_content",
          w.url + " shows prohibited content: " + names);
    }
  }
  if (facts.classification && facts.classification->needs_review &&
      policy.review_classification_needs_review) {
    char confidence[16];
    std::snprintf(confidence, sizeof confidence, "%.2f",
                  facts.classification->confidence);
    add(review, "review", "classification", "classification_needs_review",
        "the industry (MCC " + facts.classification->mcc + ", confidence " + confidence +
            ") is uncertain: a person should choose among the alternatives");
  }
  if (facts.risk) {
    const auto& k = *facts.risk;
    if (contains(policy.review_risk_levels, k.level))
      add(review, "review", "risk", "risk_level",
          "risk level " + k.level + " (score " + std::to_string(k.score) + ")");
    else if (k.review_required && policy.review_risk_review_required)
      add(review, "review", "risk", "risk_review_required",
          "the risk rules require a review (level " + k.level + ", score " +
              std::to_string(k.score) + ")");
  }
  verdict v;
  v.result = !fail.empty() ? "fail" : !review.empty() ? "review" : "pass";
  v.reasons = std::move(fail);
  v.reasons.insert(v.reasons.end(), review.begin(), review.end());
  return v;
}

json reasons_json(const std::vector<reason>& reasons) {
  auto out = json::array();
  for (const auto& r : reasons)
    out.push_back(
        {{"verdict", r.verdict}, {"step", r.step}, {"code", r.code}, {"fact", r.fact}});
  return out;
}

} // namespace kyb::verification

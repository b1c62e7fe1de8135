#include "net/verification_json.hpp"

#include "net/problem.hpp"

namespace kyb::net {

namespace {

using nlohmann::json;

json text_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json parsed_or(const std::string& text, json fallback) {
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

/// A stored {"code", "detail"} as the problem object the API would have answered.
json step_problem(const std::string& error_json) {
  auto e = json::parse(error_json, nullptr, false);
  if (!e.is_object())
    return nullptr;
  auto name = e.value("code", std::string("internal"));
  auto code = errc::internal;
  for (auto c = static_cast<uint8_t>(errc::invalid_argument);
       c <= static_cast<uint8_t>(errc::internal); ++c)
    if (name == to_string(static_cast<errc>(c)))
      code = static_cast<errc>(c);
  auto p = make_problem(problem_type_for(code), e.value("detail", std::string()));
  return json::parse(problem_json(p));
}

json policy_json(const verification::verification_policy& p) {
  return {{"fail",
           {{"sanctions_confirmed_hit", p.fail_sanctions_confirmed_hit},
            {"registry_statuses", p.fail_registry_statuses}}},
          {"review",
           {{"sanctions_open_hit", p.review_sanctions_open_hit},
            {"risk_levels", p.review_risk_levels},
            {"risk_review_required", p.review_risk_review_required},
            {"website_prohibited_content", p.review_website_prohibited_content},
            {"website_unreachable", p.review_website_unreachable},
            {"registry_statuses", p.review_registry_statuses},
            {"registry_not_found", p.review_registry_not_found},
            {"registry_name_confidence_below", p.review_registry_name_confidence_below},
            {"registry_owners_undeclared", p.review_registry_owners_undeclared},
            {"classification_needs_review", p.review_classification_needs_review},
            {"skipped_steps", p.review_skipped_steps}}}};
}

} // namespace

json verification_to_json(const actors::verification_data& v) {
  auto steps = json::array();
  for (const auto& s : v.steps)
    steps.push_back(
        {{"step", s.step},
         {"status", s.status},
         {"attempts", s.attempts},
         {"started_at", text_or_null(s.started_at)},
         {"finished_at", text_or_null(s.finished_at)},
         {"duration_ms", s.duration_ms < 0 ? json(nullptr) : json(s.duration_ms)},
         {"summary", parsed_or(s.summary_json, json::object())},
         {"error", s.error_json.empty() ? json(nullptr) : step_problem(s.error_json)}});
  return {{"object", "verification"},
          {"id", v.id.to_string()},
          {"business_id", v.business_id.to_string()},
          {"status", v.status},
          {"verdict", text_or_null(v.verdict)},
          {"reasons", parsed_or(v.reasons_json, json::array())},
          {"checks", v.checks},
          {"webhook", v.webhook},
          {"policy_version", v.policy_version},
          {"steps", std::move(steps)},
          {"created_by", v.created_by},
          {"created_at", v.created_at},
          {"started_at", text_or_null(v.started_at)},
          {"completed_at", text_or_null(v.completed_at)},
          {"cancelled_at", text_or_null(v.cancelled_at)}};
}

json verification_policy_to_json(const actors::verification_policy_version& v) {
  auto doc = parsed_or(v.document, json::object());
  auto merged = verification::parse_policy(doc, verification::default_policy());
  return {{"object", "verification_policy"},
          {"version", v.version},
          {"document", doc},
          {"effective", merged ? policy_json(*merged.policy) : json(nullptr)},
          {"created_by", text_or_null(v.created_by)},
          {"created_at", text_or_null(v.created_at)}};
}

} // namespace kyb::net

// The verification policy (actors/verification/verification_policy.hpp): the shipped
// defaults, a tenant's document read over them with every problem named by its JSON
// pointer, and the verdicts the policy gives on facts: fail before review before pass,
// a reason per finding, a failed step never passing.
#define BOOST_TEST_MODULE verification_policy
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "actors/verification/verification_policy.hpp"

using namespace kyb::verification;
using nlohmann::json;

namespace {

verification_facts all_succeeded() {
  verification_facts f;
  for (auto* s : step_names)
    f.steps.push_back({s, "succeeded", ""});
  f.screening = std::vector<hit_fact>{};
  f.registry =
      std::vector<registry_fact>{{"companies_house", "matched", "active", 0.97, {}}};
  f.website = website_fact{"https://harbor.example/", "analysed", {}};
  f.risk = risk_fact{"low", 12, false};
  return f;
}

std::vector<std::string> codes(const verdict& v) {
  std::vector<std::string> out;
  for (auto& r : v.reasons)
    out.push_back(r.verdict + ":" + r.step + ":" + r.code);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_shipped_defaults_read_and_say_what_the_file_says) {
  const auto& p = default_policy();
  BOOST_TEST(p.fail_sanctions_confirmed_hit);
  BOOST_TEST(p.fail_registry_statuses == std::vector<std::string>{"dissolved"});
  BOOST_TEST((p.review_risk_levels == std::vector<std::string>{"high", "critical"}));
  BOOST_TEST(p.review_registry_statuses == std::vector<std::string>{"inactive"});
  BOOST_TEST(p.review_registry_name_confidence_below == 0.85);
  BOOST_TEST(p.review_skipped_steps.empty());
}

BOOST_AUTO_TEST_CASE(a_clean_business_passes_with_no_reason) {
  auto v = decide(default_policy(), all_succeeded());
  BOOST_TEST(v.result == "pass");
  BOOST_TEST(v.reasons.empty());
}

BOOST_AUTO_TEST_CASE(fail_findings_come_before_review_findings_and_each_is_a_reason) {
  auto f = all_succeeded();
  f.screening =
      std::vector<hit_fact>{{"Orion Shipping Holdings", "ofac_sdn", "W-1",
                             "ORION SHIPPING HOLDINGS", "confirmed"},
                            {"Ana Ruiz", "un", "U-7", "ANA RUIZ", "open"},
                            {"Harbor", "un", "U-8", "HARBOUR", "false_positive"}};
  f.risk = risk_fact{"critical", 91, true};
  auto v = decide(default_policy(), f);
  BOOST_TEST(v.result == "fail");
  auto c = codes(v);
  BOOST_REQUIRE_EQUAL(c.size(), 3u);
  BOOST_TEST(c[0] == "fail:screening:sanctions_confirmed_hit");
  BOOST_TEST(c[1] == "review:screening:sanctions_open_hit");
  BOOST_TEST(c[2] == "review:risk:risk_level"); // review_required is not said twice
  BOOST_TEST(v.reasons[0].fact.find("W-1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(registry_findings) {
  auto f = all_succeeded();
  f.registry =
      std::vector<registry_fact>{{"companies_house", "matched", "dissolved", 0.99, {}},
                                 {"gleif", "matched", "inactive", 0.6, {"Mia Chen"}},
                                 {"opencorporates", "not_found", "unknown", 0, {}},
                                 {"sec_edgar", "failed", "unknown", 0, {}}};
  auto v = decide(default_policy(), f);
  BOOST_TEST(v.result == "fail");
  auto c = codes(v);
  std::vector<std::string> expected = {
      "fail:registry:registry_status", "review:registry:registry_status",
      "review:registry:registry_name_mismatch",
      "review:registry:registry_owners_undeclared", "review:registry:registry_not_found"};
  BOOST_TEST(c == expected, boost::test_tools::per_element());
  BOOST_TEST(v.reasons[3].fact.find("'Mia Chen'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(website_findings) {
  auto f = all_succeeded();
  f.website = website_fact{"http://x.example/", "unreachable", {}};
  BOOST_TEST(decide(default_policy(), f).result == "review");
  f.website = website_fact{"http://x.example/", "analysed", {"gambling", "weapons"}};
  auto v = decide(default_policy(), f);
  BOOST_TEST(v.result == "review");
  BOOST_TEST(v.reasons.at(0).code == "website_prohibited_content");
  BOOST_TEST(v.reasons.at(0).fact.find("gambling, weapons") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_uncertain_industry_is_reviewed_unless_the_policy_says_not) {
  auto f = all_succeeded();
  f.classification = classification_fact{"5999", 0.31, false};
  BOOST_TEST(decide(default_policy(), f).result == "pass");
  f.classification->needs_review = true;
  auto v = decide(default_policy(), f);
  BOOST_TEST(v.result == "review");
  BOOST_REQUIRE_EQUAL(v.reasons.size(), 1u);
  BOOST_TEST(v.reasons[0].code == "classification_needs_review");
  BOOST_TEST(v.reasons[0].step == "classification");
  BOOST_TEST(v.reasons[0].fact.find("MCC 5999, confidence 0.31") != std::string::npos,
             v.reasons[0].fact);
  auto lax = parse_policy_text(R"({"review": {"classification_needs_review": false}})",
                               default_policy());
  BOOST_REQUIRE(lax);
  BOOST_TEST(decide(*lax.policy, f).result == "pass");
  auto bad = parse_policy_text(R"({"review": {"classification_needs_review": "yes"}})",
                               default_policy());
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.problems.at(0).pointer == "/review/classification_needs_review");
}

BOOST_AUTO_TEST_CASE(a_failed_step_is_review_whatever_the_policy_says) {
  auto f = all_succeeded();
  f.steps[0] = {"registry", "failed", "no registry answered"};
  f.registry.reset();
  // Even a policy that reviews nothing.
  auto lax = parse_policy(json::parse(R"({"fail": {"sanctions_confirmed_hit": false,
      "registry_statuses": []}, "review": {"sanctions_open_hit": false, "risk_levels": [],
      "risk_review_required": false, "website_prohibited_content": false,
      "website_unreachable": false, "registry_statuses": [], "registry_not_found": false,
      "registry_name_confidence_below": 0, "registry_owners_undeclared": false}})"),
                          default_policy());
  BOOST_REQUIRE(lax);
  auto v = decide(*lax.policy, f);
  BOOST_TEST(v.result == "review");
  BOOST_REQUIRE_EQUAL(v.reasons.size(), 1u);
  BOOST_TEST(v.reasons[0].code == "step_failed");
  BOOST_TEST(v.reasons[0].fact.find("no registry answered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(skipped_steps_review_only_when_the_policy_names_them) {
  auto f = all_succeeded();
  f.steps[1] = {"website", "skipped", "the business has no website_url"};
  f.website.reset();
  BOOST_TEST(decide(default_policy(), f).result == "pass");
  auto strict = parse_policy_text(R"({"review": {"skipped_steps": ["website"]}})",
                                  default_policy());
  BOOST_REQUIRE(strict);
  auto v = decide(*strict.policy, f);
  BOOST_TEST(v.result == "review");
  BOOST_TEST(v.reasons.at(0).code == "step_skipped");
}

BOOST_AUTO_TEST_CASE(a_document_changes_only_what_it_names) {
  auto r =
      parse_policy_text(R"({"review": {"risk_levels": ["critical"]}})", default_policy());
  BOOST_REQUIRE(r);
  BOOST_TEST(r.policy->review_risk_levels == std::vector<std::string>{"critical"});
  BOOST_TEST(r.policy->fail_registry_statuses == std::vector<std::string>{"dissolved"});
  BOOST_TEST(r.policy->review_website_unreachable);
  // Listed twice: once.
  auto twice = parse_policy_text(
      R"({"fail": {"registry_statuses": ["dissolved", "dissolved"]}})", default_policy());
  BOOST_REQUIRE(twice);
  BOOST_TEST(twice.policy->fail_registry_statuses.size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_problem_is_named_by_its_pointer) {
  auto r = parse_policy_text(R"({"fail": {"registry_statuses": ["dissolved", "closed", 3],
      "sanctions_confirmed_hit": "yes", "typo": true},
      "review": {"registry_name_confidence_below": 1.5, "skipped_steps": ["credit"],
                 "risk_levels": "high"},
      "pass": {}})",
                             default_policy());
  BOOST_TEST(!r);
  std::vector<std::string> pointers;
  for (auto& p : r.problems)
    pointers.push_back(p.pointer);
  std::vector<std::string> expected = {"/fail/registry_statuses/1",
                                       "/fail/registry_statuses/2",
                                       "/fail/sanctions_confirmed_hit",
                                       "/fail/typo",
                                       "/pass",
                                       "/review/risk_levels",
                                       "/review/registry_name_confidence_below",
                                       "/review/skipped_steps/0"};
  std::sort(pointers.begin(), pointers.end());
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(pointers == expected, boost::test_tools::per_element());
  BOOST_TEST(!parse_policy_text("[]", default_policy()));
  BOOST_TEST(!parse_policy_text("{", default_policy()));
  BOOST_TEST(parse_policy_text("{", default_policy()).problems.at(0).pointer == "");
  BOOST_TEST(!parse_policy_text(R"({"fail": []})", default_policy()));
}

// Rules documents: the shipped defaults load, a tenant's document changes only what it
// names, and every problem of a bad document is named by its JSON pointer.
#define BOOST_TEST_MODULE risk_rules
#include <boost/test/unit_test.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "actors/risk/risk_rules.hpp"
#include "test/actors/risk/risk_fixtures.hpp"
#include "test/actors/risk/risk_printing.hpp"

using namespace kyb::risk;
using nlohmann::json;

namespace {

const risk_rules& defaults() {
  return test::default_rules();
}

std::vector<std::string> pointers_of(const std::string& text) {
  auto result = parse_rules_text(text, defaults());
  std::vector<std::string> out;
  for (auto& p : result.problems)
    out.push_back(p.pointer);
  BOOST_TEST(!result.rules.has_value(), text);
  return out;
}

using pointers = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_CASE(defaults_load_with_the_documented_values) {
  const auto& r = defaults();
  BOOST_TEST(r.bands.low_max == 39);
  BOOST_TEST(r.bands.medium_max == 69);
  BOOST_TEST(r.bands.high_max == 84);
  BOOST_TEST(r.weights.size() == enum_values<risk_factor>().size());
  int total = 0;
  for (auto& [f, w] : r.weights)
    total += w;
  BOOST_TEST(total == 100);
  BOOST_REQUIRE_EQUAL(r.coverage.required.size(), 1u);
  BOOST_TEST(r.coverage.required[0] == risk_factor::sanctions);
  BOOST_TEST(r.ownership.nominee_terms.at(6) == "corporate services");
  BOOST_REQUIRE_EQUAL(r.overrides.size(), 1u);
  BOOST_TEST(r.overrides[0].in == std::vector<std::string>{"7995"});
}

BOOST_AUTO_TEST_CASE(levels_of_the_band_edges) {
  const auto& b = defaults().bands;
  BOOST_TEST(level_of(0, b) == risk_level::low);
  BOOST_TEST(level_of(39, b) == risk_level::low);
  BOOST_TEST(level_of(40, b) == risk_level::medium);
  BOOST_TEST(level_of(69, b) == risk_level::medium);
  BOOST_TEST(level_of(70, b) == risk_level::high);
  BOOST_TEST(level_of(84, b) == risk_level::high);
  BOOST_TEST(level_of(85, b) == risk_level::critical);
  BOOST_TEST(level_of(100, b) == risk_level::critical);
  BOOST_TEST(minimum_score(risk_level::medium, b) == 40);
  BOOST_TEST(minimum_score(risk_level::high, b) == 70);
  BOOST_TEST(minimum_score(risk_level::critical, b) == 85);
}

BOOST_AUTO_TEST_CASE(a_tenant_document_changes_only_what_it_names) {
  auto result = parse_rules_text(R"({"weights": {"industry": 40},
                                     "bands": {"high_max": 90},
                                     "ownership": {"nominee_terms": ["Shelf Company"]}})",
                                 defaults());
  BOOST_REQUIRE(result);
  const auto& r = *result.rules;
  BOOST_TEST(r.weights.at(risk_factor::industry) == 40);
  BOOST_TEST(r.weights.at(risk_factor::sanctions) == 30);
  BOOST_TEST(r.bands.high_max == 90);
  BOOST_TEST(r.bands.medium_max == 69);
  BOOST_TEST(r.ownership.nominee_terms == std::vector<std::string>{"shelf company"});
  BOOST_TEST(r.floors.size() == defaults().floors.size());
  BOOST_TEST(parse_rules_text("{}", defaults()).rules.has_value());
}

BOOST_AUTO_TEST_CASE(rules_round_trip_through_their_document_form) {
  auto doc = to_json(defaults());
  auto again = parse_complete_rules(doc);
  BOOST_REQUIRE(again);
  BOOST_TEST(to_json(*again.rules) == doc);
  BOOST_TEST(to_json(defaults()) == json::parse(std::ifstream{test::rules_path}));
}

BOOST_AUTO_TEST_CASE(a_complete_document_names_its_missing_members) {
  auto doc = to_json(defaults());
  doc.erase("registry");
  doc["weights"].erase("website");
  auto result = parse_complete_rules(doc);
  BOOST_TEST(!result);
  std::vector<std::string> got;
  for (auto& p : result.problems)
    got.push_back(p.pointer);
  BOOST_TEST(got == (pointers{"/registry", "/weights/website"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_documents_name_every_problem_by_pointer) {
  struct bad {
    const char* doc;
    pointers expected;
  };
  const bad cases[] = {
      {R"([1, 2])", {""}},
      {R"({"weights": )", {""}},
      {R"({"weigths": {"sanctions": 10}})", {"/weigths"}},
      {R"({"a/b~c": 1})", {"/a~1b~0c"}},
      {R"({"weights": {"sanctions": -1}})", {"/weights/sanctions"}},
      {R"({"weights": {"sanctions": 2.5}})", {"/weights/sanctions"}},
      {R"({"weights": {"fraud": 5}})", {"/weights/fraud"}},
      {R"({"weights": {"sanctions": 0, "industry": 0, "country": 0, "business_age": 0,
                       "ownership": 0, "website": 0, "registry": 0}})",
       {"/weights"}},
      {R"({"bands": {"medium_max": 30}})", {"/bands/medium_max"}},
      {R"({"bands": {"low_max": 70}})", {"/bands/low_max"}},
      {R"({"bands": {"high_max": 100}})", {"/bands/high_max"}},
      {R"({"coverage": {"minimum_percent": 0, "required": ["sanctions", "vibes"]}})",
       {"/coverage/minimum_percent", "/coverage/required/1"}},
      {R"({"floors": {"id": "a"}})", {"/floors"}},
      {R"({"floors": [{"id": "a", "factor": "weather", "sub_score_at_least": 50,
                       "level": "high"}]})",
       {"/floors/0/factor"}},
      {R"({"floors": [{"id": "a", "factor": "country", "sub_score_at_least": 50}]})",
       {"/floors/0/level"}},
      {R"({"floors": [{"id": "a", "factor": "country", "sub_score_at_least": 101,
                       "level": "severe", "colour": "red"}]})",
       {"/floors/0/colour", "/floors/0/sub_score_at_least", "/floors/0/level"}},
      {R"({"overrides": [{"id": "x", "when": {"fact": "mcc", "in": ["79951"]},
                          "at_least": "high"}]})",
       {"/overrides/0/when/in/0"}},
      {R"({"overrides": [{"id": "x", "when": {"fact": "mcc", "in": []},
                          "at_least": "high"}]})",
       {"/overrides/0/when/in"}},
      {R"({"overrides": [{"id": "x", "when": {"fact": "mcc", "in": ["7995"]}}]})",
       {"/overrides/0"}},
      {R"({"overrides": [{"id": "x", "when": {"fact": "owner.nationality",
                                              "in": ["IR", "Iran"]}, "review": true}]})",
       {"/overrides/0/when/in/1"}},
      {R"({"overrides": [{"id": "x", "when": {"fact": "tax_id", "in": ["1"]},
                          "review": "yes"}]})",
       {"/overrides/0/when/fact", "/overrides/0/review"}},
      {R"({"floors": [{"id": "a", "factor": "country", "sub_score_at_least": 100,
                       "level": "high"}],
           "overrides": [{"id": "ok", "when": {"fact": "mcc", "in": ["7995"]},
                          "review": true},
                         {"id": "a", "when": {"fact": "mcc", "in": ["5967"]},
                          "review": true}]})",
       {"/overrides/1/id"}},
      {R"({"industry": {"min_confidence": 1.5, "tier_scores": {"high": 101,
                                                                 "extreme": 5}}})",
       {"/industry/min_confidence", "/industry/tier_scores/extreme",
        "/industry/tier_scores/high"}},
      {R"({"country": {"list_scores": {"grey": 60}, "unlisted_score": -5}})",
       {"/country/list_scores/grey", "/country/unlisted_score"}},
      {R"({"business_age": {"bands": [{"under_days": 365, "score": 50},
                                      {"under_days": 180, "score": 70}]}})",
       {"/business_age/bands/1/under_days"}},
      {R"({"business_age": {"bands": [{"under_days": 365}]}})",
       {"/business_age/bands/0/score"}},
      {R"({"ownership": {"nominee_terms": ["nominee", 7, "--"]}})",
       {"/ownership/nominee_terms/1", "/ownership/nominee_terms/2"}},
      {R"({"overrides": [{"id": "a\u0000", "when": {"fact": "mcc", "in": ["7995"]},
                          "review": true, "reason": "\u0000"}],
           "ownership": {"nominee_terms": ["x\u0000y"]}})",
       {"/overrides/0/id", "/overrides/0/reason", "/ownership/nominee_terms/0"}},
      {R"({"website": {"unreachable_points": "forty"}, "registry": []})",
       {"/website/unreachable_points", "/registry"}},
  };
  for (auto& c : cases) {
    auto got = pointers_of(c.doc);
    BOOST_TEST(got == c.expected, c.doc);
    if (got != c.expected)
      for (auto& p : parse_rules_text(c.doc, defaults()).problems)
        BOOST_TEST_MESSAGE("  got " << p.pointer << ": " << p.problem);
  }
}

BOOST_AUTO_TEST_CASE(problems_say_what_is_wrong) {
  auto result = parse_rules_text(R"({"bands": {"medium_max": 30}})", defaults());
  BOOST_REQUIRE_EQUAL(result.problems.size(), 1u);
  BOOST_TEST(result.problems[0].problem ==
             "medium_max must be greater than low_max (39 >= 30)");
  result = parse_rules_text(R"({"weights": {"sanctions": -1}})", defaults());
  BOOST_TEST(result.problems.at(0).problem == "must be an integer from 0 to 1000");
  result = parse_rules_text(R"({"weigths": {}})", defaults());
  BOOST_TEST(result.problems.at(0).problem == "unknown member");
}

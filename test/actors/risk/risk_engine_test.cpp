// The risk engine: each factor with and without its input, the weighted mean over the
// scored factors, band edges, the coverage rule, floors, overrides and determinism.
#define BOOST_TEST_MODULE risk_engine
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "actors/risk/risk_engine.hpp"
#include "test/actors/risk/risk_fixtures.hpp"
#include "test/actors/risk/risk_printing.hpp"

using namespace kyb::risk;
using nlohmann::json;

namespace {

const risk_engine& engine() {
  static const risk_engine e = [] {
    auto countries = country_risk_table::read(test::country_path);
    auto mccs = mcc_risk_table::read(test::mcc_path);
    if (!countries || !mccs)
      throw std::runtime_error("reference files do not load");
    return risk_engine{std::move(*countries.table), std::move(*mccs.table)};
  }();
  return e;
}

const risk_rules& defaults() {
  return test::default_rules();
}

risk_rules with(const std::string& doc) {
  auto r = parse_rules_text(doc, defaults());
  if (!r)
    throw std::runtime_error("bad test rules: " + r.problems.at(0).pointer + " " +
                             r.problems.at(0).problem);
  return *r.rules;
}

civil_date date(const char* text) {
  return *civil_date::parse(text);
}

risk_owner owner(std::string name, std::optional<std::string> nationality, double percent,
                 std::optional<std::string> dob = "1970-05-01") {
  return {std::move(name), std::move(dob), std::move(nationality), percent};
}

/// A well-documented business in Germany, five years old, cleanly screened.
risk_inputs clean_business() {
  risk_inputs in;
  in.assessed_on = date("2026-12-06");
  risk_business b;
  b.legal_name = "Muster Backwaren GmbH";
  b.country = "DE";
  b.incorporation_date = "2019-03-01";
  b.owners = {owner("Anna Muster", "DE", 60), owner("Jonas Muster", "AT", 40)};
  in.business = b;
  in.screening = screening_input{{}, "2026-12-06T04:00:00Z"};
  in.classification = classification_input{{"5462", 0.92}, {}, "v1"};
  in.website = website_input{"https://muster.example", true, true, true, {}};
  in.registry = {registry_input{"handelsregister", true, registry_status::active,
                                "MUSTER BACKWAREN GMBH", "2019-03-01"}};
  return in;
}

const factor_result& factor(const risk_assessment& a, risk_factor f) {
  return a.factors.at(static_cast<size_t>(f));
}

bool applied(const risk_assessment& a, const std::string& id) {
  for (auto& r : a.applied)
    if (r.id == id)
      return true;
  return false;
}

/// Rules in which only `f` counts, so the score is that factor's sub-score.
risk_rules only(risk_factor f, const std::string& extra = "") {
  json doc = json::parse(R"({"coverage": {"minimum_percent": 1, "required": []},
                             "floors": [], "overrides": []})");
  for (auto g : enum_values<risk_factor>())
    doc["weights"][to_string(g)] = g == f ? 1 : 0;
  if (!extra.empty())
    doc.merge_patch(json::parse(extra));
  return with(doc.dump());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_clean_business_is_low_with_full_coverage) {
  auto a = engine().assess(clean_business(), defaults(), 7);
  BOOST_TEST(a.scored_weight == 100);
  BOOST_TEST(a.total_weight == 100);
  for (auto& f : a.factors)
    BOOST_TEST(f.state == factor_state::scored, to_string(f.factor));
  // industry 10 (unlisted) x 15 + business age 5 (over five years) x 5 = 175 / 100.
  BOOST_TEST(a.weighted_score == 2);
  BOOST_TEST(a.score == 2);
  BOOST_TEST(a.level == risk_level::low);
  BOOST_TEST(!a.review_required);
  BOOST_TEST(a.applied.empty());
  BOOST_TEST(a.rules_version == 7);
}

BOOST_AUTO_TEST_CASE(nothing_known_is_never_low) {
  risk_inputs in;
  in.assessed_on = date("2026-12-06");
  auto a = engine().assess(in, defaults(), 1);
  for (auto& f : a.factors)
    BOOST_TEST(f.state == factor_state::unknown, to_string(f.factor));
  BOOST_TEST(a.scored_weight == 0);
  BOOST_TEST(a.level == risk_level::medium);
  BOOST_TEST(a.score == 40);
  BOOST_TEST(a.review_required);
  BOOST_TEST(applied(a, "coverage"));
}

BOOST_AUTO_TEST_CASE(unknown_factors_leave_the_mean_and_lower_coverage) {
  auto in = clean_business();
  in.website.reset();
  in.registry.clear();
  in.classification->mcc = {"7273", 0.9}; // high tier: 85
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::website).state == factor_state::unknown);
  BOOST_TEST(factor(a, risk_factor::registry).state == factor_state::unknown);
  BOOST_TEST(a.scored_weight == 82);
  // (85 x 15 + 5 x 5) / 82 = 15.85 -> 16; with website and registry scored 0 it would
  // be 13.
  BOOST_TEST(a.weighted_score == 16);
  BOOST_TEST(!applied(a, "coverage")); // 82 % >= 50 %, sanctions known
  auto j = to_json(a);
  BOOST_TEST(j["coverage"]["percent"] == 82);
  BOOST_TEST(j["factors"][5]["state"] == "unknown");
  BOOST_TEST(j["factors"][5]["sub_score"].is_null());
}

BOOST_AUTO_TEST_CASE(required_factor_unknown_needs_review) {
  auto in = clean_business();
  in.screening.reset();
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::sanctions).state == factor_state::unknown);
  BOOST_TEST(a.level == risk_level::medium);
  BOOST_TEST(a.review_required);
  BOOST_REQUIRE(applied(a, "coverage"));
  BOOST_TEST(a.applied[0].detail.find("required factor sanctions is unknown") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(sanctions_factor) {
  auto in = clean_business();
  in.screening->hits = {{"owner", "Jonas Muster", "ofac_sdn", "123", "MUSTER, Jonas",
                         0.97, hit_status::false_positive},
                        {"legal_name", "Muster Backwaren GmbH", "un", "QDe.1",
                         "MUSTER BAECKEREI", 0.62, hit_status::open}};
  auto a = engine().assess(in, defaults(), 1);
  auto& f = factor(a, risk_factor::sanctions);
  BOOST_TEST(f.sub_score == 62); // the false positive does not count
  BOOST_REQUIRE_EQUAL(f.evidence.size(), 2u);
  BOOST_TEST(!f.evidence[0].points);
  BOOST_TEST(f.evidence[0].detail.find("false positive") != std::string::npos);
  BOOST_TEST(*f.evidence[1].points == 62);
  BOOST_TEST(!applied(a, "sanctions-open-hit"));

  in.screening->hits.push_back(
      {"owner", "Anna Muster", "ofac_sdn", "9", "MUSTER, Anna", 0.855, hit_status::open});
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::sanctions).sub_score == 86);
  BOOST_TEST(applied(a, "sanctions-open-hit"));
  BOOST_TEST(a.level == risk_level::high);
  BOOST_TEST(a.score == 70);
  BOOST_TEST(a.review_required);

  in.screening->hits[0].status = hit_status::confirmed;
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::sanctions).sub_score == 100);
  BOOST_TEST(applied(a, "sanctions-confirmed"));
  BOOST_TEST(a.level == risk_level::critical);
  BOOST_TEST(a.score == 85);
}

BOOST_AUTO_TEST_CASE(industry_factor) {
  auto in = clean_business();
  in.classification.reset();
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::industry).state == factor_state::unknown);

  in.classification = classification_input{{"5812", 0.2}, {{"5912", 0.35}}, "v1"};
  a = engine().assess(in, defaults(), 1);
  auto& f = factor(a, risk_factor::industry);
  BOOST_TEST(f.state == factor_state::scored);
  BOOST_TEST(f.sub_score == 85);     // the confident alternate, an online pharmacy
  BOOST_TEST(!f.evidence[0].points); // 0.20 is below 0.30
  BOOST_TEST(f.evidence[1].detail.find("Visa VIRP") != std::string::npos);

  in.classification = classification_input{{"5816", 0.8}, {}, "v1"};
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::industry).sub_score == 55);
  in.classification = classification_input{{"5812", 0.1}, {{"5912", 0.1}}, "v1"};
  BOOST_TEST(factor(engine().assess(in, defaults(), 1), risk_factor::industry).state ==
             factor_state::unknown);
}

BOOST_AUTO_TEST_CASE(country_factor_records_the_lists_date) {
  auto in = clean_business();
  auto a = engine().assess(in, defaults(), 1);
  auto& f = factor(a, risk_factor::country);
  BOOST_TEST(f.sub_score == 0);
  BOOST_TEST(f.evidence.size() == 3u); // the business and both owners
  BOOST_TEST(f.evidence[0].detail.find("as of 2025-07-01") != std::string::npos);

  in.business->owners[1].nationality = "NG";
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::country).sub_score == 60);
  BOOST_TEST(factor(a, risk_factor::country)
                 .evidence[2]
                 .detail.find("on increased_monitoring as of 2025-06-13") !=
             std::string::npos);

  in.business->country = "MM";
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::country).sub_score == 100);
  BOOST_TEST(applied(a, "country-top-list"));
  BOOST_TEST(a.level == risk_level::high);

  in.business->country.reset();
  for (auto& o : in.business->owners)
    o.nationality.reset();
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::country).state == factor_state::unknown);
}

BOOST_AUTO_TEST_CASE(business_age_factor) {
  auto in = clean_business();
  in.registry.clear();
  in.business->incorporation_date.reset();
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::business_age).state == factor_state::unknown);

  in.business->incorporation_date = "2026-09-01"; // 96 days
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::business_age).sub_score ==
      80);
  in.business->incorporation_date = "2025-10-01"; // 431 days
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::business_age).sub_score ==
      40);
  in.business->incorporation_date = "2025-12-06"; // 365 days: not under 365
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::business_age).sub_score ==
      40);
  in.business->incorporation_date = "2027-01-01"; // after the assessment
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::business_age).sub_score ==
      80);
  in.business->incorporation_date = "not a date";
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::business_age).state ==
      factor_state::unknown);

  // A registry's date is used before the recorded one, and the difference is shown.
  in.business->incorporation_date = "2010-01-01";
  in.registry = {
      registry_input{"gleif", true, registry_status::active, std::nullopt, "2026-10-01"}};
  a = engine().assess(in, defaults(), 1);
  auto& f = factor(a, risk_factor::business_age);
  BOOST_TEST(f.sub_score == 80);
  BOOST_TEST(f.evidence.size() == 2u);
  BOOST_TEST(f.evidence[1].fact == "registry[0].incorporation_date");
}

BOOST_AUTO_TEST_CASE(ownership_factor) {
  auto in = clean_business();
  in.business.reset();
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::ownership).state == factor_state::unknown);

  in = clean_business();
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::ownership).sub_score == 0);
  // 60 % declared, one owner without nationality, one of a listed nationality.
  in.business->owners = {owner("Anna Muster", std::nullopt, 30),
                         owner("Ali Rezaei", "IR", 30)};
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::ownership).sub_score == 40 + 15 + 25);
  // A single nominee-like owner without a date of birth.
  in.business->owners = {owner("Alpine Nominees (Jersey) Ltd", "JE", 100, std::nullopt)};
  a = engine().assess(in, defaults(), 1);
  auto& f = factor(a, risk_factor::ownership);
  BOOST_TEST(f.sub_score == 15 + 30);
  BOOST_TEST(f.evidence.back().detail == "the only owner, nominee-like ('nominees')");
  // No owners at all: nothing is declared.
  in.business->owners.clear();
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::ownership).sub_score == 40);
}

BOOST_AUTO_TEST_CASE(website_factor) {
  auto in = clean_business();
  in.website.reset();
  BOOST_TEST(factor(engine().assess(in, defaults(), 1), risk_factor::website).state ==
             factor_state::unknown);
  in.website =
      website_input{"http://muster.example", false, std::nullopt, std::nullopt, {}};
  BOOST_TEST(factor(engine().assess(in, defaults(), 1), risk_factor::website).sub_score ==
             40);
  in.website = website_input{
      "https://muster.example", true, false, false, {"gambling", "pharmacy"}};
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::website).sub_score == 100); // 30 + 20 + 120, capped
  BOOST_TEST(factor(a, risk_factor::website).evidence.size() == 5u);
}

BOOST_AUTO_TEST_CASE(registry_factor) {
  auto in = clean_business();
  in.registry.clear();
  BOOST_TEST(factor(engine().assess(in, defaults(), 1), risk_factor::registry).state ==
             factor_state::unknown);

  in.registry = {
      registry_input{"gleif", false, registry_status::unknown, {}, {}},
      registry_input{"opencorporates", false, registry_status::unknown, {}, {}}};
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::registry).sub_score == 50);
  BOOST_TEST(factor(a, risk_factor::registry).evidence.back().detail ==
             "found in none of: gleif, opencorporates");

  // Not found in one registry is normal when another finds it.
  in.registry[1] = {
      "opencorporates", true, registry_status::active, "Muster Backwaren G.m.b.H.", {}};
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::registry).sub_score ==
      30); // "g m b h" is not the legal form "gmbh": a mismatch
  in.registry[1].registered_name = "MUSTER BACKWAREN";
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::registry).sub_score == 0);
  in.registry[1].status = registry_status::inactive;
  BOOST_TEST(
      factor(engine().assess(in, defaults(), 1), risk_factor::registry).sub_score == 60);
  in.registry[1].status = registry_status::dissolved;
  a = engine().assess(in, defaults(), 1);
  BOOST_TEST(factor(a, risk_factor::registry).sub_score == 100);
  BOOST_TEST(applied(a, "registry-dissolved"));
  BOOST_TEST(a.level == risk_level::high);
}

BOOST_AUTO_TEST_CASE(band_edges) {
  auto in = clean_business();
  for (auto [score, level] :
       std::vector<std::pair<int, risk_level>>{{39, risk_level::low},
                                               {40, risk_level::medium},
                                               {69, risk_level::medium},
                                               {70, risk_level::high},
                                               {84, risk_level::high},
                                               {85, risk_level::critical}}) {
    auto rules = only(risk_factor::industry, R"({"industry": {"unlisted_score": )" +
                                                 std::to_string(score) + "}}");
    auto a = engine().assess(in, rules, 1);
    BOOST_TEST(a.score == score);
    BOOST_TEST(a.level == level, "score " << score);
  }
  // Bands are the tenant's: with low_max 45, a 40 is low.
  auto rules = only(risk_factor::industry,
                    R"({"industry": {"unlisted_score": 40}, "bands": {"low_max": 45}})");
  BOOST_TEST(engine().assess(in, rules, 1).level == risk_level::low);
}

BOOST_AUTO_TEST_CASE(overrides_lift_and_ask_for_review) {
  auto in = clean_business();
  in.classification->mcc = {"7995", 0.9};
  auto a = engine().assess(in, defaults(), 1);
  BOOST_TEST(applied(a, "mcc-gambling"));
  BOOST_TEST(a.level == risk_level::high);
  BOOST_TEST(a.score == 70);
  BOOST_TEST(a.weighted_score < 70);
  BOOST_TEST(a.applied.back().raised_score);
  BOOST_TEST(a.applied.back().detail ==
             "mcc 7995: gambling merchants need card-network registration");

  auto rules = with(R"({"overrides": [
      {"id": "owner-watch", "when": {"fact": "owner.nationality", "in": ["AT", "CH"]},
       "review": true},
      {"id": "web", "when": {"fact": "website.prohibited_content", "in": ["weapons"]},
       "at_least": "critical"},
      {"id": "status", "when": {"fact": "registry.status", "in": ["active"]},
       "at_least": "low"}]})");
  in = clean_business();
  a = engine().assess(in, rules, 1);
  BOOST_TEST(applied(a, "owner-watch"));
  BOOST_TEST(a.review_required);
  BOOST_TEST(a.level == risk_level::low); // review alone does not move the score
  BOOST_TEST(!applied(a, "web"));
  BOOST_TEST(applied(a, "status"));
  BOOST_TEST(!a.applied.back().raised_score);
  in.website->prohibited_content = {"weapons"};
  a = engine().assess(in, rules, 1);
  BOOST_TEST(a.level == risk_level::critical);
  BOOST_TEST(a.score == 85);
}

BOOST_AUTO_TEST_CASE(rules_never_lower_a_score) {
  auto in = clean_business();
  in.screening->hits = {{"legal_name", "x", "un", "1", "x", 0.95, hit_status::open}};
  auto rules = only(risk_factor::sanctions,
                    R"({"floors": [{"id": "f", "factor": "sanctions",
                                    "sub_score_at_least": 10, "level": "medium"}]})");
  auto a = engine().assess(in, rules, 1);
  BOOST_TEST(a.score == 95);
  BOOST_TEST(a.level == risk_level::critical);
  BOOST_TEST(applied(a, "f"));
  BOOST_TEST(!a.applied[0].raised_score);
}

BOOST_AUTO_TEST_CASE(assessments_are_deterministic) {
  auto in = clean_business();
  in.screening->hits = {
      {"owner", "Anna Muster", "ofac_sdn", "9", "MUSTER, Anna", 0.81, hit_status::open}};
  in.business->owners.push_back(owner("Kim", "KP", 5, std::nullopt));
  in.website->prohibited_content = {"gambling"};
  in.classification->alternates = {{"7995", 0.31}};
  auto first = to_json(engine().assess(in, defaults(), 3)).dump();
  for (int i = 0; i < 20; ++i)
    BOOST_TEST(to_json(engine().assess(in, defaults(), 3)).dump() == first);
  // A second engine from the same files gives the same answer.
  risk_engine other{*country_risk_table::read(test::country_path).table,
                    *mcc_risk_table::read(test::mcc_path).table};
  BOOST_TEST(to_json(other.assess(in, defaults(), 3)).dump() == first);
  // The date is an input: a later date changes only what depends on it.
  in.assessed_on = date("2030-01-01");
  auto later = to_json(engine().assess(in, defaults(), 3));
  BOOST_TEST(later["assessed_on"] == "2030-01-01");
  BOOST_TEST(later.dump() != first);
}

BOOST_AUTO_TEST_CASE(the_breakdown_as_json) {
  auto in = clean_business();
  in.business->country = "IR";
  auto j = to_json(engine().assess(in, defaults(), 12));
  BOOST_TEST(j["rules_version"] == 12);
  BOOST_TEST(j["level"] == "high");
  BOOST_TEST(j["assessed_on"] == "2026-12-06");
  BOOST_TEST(j["factors"].size() == 7u);
  auto& country = j["factors"][2];
  BOOST_TEST(country["factor"] == "country");
  BOOST_TEST(country["state"] == "scored");
  BOOST_TEST(country["sub_score"] == 100);
  BOOST_TEST(country["weight"] == 20);
  BOOST_TEST(country["evidence"][0]["fact"] == "business.country");
  BOOST_TEST(country["evidence"][0]["value"] == "IR");
  BOOST_TEST(country["evidence"][0]["points"] == 100);
  std::string detail = country["evidence"][0]["detail"];
  BOOST_TEST(detail.find("on call_for_action as of 2025-06-13 (FATF public statement") ==
                 0u,
             detail);
  BOOST_TEST(detail.find("on comprehensive_sanctions as of 2025-07-01") !=
             std::string::npos);
  BOOST_TEST(j["applied"][0]["id"] == "country-top-list");
  BOOST_TEST(j["applied"][0]["at_least"] == "high");
}

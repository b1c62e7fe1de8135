#define BOOST_TEST_MODULE classification_classifier
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/classification/classifier.hpp"
#include "actors/classification/industry_codes.hpp"
#include "test/actors/classification/test_paths.hpp"

using namespace kyb::classification;
using namespace kyb::classification::test;

namespace {

const classifier& shared_classifier() {
  static const auto clf = [] {
    auto c = classifier::load(model_path);
    if (!c)
      BOOST_FAIL("cannot load model: " << c.err().to_string());
    return std::move(*c);
  }();
  return clf;
}

classification_result classify_ok(const classification_input& in) {
  auto r = shared_classifier().classify(in);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.err().to_string()));
  return *r;
}

bool has_evidence(const classification_result& r, const std::string& term) {
  return std::any_of(r.evidence.begin(), r.evidence.end(),
                     [&](const evidence_term& e) { return e.term == term; });
}

} // namespace

BOOST_AUTO_TEST_CASE(obvious_businesses_get_their_mcc_with_evidence) {
  // Names not in the labelled data; the category word must carry them.
  struct expectation {
    classification_input input;
    std::string mcc;
    std::string evidence;
  };
  const std::vector<expectation> cases = {
      {{"Springfield Valley Savings Bank", "", "", "", "US"}, "6012", "bank"},
      {{"Zorblat Pizzeria LLC", "", "", "", "US"}, "5812", "pizzeria"},
      {{"Apteka Pod Lipami", "", "", "", "PL"}, "5912", "apteka"},
      {{"Harbor View Hotel", "", "", "", "US"}, "7011", "hotel"},
      {{"Qwixel Holdings", "", "veterinary clinic for dogs and cats", "", ""},
       "0742",
       "veterinary"},
  };
  for (const auto& c : cases) {
    const auto r = classify_ok(c.input);
    BOOST_TEST_CONTEXT(c.input.legal_name << c.input.description) {
      BOOST_TEST(r.mcc.code == c.mcc);
      BOOST_TEST(has_evidence(r, c.evidence));
      BOOST_TEST(!r.known_merchant);
    }
  }
}

BOOST_AUTO_TEST_CASE(result_shape_is_complete) {
  const auto r =
      classify_ok({"Blue Lantern Coffee", "Blue Lantern", "espresso bar and bakery",
                   "Fresh coffee, pastries and sandwiches every morning.", "GB"});
  BOOST_TEST(r.model_version == shared_classifier().version());
  BOOST_TEST(r.mcc.code.size() == 4u);
  BOOST_TEST(!r.mcc.title.empty());
  BOOST_TEST(r.mcc_alternates.size() == 4u);
  float previous = r.mcc.confidence;
  float total = r.mcc.confidence;
  for (const auto& a : r.mcc_alternates) {
    BOOST_TEST(a.confidence <= previous);
    BOOST_TEST(a.code != r.mcc.code);
    previous = a.confidence;
    total += a.confidence;
  }
  BOOST_TEST(total <= 1.0001f);
  BOOST_TEST(r.naics.code.size() == 6u);
  BOOST_TEST(r.naics.code == r.mcc.naics);
  BOOST_TEST(r.sic.code == r.mcc.sic);
  BOOST_TEST(r.sic.code.size() == 4u);
  BOOST_TEST(!r.naics.title.empty());
  BOOST_TEST(!r.sic.title.empty());
  BOOST_TEST(r.naics_sector.code == industry_codes::naics_sector(r.naics.code));
  BOOST_TEST(!r.naics_sector.title.empty());
  // Coarser codes are at least as likely as finer ones that imply them.
  BOOST_TEST(r.naics_sector.confidence >= r.naics.confidence - 1e-5f);
  BOOST_TEST(r.naics.confidence >= r.mcc.confidence * 0.0f);
  for (float c : {r.mcc.confidence, r.naics.confidence, r.sic.confidence,
                  r.naics_sector.confidence}) {
    BOOST_TEST(c >= 0.0f);
    BOOST_TEST(c <= 1.0f);
  }
  BOOST_TEST(!r.evidence.empty());
  BOOST_TEST(r.evidence.size() <= 8u);
  for (size_t i = 1; i < r.evidence.size(); ++i)
    BOOST_TEST(r.evidence[i].weight <= r.evidence[i - 1].weight);
  for (const auto& e : r.evidence)
    BOOST_TEST(e.weight > 0.0f);
}

BOOST_AUTO_TEST_CASE(evidence_names_the_terms_that_decided) {
  const auto r = classify_ok({"Nordlicht Pharmacy", "", "", "", ""});
  BOOST_TEST(r.mcc.code == "5912");
  BOOST_REQUIRE(!r.evidence.empty());
  BOOST_TEST(r.evidence.front().term == "pharmacy");
  BOOST_TEST((r.evidence.front().field == input_field::name));
  // A country contributes as its own evidence term when it helps.
  const auto fuel = classify_ok({"Petro Station", "", "", "", "ZA"});
  for (const auto& e : fuel.evidence)
    if (e.is_country)
      BOOST_TEST(e.term == "country:ZA");
}

BOOST_AUTO_TEST_CASE(known_merchants_use_the_gazetteer) {
  const auto r = classify_ok({"Costco", "", "", "", "US"});
  BOOST_TEST(r.known_merchant);
  const auto u = classify_ok({"Glorbnax Trading", "", "", "", "US"});
  BOOST_TEST(!u.known_merchant);
}

BOOST_AUTO_TEST_CASE(naics_refines_within_the_mcc_by_the_words_given) {
  const auto cafe = classify_ok({"Corner Place", "", "coffee shop", "", "US"});
  const auto burgers =
      classify_ok({"Corner Place", "", "burger drive-through", "", "US"});
  BOOST_TEST_MESSAGE("cafe " << cafe.mcc.code << " " << cafe.naics.code << " burgers "
                             << burgers.mcc.code << " " << burgers.naics.code);
  BOOST_TEST(cafe.naics.code.substr(0, 3) == "722");
  BOOST_TEST(burgers.naics.code.substr(0, 3) == "722");
}

BOOST_AUTO_TEST_CASE(classify_is_deterministic) {
  const classification_input in{"Golden Dragon", "", "chinese", "", "AU"};
  const auto a = classify_ok(in);
  const auto b = classify_ok(in);
  BOOST_TEST(a.mcc.code == b.mcc.code);
  BOOST_TEST(a.mcc.confidence == b.mcc.confidence);
  BOOST_TEST(a.evidence.size() == b.evidence.size());
}

BOOST_AUTO_TEST_CASE(bad_input_gives_input_errors) {
  const auto& clf = shared_classifier();
  auto expect = [&](const classification_input& in, errc code) {
    auto r = clf.classify(in);
    BOOST_REQUIRE(!r);
    BOOST_TEST((r.err().code == code), r.err().to_string());
    BOOST_TEST(is_input_error(r.err().code));
    BOOST_TEST(!r.err().message.empty());
  };
  expect({}, errc::empty_input);
  expect({"   ", "\t", "\n", "", "US"}, errc::empty_input);
  expect({std::string(2000, 'a'), "", "", "", ""}, errc::input_too_large);
  expect({"ok", std::string(1025, 'b'), "", "", ""}, errc::input_too_large);
  expect({"ok", "", std::string(16 * 1024 + 1, 'c'), "", ""}, errc::input_too_large);
  expect({"ok", "", "", std::string(512 * 1024 + 1, 'd'), ""}, errc::input_too_large);
  expect({"Caf\xC3", "", "", "", ""}, errc::invalid_utf8);
  expect({"ok", "", "\xFF\xFE", "", ""}, errc::invalid_utf8);
  expect({"ok", "", "", "text \xED\xA0\x80", ""}, errc::invalid_utf8);
  expect({"ok", "", "", "", "USA"}, errc::invalid_country);
  expect({"ok", "", "", "", "ZZ"}, errc::invalid_country);
  expect({"ok", "", "", "", "1A"}, errc::invalid_country);
  // Limits are configurable and at the limit is fine.
  auto r = clf.classify({std::string(1024, 'a'), "", "", "", "us"});
  BOOST_TEST(bool(r));
}

BOOST_AUTO_TEST_CASE(only_punctuation_still_answers) {
  // Valid but featureless text falls back to the prior: an answer, not an error.
  const auto r = classify_ok({"!!! ???", "", "", "", ""});
  BOOST_TEST(r.mcc.code.size() == 4u);
  BOOST_TEST(r.evidence.empty());
}

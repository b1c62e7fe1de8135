#define BOOST_TEST_MODULE classification_crosswalk
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "actors/classification/classifier.hpp"
#include "actors/classification/crosswalk_builder.hpp"
#include "actors/classification/labelled_data.hpp"
#include "test/actors/classification/test_paths.hpp"

using namespace kyb::classification;
using namespace kyb::classification::test;

namespace {

struct fixture {
  industry_codes codes;
  crosswalk links;
  fixture() {
    auto c = industry_codes::load(industry_dir, supplement_path);
    BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.err().to_string()));
    codes = std::move(*c);
    auto x = crosswalk::read_csv(crosswalk_path);
    BOOST_REQUIRE_MESSAGE(x, (x ? "" : x.err().to_string()));
    links = std::move(*x);
  }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace

BOOST_FIXTURE_TEST_CASE(every_link_is_a_concordance_row_with_valid_codes, fixture) {
  std::set<std::pair<std::string, std::string>> concordance;
  for (const auto& l : codes.sic_to_naics)
    concordance.emplace(l.sic, l.naics);
  for (const auto& e : links.entries()) {
    BOOST_TEST_CONTEXT(e.mcc << " " << e.naics << " " << e.sic) {
      BOOST_TEST(concordance.count({e.sic, e.naics}) == 1u);
      BOOST_TEST(codes.naics_title.count(e.naics) == 1u);
      BOOST_TEST(codes.sic_title.count(e.sic) == 1u);
      BOOST_TEST(codes.find_mcc(e.mcc) != nullptr);
    }
  }
  // Weights of each MCC sum to one.
  for (const auto& mcc : links.mccs()) {
    float total = 0.0f;
    for (auto i : links.entries_for(mcc))
      total += links.entries()[i].weight;
    BOOST_TEST(total == 1.0f, boost::test_tools::tolerance(0.002f));
  }
}

BOOST_FIXTURE_TEST_CASE(every_labelled_mcc_is_linked, fixture) {
  auto rows = load_labelled_brands(labelled_path);
  BOOST_REQUIRE(rows);
  std::set<std::string> labelled;
  for (const auto& r : *rows)
    labelled.insert(r.mcc);
  for (const auto& m : labelled)
    BOOST_TEST(!links.entries_for(m).empty(), "MCC " << m << " has no link");
}

BOOST_FIXTURE_TEST_CASE(reviewed_links_are_in_place, fixture) {
  // Spot checks of links a reader can verify from the code titles.
  BOOST_TEST(links.links("5812", "722511", "5812"));  // restaurants
  BOOST_TEST(links.links("5912", "456110", "5912"));  // pharmacies
  BOOST_TEST(links.links("5411", "445110", "5411"));  // supermarkets
  BOOST_TEST(links.links("6012", "522110", "6021"));  // banks (override)
  BOOST_TEST(links.links("7011", "721110", "7011"));  // hotels
  BOOST_TEST(!links.links("6012", "922140", "9223")); // not correctional institutions
}

BOOST_FIXTURE_TEST_CASE(committed_crosswalk_is_what_the_generator_makes, fixture) {
  auto rows = load_labelled_brands(labelled_path);
  auto overrides = crosswalk_builder::read_overrides(overrides_path);
  BOOST_REQUIRE(rows);
  BOOST_REQUIRE(overrides);
  std::set<std::string> mccs;
  for (const auto& r : *rows)
    mccs.insert(r.mcc);
  for (const auto& e : codes.mcc)
    if (e.code < "3000" || e.code > "3999")
      mccs.insert(e.code);
  std::vector<std::string> skipped;
  auto xw =
      crosswalk_builder(codes).build({mccs.begin(), mccs.end()}, *overrides, &skipped);
  BOOST_REQUIRE(xw);
  BOOST_TEST(xw->to_csv() == read_all(crosswalk_path),
             "the committed crosswalk is stale: rebuild target classification-model");
  auto reparsed = crosswalk::parse_csv(xw->to_csv());
  BOOST_REQUIRE(reparsed);
  BOOST_TEST(reparsed->entries().size() == xw->entries().size());
}

BOOST_FIXTURE_TEST_CASE(an_override_outside_the_concordance_is_refused, fixture) {
  std::vector<crosswalk_override> bad{{"5812", "722511", "6021", 1.0f, "test"}};
  auto xw = crosswalk_builder(codes).build({"5812"}, bad);
  BOOST_REQUIRE(!xw);
  BOOST_TEST((xw.err().code == errc::data_malformed));
}

BOOST_AUTO_TEST_CASE(every_classifier_answer_agrees_with_the_crosswalk) {
  auto clf = classifier::load(model_path);
  BOOST_REQUIRE(clf);
  auto xw = crosswalk::read_csv(crosswalk_path);
  BOOST_REQUIRE(xw);
  auto rows = load_labelled_brands(labelled_path);
  BOOST_REQUIRE(rows);
  const auto& m = clf->get_model();
  // The model's own links are the committed crosswalk.
  BOOST_TEST(m.links.size() == xw->entries().size());
  for (const auto& l : m.links)
    BOOST_TEST(xw->links(m.classes[l.cls].mcc, l.naics, l.sic));
  size_t checked = 0;
  for (size_t i = 0; i < rows->size(); i += 25) {
    auto r = clf->classify(to_input((*rows)[i]));
    BOOST_REQUIRE(r);
    BOOST_TEST(xw->links(r->mcc.code, r->naics.code, r->sic.code),
               r->mcc.code << " " << r->naics.code << " " << r->sic.code);
    for (const auto& a : r->mcc_alternates)
      BOOST_TEST(xw->links(a.code, a.naics, a.sic));
    ++checked;
  }
  BOOST_TEST(checked > 400u);
}

BOOST_AUTO_TEST_CASE(terms_are_stemmed_content_words) {
  auto t =
      crosswalk_builder::terms("Drug Stores and Pharmacies, Not Elsewhere Classified");
  BOOST_TEST((t == std::vector<std::string>{"drug", "store", "pharmacy"}));
}

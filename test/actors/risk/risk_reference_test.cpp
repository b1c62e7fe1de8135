// The reference files: the shipped country list and MCC tiers load, and bad files are
// refused with every bad line named.
#define BOOST_TEST_MODULE risk_reference
#include <boost/test/unit_test.hpp>

#include "actors/risk/civil_date.hpp"
#include "actors/risk/country_risk.hpp"
#include "actors/risk/mcc_risk.hpp"
#include "test/actors/risk/risk_fixtures.hpp"
#include "test/actors/risk/risk_printing.hpp"

using namespace kyb::risk;

namespace {

std::vector<size_t> lines_of(const std::vector<file_problem>& problems) {
  std::vector<size_t> out;
  for (auto& p : problems)
    out.push_back(p.line);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(civil_dates) {
  auto d = civil_date::parse("2024-02-29");
  BOOST_REQUIRE(d);
  BOOST_TEST(d->to_string() == "2024-02-29");
  BOOST_TEST(civil_date::parse("1970-01-01")->days() == 0);
  BOOST_TEST(civil_date::parse("2025-06-13")->days() -
                 civil_date::parse("2024-06-13")->days() ==
             365);
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
                          "2025-4-01", "20250401", "", "0000-01-01", "2025-01-0x"})
    BOOST_TEST(!civil_date::parse(bad), bad);
  BOOST_TEST(civil_date::from_days(-1).to_string() == "1969-12-31");
}

BOOST_AUTO_TEST_CASE(shipped_country_list_loads) {
  auto loaded = country_risk_table::read(test::country_path);
  BOOST_REQUIRE_MESSAGE(loaded, describe(loaded.problems));
  const auto& t = *loaded.table;
  for (const char* c : {"KP", "IR", "MM"}) {
    auto ls = t.listings_of(c);
    BOOST_REQUIRE(!ls.empty());
    BOOST_TEST(ls.front()->list == country_list::call_for_action);
    BOOST_TEST(ls.front()->as_of.to_string() == "2025-06-13");
  }
  BOOST_TEST(t.listings_of("ir").size() == 2u); // call for action and OFAC
  BOOST_TEST(t.listings_of("VG").front()->list == country_list::increased_monitoring);
  BOOST_TEST(t.listings_of("US").empty());
  BOOST_TEST(t.listings_of("HR").empty()); // removed from the grey list in June 2025
  BOOST_TEST(t.as_of().to_string() == "2025-07-01");
}

BOOST_AUTO_TEST_CASE(country_file_bad_rows_are_named_by_line) {
  const char* text = "# a comment, with commas\n"                         // 1
                     "country,list,as_of,source\n"                        // 2
                     "KP,call_for_action,2025-06-13,FATF\n"               // 3
                     "XX,call_for_action,2025-06-13,FATF\n"               // 4
                     "ir,increased_monitoring,2025-06-13,FATF\n"          // 5
                     "MM,grey_list,2025-06-13,FATF\n"                     // 6
                     "NG,increased_monitoring,2025-13-01,FATF\n"          // 7
                     "SY,increased_monitoring,2025-06-13,\n"              // 8
                     "KP,call_for_action,2025-06-13,FATF again\n"         // 9
                     "VE,increased_monitoring,2025-06-13\n"               // 10
                     "\n"                                                 // 11
                     "YE,increased_monitoring,2025-06-13,\"FATF, June\n"; // 12
  auto loaded = country_risk_table::parse(text);
  BOOST_TEST(!loaded);
  BOOST_TEST(lines_of(loaded.problems) == (std::vector<size_t>{4, 5, 6, 7, 8, 9, 10, 12}),
             boost::test_tools::per_element());
  auto text_of = describe(loaded.problems);
  BOOST_TEST(text_of.find("line 4: country 'XX'") != std::string::npos, text_of);
  BOOST_TEST(text_of.find("line 6: list 'grey_list'") != std::string::npos, text_of);
  BOOST_TEST(text_of.find("line 9: country KP is already on list call_for_action") !=
                 std::string::npos,
             text_of);
}

BOOST_AUTO_TEST_CASE(country_file_header_and_empty_files) {
  auto missing = country_risk_table::parse("country,list,source,region\nKP,x,y,z\n");
  BOOST_REQUIRE_EQUAL(missing.problems.size(), 2u);
  BOOST_TEST(missing.problems[0].line == 1u);
  BOOST_TEST(missing.problems[0].problem == "unknown column 'region'");
  BOOST_TEST(missing.problems[1].problem == "missing column 'as_of'");
  auto empty = country_risk_table::parse("# only a comment\n");
  BOOST_REQUIRE_EQUAL(empty.problems.size(), 1u);
  BOOST_TEST(empty.problems[0].problem == "no header row");
  auto header_only = country_risk_table::parse("country,list,as_of,source\n");
  BOOST_REQUIRE_EQUAL(header_only.problems.size(), 1u);
  BOOST_TEST(header_only.problems[0].problem == "no data rows");
  auto absent = country_risk_table::read(test::config_dir + "/no_such_file.csv");
  BOOST_TEST(!absent);
  BOOST_TEST(absent.problems.at(0).line == 0u);
}

BOOST_AUTO_TEST_CASE(shipped_mcc_tiers_load) {
  auto loaded = mcc_risk_table::read(test::mcc_path);
  BOOST_REQUIRE_MESSAGE(loaded, describe(loaded.problems));
  for (const char* m : {"5967", "5966", "5962", "7995", "5993", "5912", "5122", "4829",
                        "6051", "6211", "7273"}) {
    auto* l = loaded.table->find(m);
    BOOST_REQUIRE_MESSAGE(l, m);
    BOOST_TEST(l->tier == mcc_tier::high, m);
    BOOST_TEST(!l->source.empty());
  }
  BOOST_TEST(loaded.table->find("5816")->tier == mcc_tier::elevated);
  BOOST_TEST(!loaded.table->find("5812"));
}

BOOST_AUTO_TEST_CASE(mcc_file_bad_rows_are_named_by_line) {
  const char* text = "mcc,tier,description,source\n"          // 1
                     "7995,high,Betting,Visa\n"               // 2
                     "795,high,Betting,Visa\n"                // 3
                     "5816,medium,Games,Practice\n"           // 4
                     "5122,high,,Visa\n"                      // 5
                     "7995,elevated,Betting again,Practice\n" // 6
                     "59a3,sky,Tobacco,\n";                   // 7
  auto loaded = mcc_risk_table::parse(text);
  BOOST_TEST(!loaded);
  BOOST_TEST(lines_of(loaded.problems) == (std::vector<size_t>{3, 4, 5, 6, 7, 7, 7}),
             boost::test_tools::per_element());
}

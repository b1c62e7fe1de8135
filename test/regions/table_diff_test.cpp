// The pure table comparison behind `region check` and failback's lost-tail export: which
// ids exist only on the source, only on the target, or differ, and how a second look at
// the differing ids (after the target caught up) settles them. No database.
#define BOOST_TEST_MODULE table_diff
#include <boost/test/unit_test.hpp>

#include "regions/table_diff.hpp"

using namespace kyb::regions;
using strings = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(equal_tables_have_no_differences) {
  row_hashes rows{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  auto d = compare_rows(rows, rows);
  BOOST_TEST(d.equal());
  BOOST_TEST(d.source_rows == 3u);
  BOOST_TEST(d.target_rows == 3u);
  BOOST_TEST(d.ids().empty());
}

BOOST_AUTO_TEST_CASE(empty_tables_are_equal) {
  auto d = compare_rows({}, {});
  BOOST_TEST(d.equal());
  BOOST_TEST(d.source_rows == 0u);
  BOOST_TEST(d.target_rows == 0u);
}

BOOST_AUTO_TEST_CASE(rows_missing_on_the_target) {
  auto d = compare_rows({{"a", "1"}, {"b", "2"}, {"c", "3"}}, {{"b", "2"}});
  BOOST_TEST(!d.equal());
  BOOST_TEST(d.only_source == (strings{"a", "c"}), boost::test_tools::per_element());
  BOOST_TEST(d.only_target.empty());
  BOOST_TEST(d.differ.empty());
  BOOST_TEST(d.source_rows == 3u);
  BOOST_TEST(d.target_rows == 1u);
}

BOOST_AUTO_TEST_CASE(extra_rows_on_the_target) {
  auto d = compare_rows({{"a", "1"}}, {{"a", "1"}, {"z", "9"}});
  BOOST_TEST(!d.equal());
  BOOST_TEST(d.only_source.empty());
  BOOST_TEST(d.only_target == (strings{"z"}), boost::test_tools::per_element());
  BOOST_TEST(d.target_rows == 2u);
}

BOOST_AUTO_TEST_CASE(changed_rows_differ) {
  auto d = compare_rows({{"a", "1"}, {"b", "2"}}, {{"a", "1"}, {"b", "7"}});
  BOOST_TEST(!d.equal());
  BOOST_TEST(d.differ == (strings{"b"}), boost::test_tools::per_element());
  BOOST_TEST(d.only_source.empty());
  BOOST_TEST(d.only_target.empty());
  // The same count on both sides does not hide a changed row.
  BOOST_TEST(d.source_rows == d.target_rows);
}

BOOST_AUTO_TEST_CASE(one_side_empty) {
  auto d = compare_rows({}, {{"x", "1"}, {"y", "2"}});
  BOOST_TEST(d.only_target == (strings{"x", "y"}), boost::test_tools::per_element());
  auto e = compare_rows({{"x", "1"}}, {});
  BOOST_TEST(e.only_source == (strings{"x"}), boost::test_tools::per_element());
  BOOST_TEST(!d.equal());
  BOOST_TEST(!e.equal());
}

BOOST_AUTO_TEST_CASE(all_kinds_at_once_and_ids_in_order) {
  auto d = compare_rows({{"a", "1"}, {"b", "2"}, {"c", "3"}},
                        {{"b", "2"}, {"c", "4"}, {"d", "5"}});
  BOOST_TEST(d.only_source == (strings{"a"}), boost::test_tools::per_element());
  BOOST_TEST(d.only_target == (strings{"d"}), boost::test_tools::per_element());
  BOOST_TEST(d.differ == (strings{"c"}), boost::test_tools::per_element());
  BOOST_TEST(d.ids() == (strings{"a", "d", "c"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(different_counts_alone_are_a_difference) {
  // The summary counts disagree though no id differs (rows moved between two reads).
  table_diff d;
  d.source_rows = 4;
  d.target_rows = 3;
  BOOST_TEST(!d.equal());
  BOOST_TEST(d.ids().empty());
}

BOOST_AUTO_TEST_CASE(a_second_look_settles_what_the_lag_explained) {
  // At first: "a" had not arrived, "b" was an old version, "z" was deleted on the source
  // and not yet on the target.
  auto first = compare_rows({{"a", "1"}, {"b", "2"}, {"c", "3"}},
                            {{"b", "old"}, {"c", "3"}, {"z", "9"}});
  BOOST_REQUIRE(!first.equal());
  auto ids = first.ids();
  // Read again: the target caught up with all three.
  auto settled =
      recompare_ids(first, ids, {{"a", "1"}, {"b", "2"}}, {{"a", "1"}, {"b", "2"}});
  BOOST_TEST(settled.equal());
  BOOST_TEST(settled.source_rows == 3u);
  BOOST_TEST(settled.target_rows == 3u);
}

BOOST_AUTO_TEST_CASE(a_second_look_keeps_what_outlives_the_lag) {
  auto first = compare_rows({{"a", "1"}, {"b", "2"}, {"c", "3"}},
                            {{"b", "old"}, {"c", "3"}, {"z", "9"}});
  auto settled = recompare_ids(first, first.ids(), {{"a", "1"}, {"b", "2"}},
                               {{"b", "diverged"}, {"z", "9"}});
  BOOST_TEST(!settled.equal());
  BOOST_TEST(settled.only_source == (strings{"a"}), boost::test_tools::per_element());
  BOOST_TEST(settled.only_target == (strings{"z"}), boost::test_tools::per_element());
  BOOST_TEST(settled.differ == (strings{"b"}), boost::test_tools::per_element());
  // The rows outside the ids matched: the target holds the source's rows, less the
  // missing one, plus the extra one.
  BOOST_TEST(settled.source_rows == 3u);
  BOOST_TEST(settled.target_rows == 3u);
}

BOOST_AUTO_TEST_CASE(a_row_gone_on_both_sides_no_longer_differs) {
  auto first = compare_rows({{"a", "1"}}, {});
  auto settled = recompare_ids(first, first.ids(), {}, {});
  BOOST_TEST(settled.ids().empty());
}

BOOST_AUTO_TEST_CASE(the_target_count_never_goes_below_zero) {
  // The source was empty when first counted; the ids now exist only on the source.
  auto first = compare_rows({}, {{"x", "1"}, {"y", "2"}});
  auto settled = recompare_ids(first, first.ids(), {{"x", "1"}, {"y", "2"}}, {});
  BOOST_TEST(settled.only_source.size() == 2u);
  BOOST_TEST(settled.target_rows == 0u);
  BOOST_TEST(!settled.equal());
}

BOOST_AUTO_TEST_CASE(reports_name_a_few_ids_and_count_them_all) {
  row_hashes source;
  for (int i = 0; i < 30; ++i)
    source.emplace("id" + std::to_string(100 + i), "h");
  auto d = compare_rows(source, {{"id100", "h"}, {"extra", "h"}});
  auto j = differences_json(d);
  BOOST_TEST(j["only_source"].size() == 20u);
  BOOST_TEST(j["only_source"][0] == "id101");
  BOOST_TEST(j["only_target"] == nlohmann::json::array({"extra"}));
  BOOST_TEST(j["differ"].empty());
  BOOST_TEST(j["counts"] == nlohmann::json::array({29, 1, 0}));
  BOOST_TEST(ids_json({"a", "b", "c"}, 2) == nlohmann::json::array({"a", "b"}));
  BOOST_TEST(ids_json({}).empty());
}

// Retention's pure parts: the plan (which months to make, which to export and detach,
// the usage cutoff) from the time and the configuration; and the audit chain verifier
// starting after a prefix retention retired (the rows left verify; a gap or a row
// removed from the middle still shows).
#define BOOST_TEST_MODULE retention_plan
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "actors/audit/audit_chain.hpp"
#include "actors/retention/retention_plan.hpp"

using namespace kyb::actors;
using sys_clock = std::chrono::system_clock;

namespace {

/// 2026-05-17 13:45:10 UTC.
sys_clock::time_point may_17() {
  return month_start({2026, 5}) + std::chrono::hours(16 * 24 + 13) +
         std::chrono::minutes(45) + std::chrono::seconds(10);
}

std::string iso_day(sys_clock::time_point t) {
  auto m = month_of(t);
  auto day =
      std::chrono::duration_cast<std::chrono::hours>(t - month_start(m)).count() / 24;
  return to_string(m) + "-" + (day + 1 < 10 ? "0" : "") + std::to_string(day + 1);
}

} // namespace

BOOST_AUTO_TEST_CASE(months_are_calendar_months_in_utc) {
  BOOST_TEST(to_string(month_of(may_17())) == "2026-05");
  BOOST_TEST(to_string(month_of(month_start({2026, 5}))) == "2026-05");
  BOOST_TEST(to_string(month_of(month_start({2026, 5}) - std::chrono::seconds(1))) ==
             "2026-04");
  BOOST_TEST(to_string(add_months({2026, 1}, -1)) == "2025-12");
  BOOST_TEST(to_string(add_months({2026, 11}, 3)) == "2027-02");
  BOOST_TEST(to_string(add_months({2026, 5}, -84)) == "2019-05");
  BOOST_TEST(to_string(month_of(month_start({1969, 12}))) == "1969-12");
  BOOST_TEST(audit_partition_name({2019, 4}) == "audit_logs_2019_04");
  BOOST_TEST(to_string(*audit_partition_month("audit_logs_2019_04")) == "2019-04");
  for (auto bad : {"audit_logs_default", "audit_logs_2019_13", "audit_logs_2019_00",
                   "audit_logs_2019_4", "audit_logs_20190_04", "audit_logs_2019-04",
                   "audit_logs_201x_04", "other_2019_04", ""})
    BOOST_TEST(!audit_partition_month(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(usage_cutoff_moves_back_calendar_months_clamping_the_day) {
  BOOST_TEST(iso_day(months_before(may_17(), 13)) == "2025-04-17");
  auto march_31 = month_start({2026, 3}) + std::chrono::hours(30 * 24 + 6);
  BOOST_TEST(iso_day(months_before(march_31, 1)) == "2026-02-28");
  auto march_31_2024 = month_start({2024, 3}) + std::chrono::hours(30 * 24);
  BOOST_TEST(iso_day(months_before(march_31_2024, 1)) == "2024-02-29");
  // The time of day is kept.
  auto back = months_before(may_17(), 1);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(
                 back - month_start({2026, 4}) - std::chrono::hours(16 * 24))
                 .count() == 13 * 3600 + 45 * 60 + 10);
}

BOOST_AUTO_TEST_CASE(
    the_plan_makes_months_ahead_and_retires_whole_months_past_the_cutoff) {
  retention_policy policy{84, 3, 13};
  std::vector<std::string> attached = {"audit_logs_2026_06", "audit_logs_2019_04",
                                       "audit_logs_default", "audit_logs_2019_05",
                                       "audit_logs_2018_12", "audit_logs_2026_05"};
  auto plan = plan_retention(may_17(), policy, attached);
  std::vector<std::string> ensure;
  for (auto m : plan.ensure)
    ensure.push_back(to_string(m));
  BOOST_TEST(ensure ==
                 (std::vector<std::string>{"2026-05", "2026-06", "2026-07", "2026-08"}),
             boost::test_tools::per_element());
  std::vector<std::string> missing;
  for (auto m : plan.missing)
    missing.push_back(to_string(m));
  BOOST_TEST(missing == (std::vector<std::string>{"2026-07", "2026-08"}),
             boost::test_tools::per_element());
  // 84 whole months before May 2026 stay: May 2019 on. April 2019 ends on the cutoff.
  BOOST_TEST(to_string(plan.audit_cutoff) == "2019-05");
  BOOST_TEST(plan.retire ==
                 (std::vector<std::string>{"audit_logs_2018_12", "audit_logs_2019_04"}),
             boost::test_tools::per_element());
  BOOST_TEST(plan.other_partitions == (std::vector<std::string>{"audit_logs_default"}),
             boost::test_tools::per_element());
  BOOST_TEST(iso_day(plan.usage_cutoff) == "2025-04-17");
}

BOOST_AUTO_TEST_CASE(nothing_is_retired_inside_the_retention_and_a_month_later_it_is) {
  retention_policy policy{12, 1, 1};
  std::vector<std::string> attached = {"audit_logs_2025_05", "audit_logs_2025_06"};
  auto plan = plan_retention(may_17(), policy, attached);
  BOOST_TEST(to_string(plan.audit_cutoff) == "2025-05");
  BOOST_TEST(plan.retire.empty());
  // On the first day of June, May 2025 has ended before the cutoff (June 2025).
  auto june = plan_retention(month_start({2026, 6}), policy, attached);
  BOOST_TEST(june.retire == (std::vector<std::string>{"audit_logs_2025_05"}),
             boost::test_tools::per_element());
  // At December 31 a year ahead is still made across the year's end.
  auto dec =
      plan_retention(month_start({2026, 12}) + std::chrono::hours(30 * 24), policy, {});
  BOOST_TEST(dec.ensure.size() == 2u);
  BOOST_TEST(to_string(dec.ensure.back()) == "2027-01");
  BOOST_TEST(dec.missing.size() == 2u);
}

namespace {

std::shared_ptr<const audit_keyring> keys() {
  static auto ring = std::make_shared<const audit_keyring>(std::string(32, 'k'));
  return ring;
}

/// A keyed chain of `n` rows for one tenant.
std::vector<audit_chain_row> chain(int n) {
  std::vector<audit_chain_row> rows;
  std::string prev = audit_genesis_hash();
  for (int i = 1; i <= n; ++i) {
    audit_chain_row r;
    r.seq = i;
    r.id = "0190d1f0-0000-7000-8000-00000000000" + std::to_string(i % 10);
    r.tenant_id = "0190d1f0-0000-7000-8000-0000000000aa";
    r.region = "us";
    r.actor = "key:x";
    r.action = "business.created";
    r.target_type = "business";
    r.details = "{}";
    r.created_at_us = 1700000000000000 + i;
    r.key_id = keys()->current_id();
    r.prev_hash = prev;
    r.row_hash = audit_row_hmac(keys()->current_key(), prev, r);
    prev = r.row_hash;
    rows.push_back(r);
  }
  return rows;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_chain_verifies_after_its_retired_prefix_and_gaps_still_show) {
  auto rows = chain(10);
  // Rows 1-4 were exported and detached: the anchor is row 4.
  {
    audit_chain_verifier v(keys());
    v.start_after(4, rows[3].row_hash, true);
    for (size_t i = 4; i < rows.size(); ++i)
      BOOST_TEST(!v.check(rows[i]).has_value(), "row " << rows[i].seq);
    BOOST_TEST(!v.check_head(10, rows[9].row_hash).has_value());
    BOOST_TEST(v.rows_checked() == 6);
    BOOST_TEST(v.start_seq() == 4);
  }
  // Without the anchor the same rows are missing their start.
  {
    audit_chain_verifier v(keys());
    auto why = v.check(rows[4]);
    BOOST_REQUIRE(why);
    BOOST_TEST(why->find("expected sequence number 1") != std::string::npos, *why);
  }
  // The first row after the anchor removed: a gap.
  {
    audit_chain_verifier v(keys());
    v.start_after(4, rows[3].row_hash, true);
    auto why = v.check(rows[5]);
    BOOST_REQUIRE(why);
    BOOST_TEST(why->find("rows are missing") != std::string::npos, *why);
  }
  // A row removed from the middle of what remains: a gap.
  {
    audit_chain_verifier v(keys());
    v.start_after(4, rows[3].row_hash, true);
    BOOST_TEST(!v.check(rows[4]).has_value());
    BOOST_TEST(!v.check(rows[5]).has_value());
    auto why = v.check(rows[7]);
    BOOST_REQUIRE(why);
    BOOST_TEST(why->find("expected sequence number 7") != std::string::npos, *why);
  }
  // An anchor whose hash is not the retired row's: the first row left does not fit.
  {
    audit_chain_verifier v(keys());
    v.start_after(4, rows[2].row_hash, true);
    auto why = v.check(rows[4]);
    BOOST_REQUIRE(why);
    BOOST_TEST(why->find("retention exported and detached") != std::string::npos, *why);
  }
  // A chain retired whole: nothing left, the head is the anchor.
  {
    audit_chain_verifier v(keys());
    v.start_after(10, rows[9].row_hash, true);
    BOOST_TEST(!v.check_head(10, rows[9].row_hash).has_value());
    BOOST_TEST(v.check_head(11, rows[9].row_hash).has_value());
  }
}

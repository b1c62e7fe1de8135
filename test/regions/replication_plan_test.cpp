// The replication plan: the table groups become row-filtered publications on the
// primary and one subscription per target region; bad configurations are refused; and
// the publications it makes are accepted by PostgreSQL on a migrated database, with the
// filters that keep EU rows out of every feed.
#define BOOST_TEST_MODULE replication_plan
#include <boost/test/unit_test.hpp>

#include "regions/replication_plan.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::regions;

namespace {

std::vector<region_info> three_regions() {
  return {{"us-east-1", "host=127.0.0.1 port=5441 dbname=kyb", true},
          {"us-west-2", "host=127.0.0.1 port=5442 dbname=kyb", false},
          {"eu-west-1", "host=127.0.0.1 port=5443 dbname=kyb", false}};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_seed_groups_become_publications_and_subscriptions) {
  std::string error;
  auto plan = replication_plan(three_regions(), seed_table_groups(), error);
  BOOST_REQUIRE_MESSAGE(error.empty(), error);
  // 3 publications on the primary and 3 of their heartbeat rows, then 5 subscriptions
  // (2 + 1 + 2).
  BOOST_REQUIRE_EQUAL(plan.size(), 11u);
  for (size_t i = 0; i < 6; ++i) {
    BOOST_TEST(plan[i].region == "us-east-1");
    BOOST_TEST(plan[i].object.rfind("publication pub_", 0) == 0u);
    BOOST_TEST(plan[i].create_sql.find("truncate") == std::string::npos);
    if (i % 2 == 0)
      BOOST_TEST(plan[i].create_sql.find("WHERE (region <> 'eu')") != std::string::npos);
    else // the group's heartbeat row, updates included even for an insert-only group
      BOOST_TEST(plan[i].create_sql.find("replication_heartbeats WHERE (grp = '") !=
                 std::string::npos);
  }
  BOOST_TEST(plan[0].create_sql.find("business_owners WHERE (region <> 'eu')") !=
             std::string::npos);
  BOOST_TEST(plan[4].create_sql.find("publish = 'insert',") !=
             std::string::npos); // audit
  BOOST_TEST(plan[5].object == "publication pub_audit_logs_heartbeat");
  BOOST_TEST(plan[5].create_sql.find("publish = 'insert, update'") != std::string::npos);
  BOOST_TEST(plan[6].region == "us-west-2");
  BOOST_TEST(plan[6].object == "subscription sub_businesses_us_west_2");
  BOOST_TEST(
      plan[6].create_sql.find("CONNECTION 'host=127.0.0.1 port=5441 dbname=kyb'") !=
      std::string::npos);
  BOOST_TEST(
      plan[6].create_sql.find("PUBLICATION pub_businesses, pub_businesses_heartbeat") !=
      std::string::npos);
  BOOST_TEST(plan[7].region == "eu-west-1");
  BOOST_TEST(plan[8].object == "subscription sub_risk_assessments_us_west_2");
  // risk assessments never go to the EU region.
  for (auto& s : plan)
    BOOST_TEST(!(s.region == "eu-west-1" && s.object.find("risk") != std::string::npos));
}

BOOST_AUTO_TEST_CASE(bad_configurations_are_refused_with_a_reason) {
  std::string error;
  auto groups = seed_table_groups();
  groups[0].targets.push_back("ap-south-1");
  BOOST_TEST(replication_plan(three_regions(), groups, error).empty());
  BOOST_TEST(error.find("ap-south-1") != std::string::npos, error);
  groups = seed_table_groups();
  groups[1].targets = {"us-east-1"};
  BOOST_TEST(replication_plan(three_regions(), groups, error).empty());
  BOOST_TEST(error.find("its own source") != std::string::npos, error);
  groups = seed_table_groups();
  groups[2].tables.push_back("businesses");
  BOOST_TEST(replication_plan(three_regions(), groups, error).empty());
  BOOST_TEST(error.find("two replication groups") != std::string::npos, error);
  BOOST_TEST(sql_literal("it's") == "'it''s'");
}

BOOST_AUTO_TEST_CASE(postgresql_accepts_the_publications_on_the_schema) {
  kyb::test::node_process node; // a migrated database of its own
  std::string error;
  auto plan = replication_plan(three_regions(), seed_table_groups(), error);
  // An older version's publication of the businesses group, without the tables later
  // migrations added to it: not what the plan wants (its check finds no row), and
  // given the whole list by the plan's statement.
  kyb::test::sql(node.database_url(), "CREATE PUBLICATION pub_businesses FOR TABLE "
                                      "tenants WHERE (region <> 'eu')");
  for (auto& step : plan) {
    if (step.region != "us-east-1")
      continue;
    BOOST_TEST(kyb::test::sql(node.database_url(), step.check_sql).empty());
    kyb::test::sql(node.database_url(), step.create_sql);
    BOOST_TEST(kyb::test::sql(node.database_url(), step.check_sql).size() == 1u);
  }
  auto filters = kyb::test::sql(
      node.database_url(),
      "SELECT tablename, rowfilter FROM pg_publication_tables WHERE pubname = "
      "'pub_businesses' ORDER BY tablename");
  BOOST_REQUIRE_EQUAL(filters.size(), seed_table_groups()[0].tables.size());
  for (auto& f : filters) {
    BOOST_TEST(f.at(1).find("'eu'") != std::string::npos, f.at(0) + ": " + f.at(1));
    if (f.at(0) == "tenants")
      BOOST_TEST(f.at(1).find("00000000-0000-0000-0000-000000000000") !=
                     std::string::npos,
                 f.at(1));
  }
  auto hb = kyb::test::sql(node.database_url(),
                           "SELECT rowfilter FROM pg_publication_tables WHERE pubname = "
                           "'pub_audit_logs_heartbeat'");
  BOOST_REQUIRE_EQUAL(hb.size(), 1u);
  BOOST_TEST(hb[0][0].find("'audit_logs'") != std::string::npos, hb[0][0]);
  // UPDATE and DELETE keep working on the publisher: the replica identity covers the
  // filter's column (migration 0006; without it both fail).
  auto tenant = node.make_tenant({"read", "write"});
  auto b = node.call("POST", "/v1/businesses", R"({"legal_name":"Acme","country":"US"})",
                     tenant.second);
  BOOST_REQUIRE_EQUAL(b.status, 201);
  auto id = b.json()["id"].get<std::string>();
  BOOST_TEST(node.call("PATCH", "/v1/businesses/" + id, R"({"legal_name":"Acme 2"})",
                       tenant.second)
                 .status == 200);
  BOOST_TEST(node.call("DELETE", "/v1/businesses/" + id, "", tenant.second).status ==
             200);
}

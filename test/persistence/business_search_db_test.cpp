// kyb_business_search (migration 0019) on the real server, in a scratch database with
// every migration applied: names matched through the stored tsvector, relevance over the
// newest p_candidates matches, the tenant's own businesses only, deleted ones never, and
// an exact tax id hash always among the results.
#define BOOST_TEST_MODULE business_search_db
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "persistence/migrator.hpp"
#include "runtime/error.hpp"
#include "test/persistence/test_support.hpp"

using namespace kyb;

namespace {

const std::string tenant_a = "00000000-0000-0000-0000-00000000000a";
const std::string tenant_b = "00000000-0000-0000-0000-00000000000b";

struct search_fixture {
  test::scratch_database db{"kyb_ptest_search"};
  int next = 0;

  search_fixture() {
    auto applied = persistence::migrator(db.url()).run();
    BOOST_REQUIRE_MESSAGE(applied, "migrations: " + kyb::detail_of(applied.error()));
    for (auto& t : {tenant_a, tenant_b})
      test::sql(db.url(),
                "INSERT INTO tenants (id, region, name, created_at, updated_at) "
                "VALUES ('" +
                    t + "', 'us', 'search test', now(), now())");
  }

  /// A business of `tenant` made `age_days` ago; its id is "...<n>" in creation order.
  std::string business(const std::string& tenant, const std::string& legal,
                       const std::string& dba, int age_days,
                       const std::string& tax_hash = "") {
    char id[40];
    std::snprintf(id, sizeof id, "10000000-0000-0000-0000-%012d", ++next);
    test::sql(
        db.url(),
        "INSERT INTO businesses (id, tenant_id, region, legal_name, dba_name, tax_id, "
        "tax_id_encrypted, country, created_at, updated_at) VALUES ('" +
            std::string(id) + "', '" + tenant + "', 'us', '" + legal + "', " +
            (dba.empty() ? "NULL" : "'" + dba + "'") + ", " +
            (tax_hash.empty() ? "NULL, NULL" : "'" + tax_hash + "', '\\x00'") +
            ", 'US', now() - interval '" + std::to_string(age_days) + " days', now())");
    return id;
  }

  /// The ids kyb_business_search answers, best first.
  std::vector<std::string> search(const std::string& tenant, const std::string& text,
                                  int limit, int candidates,
                                  const std::string& tax_hash = "") {
    std::vector<std::string> out;
    for (auto& row : test::sql(
             db.url(),
             "SELECT business_id FROM kyb_business_search('" + tenant + "', '" + text +
                 "', " + (tax_hash.empty() ? "NULL" : "'" + tax_hash + "'") + ", " +
                 std::to_string(limit) + ", " + std::to_string(candidates) + ")"))
      out.push_back(*row.at(0));
    return out;
  }
};

using ids = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_CASE(matches_rank_then_newest_first, search_fixture) {
  auto twice = business(tenant_a, "Harbor Pizza LLC", "Harbor Pizza", 30); // oldest
  auto old = business(tenant_a, "Blue Pizza Inc", "", 20);
  auto mid = business(tenant_a, "Pizza Corner Ltd", "", 10);
  auto young = business(tenant_a, "Red Pizza Co", "", 1);
  business(tenant_a, "Harbor Plumbing LLC", "", 5);
  // The name that says it twice ranks first; equal ranks come newest first.
  BOOST_TEST(search(tenant_a, "pizza", 50, 500) == (ids{twice, young, mid, old}),
             boost::test_tools::per_element());
  // Two words: both must match (plainto_tsquery), stems too ("pizzas").
  BOOST_TEST(search(tenant_a, "harbor pizzas", 50, 500) == ids{twice},
             boost::test_tools::per_element());
  BOOST_TEST(search(tenant_a, "pizza", 2, 500) == (ids{twice, young}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(relevance_covers_the_newest_candidates_only, search_fixture) {
  auto twice = business(tenant_a, "Harbor Pizza LLC", "Harbor Pizza", 30); // oldest
  auto old = business(tenant_a, "Blue Pizza Inc", "", 20);
  auto mid = business(tenant_a, "Pizza Corner Ltd", "", 10);
  auto young = business(tenant_a, "Red Pizza Co", "", 1);
  // Three candidates: the oldest match is not among them, whatever its rank.
  BOOST_TEST(search(tenant_a, "pizza", 50, 3) == (ids{young, mid, old}),
             boost::test_tools::per_element());
  BOOST_TEST(search(tenant_a, "pizza", 50, 4).front() == twice);
}

BOOST_FIXTURE_TEST_CASE(a_tenant_sees_its_own_live_businesses_only, search_fixture) {
  auto mine = business(tenant_a, "Acme Widgets LLC", "", 3);
  auto gone = business(tenant_a, "Acme Tools LLC", "", 2);
  auto theirs = business(tenant_b, "Acme Foods LLC", "", 1);
  test::sql(db.url(),
            "UPDATE businesses SET deleted_at = now() WHERE id = '" + gone + "'");
  BOOST_TEST(search(tenant_a, "acme", 50, 500) == ids{mine},
             boost::test_tools::per_element());
  BOOST_TEST(search(tenant_b, "acme", 50, 500) == ids{theirs},
             boost::test_tools::per_element());
  BOOST_TEST(search(tenant_a, "zzzz", 50, 500).empty());
}

BOOST_FIXTURE_TEST_CASE(an_exact_tax_id_is_always_found, search_fixture) {
  std::string hash(64, 'a');
  auto taxed = business(tenant_a, "Orion Shipping Holdings", "", 40, hash);
  auto named = business(tenant_a, "Pizza Corner Ltd", "", 1);
  // By tax id alone (no text), and beside name matches (rank 0: after them).
  BOOST_TEST(search(tenant_a, "", 50, 500, hash) == ids{taxed},
             boost::test_tools::per_element());
  BOOST_TEST(search(tenant_a, "pizza", 50, 500, hash) == (ids{named, taxed}),
             boost::test_tools::per_element());
  // Another tenant's tax id hash finds nothing of this one.
  BOOST_TEST(search(tenant_b, "", 50, 500, hash).empty());
}

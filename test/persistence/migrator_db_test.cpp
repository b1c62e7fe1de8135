// The migrator against the real server, each test in a scratch database of its own, with
// the test migrations under test/persistence/migrations/.
#define BOOST_TEST_MODULE persistence_migrator_db
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

#include "persistence/migrator.hpp"
#include "persistence/pg_error.hpp"
#include "runtime/base/crypto.hpp"
#include "test_support.hpp"

using namespace kyb;
using namespace kyb::persistence;

namespace {

std::vector<migration> load(const std::string& set) {
  auto ms = load_migrations(std::string{KYB_TEST_MIGRATIONS} + "/" + set);
  BOOST_REQUIRE_MESSAGE(ms, test::why(ms));
  return *ms;
}

struct migrator_fixture {
  test::scratch_database db{"kyb_ptest_mig"};

  std::string value(const std::string& sql) { return test::sql_value(db.url(), sql); }
  std::string applied() {
    return value("SELECT string_agg(version::text || ':' || name, ',' ORDER BY version) "
                 "FROM schema_migrations");
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Runs `n` migrators of `set` at once (nodes starting together); each must succeed.
/// Returns how many versions they applied in all.
size_t run_together(const std::string& url, const std::vector<migration>& set, int n) {
  std::vector<std::future<caf::expected<std::vector<int>>>> runs;
  for (int i = 0; i < n; ++i)
    runs.push_back(std::async(std::launch::async, [&] {
      return migrator{url, set}.run();
    }));
  size_t applied_versions = 0;
  for (auto& f : runs) {
    auto r = f.get();
    BOOST_REQUIRE_MESSAGE(r, test::why(r));
    applied_versions += r->size();
  }
  return applied_versions;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(applies_in_order_and_is_idempotent, migrator_fixture) {
  migrator m{db.url(), load("basic")};
  auto before = m.status();
  BOOST_REQUIRE_MESSAGE(before, test::why(before));
  BOOST_TEST(before->latest_applied == 0);
  BOOST_TEST(before->latest_known == 2);
  BOOST_TEST(before->pending == (std::vector<int>{1, 2}));
  BOOST_TEST(!before->up_to_date());
  auto done = m.run();
  BOOST_REQUIRE_MESSAGE(done, test::why(done));
  BOOST_TEST(*done == (std::vector<int>{1, 2}));
  BOOST_TEST(value("SELECT name || '/' || color FROM widgets") == "first/red");
  BOOST_TEST(applied() == "1:create_widgets,2:add_color");
  BOOST_TEST(value("SELECT checksum FROM schema_migrations WHERE version = 1") ==
             m.migrations()[0].checksum());
  BOOST_TEST(value("SELECT count(*) FROM schema_migrations WHERE applied_at IS NULL") ==
             "0");
  auto again = m.run();
  BOOST_REQUIRE(again);
  BOOST_TEST(again->empty());
  BOOST_TEST(value("SELECT count(*) FROM widgets") == "1");
  auto after = m.status();
  BOOST_REQUIRE(after);
  BOOST_TEST(after->up_to_date());
  BOOST_TEST(after->latest_applied == 2);
  BOOST_TEST(after->to_string() == "applied 2 of 2");
  // A newer binary applied a version this one does not know: not an error.
  migrator older_binary{db.url(), {load("basic")[0]}};
  auto older = older_binary.status();
  BOOST_REQUIRE(older);
  BOOST_TEST(older->up_to_date());
  BOOST_TEST(older->unknown_applied == std::vector<int>{2});
  BOOST_TEST(older_binary.run().engaged());
}

BOOST_FIXTURE_TEST_CASE(a_changed_migration_is_refused, migrator_fixture) {
  auto set = load("basic");
  BOOST_REQUIRE((migrator{db.url(), set}.run()));
  set[0].sql += "\n-- an innocent-looking edit\n";
  set.push_back(migration{3, "more", "CREATE TABLE more (id int);", {}});
  auto r = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::conflict));
  BOOST_TEST(contains(detail_of(r.error()), "0001_create_widgets.sql"),
             detail_of(r.error()));
  BOOST_TEST(contains(detail_of(r.error()), "was changed after it was applied"));
  // Nothing after the refusal ran.
  BOOST_TEST(value("SELECT to_regclass('more') IS NULL") == "t");
  BOOST_TEST(applied() == "1:create_widgets,2:add_color");
}

BOOST_FIXTURE_TEST_CASE(a_failing_migration_leaves_nothing_behind, migrator_fixture) {
  auto set = load("failing");
  auto r = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!r);
  auto text = detail_of(r.error());
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST((code_of(r.error()) == errc::db_error));
  BOOST_TEST(sqlstate_of(r.error()) == "22012");
  BOOST_TEST(contains(text, "migration 0002_broken.sql failed"), text);
  BOOST_TEST(contains(text, "SQLSTATE 22012: division by zero"), text);
  // 0001 is applied (its own transaction); nothing of 0002 remains.
  BOOST_TEST(applied() == "1:create_widgets");
  BOOST_TEST(value("SELECT to_regclass('gadgets') IS NULL") == "t");
  BOOST_TEST(value("SELECT name FROM widgets") == "first");
  auto status = migrator{db.url(), set}.status();
  BOOST_REQUIRE(status);
  BOOST_TEST(status->pending == std::vector<int>{2});
  // A syntax error names its line.
  set[1].sql = "CREATE TABLE gadgets (id int PRIMARY KEY);\n\nSELEC 1;\n";
  auto syntax = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!syntax);
  BOOST_TEST(contains(detail_of(syntax.error()), "0002_broken.sql failed at line 3"),
             detail_of(syntax.error()));
  BOOST_TEST(sqlstate_of(syntax.error()) == "42601");
  // Fixed, it applies.
  set[1].sql = "CREATE TABLE gadgets (id int PRIMARY KEY);";
  auto fixed = migrator{db.url(), set}.run();
  BOOST_REQUIRE_MESSAGE(fixed, test::why(fixed));
  BOOST_TEST(*fixed == std::vector<int>{2});
}

BOOST_FIXTURE_TEST_CASE(no_transaction_files_run_statement_by_statement,
                        migrator_fixture) {
  auto set = load("no_transaction");
  BOOST_TEST(!set[0].no_transaction());
  BOOST_TEST(set[1].no_transaction());
  auto r = migrator{db.url(), set}.run();
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  BOOST_TEST(*r == (std::vector<int>{1, 2}));
  BOOST_TEST(
      value("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname IN ('events_kind_idx', 'events_at_idx') "
            "AND i.indisvalid") == "2");
  // CONCURRENTLY in an ordinary (transactional) file fails and says why.
  set.push_back(
      migration{3,
                "bad_concurrently",
                "CREATE INDEX CONCURRENTLY events_id_kind ON events (id, kind);",
                {}});
  auto in_tx = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!in_tx);
  BOOST_TEST(sqlstate_of(in_tx.error()) == "25001");
  BOOST_TEST(contains(detail_of(in_tx.error()), "cannot run inside a transaction block"));
  // A no-transaction file failing part-way: the error names the statement and line; the
  // version is not recorded; the fixed file completes on the next run.
  set[2] = migration{
      3,
      "index_more",
      "-- kyb:no-transaction\n"
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_id_kind ON events (id, kind);\n"
      "CREATE INDEX CONCURRENTLY\n  bad_idx ON events USING (kind);\n",
      {}};
  auto part = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!part);
  auto text = detail_of(part.error());
  BOOST_TEST(sqlstate_of(part.error()) == "42601");
  BOOST_TEST(contains(text, "0003_index_more.sql failed at line 4"), text);
  BOOST_TEST(contains(text, "statement 2 of 2"), text);
  BOOST_TEST(applied() == "1:create_events,2:index_events");
  set[2].sql =
      "-- kyb:no-transaction\n"
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_id_kind ON events (id, kind);\n";
  auto done = migrator{db.url(), set}.run();
  BOOST_REQUIRE_MESSAGE(done, test::why(done));
  BOOST_TEST(*done == std::vector<int>{3});
}

BOOST_FIXTURE_TEST_CASE(concurrent_migrators_apply_each_version_once, migrator_fixture) {
  std::vector<migration> set{
      {1, "slow_create", "SELECT pg_sleep(0.3); CREATE TABLE once_only (id int);", {}},
      {2, "fill", "INSERT INTO once_only VALUES (2);", {}},
  };
  BOOST_TEST(run_together(db.url(), set, 4) == 2u);
  BOOST_TEST(value("SELECT count(*) FROM once_only") == "1");
  BOOST_TEST(applied() == "1:slow_create,2:fill");
}

// Nodes starting together on a database whose next migration builds an index
// concurrently: the others wait for the lock while the first runs CREATE INDEX
// CONCURRENTLY, which waits for every open transaction. A waiter blocked inside a
// statement would hold one open: a deadlock, and one node failing to start.
BOOST_FIXTURE_TEST_CASE(concurrent_migrators_wait_out_an_index_built_concurrently,
                        migrator_fixture) {
  std::vector<migration> set{
      {1,
       "slow_create",
       "SELECT pg_sleep(0.3); CREATE TABLE ev (id int); "
       "INSERT INTO ev SELECT generate_series(1, 1000);",
       {}},
      {2,
       "index_ev",
       "-- kyb:no-transaction\n"
       "SELECT pg_sleep(0.5);\n"
       "CREATE INDEX CONCURRENTLY IF NOT EXISTS ev_id ON ev (id);\n",
       {}},
  };
  BOOST_TEST(run_together(db.url(), set, 3) == 2u);
  BOOST_TEST(value("SELECT count(*) FROM pg_indexes WHERE indexname = 'ev_id'") == "1");
  BOOST_TEST(applied() == "1:slow_create,2:index_ev");
}

BOOST_FIXTURE_TEST_CASE(an_older_pending_migration_is_refused, migrator_fixture) {
  std::vector<migration> set{{1, "a", "CREATE TABLE a (id int);", {}},
                             {3, "c", "CREATE TABLE c (id int);", {}}};
  BOOST_REQUIRE((migrator{db.url(), set}.run()));
  set.push_back({2, "b", "CREATE TABLE b (id int);", {}});
  auto r = migrator{db.url(), set}.run();
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::conflict));
  BOOST_TEST(contains(detail_of(r.error()), "0002_b.sql"), detail_of(r.error()));
  BOOST_TEST(value("SELECT to_regclass('b') IS NULL") == "t");
  std::vector<migration> dup{{1, "a", "SELECT 1", {}}, {1, "b", "SELECT 1", {}}};
  auto d = migrator{db.url(), dup}.run();
  BOOST_REQUIRE(!d);
  BOOST_TEST(contains(detail_of(d.error()), "have the same version"));
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_is_unavailable) {
  migrator_options opts;
  opts.connect_timeout = std::chrono::milliseconds{1000};
  migrator m{"postgresql://postgres@127.0.0.1:1/kyb", {}, opts};
  auto r = m.run();
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::unavailable));
  auto s = m.status();
  BOOST_REQUIRE(!s);
  BOOST_TEST((code_of(s.error()) == errc::unavailable));
}

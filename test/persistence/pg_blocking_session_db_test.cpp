// The blocking session of the migrator and the region procedures: rows as text, errors
// as values (a refused statement with its SQLSTATE, an unreachable server or a broken
// connection as a connection error), reconnecting on the next call, and bad input (no
// URL) refused before libpq sees it.
#define BOOST_TEST_MODULE pg_blocking_session
#include <boost/test/unit_test.hpp>

#include "persistence/pg_blocking_session.hpp"
#include "persistence/pg_error.hpp"
#include "test/persistence/test_support.hpp"

using namespace kyb;
using persistence::pg_blocking_options;
using persistence::pg_blocking_session;

BOOST_AUTO_TEST_CASE(rows_come_back_as_text_with_null_as_empty) {
  test::scratch_database db{"kyb_ptest_bs"};
  pg_blocking_options o;
  o.setup_sql = "SET TimeZone = 'UTC'";
  pg_blocking_session s(db.url(), o);
  auto rows = s.query("SELECT 1, NULL::text, 'it''s' UNION ALL SELECT 2, 'x', ''");
  BOOST_REQUIRE_MESSAGE(rows, detail_of(rows.error()));
  BOOST_REQUIRE_EQUAL(rows->size(), 2u);
  BOOST_TEST((*rows)[0][0] == "1");
  BOOST_TEST((*rows)[0][1] == "");
  BOOST_TEST((*rows)[0][2] == "it's");
  BOOST_TEST(*s.scalar("SHOW TimeZone") == "UTC"); // the setup ran
  BOOST_TEST(*s.scalar("SELECT 1 WHERE false") == "");
  BOOST_TEST(!s.exec("CREATE TABLE t (id int PRIMARY KEY)"));
  BOOST_TEST(*s.scalar("SELECT " + persistence::sql_literal("a'b")) == "a'b");
  BOOST_TEST(
      !s.exec("CREATE TABLE " + persistence::sql_identifier("we\"ird") + " (x int)"));
}

BOOST_AUTO_TEST_CASE(a_refused_statement_names_its_sqlstate_and_keeps_the_session) {
  test::scratch_database db{"kyb_ptest_bs"};
  pg_blocking_options o;
  o.label = "us-east-1";
  pg_blocking_session s(db.url(), o);
  auto r = s.query("SELECT * FROM no_such_table");
  BOOST_REQUIRE(!r);
  BOOST_TEST(kyb::sqlstate_of(r.error()) == "42P01");
  BOOST_TEST(detail_of(r.error()).rfind("us-east-1: ", 0) == 0u, detail_of(r.error()));
  BOOST_TEST(!persistence::is_connection_error(r.error()));
  BOOST_TEST(s.connected());
  BOOST_TEST(!s.exec("CREATE TABLE u (id int PRIMARY KEY)"));
  BOOST_TEST(!s.exec("INSERT INTO u VALUES (1)"));
  auto dup = s.exec("INSERT INTO u VALUES (1)");
  BOOST_TEST((code_of(dup) == errc::conflict), detail_of(dup));
}

BOOST_AUTO_TEST_CASE(
    a_broken_connection_is_a_connection_error_and_the_next_call_reconnects) {
  test::scratch_database db{"kyb_ptest_bs"};
  pg_blocking_session s(db.url());
  auto pid = s.scalar("SELECT pg_backend_pid()");
  BOOST_REQUIRE(pid);
  pg_blocking_session killer(db.url());
  BOOST_REQUIRE(!killer.exec("SELECT pg_terminate_backend(" + *pid + ")"));
  auto lost = s.query("SELECT 1");
  BOOST_REQUIRE(!lost);
  BOOST_TEST(persistence::is_connection_error(lost.error()), detail_of(lost.error()));
  BOOST_TEST(!s.connected());
  auto again = s.scalar("SELECT 2");
  BOOST_REQUIRE_MESSAGE(again, detail_of(again.error()));
  BOOST_TEST(*again == "2");
}

BOOST_AUTO_TEST_CASE(bad_input_and_unreachable_servers_are_errors) {
  pg_blocking_options o;
  o.label = "eu-west-1";
  pg_blocking_session none("", o);
  auto r = none.query("SELECT 1");
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::invalid_argument));
  BOOST_TEST(detail_of(r.error()).find("eu-west-1") != std::string::npos);
  o.connect_timeout = std::chrono::milliseconds(300);
  pg_blocking_session down("postgresql://postgres@127.0.0.1:1/kyb", o);
  auto err = down.connect();
  BOOST_TEST(persistence::is_connection_error(err), detail_of(err));
  BOOST_TEST(detail_of(err).find("cannot connect") != std::string::npos);
  pg_blocking_session bad("postgresql://postgres@127.0.0.1:1/kyb?sslmode=nonsense", o);
  BOOST_TEST((code_of(bad.connect()) == errc::unavailable));
  // The setup failing fails the connect.
  test::scratch_database db{"kyb_ptest_bs"};
  pg_blocking_options setup;
  setup.setup_sql = "SET no_such_setting = 1";
  pg_blocking_session s(db.url(), setup);
  BOOST_TEST(static_cast<bool>(s.connect()));
  BOOST_TEST(!s.connected());
}

BOOST_AUTO_TEST_CASE(libpq_counts_whole_seconds_rounded_up) {
  using std::chrono::milliseconds;
  BOOST_TEST(persistence::connect_timeout_seconds(milliseconds(0)) == "1");
  BOOST_TEST(persistence::connect_timeout_seconds(milliseconds(300)) == "1");
  BOOST_TEST(persistence::connect_timeout_seconds(milliseconds(1000)) == "1");
  BOOST_TEST(persistence::connect_timeout_seconds(milliseconds(1001)) == "2");
  BOOST_TEST(persistence::connect_timeout_seconds(milliseconds(5000)) == "5");
  BOOST_TEST(persistence::libpq_message("FATAL:  no\nDETAIL:  x\n \n") ==
             "FATAL:  no DETAIL:  x");
  BOOST_TEST(persistence::libpq_message(nullptr) == "");
}

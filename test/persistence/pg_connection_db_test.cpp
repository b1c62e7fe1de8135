// The PostgreSQL connection actors against the real server: pipelining, transactions,
// error mapping, values, COPY, overload, and losing the server.
#define BOOST_TEST_MODULE persistence_pg_db
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>

#include <caf/all.hpp>

#include "persistence/io_watcher.hpp"
#include "persistence/pg_error.hpp"
#include "persistence/pg_finisher.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/statement_catalog.hpp"
#include "runtime/base/metrics.hpp"
#include "test_support.hpp"

using namespace kyb;
using namespace kyb::persistence;
using namespace std::chrono_literals;
using rows_t = std::vector<pg_rows>;

namespace {

const char* schema = R"sql(
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty int CHECK (qty >= 0),
                    data bytea, note text);
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY, parent int NOT NULL REFERENCES parents (id));
CREATE TABLE loads (id bigint PRIMARY KEY, name text NOT NULL, amount numeric NOT NULL);
CREATE FUNCTION raise_conflict(what text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% changed', what USING ERRCODE = 'KY409';
END $$;
INSERT INTO parents VALUES (1);
)sql";

std::shared_ptr<const statement_catalog> test_catalog() {
  return std::make_shared<const statement_catalog>(statement_catalog{
      {"insert_item",
       "INSERT INTO items (id, name, qty, data, note) VALUES ($1, $2, $3, $4, $5)"},
      {"get_item", "SELECT id, name, qty, data, note FROM items WHERE id = $1"},
      {"set_qty", "UPDATE items SET qty = $2 WHERE id = $1"},
      {"insert_child", "INSERT INTO children (id, parent) VALUES ($1, $2)"},
      {"sleep", "SELECT pg_sleep($1::float8)"},
      {"divide", "SELECT 100 / $1::int AS q"},
      {"raise_conflict", "SELECT raise_conflict($1)"},
      {"backend_pid", "SELECT pg_backend_pid()"},
      {"settings",
       "SELECT current_setting('statement_timeout'), current_setting('TimeZone'), "
       "current_setting('application_name')"},
      {"copy_loads", "COPY loads (id, name, amount) FROM STDIN"},
      {"copy_loads_csv", "COPY loads (id, name, amount) FROM STDIN WITH (FORMAT csv)"},
  });
}

pg_statement insert(int64_t id, pg_value name = pg_param("n"),
                    pg_value qty = pg_param(1)) {
  return {"insert_item",
          {pg_param(id), std::move(name), std::move(qty), pg_null(), pg_null()}};
}

pg_batch batch(std::vector<pg_statement> statements) {
  return pg_batch{std::move(statements)};
}

struct pg_fixture : test::actor_system_fixture {
  test::scratch_database db{"kyb_ptest_pg"};
  std::shared_ptr<io_watcher> watcher;
  caf::scoped_actor self{sys};
  std::string app = "kyb_ptest_" + test::unique_suffix();

  pg_fixture() {
    auto w = io_watcher::make();
    BOOST_REQUIRE(w);
    watcher = *w;
    test::sql(db.url(), schema);
  }

  pg_connection_options options() const {
    pg_connection_options opts;
    opts.url = db.url();
    opts.application_name = app;
    opts.connect_timeout = 2s;
    opts.statement_timeout = 1000ms;
    opts.reconnect_backoff_max = 200ms;
    opts.pipeline_max_statements = 500;
    return opts;
  }

  pg_pool make_pool(size_t n, pg_connection_options opts) {
    auto pool = pg_pool::spawn(sys, std::move(opts), n, test_catalog(), watcher);
    BOOST_REQUIRE_MESSAGE(pool.wait_connected(n, 10s), "the pool did not connect");
    return pool;
  }
  pg_pool make_pool(size_t n) { return make_pool(n, options()); }

  caf::expected<rows_t> run(const pg_connection_actor& conn, pg_batch b) {
    return test::call<rows_t>(self, conn, 30s, std::move(b));
  }

  std::string count(const std::string& where) {
    return test::sql_value(db.url(), "SELECT count(*) FROM items WHERE " + where);
  }
};

void require_error(const caf::expected<rows_t>& r, errc code,
                   const std::string& sqlstate) {
  BOOST_REQUIRE_MESSAGE(!r, "expected an error");
  BOOST_TEST_INFO("error: " << detail_of(r.error()));
  BOOST_TEST(to_string(code_of(r.error())) == to_string(code));
  BOOST_TEST(sqlstate_of(r.error()) == sqlstate);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(sessions_are_set_up_and_pingable, pg_fixture) {
  auto pool = make_pool(2);
  BOOST_TEST(pool.connected_count() == 2u);
  BOOST_TEST(pool.connects() == 2u);
  for (auto& conn : pool.connections()) {
    auto r = run(conn, batch({{"settings", {}}}));
    BOOST_REQUIRE_MESSAGE(r, test::why(r));
    BOOST_TEST((*r)[0].rows.at(0).at(0) == pg_value{"1s"});
    BOOST_TEST((*r)[0].rows.at(0).at(1) == pg_value{"UTC"});
    BOOST_TEST((*r)[0].rows.at(0).at(2) == pg_value{app});
    auto pong = test::call<ok_atom>(self, conn, 5s, ping_atom::value);
    BOOST_TEST(pong.engaged());
  }
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM pg_stat_activity WHERE "
                                       "application_name = '" +
                                           app + "'") == "2");
  auto empty = run(pool.pick(), batch({}));
  BOOST_REQUIRE(empty);
  BOOST_TEST(empty->empty());
}

BOOST_FIXTURE_TEST_CASE(thousands_of_batches_in_flight, pg_fixture) {
  auto pool = make_pool(4);
  constexpr int batches = 4000;
  constexpr int per_batch = 3;
  auto start = std::chrono::steady_clock::now();
  std::vector<decltype(self->request(pool.pick(), 30s, pg_batch{}))> handles;
  handles.reserve(batches);
  for (int b = 0; b < batches; ++b) {
    std::vector<pg_statement> stmts;
    for (int k = 0; k < per_batch; ++k)
      stmts.push_back(insert(b * per_batch + k));
    handles.push_back(self->request(pool.pick(), 30s, batch(std::move(stmts))));
  }
  int ok = 0;
  std::vector<std::string> errors;
  for (auto& h : handles)
    h.receive(
        [&](rows_t& r) {
          if (r.size() == per_batch && r[0].affected == 1 && r[2].affected == 1)
            ++ok;
          else
            errors.push_back("bad reply");
        },
        [&](caf::error& err) { errors.push_back(detail_of(err)); });
  auto secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(batches << " batches (" << batches * per_batch << " rows) in "
                             << secs << " s");
  BOOST_TEST(ok == batches);
  BOOST_TEST(errors.empty(), (errors.empty() ? "" : errors.front()));
  BOOST_TEST(count("true") == std::to_string(batches * per_batch));
  auto metrics = base::metrics_registry::global().expose();
  BOOST_TEST(metrics.find("kyb_db_batches_total{outcome=\"ok\"}") != std::string::npos);
  BOOST_TEST(metrics.find("kyb_db_connections{state=\"up\"}") != std::string::npos);
  BOOST_TEST(metrics.find("kyb_db_batch_duration_seconds_bucket") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_failing_statement_rolls_back_its_batch_only, pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  // Three batches in the pipeline at once; the middle one fails on its second statement.
  auto a = self->request(conn, 30s, batch({insert(1), insert(2)}));
  auto b = self->request(conn, 30s, batch({insert(3), insert(1), insert(4)}));
  auto c = self->request(conn, 30s, batch({insert(5)}));
  caf::expected<rows_t> ra{caf::error{}}, rb{caf::error{}}, rc{caf::error{}};
  auto into = [](caf::expected<rows_t>& out) {
    return std::make_pair([&out](rows_t& r) { out = std::move(r); },
                          [&out](caf::error& e) { out = std::move(e); });
  };
  auto [a_ok, a_err] = into(ra);
  a.receive(a_ok, a_err);
  auto [b_ok, b_err] = into(rb);
  b.receive(b_ok, b_err);
  auto [c_ok, c_err] = into(rc);
  c.receive(c_ok, c_err);
  BOOST_TEST(ra.engaged());
  require_error(rb, errc::conflict, "23505");
  BOOST_TEST(*statement_index_of(rb.error()) == 1u);
  BOOST_TEST(constraint_of(rb.error()) == "items_pkey");
  BOOST_TEST(detail_of(rb.error()).find("statement 1 (insert_item) failed") !=
             std::string::npos);
  BOOST_TEST(rc.engaged());
  BOOST_TEST(count("id IN (1, 2, 5)") == "3");
  BOOST_TEST(count("id IN (3, 4)") == "0");
  // An update earlier in a batch is undone when a later statement fails.
  auto r = run(conn, batch({{"set_qty", {pg_param(1), pg_param(50)}},
                            {"insert_child", {pg_param(10), pg_param(999)}}}));
  require_error(r, errc::invalid_argument, "23503");
  BOOST_TEST(test::sql_value(db.url(), "SELECT qty FROM items WHERE id = 1") == "1");
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM children") == "0");
}

// For each get_item of a batch, inserts item id + 100 whose qty is the row's qty + 1
// (read inside the transaction); an id of 0 makes the second part fail.
struct copy_plus_one final : pg_finisher {
  bool wants(const pg_batch& b) const override {
    for (auto& st : b.statements)
      if (st.name == "get_item")
        return true;
    return false;
  }
  caf::expected<std::vector<pg_statement>>
  finish(const pg_batch& b, const std::vector<pg_rows>& results) const override {
    std::vector<pg_statement> out;
    for (size_t i = 0; i < b.statements.size(); ++i) {
      if (b.statements[i].name != "get_item" || results.at(i).rows.empty())
        continue;
      auto& row = results[i].rows[0];
      auto id = std::stoll(*row[0]);
      out.push_back(insert(id == 7 ? 1 : id + 100, pg_param("copy"),
                           pg_param(std::stoll(*row[2]) + 1)));
    }
    return out;
  }
};

BOOST_FIXTURE_TEST_CASE(a_finisher_completes_its_batch_in_the_same_transaction,
                        pg_fixture) {
  auto opts = options();
  opts.finisher = std::make_shared<copy_plus_one>();
  auto pool = make_pool(1, opts);
  auto conn = pool.pick();
  BOOST_REQUIRE(run(conn, batch({insert(1, pg_param("a"), pg_param(5)),
                                 insert(7, pg_param("b"), pg_param(1))})));
  // Batches before and after one that a finisher completes, all pipelined at once.
  auto a = self->request(conn, 30s, batch({insert(2)}));
  auto b = self->request(
      conn, 30s,
      batch({{"set_qty", {pg_param(1), pg_param(9)}}, {"get_item", {pg_param(1)}}}));
  auto c = self->request(conn, 30s, batch({insert(3)}));
  caf::expected<rows_t> rb{caf::error{}};
  int ok = 0;
  a.receive([&](rows_t&) { ++ok; }, [](caf::error& e) { BOOST_FAIL(detail_of(e)); });
  b.receive([&](rows_t& r) { rb = std::move(r); },
            [&](caf::error& e) { rb = std::move(e); });
  c.receive([&](rows_t&) { ++ok; }, [](caf::error& e) { BOOST_FAIL(detail_of(e)); });
  BOOST_REQUIRE_MESSAGE(rb, test::why(rb));
  BOOST_TEST(ok == 2);
  BOOST_TEST(rb->size() == 2u); // the batch's own statements only
  BOOST_TEST((*rb)[1].rows.at(0)[2].value_or("") == "9");
  BOOST_TEST(test::sql_value(db.url(), "SELECT qty FROM items WHERE id = 101") == "10");
  // A failing second part (item 7 copies onto id 1) rolls back the first part too, and
  // the connection goes on.
  auto bad =
      run(conn,
          batch({{"set_qty", {pg_param(7), pg_param(3)}}, {"get_item", {pg_param(7)}}}));
  require_error(bad, errc::conflict, "23505");
  BOOST_TEST(test::sql_value(db.url(), "SELECT qty FROM items WHERE id = 7") == "1");
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM items WHERE id = 107") ==
             "0");
  // A failing first part as well.
  auto bad1 = run(conn, batch({{"get_item", {pg_param(1)}}, insert(2)}));
  require_error(bad1, errc::conflict, "23505");
  BOOST_TEST(*statement_index_of(bad1.error()) == 1u);
  BOOST_REQUIRE(run(conn, batch({insert(4)})));
  BOOST_TEST(count("id IN (1, 2, 3, 4, 7, 101)") == "6");
}

BOOST_FIXTURE_TEST_CASE(sqlstates_become_error_codes, pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  BOOST_REQUIRE(run(conn, batch({insert(1)})));
  require_error(run(conn, batch({insert(2, pg_param("n"), pg_param(-1))})),
                errc::invalid_argument, "23514");
  require_error(run(conn, batch({{"insert_child", {pg_param(1), pg_param(42)}}})),
                errc::invalid_argument, "23503");
  require_error(run(conn, batch({insert(3, pg_null())})), errc::invalid_argument,
                "23502");
  require_error(run(conn, batch({{"divide", {pg_param(0)}}})), errc::invalid_argument,
                "22012");
  require_error(run(conn, batch({{"get_item", {pg_param("abc")}}})),
                errc::invalid_argument, "22P02");
  require_error(run(conn, batch({{"raise_conflict", {pg_param("business 7")}}})),
                errc::conflict, "KY409");
  auto slow = run(conn, batch({{"sleep", {pg_param(3)}}}));
  require_error(slow, errc::timeout, "57014");
  auto fine = run(conn, batch({{"divide", {pg_param(4)}}}));
  BOOST_REQUIRE(fine);
  BOOST_TEST((*fine)[0].columns == std::vector<std::string>{"q"});
  BOOST_TEST((*fine)[0].rows.at(0).at(0) == pg_value{"25"});
}

BOOST_FIXTURE_TEST_CASE(bad_requests_fail_without_reaching_the_server, pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  auto unknown = run(conn, batch({insert(1), {"no_such_statement", {}}}));
  BOOST_REQUIRE(!unknown);
  BOOST_TEST((code_of(unknown.error()) == errc::internal));
  BOOST_TEST(detail_of(unknown.error())
                 .find("statement 1: unknown prepared statement "
                       "'no_such_statement'") != std::string::npos);
  auto arity = run(conn, batch({{"get_item", {pg_param(1), pg_param(2)}}}));
  BOOST_REQUIRE(!arity);
  BOOST_TEST((code_of(arity.error()) == errc::internal));
  BOOST_TEST(detail_of(arity.error()).find("takes 1 parameters, got 2") !=
             std::string::npos);
  auto copy_in_batch = run(conn, batch({{"copy_loads", {}}}));
  BOOST_REQUIRE(!copy_in_batch);
  BOOST_TEST((code_of(copy_in_batch.error()) == errc::internal));
  auto not_copy = test::call<uint64_t>(self, conn, 5s, pg_copy{"get_item", {"1\n"}});
  BOOST_REQUIRE(!not_copy);
  BOOST_TEST((code_of(not_copy.error()) == errc::internal));
  auto nul = run(conn, batch({insert(2, pg_param(std::string("a\0b", 3)))}));
  BOOST_REQUIRE(!nul);
  BOOST_TEST((code_of(nul.error()) == errc::invalid_argument));
  BOOST_TEST(count("true") == "0");
  BOOST_TEST(run(conn, batch({insert(3)})).engaged());
}

BOOST_FIXTURE_TEST_CASE(nulls_bytea_and_text_round_trip, pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  std::string name = "Zürich – 東京 'single' \"double\" \\backslash\ttab\nnewline";
  auto r = run(
      conn,
      batch({{"insert_item",
              {pg_param(1), pg_param(name), pg_null(), pg_param(bytea_param(bytes)),
               pg_null()}},
             {"insert_item",
              {pg_param(2), pg_param(""), pg_param(0), pg_param("\\x"), pg_param("")}},
             {"get_item", {pg_param(1)}},
             {"get_item", {pg_param(2)}},
             {"get_item", {pg_param(3)}},
             {"set_qty", {pg_param(1), pg_param(7)}},
             {"set_qty", {pg_param(9), pg_param(7)}}}));
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  BOOST_REQUIRE_EQUAL(r->size(), 7u);
  BOOST_TEST((*r)[0].affected == 1u);
  BOOST_TEST((*r)[0].columns.empty());
  auto& one = (*r)[2];
  BOOST_TEST(one.columns ==
             (std::vector<std::string>{"id", "name", "qty", "data", "note"}));
  BOOST_REQUIRE_EQUAL(one.rows.size(), 1u);
  BOOST_TEST(one.affected == 1u);
  BOOST_TEST((one.rows[0][0] == pg_value{"1"}));
  BOOST_TEST((one.rows[0][1] == pg_value{name}));
  BOOST_TEST(!one.rows[0][2]);
  BOOST_TEST(*parse_bytea(*one.rows[0][3]) == bytes);
  BOOST_TEST(!one.rows[0][4]);
  auto& two = (*r)[3];
  BOOST_TEST((two.rows.at(0)[1] == pg_value{""}));
  BOOST_TEST((two.rows.at(0)[2] == pg_value{"0"}));
  BOOST_TEST(*parse_bytea(*two.rows.at(0)[3]) == "");
  BOOST_TEST((two.rows.at(0)[4] == pg_value{""}));
  BOOST_TEST((*r)[4].rows.empty());
  BOOST_TEST((*r)[4].affected == 0u);
  BOOST_TEST((*r)[5].affected == 1u);
  BOOST_TEST((*r)[6].affected == 0u);
  BOOST_TEST(test::sql_value(db.url(), "SELECT length(data) FROM items WHERE id = 1") ==
             "256");
}

namespace {

std::vector<std::string> copy_chunks(int64_t first, int64_t n, size_t chunk_bytes) {
  std::vector<std::string> chunks(1);
  for (int64_t i = first; i < first + n; ++i) {
    auto& c = chunks.back();
    c += std::to_string(i);
    c += "\tname ";
    c += std::to_string(i);
    c += "\t";
    c += std::to_string(i % 1000);
    c += ".25\n";
    if (c.size() >= chunk_bytes)
      chunks.emplace_back();
  }
  return chunks;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(copy_loads_100k_rows_in_one_transaction, pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  auto chunks = copy_chunks(0, 100000, 64 * 1024);
  auto start = std::chrono::steady_clock::now();
  auto n =
      test::call<uint64_t>(self, conn, 60s, pg_copy{"copy_loads", std::move(chunks)});
  auto secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_REQUIRE_MESSAGE(n, test::why(n));
  BOOST_TEST(*n == 100000u);
  BOOST_TEST_MESSAGE("COPY of 100000 rows: " << secs << " s, " << 100000 / secs
                                             << " rows/s");
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM loads") == "100000");
  BOOST_TEST(test::sql_value(db.url(), "SELECT sum(id) FROM loads") == "4999950000");
  // A bad row fails the whole load, naming the line; nothing of it stays.
  auto bad = test::call<uint64_t>(
      self, conn, 30s,
      pg_copy{"copy_loads_csv",
              {"200000,ok,1.5\n200001,ok", ",2\n200002,bad,not-a-number\n"}});
  BOOST_REQUIRE(!bad);
  BOOST_TEST((code_of(bad.error()) == errc::invalid_argument));
  BOOST_TEST(sqlstate_of(bad.error()) == "22P02");
  BOOST_TEST(detail_of(bad.error()).find("COPY (copy_loads_csv) failed") !=
             std::string::npos);
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM loads") == "100000");
  // A duplicate key is a conflict.
  auto dup =
      test::call<uint64_t>(self, conn, 30s, pg_copy{"copy_loads_csv", {"5,x,1\n"}});
  BOOST_REQUIRE(!dup);
  BOOST_TEST((code_of(dup.error()) == errc::conflict));
  // Batches and loads interleaved on one connection all succeed, in order.
  auto b1 = self->request(conn, 30s, batch({insert(1)}));
  auto l1 = self->request(conn, 30s,
                          pg_copy{"copy_loads_csv", {"300000,a,1\n", "300001,b,2\n"}});
  auto b2 = self->request(conn, 30s, batch({insert(2), {"get_item", {pg_param(1)}}}));
  int ok = 0;
  b1.receive([&](rows_t&) { ++ok; }, [&](caf::error& e) { BOOST_ERROR(detail_of(e)); });
  l1.receive([&](uint64_t rows) { ok += rows == 2 ? 1 : 0; },
             [&](caf::error& e) { BOOST_ERROR(detail_of(e)); });
  b2.receive([&](rows_t& r) { ok += r.at(1).rows.size() == 1 ? 1 : 0; },
             [&](caf::error& e) { BOOST_ERROR(detail_of(e)); });
  BOOST_TEST(ok == 3);
  BOOST_TEST(test::sql_value(db.url(), "SELECT count(*) FROM loads") == "100002");
  auto empty = test::call<uint64_t>(self, conn, 30s, pg_copy{"copy_loads", {}});
  BOOST_REQUIRE(empty);
  BOOST_TEST(*empty == 0u);
}

BOOST_FIXTURE_TEST_CASE(excess_work_waits_then_overflows, pg_fixture) {
  auto opts = options();
  opts.pipeline_max_statements = 1;
  opts.max_queued_statements = 2;
  auto pool = make_pool(1, opts);
  auto conn = pool.pick();
  auto slow = self->request(conn, 30s, batch({{"sleep", {pg_param("0.3")}}}));
  auto q1 = self->request(conn, 30s, batch({insert(1)}));
  auto q2 = self->request(conn, 30s, batch({insert(2)}));
  auto over = self->request(conn, 30s, batch({insert(3)}));
  int ok = 0;
  std::string overflow;
  auto count_ok = [&](rows_t&) { ++ok; };
  auto fail = [&](caf::error& e) { BOOST_ERROR(detail_of(e)); };
  over.receive([&](rows_t&) { BOOST_ERROR("expected the queue to be full"); },
               [&](caf::error& e) {
                 BOOST_TEST((code_of(e) == errc::unavailable));
                 overflow = detail_of(e);
               });
  slow.receive(count_ok, fail);
  q1.receive(count_ok, fail);
  q2.receive(count_ok, fail);
  BOOST_TEST(ok == 3);
  BOOST_TEST(overflow.find("queue full") != std::string::npos);
  BOOST_TEST(count("true") == "2");
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_server_fails_requests_fast, pg_fixture) {
  auto opts = options();
  opts.url = "postgresql://postgres@127.0.0.1:1/kyb";
  auto pool = pg_pool::spawn(sys, opts, 2, test_catalog(), watcher);
  BOOST_TEST(pool.connected_count() == 0u);
  for (int i = 0; i < 5; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = run(pool.pick(), batch({insert(1)}));
    auto took = std::chrono::steady_clock::now() - start;
    BOOST_REQUIRE(!r);
    BOOST_TEST((code_of(r.error()) == errc::unavailable));
    BOOST_TEST(detail_of(r.error()).find("is down") != std::string::npos);
    BOOST_TEST(took < 200ms);
  }
  auto ping = test::call<ok_atom>(self, pool.pick(), 5s, ping_atom::value);
  BOOST_REQUIRE(!ping);
  BOOST_TEST((code_of(ping.error()) == errc::unavailable));
}

BOOST_FIXTURE_TEST_CASE(a_statement_that_does_not_prepare_keeps_the_connection_down,
                        pg_fixture) {
  auto cat = std::make_shared<statement_catalog>(*test_catalog());
  cat->add("late_table", "SELECT count(*) FROM created_later");
  auto pool = pg_pool::spawn(sys, options(), 1, cat, watcher);
  std::string detail;
  BOOST_REQUIRE(test::eventually(
      [&] {
        auto r = run(pool.pick(), batch({insert(1)}));
        detail = r ? "" : detail_of(r.error());
        return detail.find("session setup failed") != std::string::npos;
      },
      5s));
  BOOST_TEST(detail.find("prepare late_table") != std::string::npos, detail);
  BOOST_TEST(detail.find("SQLSTATE 42P01") != std::string::npos, detail);
  BOOST_TEST(pool.connected_count() == 0u);
  // Once the table exists, the next attempt prepares everything and serves.
  test::sql(db.url(), "CREATE TABLE created_later (id int)");
  BOOST_REQUIRE(pool.wait_connected(1, 5s));
  auto r = run(pool.pick(), batch({{"late_table", {}}}));
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  BOOST_TEST(((*r)[0].rows.at(0).at(0) == pg_value{"0"}));
}

BOOST_FIXTURE_TEST_CASE(a_killed_backend_fails_in_flight_work_then_reconnects,
                        pg_fixture) {
  auto pool = make_pool(1);
  auto conn = pool.pick();
  BOOST_TEST(pool.connects() == 1u);
  auto slow = self->request(conn, 30s, batch({insert(1), {"sleep", {pg_param("0.8")}}}));
  // Killed while the batch runs on the server.
  BOOST_REQUIRE(test::eventually(
      [&] {
        return test::sql_value(db.url(), "SELECT count(*) FROM pg_stat_activity WHERE "
                                         "application_name = '" +
                                             app +
                                             "' AND state = 'active' AND query LIKE "
                                             "'%pg_sleep%'") == "1";
      },
      5s));
  test::sql(db.url(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE application_name = '" +
                          app + "'");
  slow.receive([&](rows_t&) { BOOST_ERROR("the batch cannot have committed"); },
               [&](caf::error& e) {
                 BOOST_TEST((code_of(e) == errc::unavailable));
                 BOOST_TEST(detail_of(e).find("outcome unknown") != std::string::npos,
                            detail_of(e));
               });
  BOOST_REQUIRE(test::eventually([&] { return pool.connects() == 2; }, 10s));
  BOOST_TEST(run(conn, batch({insert(2)})).engaged());
  BOOST_TEST(count("true") == "1");
}

BOOST_FIXTURE_TEST_CASE(a_stalled_server_is_given_up_on, pg_fixture) {
  auto opts = options();
  opts.statement_timeout = 300ms;
  opts.connect_timeout = 300ms;
  auto pool = make_pool(1, opts);
  auto conn = pool.pick();
  auto pid = run(conn, batch({{"backend_pid", {}}}));
  BOOST_REQUIRE(pid);
  int backend = std::stoi(*(*pid)[0].rows.at(0).at(0));
  BOOST_REQUIRE_MESSAGE(::kill(backend, SIGSTOP) == 0, "cannot stop backend " << backend);
  auto start = std::chrono::steady_clock::now();
  auto r = run(conn, batch({insert(1)}));
  auto took = std::chrono::steady_clock::now() - start;
  ::kill(backend, SIGCONT);
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::unavailable));
  BOOST_TEST(detail_of(r.error()).find("no answer from the server") != std::string::npos,
             detail_of(r.error()));
  BOOST_TEST(took < 3s);
  BOOST_REQUIRE(test::eventually([&] { return pool.connects() == 2; }, 10s));
  BOOST_TEST(run(conn, batch({insert(2)})).engaged());
}

namespace {

using go_atom = caf::atom_constant<caf::atom("go")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;

struct load_stats {
  std::mutex mtx;
  std::vector<int64_t> acked;
  size_t ok_after_mark = 0;
  size_t unavailable = 0;
  size_t hung = 0;
  std::vector<std::string> unexpected;
  std::atomic<bool> mark{false};
};

struct driver_state {
  int64_t next_id = 0;
  int outstanding = 0;
  bool stopping = false;
  caf::response_promise done;
};

caf::behavior load_driver(caf::stateful_actor<driver_state>* self, pg_pool pool,
                          std::shared_ptr<load_stats> stats, int width) {
  auto finished_one = [self] {
    auto& st = self->state;
    if (--st.outstanding == 0 && st.stopping && st.done.pending())
      st.done.deliver(true);
  };
  for (int i = 0; i < width; ++i)
    self->send(self, go_atom::value);
  return {
      [=](go_atom) {
        auto& st = self->state;
        if (st.stopping)
          return;
        auto id = st.next_id++;
        ++st.outstanding;
        self->request(pool.pick(), 20s, batch({insert(id)}))
            .then(
                [=](rows_t&) {
                  {
                    std::lock_guard<std::mutex> guard(stats->mtx);
                    stats->acked.push_back(id);
                    if (stats->mark)
                      ++stats->ok_after_mark;
                  }
                  finished_one();
                  self->send(self, go_atom::value);
                },
                [=](caf::error& err) {
                  {
                    std::lock_guard<std::mutex> guard(stats->mtx);
                    if (err == caf::sec::request_timeout)
                      ++stats->hung;
                    else if (code_of(err) == errc::unavailable)
                      ++stats->unavailable;
                    else
                      stats->unexpected.push_back(detail_of(err));
                  }
                  finished_one();
                  self->delayed_send(self, 2ms, go_atom::value);
                });
      },
      [=](stop_atom) -> caf::result<bool> {
        self->state.stopping = true;
        if (self->state.outstanding == 0)
          return true;
        self->state.done = self->make_response_promise();
        return self->state.done;
      },
  };
}

} // namespace

BOOST_FIXTURE_TEST_CASE(server_restart_mid_load_fails_then_recovers, pg_fixture) {
  auto pool = make_pool(3);
  auto stats = std::make_shared<load_stats>();
  auto driver = sys.spawn(load_driver, pool, stats, 32);
  auto acked = [&] {
    std::lock_guard<std::mutex> guard(stats->mtx);
    return stats->acked.size();
  };
  auto acked_after_mark = [&] {
    std::lock_guard<std::mutex> guard(stats->mtx);
    return stats->ok_after_mark;
  };
  // The restart lands under load: inserts are being acknowledged.
  BOOST_REQUIRE(test::eventually([&] { return acked() >= 50u; }, 10s));
  const char* restart = std::getenv("KYB_TEST_PG_RESTART");
  if (restart && *restart) {
    BOOST_TEST_MESSAGE("restarting PostgreSQL: " << restart);
    BOOST_REQUIRE_EQUAL(std::system(restart), 0);
  } else {
    BOOST_TEST_MESSAGE("KYB_TEST_PG_RESTART unset: terminating our backends instead");
    test::sql(db.url(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = '" +
                            app + "'");
  }
  BOOST_REQUIRE_MESSAGE(test::eventually([&] { return pool.connects() >= 6; }, 30s),
                        "the pool did not reconnect");
  BOOST_REQUIRE(pool.wait_connected(3, 10s));
  stats->mark = true;
  // The recovered pool acknowledges inserts again.
  BOOST_TEST(test::eventually([&] { return acked_after_mark() >= 50u; }, 10s));
  caf::expected<bool> stopped{caf::error{}};
  self->request(driver, 30s, stop_atom::value)
      .receive([&](bool x) { stopped = x; }, [&](caf::error& e) { stopped = e; });
  BOOST_REQUIRE(stopped);
  std::lock_guard<std::mutex> guard(stats->mtx);
  BOOST_TEST_MESSAGE("acked " << stats->acked.size() << ", unavailable "
                              << stats->unavailable << ", acked after recovery "
                              << stats->ok_after_mark);
  BOOST_TEST(stats->hung == 0u);
  BOOST_TEST(stats->unexpected.empty(),
             (stats->unexpected.empty() ? "" : stats->unexpected.front()));
  BOOST_TEST(stats->unavailable > 0u);
  BOOST_TEST(stats->ok_after_mark > 0u);
  // Every acknowledged insert is in the database.
  std::set<int64_t> stored;
  for (auto& row : test::sql(db.url(), "SELECT id FROM items"))
    stored.insert(std::stoll(*row[0]));
  size_t missing = 0;
  for (auto id : stats->acked)
    missing += stored.count(id) == 0 ? 1 : 0;
  BOOST_TEST(missing == 0u);
  caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
}

// Parts of persistence/ that need no database: error mapping, SQL splitting, URLs,
// message serialization, migration files, and the io_watcher on local sockets.
#define BOOST_TEST_MODULE persistence_unit
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "persistence/io_watcher.hpp"
#include "persistence/migration.hpp"
#include "persistence/pg_error.hpp"
#include "persistence/pg_types.hpp"
#include "persistence/redis_reply.hpp"
#include "persistence/redis_url.hpp"
#include "persistence/statement_catalog.hpp"
#include "test_support.hpp"

using namespace kyb;
using namespace kyb::persistence;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(sqlstates_map_to_our_codes) {
  BOOST_TEST((errc_from_sqlstate("23505") == errc::conflict));
  BOOST_TEST((errc_from_sqlstate("23P01") == errc::conflict));
  BOOST_TEST((errc_from_sqlstate("23503") == errc::invalid_argument));
  BOOST_TEST((errc_from_sqlstate("23514") == errc::invalid_argument));
  BOOST_TEST((errc_from_sqlstate("23502") == errc::invalid_argument));
  BOOST_TEST((errc_from_sqlstate("22012") == errc::invalid_argument));
  BOOST_TEST((errc_from_sqlstate("22P02") == errc::invalid_argument));
  BOOST_TEST((errc_from_sqlstate("40001") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("40P01") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("08006") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("08P01") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("57P01") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("53300") == errc::unavailable));
  BOOST_TEST((errc_from_sqlstate("57014") == errc::timeout));
  BOOST_TEST((errc_from_sqlstate("55P03") == errc::timeout));
  BOOST_TEST((errc_from_sqlstate("KY409") == errc::conflict));
  BOOST_TEST((errc_from_sqlstate("KY404") == errc::not_found));
  BOOST_TEST((errc_from_sqlstate("42601") == errc::db_error));
  BOOST_TEST((errc_from_sqlstate("42P01") == errc::db_error));
  BOOST_TEST((errc_from_sqlstate("") == errc::db_error));
  BOOST_TEST((errc_from_sqlstate("2350") == errc::db_error));
}

BOOST_AUTO_TEST_CASE(pg_errors_carry_sqlstate_statement_and_constraint) {
  auto err = make_pg_error("23505", "statement 2 failed", size_t{2}, "items_pkey");
  BOOST_TEST((code_of(err) == errc::conflict));
  BOOST_TEST(detail_of(err) == "statement 2 failed");
  BOOST_TEST(field_of(err).empty());
  BOOST_TEST(sqlstate_of(err) == "23505");
  BOOST_TEST(*statement_index_of(err) == 2u);
  BOOST_TEST(constraint_of(err) == "items_pkey");
  BOOST_TEST(!is_retryable(err));
  auto plain = make_error(errc::unavailable, "down");
  BOOST_TEST(sqlstate_of(plain).empty());
  BOOST_TEST(!statement_index_of(plain));
  BOOST_TEST(is_retryable(plain));
  BOOST_TEST(!statement_index_of(make_pg_error("40001", "x")));
}

BOOST_AUTO_TEST_CASE(split_sql_respects_quotes_comments_and_dollar_bodies) {
  auto parts = split_sql("-- kyb:no-transaction\n"
                         "CREATE INDEX CONCURRENTLY a ON t (x);\n"
                         "\n"
                         "INSERT INTO t VALUES ('a;b', E'c\\';d', \"we;ird\");  -- x;y\n"
                         "/* block; /* nested; */ still; */\n"
                         "DO $body$ BEGIN PERFORM 1; END $body$;\n"
                         "SELECT $$;$$, $1;\n"
                         "  -- only a comment;\n"
                         "SELECT 2");
  BOOST_REQUIRE_EQUAL(parts.size(), 5u);
  BOOST_TEST(parts[0].text == "CREATE INDEX CONCURRENTLY a ON t (x)");
  BOOST_TEST(parts[0].line == 2u);
  BOOST_TEST(parts[1].text == "INSERT INTO t VALUES ('a;b', E'c\\';d', \"we;ird\")");
  BOOST_TEST(parts[1].line == 4u);
  BOOST_TEST(parts[2].text == "DO $body$ BEGIN PERFORM 1; END $body$");
  BOOST_TEST(parts[2].line == 6u);
  BOOST_TEST(parts[3].text == "SELECT $$;$$, $1");
  BOOST_TEST(parts[4].text == "SELECT 2");
  BOOST_TEST(parts[4].line == 9u);
  BOOST_TEST(split_sql("  ;; -- nothing\n").empty());
}

BOOST_AUTO_TEST_CASE(error_positions_become_lines) {
  std::string text = "SELECT 1;\nSELECT é;\nSELECT x";
  BOOST_TEST(line_of_position(text, 1) == 1u);
  BOOST_TEST(line_of_position(text, 10) == 1u);
  BOOST_TEST(line_of_position(text, 11) == 2u);
  // "é" is two bytes but one character: position 22 is the "x" on line 3.
  BOOST_TEST(line_of_position(text, 28) == 3u);
}

BOOST_AUTO_TEST_CASE(migration_files_are_named_versioned_and_marked) {
  migration m{
      7, "add_index", "-- kyb:no-transaction  \r\nCREATE INDEX CONCURRENTLY x;", {}};
  BOOST_TEST(m.file_name() == "0007_add_index.sql");
  BOOST_TEST(m.no_transaction());
  BOOST_TEST(m.checksum().size() == 64u);
  migration n{12, "x", "-- kyb:no-transaction later\nSELECT 1", "0012_x.sql"};
  BOOST_TEST(!n.no_transaction());
  BOOST_TEST(n.file_name() == "0012_x.sql");
  BOOST_TEST(m.checksum() != n.checksum());

  char dir_template[] = "/tmp/kyb_migrations_XXXXXX";
  std::string dir = mkdtemp(dir_template);
  auto write = [&](const std::string& file, const std::string& text) {
    std::ofstream{dir + "/" + file} << text;
  };
  write("0002_second.sql", "SELECT 2;");
  write("0010_tenth.sql", "SELECT 10;");
  write("0001_first.sql", "SELECT 1;");
  write("README.md", "not a migration");
  auto loaded = load_migrations(dir);
  BOOST_REQUIRE(loaded);
  BOOST_REQUIRE_EQUAL(loaded->size(), 3u);
  BOOST_TEST((*loaded)[0].version == 1);
  BOOST_TEST((*loaded)[1].name == "second");
  BOOST_TEST((*loaded)[2].version == 10);
  BOOST_TEST((*loaded)[2].file_name() == "0010_tenth.sql");
  write("0003-bad name.sql", "SELECT 3;");
  auto bad = load_migrations(dir);
  BOOST_REQUIRE(!bad);
  BOOST_TEST(detail_of(bad.error()).find("0003-bad name.sql") != std::string::npos);
  std::remove((dir + "/0003-bad name.sql").c_str());
  write("02_again.sql", "SELECT 2;");
  auto dup = load_migrations(dir);
  BOOST_REQUIRE(!dup);
  BOOST_TEST(detail_of(dup.error()).find("appears twice") != std::string::npos);
  for (auto f : {"0001_first.sql", "0002_second.sql", "0010_tenth.sql", "README.md",
                 "02_again.sql"})
    std::remove((dir + "/" + f).c_str());
  rmdir(dir.c_str());
}

BOOST_AUTO_TEST_CASE(embedded_migrations_match_the_source_directory) {
  auto from_dir =
      load_migrations(std::string{KYB_SOURCE_DIR} + "/persistence/migrations");
  BOOST_REQUIRE(from_dir);
  auto embedded = embedded_migrations();
  BOOST_REQUIRE_EQUAL(embedded.size(), from_dir->size());
  for (size_t i = 0; i < embedded.size(); ++i) {
    BOOST_TEST(embedded[i].version == (*from_dir)[i].version);
    BOOST_TEST(embedded[i].name == (*from_dir)[i].name);
    BOOST_TEST(embedded[i].file_name() == (*from_dir)[i].file_name());
    BOOST_TEST(embedded[i].checksum() == (*from_dir)[i].checksum());
  }
}

BOOST_AUTO_TEST_CASE(redis_urls_parse) {
  auto a = parse_redis_url("redis://127.0.0.1:63800/0");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->host == "127.0.0.1");
  BOOST_TEST(a->port == 63800);
  BOOST_TEST(a->db == 0);
  BOOST_TEST(a->password.empty());
  auto b = parse_redis_url("redis://:s%40cret@cache.local/3");
  BOOST_REQUIRE(b);
  BOOST_TEST(b->host == "cache.local");
  BOOST_TEST(b->port == 6379);
  BOOST_TEST(b->password == "s@cret");
  BOOST_TEST(b->user.empty());
  BOOST_TEST(b->db == 3);
  auto c = parse_redis_url("redis://app:pw@[::1]:7000");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->host == "::1");
  BOOST_TEST(c->port == 7000);
  BOOST_TEST(c->user == "app");
  BOOST_TEST(c->password == "pw");
  BOOST_TEST(!parse_redis_url("http://x"));
  BOOST_TEST(!parse_redis_url("redis://h:99999/0"));
  BOOST_TEST(!parse_redis_url("redis://h:1/abc"));
  BOOST_TEST(!parse_redis_url("redis://:%zz@h/0"));
  BOOST_TEST((code_of(parse_redis_url("redis://h:0").error()) == errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(catalog_finds_statements_and_copy_entries) {
  statement_catalog cat{{"a", "SELECT 1"}, {"load", "  -- bulk\n copy t FROM STDIN"}};
  BOOST_TEST(!cat.add("a", "SELECT 2"));
  BOOST_TEST(!cat.add("", "SELECT 2"));
  BOOST_TEST(cat.add("b", "SELECT 2"));
  BOOST_TEST(cat.size() == 3u);
  BOOST_TEST(cat.find("b")->sql == "SELECT 2");
  BOOST_TEST(cat.find("nope") == nullptr);
  BOOST_TEST(cat.index_of("load") == 1);
  BOOST_TEST(statement_catalog::is_copy(cat.find("load")->sql));
  BOOST_TEST(!statement_catalog::is_copy("SELECT copy FROM t"));
  BOOST_TEST(!statement_catalog::is_copy("copying"));
  BOOST_TEST(statement_catalog::is_copy("/* x */COPY"));
}

BOOST_AUTO_TEST_CASE(bytea_round_trips_every_byte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  auto param = bytea_param(bytes);
  BOOST_TEST(param.substr(0, 4) == "\\x00");
  BOOST_TEST(*parse_bytea(param) == bytes);
  BOOST_TEST(!parse_bytea("not hex"));
  BOOST_TEST(*parse_bytea("\\x") == "");
  BOOST_TEST((pg_param(42) == pg_value{"42"}));
  BOOST_TEST((pg_param(true) == pg_value{"t"}));
  BOOST_TEST(!pg_null());
}

BOOST_FIXTURE_TEST_CASE(messages_survive_serialization, test::actor_system_fixture) {
  pg_batch batch{{pg_statement{"insert", {pg_param("a"), pg_null(), pg_param("")}},
                  pg_statement{"get", {}}}};
  pg_rows rows{
      {"id", "note"}, {{pg_param("1"), pg_null()}, {pg_param("2"), pg_param("")}}, 2};
  pg_rows empty_cols{{}, {{}, {}}, 2};
  redis_reply nested;
  nested.type = redis_reply::kind::array;
  nested.elements = {redis_reply::make_integer(-5), redis_reply::make_nil(),
                     redis_reply::make_string(std::string("bin\0ary", 7))};
  nested.elements.push_back(nested);
  auto msg =
      caf::make_message(batch, rows, empty_cols, nested, std::vector<pg_rows>{rows},
                        pg_copy{"load", {"1\ta\n", "2\tb\n"}});
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  BOOST_REQUIRE(!sink(msg));
  caf::message copy;
  caf::binary_deserializer source{sys, buf};
  BOOST_REQUIRE(!source(copy));
  BOOST_REQUIRE((copy.match_elements<pg_batch, pg_rows, pg_rows, redis_reply,
                                     std::vector<pg_rows>, pg_copy>()));
  BOOST_TEST((copy.get_as<pg_batch>(0).statements == batch.statements));
  BOOST_TEST((copy.get_as<pg_rows>(1) == rows));
  BOOST_TEST((copy.get_as<pg_rows>(2) == empty_cols));
  BOOST_TEST((copy.get_as<redis_reply>(3) == nested));
  BOOST_TEST((copy.get_as<std::vector<pg_rows>>(4).at(0) == rows));
  BOOST_TEST((copy.get_as<pg_copy>(5).chunks.size() == 2u));
  BOOST_TEST(to_string(nested) == "[-5, nil, \"" + std::string("bin\0ary", 7) +
                                      "\", [-5, nil, \"" + std::string("bin\0ary", 7) +
                                      "\"]]");
  BOOST_TEST(caf::deep_to_string(batch).find("insert") != std::string::npos);
}

namespace {

struct socket_pair {
  int fds[2] = {-1, -1};
  socket_pair() { BOOST_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
  ~socket_pair() { close_all(); }
  void close_all() {
    for (auto& fd : fds)
      if (fd >= 0) {
        ::close(fd);
        fd = -1;
      }
  }
};

// Waits for one io_ready message; nullopt if none arrives within `timeout`.
std::optional<std::tuple<uint64_t, bool, bool>>
next_ready(caf::scoped_actor& self, std::chrono::milliseconds timeout) {
  std::optional<std::tuple<uint64_t, bool, bool>> out;
  self->receive([&](io_ready_atom, uint64_t token, bool r,
                    bool w) { out = std::make_tuple(token, r, w); },
                caf::after(timeout) >> [] {});
  return out;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(io_watcher_wakes_owners_once_per_arm,
                        test::actor_system_fixture) {
  auto watcher = io_watcher::make();
  BOOST_REQUIRE(watcher);
  caf::scoped_actor self{sys};
  socket_pair sp;
  auto token = (*watcher)->add(sp.fds[0], caf::actor_cast<caf::actor>(self));
  BOOST_REQUIRE(token);
  BOOST_TEST((*watcher)->size() == 1u);
  // Registered but not armed: data does not wake anybody.
  BOOST_REQUIRE(::write(sp.fds[1], "x", 1) == 1);
  BOOST_TEST(!next_ready(self, 100ms));
  (*watcher)->arm(*token, true, false);
  auto ev = next_ready(self, 2000ms);
  BOOST_REQUIRE(ev);
  BOOST_TEST(std::get<0>(*ev) == *token);
  BOOST_TEST(std::get<1>(*ev));
  BOOST_TEST(!std::get<2>(*ev));
  // One-shot: the unread byte does not wake us again until we re-arm.
  BOOST_TEST(!next_ready(self, 100ms));
  (*watcher)->arm(*token, true, false);
  BOOST_TEST(next_ready(self, 2000ms).has_value());
  // Writable at once.
  (*watcher)->arm(*token, false, true);
  ev = next_ready(self, 2000ms);
  BOOST_REQUIRE(ev);
  BOOST_TEST(std::get<2>(*ev));
  // The peer hangs up: reported as readable even when only writes were wanted.
  ::close(sp.fds[1]);
  sp.fds[1] = -1;
  char buf[8];
  BOOST_REQUIRE(::read(sp.fds[0], buf, sizeof(buf)) == 1);
  (*watcher)->arm(*token, false, false);
  ev = next_ready(self, 2000ms);
  BOOST_REQUIRE(ev);
  BOOST_TEST(std::get<1>(*ev));
  // Removed: arming is ignored.
  (*watcher)->remove(*token);
  BOOST_TEST((*watcher)->size() == 0u);
  (*watcher)->arm(*token, true, true);
  BOOST_TEST(!next_ready(self, 100ms));
  BOOST_TEST((*watcher)->notifications() == 4u);
}

BOOST_FIXTURE_TEST_CASE(io_watcher_survives_fd_reuse, test::actor_system_fixture) {
  auto watcher = io_watcher::make();
  BOOST_REQUIRE(watcher);
  caf::scoped_actor self{sys};
  auto first = std::make_unique<socket_pair>();
  int fd = first->fds[0];
  auto old_token = (*watcher)->add(fd, caf::actor_cast<caf::actor>(self));
  BOOST_REQUIRE(old_token);
  // Closed without removing (as libpq does on EOF); the kernel reuses the number.
  first.reset();
  socket_pair second;
  BOOST_REQUIRE_EQUAL(second.fds[0], fd);
  auto new_token = (*watcher)->add(fd, caf::actor_cast<caf::actor>(self));
  BOOST_REQUIRE(new_token);
  BOOST_TEST(*new_token != *old_token);
  // The stale owner's late calls must not touch the new registration.
  (*watcher)->arm(*old_token, true, true);
  (*watcher)->remove(*old_token);
  BOOST_REQUIRE(::write(second.fds[1], "y", 1) == 1);
  (*watcher)->arm(*new_token, true, false);
  auto ev = next_ready(self, 2000ms);
  BOOST_REQUIRE(ev);
  BOOST_TEST(std::get<0>(*ev) == *new_token);
  (*watcher)->remove(*new_token);
}

BOOST_FIXTURE_TEST_CASE(io_watcher_shuts_down_cleanly, test::actor_system_fixture) {
  caf::scoped_actor self{sys};
  socket_pair sp;
  for (int round = 0; round < 20; ++round) {
    auto watcher = io_watcher::make();
    BOOST_REQUIRE(watcher);
    auto token = (*watcher)->add(sp.fds[0], caf::actor_cast<caf::actor>(self));
    BOOST_REQUIRE(token);
    (*watcher)->arm(*token, false, true);
    // Destroyed with a registration left: the thread stops and joins.
  }
  while (next_ready(self, 50ms)) {
  }
}

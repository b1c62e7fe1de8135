// The keyed audit chain against the real database: rows appended by the audit writer
// (through a connection pool, concurrently) verify with the C++ verifier; a row rewritten
// with a recomputed plain SHA-256 or a wrong key does not; the database refuses UPDATE,
// DELETE and TRUNCATE of audit rows, and the application role lacks those privileges.
#define BOOST_TEST_MODULE audit_chain
#include <boost/test/unit_test.hpp>

#include <chrono>

#include <caf/all.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/audit/audit_writer.hpp"
#include "persistence/io_watcher.hpp"
#include "persistence/migrator.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/queries.hpp"
#include "persistence/register_types.hpp"
#include "persistence/statement_catalog.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/uuid.hpp"
#include "runtime/error.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::actors;
using namespace kyb::test;
using namespace std::chrono_literals;
namespace persistence = kyb::persistence;

namespace {

const std::string platform_tenant = "00000000-0000-0000-0000-000000000000";

struct fresh_db {
  fresh_db() {
    name = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
    sql(test_database_url(), "CREATE DATABASE " + name);
    url = database_url_for(name);
    persistence::migrator m(url);
    auto r = m.run();
    BOOST_REQUIRE_MESSAGE(r, "migrations failed");
  }
  ~fresh_db() {
    sql(test_database_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  std::string name;
  std::string url;
};

caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
  kyb::base::logger::global().set_level(kyb::base::log_level::warn);
  persistence::register_types(cfg);
  return cfg;
}

/// A connection pool whose batches go through the audit writer with `keys`.
struct writer_pool {
  writer_pool(const std::string& url, std::shared_ptr<const audit_keyring> keys,
              size_t n = 3) {
    auto catalog = std::make_shared<persistence::statement_catalog>();
    for (auto& q : persistence::platform_queries())
      catalog->add(q.name, q.sql);
    auto w = persistence::io_watcher::make();
    BOOST_REQUIRE(w);
    watcher = *w;
    persistence::pg_connection_options opts;
    opts.url = url;
    opts.finisher = std::make_shared<audit_writer>(std::move(keys));
    pool = persistence::pg_pool::spawn(sys, opts, n, catalog, watcher);
    BOOST_REQUIRE_MESSAGE(pool.wait_connected(n, 10s), "the pool did not connect");
  }
  ~writer_pool() { pool.stop(); }

  caf::actor_system_config cfg;
  caf::actor_system sys{prepare(cfg)};
  std::shared_ptr<persistence::io_watcher> watcher;
  persistence::pg_pool pool;
};

persistence::pg_statement append(const std::string& tenant, int i) {
  using persistence::pg_value;
  return {persistence::q::audit_append,
          {pg_value{kyb::base::uuid::make_v7().to_string()}, pg_value{tenant},
           pg_value{"us"}, pg_value{"key:x"}, pg_value{"business.update"},
           pg_value{"business"},
           i % 3 ? pg_value{"b" + std::to_string(i)} : persistence::pg_null(),
           pg_value{"req-" + std::to_string(i)},
           pg_value{"{\"fields\":[\"legal_name\"],\"n\":" + std::to_string(i) +
                    ",\"note\":\"Zürich \\u00e9\"}"}}};
}

/// Appends `n` rows of `tenant`, one batch each, through the audit writer.
void write_rows(const std::string& url, std::shared_ptr<const audit_keyring> keys, int n,
                const std::string& tenant = platform_tenant) {
  writer_pool w(url, std::move(keys), 1);
  caf::scoped_actor self{w.sys};
  for (int i = 0; i < n; ++i) {
    persistence::pg_batch batch;
    batch.statements.push_back(append(tenant, i));
    self->request(w.pool.pick(), 10s, std::move(batch))
        .receive([](std::vector<persistence::pg_rows>&) {},
                 [](caf::error& err) { BOOST_FAIL(kyb::detail_of(err)); });
  }
}

std::vector<audit_chain_row> read_chain(const std::string& url,
                                        const std::string& tenant) {
  auto rows =
      sql(url, std::string("SELECT ") + audit_chain_columns +
                   " FROM audit_logs WHERE tenant_id = '" + tenant + "' ORDER BY seq");
  std::vector<audit_chain_row> out;
  for (auto& r : rows)
    out.push_back(audit_chain_row_of([&](size_t i) { return r[i]; }));
  return out;
}

/// Checks the whole chain of `tenant` against its head; the first problem, or "".
std::string verify(const std::string& url, const std::string& tenant,
                   std::shared_ptr<const audit_keyring> keys,
                   audit_chain_verifier* out = nullptr) {
  audit_chain_verifier v(std::move(keys));
  for (auto& row : read_chain(url, tenant))
    if (auto why = v.check(row))
      return "row " + std::to_string(row.seq) + ": " + *why;
  auto head = sql(url, "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = '" +
                           tenant + "'");
  if (head.empty())
    return "no head";
  if (auto why = v.check_head(std::stoll(head[0][0]), head[0][1]))
    return *why;
  if (out)
    *out = v;
  return "";
}

/// Rewrites rows of `tenant` from `from_seq` on, as a database owner could: the
/// triggers bypassed (session_replication_role = replica), each row's hash recomputed by
/// `rehash` and the head moved.
template <class Rehash>
void rewrite_chain(const std::string& url, const std::string& tenant, int64_t from_seq,
                   Rehash rehash) {
  auto chain = read_chain(url, tenant);
  std::string prev = audit_genesis_hash();
  for (auto& row : chain)
    if (row.seq < from_seq)
      prev = row.row_hash;
  std::string stmts = "SET session_replication_role = replica;";
  for (auto& row : chain) {
    if (row.seq < from_seq)
      continue;
    row.prev_hash = prev;
    rehash(row);
    prev = row.row_hash;
    stmts += "UPDATE audit_logs SET details = '" + row.details + "', prev_hash = '" +
             row.prev_hash + "', row_hash = '" + row.row_hash + "', key_id = " +
             (row.key_id.empty() ? std::string("NULL") : "'" + row.key_id + "'") +
             " WHERE id = '" + row.id + "';";
  }
  stmts += "UPDATE audit_chain_heads SET hash = '" + prev + "' WHERE tenant_id = '" +
           tenant + "';";
  sql(url, stmts);
}

std::string sql_error(const std::string& url, const std::string& statement) {
  try {
    sql(url, statement);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::shared_ptr<const audit_keyring> ring(std::string current,
                                          std::vector<std::string> previous = {}) {
  return std::make_shared<const audit_keyring>(std::move(current), std::move(previous));
}

/// A fresh database with eight rows of the platform tenant that verify under `keys`.
struct eight_rows {
  eight_rows() {
    write_rows(db.url, keys, 8);
    BOOST_REQUIRE_EQUAL(verify(db.url, platform_tenant, keys), "");
  }
  fresh_db db;
  std::string key = kyb::base::random_bytes(32);
  std::shared_ptr<const audit_keyring> keys = ring(key);
};

} // namespace

BOOST_AUTO_TEST_CASE(concurrent_appends_form_one_keyed_chain_per_tenant) {
  fresh_db db;
  auto key = kyb::base::random_bytes(32);
  auto keys = ring(key);
  std::string other = kyb::base::uuid::make_v7().to_string();
  {
    writer_pool w(db.url, keys);
    caf::scoped_actor self{w.sys};
    // 30 batches at once over 3 connections: 1-3 rows of the platform tenant each,
    // and every third also a row of another tenant.
    int sent = 0;
    int expected_platform = 0;
    for (int b = 0; b < 30; ++b) {
      persistence::pg_batch batch;
      for (int k = 0; k <= b % 3; ++k, ++expected_platform)
        batch.statements.push_back(append(platform_tenant, b * 10 + k));
      if (b % 3 == 0)
        batch.statements.push_back(append(other, b));
      self->send(w.pool.pick(), std::move(batch));
      ++sent;
    }
    // A batch that fails after its append leaves no trace in the chain.
    persistence::pg_batch bad;
    bad.statements.push_back(append(platform_tenant, 999));
    bad.statements.push_back(append("not-a-uuid", 1000));
    self->send(w.pool.pick(), std::move(bad));
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < sent + 1; ++i)
      self->receive([&](std::vector<persistence::pg_rows>&) { ++ok; },
                    [&](caf::error&) { ++failed; }, caf::after(30s) >> [&] {});
    BOOST_TEST(ok == sent);
    BOOST_TEST(failed == 1);
    BOOST_TEST(read_chain(db.url, platform_tenant).size() ==
               static_cast<size_t>(expected_platform));
  }
  audit_chain_verifier v(keys);
  BOOST_TEST(verify(db.url, platform_tenant, keys, &v) == "");
  BOOST_TEST(v.rows_checked() == 60);
  BOOST_TEST(v.legacy_rows() == 0);
  BOOST_TEST(verify(db.url, other, keys) == "");
  for (auto& row : read_chain(db.url, platform_tenant))
    BOOST_TEST(row.key_id == audit_key_id(key));
  // Nothing of the key in the database.
  auto dump = sql(db.url, "SELECT a::text FROM audit_logs a");
  for (auto& row : dump)
    BOOST_TEST(row[0].find(kyb::base::hex_encode(key)) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_rewritten_row_is_found_even_with_its_chain_recomputed,
                        eight_rows) {
  auto forge = [](audit_chain_row& row) {
    if (row.seq == 4)
      row.details = "{\"fields\": [\"forged\"]}";
  };
  // Plain SHA-256 recomputed from row 4 on (what kyb_audit_append did), key_id kept.
  rewrite_chain(db.url, platform_tenant, 4, [&](audit_chain_row& row) {
    forge(row);
    row.row_hash = audit_row_hash(row.prev_hash, row);
  });
  auto why = verify(db.url, platform_tenant, keys);
  BOOST_TEST(why.rfind("row 4: row_hash is not the HMAC", 0) == 0, why);
  // The same with another key that claims the real key's id.
  auto wrong = kyb::base::random_bytes(32);
  rewrite_chain(db.url, platform_tenant, 4, [&](audit_chain_row& row) {
    forge(row);
    row.row_hash = audit_row_hmac(wrong, row.prev_hash, row);
  });
  why = verify(db.url, platform_tenant, keys);
  BOOST_TEST(why.rfind("row 4: row_hash is not the HMAC", 0) == 0, why);
  // Passed off as unkeyed rows from before the keyed chain: they follow keyed rows.
  rewrite_chain(db.url, platform_tenant, 4, [&](audit_chain_row& row) {
    forge(row);
    row.key_id.clear();
    row.row_hash = audit_row_hash(row.prev_hash, row);
  });
  why = verify(db.url, platform_tenant, keys);
  BOOST_TEST(why.rfind("row 4: the row has no key_id", 0) == 0, why);
  // With the real key it verifies again (the checks above were about the key alone).
  rewrite_chain(db.url, platform_tenant, 4, [&](audit_chain_row& row) {
    forge(row);
    row.key_id = audit_key_id(key);
    row.row_hash = audit_row_hmac(key, row.prev_hash, row);
  });
  BOOST_TEST(verify(db.url, platform_tenant, keys) == "");
}

BOOST_FIXTURE_TEST_CASE(removed_rows_are_found_by_their_sequence_numbers, eight_rows) {
  // Row 4 removed and the rows after it linked over the hole and signed again with the
  // real key: every hash checks, only the sequence numbers show the gap.
  sql(db.url, "SET session_replication_role = replica; DELETE FROM audit_logs WHERE "
              "tenant_id = '" +
                  platform_tenant + "' AND seq = 4");
  rewrite_chain(db.url, platform_tenant, 5, [&](audit_chain_row& row) {
    row.row_hash = audit_row_hmac(key, row.prev_hash, row);
  });
  BOOST_TEST(verify(db.url, platform_tenant, keys) ==
             "row 5: expected sequence number 4 but found 5 (rows are missing)");
  // The last row removed and the head's hash moved to the row before it, its sequence
  // number left: only the head's sequence number shows the gap.
  auto other = kyb::base::uuid::make_v7().to_string();
  write_rows(db.url, keys, 8, other);
  BOOST_REQUIRE_EQUAL(verify(db.url, other, keys), "");
  sql(db.url, "SET session_replication_role = replica; DELETE FROM audit_logs WHERE "
              "tenant_id = '" +
                  other +
                  "' AND seq = 8; UPDATE audit_chain_heads SET hash = (SELECT row_hash "
                  "FROM audit_logs WHERE tenant_id = '" +
                  other + "' AND seq = 7) WHERE tenant_id = '" + other + "'");
  BOOST_TEST(verify(db.url, other, keys) ==
             "the chain head is at sequence 8 but rows end at 7 (rows are missing)");
}

BOOST_AUTO_TEST_CASE(rotated_keys_verify_with_the_previous_key_listed) {
  fresh_db db;
  auto a = kyb::base::random_bytes(32);
  auto b = kyb::base::random_bytes(32);
  write_rows(db.url, ring(a), 3);
  write_rows(db.url, ring(b, {a}), 4);
  audit_chain_verifier both(nullptr);
  BOOST_TEST(verify(db.url, platform_tenant, ring(b, {a}), &both) == "");
  BOOST_TEST(both.rows_checked() == 7);
  BOOST_TEST(both.unchecked_rows() == 0);
  // Without key A, its rows cannot be checked; the ones under B still are.
  audit_chain_verifier only_b(nullptr);
  BOOST_TEST(verify(db.url, platform_tenant, ring(b), &only_b) == "");
  BOOST_TEST(only_b.rows_checked() == 4);
  BOOST_TEST(only_b.unchecked_rows() == 3);
  BOOST_TEST(only_b.first_unchecked_seq().value_or(0) == 1);
  BOOST_TEST(only_b.unknown_key_ids().count(audit_key_id(a)) == 1u);
}

BOOST_AUTO_TEST_CASE(unkeyed_rows_from_before_the_migration_verify_as_the_chain_start) {
  fresh_db db;
  // Rows as kyb_audit_append (0001) wrote them: plain SHA-256, no key_id.
  std::string prev = audit_genesis_hash();
  std::string stmts;
  for (int i = 1; i <= 3; ++i) {
    audit_chain_row r;
    r.seq = i;
    r.id = kyb::base::uuid::make_v7().to_string();
    r.tenant_id = platform_tenant;
    r.region = "us";
    r.actor = "key:old";
    r.action = "tenant.update";
    r.target_type = "tenant";
    r.details = "{}";
    r.created_at_us = 1796000000000000 + i * 1000;
    r.prev_hash = prev;
    r.row_hash = audit_row_hash(prev, r);
    prev = r.row_hash;
    stmts += "INSERT INTO audit_logs (id, tenant_id, region, seq, actor, action, "
             "target_type, details, created_at, prev_hash, row_hash) VALUES ('" +
             r.id + "', '" + r.tenant_id + "', 'us', " + std::to_string(i) +
             ", 'key:old', 'tenant.update', 'tenant', '{}', timestamptz 'epoch' + " +
             std::to_string(r.created_at_us) + " * interval '1 microsecond', '" +
             r.prev_hash + "', '" + r.row_hash + "');";
  }
  stmts += "INSERT INTO audit_chain_heads VALUES ('" + platform_tenant + "', 3, '" +
           prev + "');";
  sql(db.url, stmts);
  auto key = kyb::base::random_bytes(32);
  auto keys = ring(key);
  // Unkeyed rows alone are what a rewrite into the old scheme would leave: a chain must
  // end in a keyed row (nodes seal old chains with one at start).
  auto why = verify(db.url, platform_tenant, keys);
  BOOST_TEST(why.find("the chain ends in unkeyed rows") == 0, why);
  {
    writer_pool w(db.url, keys, 1);
    caf::scoped_actor self{w.sys};
    persistence::pg_batch batch;
    batch.statements.push_back(append(platform_tenant, 1));
    batch.statements.push_back(append(platform_tenant, 2));
    self->request(w.pool.pick(), 10s, std::move(batch))
        .receive([](std::vector<persistence::pg_rows>&) {},
                 [](caf::error& err) { BOOST_FAIL(kyb::detail_of(err)); });
  }
  audit_chain_verifier v(keys);
  BOOST_TEST(verify(db.url, platform_tenant, keys, &v) == "");
  BOOST_TEST(v.legacy_rows() == 3);
  BOOST_TEST(v.rows_checked() == 5);
  // The first keyed row seals the unkeyed ones: rewriting them breaks the link.
  rewrite_chain(db.url, platform_tenant, 2, [](audit_chain_row& row) {
    if (row.seq == 2)
      row.details = "{\"forged\": true}";
    if (row.key_id.empty())
      row.row_hash = audit_row_hash(row.prev_hash, row);
  });
  why = verify(db.url, platform_tenant, keys);
  BOOST_TEST(why.find("row 4:") == 0, why);
}

BOOST_AUTO_TEST_CASE(the_database_refuses_to_change_audit_rows) {
  fresh_db db;
  auto keys = ring(kyb::base::random_bytes(32));
  {
    writer_pool w(db.url, keys, 1);
    caf::scoped_actor self{w.sys};
    persistence::pg_batch batch;
    batch.statements.push_back(append(platform_tenant, 1));
    self->request(w.pool.pick(), 10s, std::move(batch))
        .receive([](std::vector<persistence::pg_rows>&) {},
                 [](caf::error& err) { BOOST_FAIL(kyb::detail_of(err)); });
  }
  auto partition = sql(db.url, "SELECT tableoid::regclass::text FROM audit_logs")[0][0];
  BOOST_TEST(partition.rfind("audit_logs_", 0) == 0);
  for (auto stmt :
       {std::string("UPDATE audit_logs SET actor = 'x'"),
        std::string("DELETE FROM audit_logs"), std::string("TRUNCATE audit_logs"),
        "UPDATE " + partition + " SET actor = 'x'", "DELETE FROM " + partition,
        "TRUNCATE " + partition, std::string("TRUNCATE audit_logs_default")}) {
    auto err = sql_error(db.url, stmt);
    BOOST_TEST(err.find("audit_logs is append-only") != std::string::npos,
               stmt << ": " << err);
  }
  // Partitions made later get the same guard.
  sql(db.url, "SELECT kyb_ensure_audit_partitions(14)");
  auto later = sql(db.url, "SELECT max(inhrelid::regclass::text) FROM pg_inherits WHERE "
                           "inhparent = 'audit_logs'::regclass")[0][0];
  auto err = sql_error(db.url, "TRUNCATE " + later);
  BOOST_TEST(err.find("audit_logs is append-only") != std::string::npos, later << err);
  // The application role may read and append, and nothing else.
  auto as_app = [&](const std::string& stmt) {
    return sql_error(db.url, "SET ROLE kyb_app; " + stmt);
  };
  BOOST_TEST(as_app("SELECT count(*) FROM audit_logs") == "");
  BOOST_TEST(as_app("SELECT * FROM kyb_audit_reserve(gen_random_uuid(), '" +
                    platform_tenant + "', 'us', 'a', 'b', 'c', NULL, NULL, '{}')") == "");
  for (auto stmt :
       {std::string("UPDATE audit_logs SET actor = 'x'"),
        std::string("DELETE FROM audit_logs"), "UPDATE " + partition + " SET actor = 'x'",
        "DELETE FROM " + partition, "DELETE FROM " + later, "TRUNCATE " + partition,
        std::string("UPDATE schema_migrations SET name = 'x'")}) {
    auto e = as_app(stmt);
    BOOST_TEST(e.find("permission denied") != std::string::npos, stmt << ": " << e);
  }
  BOOST_TEST(sql(db.url, "SELECT count(*) FROM audit_logs")[0][0] == "1");
}

BOOST_AUTO_TEST_CASE(audit_keys_must_be_32_bytes_and_the_error_names_the_setting) {
  auto good = kyb::base::base64_encode(kyb::base::random_bytes(32));
  auto short_key = kyb::base::base64_encode(kyb::base::random_bytes(16));
  BOOST_TEST(static_cast<bool>(audit_keyring::parse(good, "")));
  auto two = audit_keyring::parse(good, good + ", " + good);
  BOOST_TEST(static_cast<bool>(two));
  auto bad = audit_keyring::parse(short_key, "");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(kyb::field_of(bad.error()) == "security.audit_key");
  BOOST_TEST(!audit_keyring::parse("", ""));
  BOOST_TEST(!audit_keyring::parse("not base64!", ""));
  auto bad_prev = audit_keyring::parse(good, good + "," + short_key);
  BOOST_REQUIRE(!bad_prev);
  BOOST_TEST(kyb::field_of(bad_prev.error()) == "security.audit_previous_keys");
  BOOST_TEST(kyb::detail_of(bad_prev.error()).find("key 2") != std::string::npos);
  // Key ids: 8 hex digits, different for different keys.
  auto k = kyb::base::random_bytes(32);
  BOOST_TEST(audit_key_id(k).size() == 8u);
  BOOST_TEST(audit_key_id(k) != audit_key_id(kyb::base::random_bytes(32)));
}

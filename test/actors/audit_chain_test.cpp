// The chain's C++ verifier must agree with kyb_audit_append() in the database: rows
// written by SQL verify here, and any change to a field breaks them.
#define BOOST_TEST_MODULE audit_chain
#include <boost/test/unit_test.hpp>

#include "actors/audit/audit_chain.hpp"
#include "persistence/migrator.hpp"
#include "runtime/base/crypto.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::actors;
using namespace kyb::test;

namespace {

struct fresh_db {
  fresh_db() {
    name = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
    sql(test_database_url(), "CREATE DATABASE " + name);
    url = database_url_for(name);
    kyb::persistence::migrator m(url);
    auto r = m.run();
    BOOST_REQUIRE_MESSAGE(r, "migrations failed");
  }
  ~fresh_db() {
    sql(test_database_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  std::string name;
  std::string url;
};

std::vector<audit_chain_row> read_chain(const std::string& url,
                                        const std::string& tenant) {
  auto rows =
      sql(url, "SELECT seq, id, tenant_id, region, actor, action, target_type, "
               "coalesce(target_id, ''), coalesce(request_id, ''), details::text, "
               "(extract(epoch FROM created_at) * 1000000)::bigint, prev_hash, row_hash "
               "FROM audit_logs WHERE tenant_id = '" +
                   tenant + "' ORDER BY seq");
  std::vector<audit_chain_row> out;
  for (auto& r : rows) {
    audit_chain_row a;
    a.seq = std::stoll(r[0]);
    a.id = r[1];
    a.tenant_id = r[2];
    a.region = r[3];
    a.actor = r[4];
    a.action = r[5];
    a.target_type = r[6];
    a.target_id = r[7];
    a.request_id = r[8];
    a.details = r[9];
    a.created_at_us = std::stoll(r[10]);
    a.prev_hash = r[11];
    a.row_hash = r[12];
    out.push_back(a);
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(sql_and_cpp_agree_and_tampering_shows) {
  fresh_db db;
  std::string tenant = "00000000-0000-0000-0000-000000000000";
  for (int i = 0; i < 20; ++i)
    sql(db.url, "SELECT kyb_audit_append(gen_random_uuid(), '" + tenant +
                    "', 'us', 'key:x', 'business.update', 'business', " +
                    (i % 3 ? "'b" + std::to_string(i) + "'" : "NULL") + ", 'req-" +
                    std::to_string(i) +
                    "', '{\"fields\":[\"legal_name\"],\"note\":\"Zürich \\u00e9\"}')");
  auto chain = read_chain(db.url, tenant);
  BOOST_REQUIRE_EQUAL(chain.size(), 20u);
  audit_chain_verifier v;
  for (auto& row : chain) {
    auto why = v.check(row);
    BOOST_TEST(!why, "row " << row.seq << ": " << why.value_or(""));
  }
  auto head = sql(db.url, "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = '" +
                              tenant + "'");
  BOOST_TEST(!v.check_head(std::stoll(head[0][0]), head[0][1]));

  // Any altered field breaks the row's hash.
  for (auto field :
       {&audit_chain_row::actor, &audit_chain_row::action, &audit_chain_row::details,
        &audit_chain_row::target_id, &audit_chain_row::request_id}) {
    auto copy = chain[5];
    copy.*field += "x";
    BOOST_TEST(audit_row_hash(copy.prev_hash, copy) != copy.row_hash);
  }
  auto moved = chain[5];
  moved.created_at_us += 1;
  BOOST_TEST(audit_row_hash(moved.prev_hash, moved) != moved.row_hash);

  // A removed row breaks the sequence.
  audit_chain_verifier gap;
  for (size_t i = 0; i < chain.size(); ++i)
    if (i != 7) {
      auto why = gap.check(chain[i]);
      if (why) {
        BOOST_TEST(chain[i].seq == 9);
        break;
      }
    }
}

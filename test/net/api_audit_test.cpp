// The audit log end to end, with real nodes: GET /v1/audit-logs/verify finds a row
// rewritten by a database owner who recomputed the chain with plain SHA-256; audit keys
// rotate (rows under the old key verify while it is listed in
// security.audit_previous_keys, and are reported as unverifiable without it); a bad key
// stops the node naming the setting; and a node runs as a member of the kyb_app role.
#define BOOST_TEST_MODULE api_audit
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/base/crypto.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

std::string business(int i) {
  return json{{"legal_name", "Audit Co " + std::to_string(i)}, {"country", "US"}}.dump();
}

std::string new_key() {
  return kyb::base::base64_encode(kyb::base::random_bytes(32));
}

std::string key_id_of(const std::string& b64) {
  return kyb::base::sha256_hex(*kyb::base::base64_decode(b64)).substr(0, 8);
}

/// A database the test creates and drops (nodes started on it do not own it).
struct own_database {
  own_database() {
    name = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
    sql(test_database_url(), "CREATE DATABASE " + name);
    url = database_url_for(name);
  }
  ~own_database() {
    try {
      sql(test_database_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (...) {
    }
  }
  std::string name;
  std::string url;
};

/// Settings every node of one database shares.
std::map<std::string, std::string> shared_env(const own_database& db) {
  return {{"KYB_SECURITY_TAX_ID_KEY", new_key()},
          {"KYB_SECURITY_TAX_ID_HMAC_KEY", new_key()},
          {"KYB_SECURITY_BOOTSTRAP_KEY_FILE", "/tmp/kyb-audit-" + db.name + ".key"}};
}

json verify(const node_process& node, const std::string& key) {
  auto r = node.call("GET", "/v1/audit-logs/verify", "", key);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return r.json();
}

/// Runs kyb-node with exactly `env` and returns {exit status, output}.
std::pair<int, std::string> run_node(const std::map<std::string, std::string>& env) {
  std::string cmd = "env -i";
  for (auto& [k, v] : env)
    cmd += " '" + k + "=" + v + "'";
  cmd += " " + std::string(KYB_BINARY_DIR) + "/kyb-node 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p);
  std::string out;
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

} // namespace

BOOST_AUTO_TEST_CASE(verify_finds_a_row_rewritten_with_a_recomputed_sha256_chain) {
  node_process node;
  auto [t, key] = node.make_tenant({"read", "write", "admin"});
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(i), key).status,
                        201);
  auto ok = verify(node, key);
  BOOST_TEST(ok["valid"] == true, ok.dump());
  BOOST_TEST(ok["rows_checked"].get<int>() >= 7, ok.dump()); // tenant, key, 5 businesses
  BOOST_TEST(ok["legacy_rows"] == 0);
  // The database refuses the plain rewrite...
  BOOST_CHECK_THROW(sql(node.database_url(), "UPDATE audit_logs SET details = '{}' WHERE "
                                             "tenant_id = '" +
                                                 t + "' AND seq = 4"),
                    std::runtime_error);
  BOOST_CHECK_THROW(
      sql(node.database_url(),
          "DELETE FROM audit_logs WHERE tenant_id = '" + t + "' AND seq = 4"),
      std::runtime_error);
  BOOST_TEST(verify(node, key)["valid"] == true);
  // ...so an owner gets past the triggers, alters row 4 and recomputes every later hash
  // and the head the way the chain was computed before it was keyed.
  sql(node.database_url(),
      "SET session_replication_role = replica;"
      "DO $$ DECLARE r record; prev text; BEGIN "
      "UPDATE audit_logs SET details = '{\"fields\": [\"forged\"]}' WHERE tenant_id = '" +
          t +
          "' AND seq = 4; "
          "SELECT row_hash INTO prev FROM audit_logs WHERE tenant_id = '" +
          t +
          "' AND seq = 3; "
          "FOR r IN SELECT * FROM audit_logs WHERE tenant_id = '" +
          t +
          "' AND seq >= 4 ORDER BY seq LOOP "
          "UPDATE audit_logs SET prev_hash = prev, row_hash = encode(sha256(convert_to("
          "prev || kyb_audit_canonical(r.seq, r.id, r.tenant_id, r.region, r.actor, "
          "r.action, r.target_type, r.target_id, r.request_id, r.details, r.created_at), "
          "'UTF8')), 'hex') WHERE id = r.id RETURNING row_hash INTO prev; "
          "END LOOP; "
          "UPDATE audit_chain_heads SET hash = prev WHERE tenant_id = '" +
          t + "'; END $$;");
  auto bad = verify(node, key);
  BOOST_TEST(bad["valid"] == false, bad.dump());
  BOOST_TEST(bad["first_invalid"]["seq"] == 4, bad.dump());
  BOOST_TEST(bad["first_invalid"]["reason"].get<std::string>().find("HMAC") !=
                 std::string::npos,
             bad.dump());
  // Rewritten whole into the unkeyed scheme of before migration 0008 (key_id NULL):
  // the chain no longer ends in a keyed row.
  auto [t2, key2] = node.make_tenant({"read", "write", "admin"});
  BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(7), key2).status, 201);
  sql(node.database_url(),
      "SET session_replication_role = replica;"
      "DO $$ DECLARE r record; prev text := repeat('0', 64); BEGIN "
      "FOR r IN SELECT * FROM audit_logs WHERE tenant_id = '" +
          t2 +
          "' ORDER BY seq LOOP "
          "UPDATE audit_logs SET key_id = NULL, prev_hash = prev, row_hash = "
          "encode(sha256(convert_to(prev || kyb_audit_canonical(r.seq, r.id, "
          "r.tenant_id, "
          "r.region, r.actor, r.action, r.target_type, r.target_id, r.request_id, "
          "r.details, r.created_at), 'UTF8')), 'hex') WHERE id = r.id "
          "RETURNING row_hash INTO prev; END LOOP; "
          "UPDATE audit_chain_heads SET hash = prev WHERE tenant_id = '" +
          t2 + "'; END $$;");
  auto old = verify(node, key2);
  BOOST_TEST(old["valid"] == false, old.dump());
  BOOST_TEST(old["first_invalid"]["reason"].get<std::string>().find(
                 "ends in unkeyed rows") != std::string::npos,
             old.dump());
}

BOOST_AUTO_TEST_CASE(a_node_seals_chains_written_before_the_audit_key) {
  own_database db;
  auto env = shared_env(db);
  env["KYB_SECURITY_AUDIT_KEY"] = new_key();
  std::string t;
  std::string key;
  {
    node_process node(env, db.url);
    std::tie(t, key) = node.make_tenant({"read", "write", "admin"});
  }
  // Rows of this tenant as kyb_audit_append (0001) wrote them: plain SHA-256, no key_id.
  sql(db.url,
      "SET session_replication_role = replica;"
      "DO $$ DECLARE r record; prev text := repeat('0', 64); BEGIN "
      "FOR r IN SELECT * FROM audit_logs WHERE tenant_id = '" +
          t +
          "' ORDER BY seq LOOP "
          "UPDATE audit_logs SET key_id = NULL, prev_hash = prev, row_hash = "
          "encode(sha256(convert_to(prev || kyb_audit_canonical(r.seq, r.id, "
          "r.tenant_id, "
          "r.region, r.actor, r.action, r.target_type, r.target_id, r.request_id, "
          "r.details, r.created_at), 'UTF8')), 'hex') WHERE id = r.id "
          "RETURNING row_hash INTO prev; END LOOP; "
          "UPDATE audit_chain_heads SET hash = prev WHERE tenant_id = '" +
          t + "'; END $$;");
  auto unkeyed = std::stoi(
      sql(db.url, "SELECT count(*) FROM audit_logs WHERE tenant_id = '" + t + "'")[0][0]);
  BOOST_REQUIRE(unkeyed >= 2);
  node_process node(env, db.url);
  auto v = verify(node, key);
  BOOST_TEST(v["valid"] == true, v.dump());
  BOOST_TEST(v["legacy_rows"] == unkeyed, v.dump());
  auto seal = sql(db.url, "SELECT seq, key_id FROM audit_logs WHERE tenant_id = '" + t +
                              "' AND action = 'audit.chain_keyed'");
  BOOST_REQUIRE_EQUAL(seal.size(), 1u);
  BOOST_TEST(std::stoi(seal[0][0]) == unkeyed + 1);
  BOOST_TEST(seal[0][1] == key_id_of(env["KYB_SECURITY_AUDIT_KEY"]));
}

BOOST_AUTO_TEST_CASE(audit_keys_rotate) {
  own_database db;
  auto env = shared_env(db);
  auto a = new_key();
  auto b = new_key();
  std::string t;
  std::string key;
  int rows_a = 0;
  {
    auto e = env;
    e["KYB_SECURITY_AUDIT_KEY"] = a;
    node_process node(e, db.url);
    std::tie(t, key) = node.make_tenant({"read", "write", "admin"});
    for (int i = 0; i < 2; ++i)
      BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(i), key).status,
                          201);
    auto v = verify(node, key);
    BOOST_TEST(v["valid"] == true, v.dump());
    rows_a = v["head_seq"].get<int>();
  }
  BOOST_REQUIRE(rows_a >= 4);
  {
    // B is current, A listed as previous: both verify; new rows use B.
    auto e = env;
    e["KYB_SECURITY_AUDIT_KEY"] = b;
    e["KYB_SECURITY_AUDIT_PREVIOUS_KEYS"] = a;
    node_process node(e, db.url);
    BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(9), key).status,
                        201);
    auto v = verify(node, key);
    BOOST_TEST(v["valid"] == true, v.dump());
    BOOST_TEST(v["rows_checked"].get<int>() == v["head_seq"].get<int>(), v.dump());
    BOOST_TEST(v["head_seq"].get<int>() == rows_a + 1, v.dump());
    auto ids = sql(db.url, "SELECT key_id, count(*) FROM audit_logs WHERE tenant_id = '" +
                               t + "' GROUP BY key_id ORDER BY count(*)");
    BOOST_REQUIRE_EQUAL(ids.size(), 2u);
    BOOST_TEST(ids[0][0] == key_id_of(b));
    BOOST_TEST(ids[1][0] == key_id_of(a));
  }
  {
    // Without A its rows cannot be checked, and verify says which.
    auto e = env;
    e["KYB_SECURITY_AUDIT_KEY"] = b;
    node_process node(e, db.url);
    auto v = verify(node, key);
    BOOST_TEST(v["valid"] == false, v.dump());
    BOOST_TEST(!v.contains("first_invalid"), v.dump());
    BOOST_TEST(v["unverifiable"]["rows"] == rows_a, v.dump());
    BOOST_TEST(v["unverifiable"]["first_seq"] == 1, v.dump());
    BOOST_TEST(v["unverifiable"]["key_ids"] == json::array({key_id_of(a)}), v.dump());
    BOOST_TEST(v["rows_checked"] == 1, v.dump());
  }
}

BOOST_AUTO_TEST_CASE(a_bad_audit_key_stops_the_node_naming_the_setting) {
  own_database db;
  auto env = shared_env(db);
  env["KYB_DATABASE_URL"] = db.url;
  env["KYB_HTTP_LISTEN"] = "127.0.0.1:" + std::to_string(free_port());
  env["KYB_NODE_DATA_DIR"] = "/tmp";
  env["KYB_CLUSTER_TLS_CERTIFICATE"] = test_certs_dir() + "/node-1.pem";
  env["KYB_CLUSTER_TLS_KEY"] = test_certs_dir() + "/node-1-key.pem";
  env["KYB_CLUSTER_TLS_CA"] = test_certs_dir() + "/ca.pem";
  auto short_key = kyb::base::base64_encode(kyb::base::random_bytes(16));
  {
    auto [status, out] = run_node(env); // no audit key at all
    BOOST_TEST(status == 2, out);
    BOOST_TEST(out.find("security.audit_key") != std::string::npos, out);
  }
  {
    auto e = env;
    e["KYB_SECURITY_AUDIT_KEY"] = short_key;
    auto [status, out] = run_node(e);
    BOOST_TEST(status == 2, out);
    BOOST_TEST(out.find("security.audit_key") != std::string::npos, out);
    BOOST_TEST(out.find(short_key) == std::string::npos, out); // the key is not echoed
  }
  {
    auto e = env;
    e["KYB_SECURITY_AUDIT_KEY"] = new_key();
    e["KYB_SECURITY_AUDIT_PREVIOUS_KEYS"] = new_key() + "," + short_key;
    auto [status, out] = run_node(e);
    BOOST_TEST(status == 2, out);
    BOOST_TEST(out.find("security.audit_previous_keys") != std::string::npos, out);
  }
}

BOOST_AUTO_TEST_CASE(a_node_runs_as_the_application_role) {
  own_database db;
  auto role = "kyb_t_app_" + kyb::base::hex_encode(kyb::base::random_bytes(4));
  // The schema comes from the owner (migration_url); the node's own sessions use a login
  // role that is a member of kyb_app.
  sql(db.url,
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kyb_app') "
      "THEN CREATE ROLE kyb_app NOLOGIN; END IF; END $$;"
      "CREATE ROLE " +
          role + " LOGIN IN ROLE kyb_app");
  auto app_url = db.url;
  app_url.replace(app_url.find("://") + 3, app_url.find('@') - app_url.find("://") - 3,
                  role);
  {
    auto env = shared_env(db);
    env["KYB_DATABASE_MIGRATION_URL"] = db.url;
    node_process node(env, app_url);
    auto [t, key] = node.make_tenant({"read", "write", "admin"});
    BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(1), key).status,
                        201);
    auto v = verify(node, key);
    BOOST_TEST(v["valid"] == true, v.dump());
    BOOST_TEST(sql(app_url, "SELECT current_user")[0][0] == role);
    BOOST_CHECK_THROW(sql(app_url, "DELETE FROM audit_logs"), std::runtime_error);
    BOOST_CHECK_THROW(sql(app_url, "SET session_replication_role = replica"),
                      std::runtime_error);
  }
  sql(test_database_url(), "DROP DATABASE IF EXISTS " + db.name + " WITH (FORCE)");
  sql(test_database_url(), "DROP ROLE IF EXISTS " + role);
}

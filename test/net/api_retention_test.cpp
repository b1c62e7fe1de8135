// Retention end to end, with real nodes and PostgreSQL: audit months past
// audit.retention are exported (the file holds exactly the month's rows, its SHA-256
// beside it), detached through the owner's function while the node runs as kyb_app,
// recorded in the platform's audit chain, and what remains of each chain still
// verifies (a row removed after that still shows); an export that cannot be written,
// or a month whose chain does not verify, stays attached and is reported; partitions
// are made ahead; api_usage rows past usage.retention go in batches, recent ones stay;
// one node at a time (the advisory lock); the schedule runs by itself; bad
// configuration stops the node naming the key.
#define BOOST_TEST_MODULE api_retention
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/audit/audit_chain.hpp"
#include "persistence/pg_blocking_session.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/uuid.hpp"
#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

std::string new_key() {
  return kyb::base::base64_encode(kyb::base::random_bytes(32));
}

std::string business(int i) {
  return json{{"legal_name", "Retention Co " + std::to_string(i)}, {"country", "US"}}
      .dump();
}

std::string scratch_dir(const std::string& what) {
  auto d = "/tmp/kyb-retention-" + what + "-" +
           kyb::base::hex_encode(kyb::base::random_bytes(4));
  run_command("rm -rf " + d + " && mkdir -p " + d);
  return d;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A database with a login role in kyb_app: the node runs as that role, the migrations
/// (and the test's own rewriting of history) as the owner.
struct app_database {
  app_database() {
    name = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
    role = "kyb_t_ret_" + kyb::base::hex_encode(kyb::base::random_bytes(4));
    sql(test_database_url(), "CREATE DATABASE " + name);
    owner_url = database_url_for(name);
    sql(owner_url, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                   "'kyb_app') THEN CREATE ROLE kyb_app NOLOGIN; END IF; END $$;"
                   "CREATE ROLE " +
                       role + " LOGIN IN ROLE kyb_app");
    app_url = owner_url;
    app_url.replace(app_url.find("://") + 3, app_url.find('@') - app_url.find("://") - 3,
                    role);
  }
  ~app_database() {
    try {
      sql(test_database_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      sql(test_database_url(), "DROP ROLE IF EXISTS " + role);
    } catch (...) {
    }
  }
  std::string name;
  std::string role;
  std::string owner_url;
  std::string app_url;
};

json run_retention(const node_process& node) {
  auto r = node.op("POST", "/v1/admin/retention/run");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json();
}

json verify(const node_process& node, const std::string& key) {
  auto r = node.call("GET", "/v1/audit-logs/verify", "", key);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json();
}

bool attached(const std::string& url, const std::string& partition) {
  return sql(url, "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = "
                  "i.inhrelid WHERE i.inhparent = 'audit_logs'::regclass AND "
                  "c.relname = '" +
                      partition + "'")[0][0] == "1";
}

const std::string chain_columns =
    std::string("SELECT ") + kyb::actors::audit_chain_columns + " FROM audit_logs ";

kyb::actors::audit_chain_row chain_row(const std::vector<std::string>& r) {
  return kyb::actors::audit_chain_row_of([&](size_t i) { return r[i]; });
}

/// The owner makes past monthly partitions and moves a tenant's first rows into them
/// (as if the chain had started years ago), then re-signs the chain with the audit key
/// so that it verifies: history as the node would have written it. `months` gives,
/// per row from seq 1, the month ("2015-01") it moves to.
void backdate_chain(const std::string& owner_url, const std::string& tenant,
                    const std::string& audit_key_b64,
                    const std::vector<std::string>& months) {
  for (auto& m : months) {
    auto part = "audit_logs_" + m.substr(0, 4) + "_" + m.substr(5, 2);
    sql(owner_url, "DO $$ BEGIN IF to_regclass('" + part +
                       "') IS NULL THEN EXECUTE format('CREATE TABLE %I PARTITION OF "
                       "audit_logs FOR VALUES FROM (%L) TO (%L)', '" +
                       part + "', '" + m + "-01'::timestamptz, ('" + m +
                       "-01'::date + interval '1 month')::timestamptz); END IF; END $$");
  }
  std::string moves = "SET session_replication_role = replica;";
  for (size_t i = 0; i < months.size(); ++i)
    moves += "UPDATE audit_logs SET created_at = '" + months[i] +
             "-10 08:00:00.123+00'::timestamptz + interval '1 minute' * " +
             std::to_string(i) + " WHERE tenant_id = '" + tenant +
             "' AND seq = " + std::to_string(i + 1) + ";";
  sql(owner_url, moves);
  auto key = *kyb::base::base64_decode(audit_key_b64);
  auto rows = sql(owner_url, std::string(chain_columns) + "WHERE tenant_id = '" + tenant +
                                 "' ORDER BY seq");
  std::string prev = kyb::actors::audit_genesis_hash();
  std::string updates = "SET session_replication_role = replica;";
  for (auto& r : rows) {
    auto row = chain_row(r);
    auto hash = kyb::actors::audit_row_hmac(key, prev, row);
    updates += "UPDATE audit_logs SET prev_hash = '" + prev + "', row_hash = '" + hash +
               "' WHERE tenant_id = '" + tenant + "' AND seq = " + r[0] + ";";
    prev = hash;
  }
  updates += "UPDATE audit_chain_heads SET hash = '" + prev + "' WHERE tenant_id = '" +
             tenant + "';";
  sql(owner_url, updates);
}

} // namespace

BOOST_AUTO_TEST_CASE(old_audit_months_are_exported_detached_and_the_rest_verifies) {
  app_database db;
  auto dir = scratch_dir("export");
  auto audit_key = new_key();
  std::map<std::string, std::string> env = {
      {"KYB_DATABASE_MIGRATION_URL", db.owner_url},
      {"KYB_SECURITY_AUDIT_KEY", audit_key},
      {"KYB_AUDIT_RETENTION", "12months"},
      {"KYB_RETENTION_ENABLED", "false"}, // manual runs only: nothing races the test
      {"KYB_RETENTION_EXPORT_DIR", dir},
      {"KYB_RETENTION_BATCH_SIZE", "2"}}; // the export reads in several pages
  node_process node(env, db.app_url);
  auto [t, key] = node.make_tenant({"read", "write", "admin"});
  for (int i = 0; i < 4; ++i)
    BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(i), key).status,
                        201);
  auto total =
      std::stoi(sql(db.owner_url, "SELECT count(*) FROM audit_logs WHERE tenant_id = '" +
                                      t + "'")[0][0]);
  BOOST_REQUIRE(total >= 6);
  // Rows 1-3 in January 2015, row 4 in February 2015; the rest stay in this month.
  backdate_chain(db.owner_url, t, audit_key,
                 {"2015-01", "2015-01", "2015-01", "2015-02"});
  BOOST_REQUIRE(verify(node, key)["valid"] == true);
  auto january = sql(db.owner_url, "SELECT id, seq, row_hash, key_id FROM "
                                   "audit_logs_2015_01 ORDER BY tenant_id, seq");
  BOOST_REQUIRE_EQUAL(january.size(), 3u);

  auto rep = run_retention(node);
  BOOST_TEST(rep["ok"] == true, rep.dump());
  BOOST_TEST(rep["ran"] == true, rep.dump());
  BOOST_TEST(rep["audit_cutoff"].is_string());
  BOOST_REQUIRE_EQUAL(rep["exports"].size(), 2u);
  auto e = rep["exports"][0];
  BOOST_TEST(e["partition"] == "audit_logs_2015_01");
  BOOST_TEST(e["rows"] == 3);
  BOOST_TEST(e["detached"] == true);
  BOOST_TEST(e["dropped"] == false);
  BOOST_TEST(rep["exports"][1]["partition"] == "audit_logs_2015_02");
  BOOST_TEST(rep["exports"][1]["rows"] == 1);

  // The file: one JSON object per row, every column, in chain order; its SHA-256 beside.
  auto path = dir + "/audit_logs_2015_01.ndjson";
  BOOST_TEST(e["file"] == path);
  auto content = read_file(path);
  BOOST_TEST(kyb::base::sha256_hex(content) == e["sha256"].get<std::string>());
  BOOST_TEST(read_file(path + ".sha256") ==
             e["sha256"].get<std::string>() + "  audit_logs_2015_01.ndjson\n");
  std::istringstream lines(content);
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line)) {
    BOOST_REQUIRE(i < january.size());
    auto row = json::parse(line);
    BOOST_TEST(row["id"] == january[i][0]);
    BOOST_TEST(row["seq"] == std::stoi(january[i][1]));
    BOOST_TEST(row["row_hash"] == january[i][2]);
    BOOST_TEST(row["key_id"] == january[i][3]);
    for (auto* column : {"tenant_id", "region", "actor", "action", "target_type",
                         "target_id", "request_id", "details", "created_at", "prev_hash"})
      BOOST_TEST(row.contains(column), column);
    BOOST_TEST(row["created_at"].get<std::string>().rfind("2015-01-10T08:0", 0) == 0);
    ++i;
  }
  BOOST_TEST(i == 3u);
  BOOST_TEST(json::parse(read_file(dir + "/audit_logs_2015_02.ndjson"))["seq"] == 4);

  // Detached, kept (retention.drop_detached is off), read-only to the node's role; the
  // retirement is recorded by the owner's function and in the platform's chain.
  BOOST_TEST(!attached(db.owner_url, "audit_logs_2015_01"));
  BOOST_TEST(!attached(db.owner_url, "audit_logs_2015_02"));
  BOOST_TEST(sql(db.owner_url, "SELECT count(*) FROM audit_logs_2015_01")[0][0] == "3");
  BOOST_TEST(sql(db.owner_url, "SELECT has_table_privilege('" + db.role +
                                   "', 'audit_logs_2015_01', 'INSERT'), "
                                   "has_table_privilege('" +
                                   db.role + "', 'audit_logs_2015_01', 'SELECT')")[0] ==
                 (std::vector<std::string>{"f", "t"}),
             boost::test_tools::per_element());
  BOOST_CHECK_THROW(sql(db.app_url, "INSERT INTO audit_retention_anchors (tenant_id, "
                                    "seq, hash, partition) VALUES ('" +
                                        t + "', 99, 'x', 'p')"),
                    std::runtime_error);
  auto anchor = sql(db.owner_url, "SELECT seq, partition FROM audit_retention_anchors "
                                  "WHERE tenant_id = '" +
                                      t + "'");
  BOOST_REQUIRE_EQUAL(anchor.size(), 1u);
  BOOST_TEST(anchor[0][0] == "4");
  BOOST_TEST(anchor[0][1] == "audit_logs_2015_02");
  auto recorded = sql(db.owner_url, "SELECT row_count, sha256, file FROM "
                                    "audit_retention_exports ORDER BY partition");
  BOOST_REQUIRE_EQUAL(recorded.size(), 2u);
  BOOST_TEST(recorded[0][1] == e["sha256"].get<std::string>());
  auto retired = sql(db.owner_url,
                     "SELECT target_id, details->>'sha256', actor FROM audit_logs WHERE "
                     "tenant_id = '00000000-0000-0000-0000-000000000000' AND action = "
                     "'audit.partition_retired' ORDER BY seq");
  BOOST_REQUIRE_EQUAL(retired.size(), 2u);
  BOOST_TEST(retired[0][0] == "audit_logs_2015_01");
  BOOST_TEST(retired[0][1] == e["sha256"].get<std::string>());
  BOOST_TEST(retired[0][2].rfind("system:", 0) == 0);

  // What remains verifies from the retired prefix on; so does the platform's chain.
  auto v = verify(node, key);
  BOOST_TEST(v["valid"] == true, v.dump());
  BOOST_TEST(v["retired_through_seq"] == 4, v.dump());
  BOOST_TEST(v["rows_checked"] == total - 4, v.dump());
  // (no key may call verify for the platform's chain: the verifier, with the key)
  {
    kyb::actors::audit_chain_verifier chain(std::make_shared<kyb::actors::audit_keyring>(
        *kyb::base::base64_decode(audit_key)));
    auto rows =
        sql(db.owner_url, std::string(chain_columns) +
                              "WHERE tenant_id = "
                              "'00000000-0000-0000-0000-000000000000' ORDER BY seq");
    BOOST_REQUIRE(rows.size() >= 3u);
    for (auto& r : rows) {
      auto why = chain.check(chain_row(r));
      BOOST_TEST(!why.has_value(),
                 "platform chain row " << r[0] << ": " << why.value_or(""));
    }
  }

  // A second run has nothing left to export.
  auto again = run_retention(node);
  BOOST_TEST(again["ok"] == true, again.dump());
  BOOST_TEST(again["exports"].empty(), again.dump());

  // The first row left, removed by the owner (past the triggers): it shows.
  sql(db.owner_url, "SET session_replication_role = replica; DELETE FROM audit_logs "
                    "WHERE tenant_id = '" +
                        t + "' AND seq = 5");
  auto bad = verify(node, key);
  BOOST_TEST(bad["valid"] == false, bad.dump());
  BOOST_TEST(bad["first_invalid"]["reason"].get<std::string>().find(
                 "expected sequence number 5") != std::string::npos,
             bad.dump());

  // The owner's function refuses what the node must not do, whoever calls it.
  BOOST_CHECK_THROW(
      sql(db.app_url, "SELECT kyb_audit_retire_partition('audit_logs_" +
                          sql(db.owner_url, "SELECT to_char(now(), 'YYYY_MM')")[0][0] +
                          "', 0, 0, repeat('0', 64), 'f', 'x', false)"),
      std::runtime_error);
  BOOST_CHECK_THROW(sql(db.app_url, "ALTER TABLE audit_logs DETACH PARTITION "
                                    "audit_logs_default"),
                    std::runtime_error);
  run_command("rm -rf " + dir);
}

BOOST_AUTO_TEST_CASE(a_month_that_cannot_be_exported_stays_attached_and_is_reported) {
  app_database db;
  auto blocker = scratch_dir("blocked");
  run_command("touch " + blocker + "/file");
  auto audit_key = new_key();
  std::map<std::string, std::string> env = {
      {"KYB_DATABASE_MIGRATION_URL", db.owner_url},
      {"KYB_SECURITY_AUDIT_KEY", audit_key},
      {"KYB_AUDIT_RETENTION", "12months"},
      {"KYB_RETENTION_ENABLED", "false"},
      // A path below a regular file: no directory can be made there (root included).
      {"KYB_RETENTION_EXPORT_DIR", blocker + "/file/exports"}};
  node_process node(env, db.app_url);
  auto [t, key] = node.make_tenant({"read", "write", "admin"});
  BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(1), key).status, 201);
  backdate_chain(db.owner_url, t, audit_key, {"2015-03", "2015-03"});

  auto rep = run_retention(node);
  BOOST_TEST(rep["ok"] == false, rep.dump());
  BOOST_TEST(rep["ran"] == true, rep.dump());
  BOOST_REQUIRE_EQUAL(rep["failures"].size(), 1u);
  auto f = rep["failures"][0];
  BOOST_TEST(f["step"] == "export");
  BOOST_TEST(f["partition"] == "audit_logs_2015_03");
  BOOST_TEST(f["detail"].get<std::string>().find(blocker + "/file") != std::string::npos,
             f.dump());
  BOOST_TEST(rep["exports"].empty());
  BOOST_TEST(attached(db.owner_url, "audit_logs_2015_03"));
  BOOST_TEST(sql(db.owner_url, "SELECT count(*) FROM audit_retention_anchors")[0][0] ==
             "0");
  BOOST_TEST(verify(node, key)["valid"] == true);
  auto m = node.metrics().body;
  BOOST_TEST(
      m.find("kyb_retention_failures_total{step=\"export\"} 1") != std::string::npos, m);
  BOOST_TEST(m.find("kyb_retention_runs_total{outcome=\"failed\"} 1") !=
             std::string::npos);
  run_command("rm -rf " + blocker);
}

BOOST_AUTO_TEST_CASE(a_month_whose_chain_does_not_verify_is_not_retired) {
  app_database db;
  auto dir = scratch_dir("broken");
  auto audit_key = new_key();
  std::map<std::string, std::string> env = {{"KYB_DATABASE_MIGRATION_URL", db.owner_url},
                                            {"KYB_SECURITY_AUDIT_KEY", audit_key},
                                            {"KYB_AUDIT_RETENTION", "12months"},
                                            {"KYB_RETENTION_ENABLED", "false"},
                                            {"KYB_RETENTION_EXPORT_DIR", dir}};
  node_process node(env, db.app_url);
  auto [t, key] = node.make_tenant({"read", "write", "admin"});
  BOOST_REQUIRE_EQUAL(node.call("POST", "/v1/businesses", business(1), key).status, 201);
  backdate_chain(db.owner_url, t, audit_key, {"2015-04", "2015-04"});
  // The owner removes row 1 of the old month: the export must not launder it.
  sql(db.owner_url, "SET session_replication_role = replica; DELETE FROM audit_logs "
                    "WHERE tenant_id = '" +
                        t + "' AND seq = 1");
  auto rep = run_retention(node);
  BOOST_TEST(rep["ok"] == false, rep.dump());
  BOOST_REQUIRE_EQUAL(rep["failures"].size(), 1u);
  BOOST_TEST(rep["failures"][0]["step"] == "export");
  BOOST_TEST(rep["failures"][0]["detail"].get<std::string>().find("does not verify") !=
                 std::string::npos,
             rep.dump());
  BOOST_TEST(attached(db.owner_url, "audit_logs_2015_04"));
  BOOST_TEST(run_command("ls " + dir).output.empty(), "no export left behind");
  run_command("rm -rf " + dir);
}

BOOST_AUTO_TEST_CASE(partitions_ahead_and_old_usage_rows_in_batches) {
  std::map<std::string, std::string> env = {{"KYB_AUDIT_PARTITIONS_AHEAD", "5"},
                                            {"KYB_USAGE_RETENTION", "13months"},
                                            {"KYB_RETENTION_ENABLED", "false"},
                                            {"KYB_RETENTION_BATCH_SIZE", "4"}};
  node_process node(env);
  auto url = node.database_url();
  auto usage = [&](int n, const std::string& age) {
    for (int i = 0; i < n; ++i)
      sql(url, "INSERT INTO api_usage (id, tenant_id, region, node_id, endpoint, method, "
               "status_code, request_count, duration_seconds, created_at) VALUES ('" +
                   kyb::base::uuid::make_v7().to_string() +
                   "', '00000000-0000-0000-0000-000000000000', 'us', 't', '/x', 'GET', "
                   "200, 1, 0.01, now() - interval '" +
                   age + "')");
  };
  usage(10, "14 months");
  usage(2, "12 months 20 days");
  usage(3, "1 day");
  auto rep = run_retention(node);
  BOOST_TEST(rep["ok"] == true, rep.dump());
  BOOST_TEST(rep["usage_rows_deleted"] == 10, rep.dump());
  BOOST_TEST(rep["usage_batches"] == 3, rep.dump()); // 4 + 4 + 2
  // (the node's own requests add rows of node_id <> 't': they are recent)
  BOOST_TEST(sql(url, "SELECT count(*) FROM api_usage WHERE node_id = 't'")[0][0] == "5");
  BOOST_TEST(sql(url, "SELECT count(*) FROM api_usage WHERE created_at < now() - "
                      "interval '13 months'")[0][0] == "0");
  // This month and five ahead, made by the run (the migration made three ahead).
  BOOST_TEST(rep["partitions_ensured"].size() == 6u, rep.dump());
  BOOST_TEST(rep["partitions_created"] == 2, rep.dump());
  for (int i = 0; i <= 5; ++i) {
    auto name = sql(url, "SELECT 'audit_logs_' || to_char(date_trunc('month', now() AT "
                         "TIME ZONE 'UTC') + make_interval(months => " +
                             std::to_string(i) + "), 'YYYY_MM')")[0][0];
    BOOST_TEST(attached(url, name), name);
  }
  auto m = node.metrics().body;
  BOOST_TEST(m.find("kyb_retention_usage_rows_deleted_total 10") != std::string::npos, m);
  BOOST_TEST(m.find("kyb_retention_partitions_total{action=\"created\"} 2") !=
             std::string::npos);
  BOOST_TEST(m.find("kyb_retention_runs_total{outcome=\"ok\"} 1") != std::string::npos);
  // A body is refused; so is a caller without the operator key.
  BOOST_TEST(node.op("POST", "/v1/admin/retention/run", "{\"now\": 1}").status == 400);
  auto [t, key] = node.make_tenant({"read", "write", "admin"});
  BOOST_TEST(node.call("POST", "/v1/admin/retention/run", "", key).status == 403);
}

BOOST_AUTO_TEST_CASE(one_node_at_a_time_and_the_schedule_runs_by_itself) {
  node_process node(std::map<std::string, std::string>{{"KYB_RETENTION_INTERVAL", "1s"}});
  auto url = node.database_url();
  // The schedule: a first run within a second of the start, a success recorded.
  BOOST_REQUIRE_MESSAGE(eventually([&] {
                          return node.metrics().body.find(
                                     "kyb_retention_runs_total{outcome=\"ok\"} 0") ==
                                 std::string::npos;
                        }),
                        "no scheduled retention run succeeded");
  auto m = node.metrics().body;
  BOOST_TEST(
      m.find("kyb_retention_last_success_timestamp_seconds{region=\"us-east-1\"} 0") ==
          std::string::npos,
      m);
  // Another holder of the database's retention lock: the node skips.
  kyb::persistence::pg_blocking_session other(url);
  BOOST_REQUIRE(other.scalar("SELECT pg_advisory_lock(7672143467209076)"));
  auto skipped = run_retention(node);
  BOOST_TEST(skipped["ran"] == false, skipped.dump());
  BOOST_TEST(skipped["skipped"] == "another node is running retention on this database");
  BOOST_REQUIRE(other.scalar("SELECT pg_advisory_unlock(7672143467209076)"));
  BOOST_REQUIRE_MESSAGE(eventually([&] { return run_retention(node)["ran"] == true; }),
                        "retention did not run once the lock was free");
}

BOOST_AUTO_TEST_CASE(bad_retention_configuration_stops_the_node_naming_the_key) {
  for (auto [var, value, says] :
       {std::tuple<std::string, std::string, std::string>{
            "KYB_AUDIT_RETENTION", "6months", "configuration error: audit.retention"},
        {"KYB_USAGE_RETENTION", "13", "expected calendar months"},
        {"KYB_RETENTION_INTERVAL", "0s", "retention.interval"},
        {"KYB_AUDIT_PARTITIONS_AHEAD", "100", "audit.partitions_ahead"}}) {
    node_process node(std::map<std::string, std::string>{{var, value}}, std::string{},
                      false);
    BOOST_REQUIRE(node.wait_exit(std::chrono::seconds(30)));
    BOOST_TEST(node.exit_status() == 2, var);
    BOOST_TEST(node.log().find(says) != std::string::npos, node.log());
  }
}

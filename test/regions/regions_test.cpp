// Regions with three real PostgreSQL clusters (the test command starts them: see
// deploy/local/kyb start_test_regions) and one kyb-node per region in one cluster:
// replication made and measured from configuration, EU residency, any node accepting
// any request, a failover drill under a steady write load with the old primary's
// database killed, its fence when it returns, and failback with the lost tail exported.
#define BOOST_TEST_MODULE regions
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"
#include "runtime/base/crypto.hpp"
#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> region_names = {"us-east-1", "us-west-2", "eu-west-1"};

/// "region=value,..." as the test command exports it.
std::map<std::string, std::string> parse_map(const char* env) {
  std::map<std::string, std::string> out;
  for (auto& item : kyb::config::comma_list(env ? env : "")) {
    auto eq = item.find('=');
    if (eq != std::string::npos)
      out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string with_db(const std::string& url, const std::string& db) {
  return url.substr(0, url.rfind('/') + 1) + db;
}

std::string run(const std::string& cmd) {
  std::string out;
  if (auto* p = ::popen((cmd + " 2>&1").c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

json kybctl(const node_process& n, const std::string& args, int timeout = 120) {
  auto out = n.kybctl("--json --timeout " + std::to_string(timeout) + " " + args).output;
  auto j = json::parse(out, nullptr, false);
  if (j.is_discarded())
    BOOST_TEST_MESSAGE("kybctl " + args + ": " + out);
  return j;
}

/// Drops what earlier runs left in the test regions: subscriptions (keeping their
/// slots, whose publishers may be gone), slots, and the kyb_r_* databases.
void clean_regions(const std::map<std::string, std::string>& admin) {
  // First: a synchronous setting left behind would hold every commit below (and of the
  // next test) once its subscriber is gone.
  for (auto& [region, url] : admin) {
    sql(url, "ALTER SYSTEM RESET synchronous_standby_names");
    sql(url, "SELECT pg_reload_conf()");
  }
  for (auto& [region, url] : admin) {
    auto dbs = sql(url, "SELECT datname FROM pg_database WHERE datname LIKE 'kyb_r_%'");
    for (auto& d : dbs) {
      auto dburl = with_db(url, d[0]);
      try {
        sql(dburl, "ALTER DATABASE " + d[0] + " RESET default_transaction_read_only");
        for (auto& s : sql(dburl, "SELECT subname FROM pg_subscription")) {
          sql(dburl, "ALTER SUBSCRIPTION " + s[0] + " DISABLE");
          sql(dburl, "ALTER SUBSCRIPTION " + s[0] + " SET (slot_name = NONE)");
          sql(dburl, "DROP SUBSCRIPTION " + s[0]);
        }
      } catch (const std::exception& e) {
        BOOST_TEST_MESSAGE("cleaning " + region + "/" + d[0] + ": " + e.what());
      }
    }
  }
  for (auto& [region, url] : admin) {
    // A slot is dropped once its walsender is gone (terminating it is not immediate).
    eventually([&] {
      sql(url, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE "
               "active_pid IS NOT NULL");
      return sql(url, "SELECT 1 FROM pg_replication_slots WHERE active").empty();
    });
    sql(url, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
             "NOT active");
    for (auto& d :
         sql(url, "SELECT datname FROM pg_database WHERE datname LIKE 'kyb_r_%'"))
      sql(url, "DROP DATABASE " + d[0] + " WITH (FORCE)");
  }
}

struct regions_fixture {
  regions_fixture() {
    admin = parse_map(std::getenv("KYB_TEST_REGION_URLS"));
    redis = parse_map(std::getenv("KYB_TEST_REGION_REDIS"));
    if (admin.size() != 3 || redis.size() != 3 || !std::getenv("KYB_TEST_REGION_PG"))
      throw std::runtime_error(
          "KYB_TEST_REGION_URLS / _REDIS / _PG are not set: run the tests with "
          "deploy/local/kyb test (or eval \"$(deploy/local/kyb regions-env)\")");
    pg_ctl = std::getenv("KYB_TEST_REGION_PG");
    for (auto& r : region_names)
      run(pg_ctl + " start " + r); // a test that killed one may have failed before
    clean_regions(admin);
    db = "kyb_r_" + kyb::base::hex_encode(kyb::base::random_bytes(5));
    std::string databases;
    for (auto& r : region_names) {
      sql(admin[r], "CREATE DATABASE " + db);
      url[r] = with_db(admin[r], db);
      databases += (databases.empty() ? "" : ",") + r + "=" + url[r];
    }
    std::string seeds;
    for (size_t i = 0; i < 3; ++i) {
      ports.push_back(free_port());
      seeds += (seeds.empty() ? "" : ",") + std::string("127.0.0.1:") +
               std::to_string(ports[i]);
    }
    base = cluster_node_env(seeds, "/tmp/kyb-regions-" + db + ".key");
    base.insert({{"KYB_REGIONS_DATABASES", databases},
                 {"KYB_REGIONS_POLL_INTERVAL", "200ms"},
                 {"KYB_REGIONS_PROBE_INTERVAL", "200ms"}});
    for (size_t i = 0; i < 3; ++i)
      start(i);
  }

  ~regions_fixture() {
    for (auto& n : nodes)
      if (n && n->running())
        n->stop();
    nodes.clear();
    std::remove(base["KYB_SECURITY_BOOTSTRAP_KEY_FILE"].c_str());
    try {
      for (auto& r : region_names)
        run(pg_ctl + " start " + r);
      clean_regions(admin);
    } catch (const std::exception& e) {
      BOOST_TEST_MESSAGE(std::string("cleaning the regions: ") + e.what());
    }
  }

  void start(size_t i) {
    auto env = base;
    auto& r = region_names[i];
    env["KYB_NODE_ID"] = "node-" + r;
    env["KYB_NODE_REGION"] = r;
    env["KYB_REDIS_URL"] = redis[r];
    env["KYB_CLUSTER_LISTEN"] = "127.0.0.1:" + std::to_string(ports[i]);
    if (nodes.size() <= i)
      nodes.resize(i + 1);
    nodes[i] = std::make_unique<node_process>(env, url[r]);
  }

  node_process& node(const std::string& region) {
    for (size_t i = 0; i < region_names.size(); ++i)
      if (region_names[i] == region)
        return *nodes.at(i);
    throw std::runtime_error("no node in " + region);
  }

  /// Rows of `query` in `region`'s database.
  std::vector<std::vector<std::string>> in(const std::string& region,
                                           const std::string& query) {
    return sql(url[region], query);
  }

  bool has_business(const std::string& region, const std::string& id) {
    try {
      return !in(region, "SELECT 1 FROM businesses WHERE id = '" + id + "'").empty();
    } catch (const std::exception&) {
      return false;
    }
  }

  json status(const std::string& region = "us-west-2") {
    return kybctl(node(region), "region status");
  }

  /// Waits until every subscription of the replication plan streams and every node's
  /// controller has measured each lag (each node serves reads by its own measurement).
  bool replicating() {
    return eventually(
        [&] {
          for (auto& r : region_names) {
            auto s = status(r);
            if (!s.is_object() || !s.value("ensured", false))
              return false;
            size_t known = 0;
            for (auto& l : s["lag"])
              if (l["lag_seconds"].is_number() && l.value("state", "") == "ok")
                ++known;
            if (known != s["lag"].size() || known == 0)
              return false;
          }
          return true;
        },
        60s);
  }

  std::string create_business(const std::string& via, const std::string& key,
                              const std::string& name,
                              const std::string& country = "US") {
    // A 503 asks to retry (a pool reconnecting after a fence, a moving actor).
    http_reply r;
    eventually(
        [&] {
          r = node(via).call("POST", "/v1/businesses",
                             json{{"legal_name", name}, {"country", country}}.dump(),
                             key);
          return r.status != 503;
        },
        5s);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "create via " + via + ": " +
                                               std::to_string(r.status) + " " + r.body);
    return r.json()["id"].get<std::string>();
  }

  std::map<std::string, std::string> admin, redis, url;
  std::string db, pg_ctl;
  std::vector<uint16_t> ports;
  std::map<std::string, std::string> base;
  std::vector<std::unique_ptr<node_process>> nodes;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(regions, regions_fixture)

BOOST_AUTO_TEST_CASE(replication_is_made_from_configuration_measured_and_exported) {
  BOOST_REQUIRE(replicating());
  // Regions open no listener of their own: each node listens where it is configured only
  // (the forwarding relay reaches its node's HTTP port as a client).
  for (auto& region : region_names)
    BOOST_TEST(node(region).listening_addresses() == node(region).configured_addresses(),
               region << " listens on:\n"
                      << run_command("ss -ltnpH").output);
  auto s = status();
  BOOST_TEST(s["routing"]["us_write"] == "us-east-1");
  // The table configuration: five (group, target) pairs with their SLAs.
  std::map<std::string, double> sla;
  for (auto& l : s["lag"])
    sla[l["group"].get<std::string>() + ">" + l["target"].get<std::string>()] =
        l["sla_seconds"].get<double>();
  BOOST_TEST(sla.size() == 5u);
  BOOST_TEST(sla["businesses>us-west-2"] == 30);
  BOOST_TEST(sla["businesses>eu-west-1"] == 30);
  BOOST_TEST(sla["risk_assessments>us-west-2"] == 60);
  BOOST_TEST(sla.count("risk_assessments>eu-west-1") == 0u);
  BOOST_TEST(sla["audit_logs>eu-west-1"] == 300);
  // Publications carry the EU filter; US clusters refuse EU rows outright.
  auto filter =
      in("us-east-1", "SELECT rowfilter FROM pg_publication_tables WHERE "
                      "pubname = 'pub_businesses' AND tablename = 'businesses'");
  BOOST_REQUIRE_EQUAL(filter.size(), 1u);
  BOOST_TEST(filter[0][0].find("'eu'") != std::string::npos);
  BOOST_CHECK_THROW(in("us-west-2", "INSERT INTO tenants (id, region, name, created_at, "
                                    "updated_at) VALUES (gen_random_uuid(), 'eu', 'x', "
                                    "now(), now())"),
                    std::exception);
  // The lag is exported under its documented metric name (by every node, once it
  // sampled).
  const std::string lag_series =
      "kyb_replication_lag_seconds{source_region=\"us-east-1\",table=\"businesses\","
      "target_region=\"eu-west-1\"}"; // labels in name order, as prometheus-cpp writes
  http_reply m;
  BOOST_TEST(eventually([&] {
    m = node("eu-west-1").metrics("/metrics");
    return m.body.find(lag_series) != std::string::npos;
  }));
  BOOST_TEST(m.body.find("kyb_replication_lag_sla_seconds") != std::string::npos);
  BOOST_TEST(m.body.find("kyb_region_routing_epoch") != std::string::npos);
  auto path = "/tmp/kyb-regions-metrics-" + db + ".txt";
  std::ofstream(path) << m.body;
  auto lint = run("promtool check metrics < " + path + " && echo PROMTOOL_OK");
  BOOST_TEST(lint.find("PROMTOOL_OK") != std::string::npos, lint);
  std::remove(path.c_str());
  // Ensuring again changes nothing (idempotent), and answers which objects exist.
  auto again = kybctl(node("us-east-1"), "region ensure");
  BOOST_TEST(again.value("ok", false), again.dump());
  BOOST_TEST(in("us-west-2", "SELECT count(*) FROM pg_subscription")[0][0] == "3");
  BOOST_TEST(in("eu-west-1", "SELECT count(*) FROM pg_subscription")[0][0] == "2");
  // An upgrade: a deployment made before migration 0011 added website_analyses and
  // registry_lookups to the businesses group has publications and subscriptions without
  // them. Ensuring adds them to the publication and refreshes the subscriptions.
  in("us-east-1",
     "ALTER PUBLICATION pub_businesses DROP TABLE website_analyses, registry_lookups");
  auto replicates = [&](const std::string& region, const std::string& table) {
    auto sub = "sub_businesses_" +
               std::string(region == "us-west-2" ? "us_west_2" : "eu_west_1");
    return in(region, "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription "
                      "s ON s.oid = r.srsubid WHERE s.subname = '" +
                          sub + "' AND r.srrelid = '" + table + "'::regclass")[0][0] ==
           "1";
  };
  for (auto target : {"us-west-2", "eu-west-1"}) {
    auto sub = std::string("sub_businesses_") +
               (std::string(target) == "us-west-2" ? "us_west_2" : "eu_west_1");
    in(target, "ALTER SUBSCRIPTION " + sub + " REFRESH PUBLICATION");
    BOOST_REQUIRE(!replicates(target, "website_analyses"));
  }
  auto upgraded = kybctl(node("us-east-1"), "region ensure");
  BOOST_TEST(upgraded.value("ok", false), upgraded.dump());
  BOOST_TEST(upgraded.dump().find("refreshed (tables added)") != std::string::npos,
             upgraded.dump());
  BOOST_TEST(in("us-east-1", "SELECT count(*) FROM pg_publication_tables WHERE pubname = "
                             "'pub_businesses' AND tablename IN ('website_analyses', "
                             "'registry_lookups')")[0][0] == "2");
  for (auto target : {"us-west-2", "eu-west-1"}) {
    BOOST_TEST(replicates(target, "website_analyses"), target);
    BOOST_TEST(replicates(target, "registry_lookups"), target);
  }

  // regions.synchronous: the businesses group's commits wait for a US replica, so an
  // acknowledged write is already in us-west-2 (logical replication confirms a commit
  // once the subscriber committed it).
  for (auto& n : nodes)
    BOOST_TEST(n->stop() == 0); // a clean exit: the region actors stop with the node
  base["KYB_REGIONS_SYNCHRONOUS"] = "businesses";
  for (size_t i = 0; i < 3; ++i)
    start(i);
  BOOST_REQUIRE(replicating());
  BOOST_TEST(in("us-east-1", "SHOW synchronous_standby_names")[0][0] ==
             "FIRST 1 (\"sub_businesses_us_west_2\")");
  BOOST_TEST(eventually([&] {
    return !in("us-east-1", "SELECT 1 FROM pg_stat_replication WHERE application_name = "
                            "'sub_businesses_us_west_2' AND sync_state = 'sync'")
                .empty();
  }));
  // The subscriber confirms each commit at once (else every commit waits for its
  // status interval).
  BOOST_TEST(in("us-west-2", "SELECT subsynccommit FROM pg_subscription WHERE subname = "
                             "'sub_businesses_us_west_2'")[0][0] == "on");
  BOOST_TEST(in("eu-west-1", "SELECT subsynccommit FROM pg_subscription WHERE subname = "
                             "'sub_businesses_eu_west_1'")[0][0] == "off");
  auto us = node("us-east-1").make_tenant({"read", "write"}, "us");
  for (int i = 0; i < 20; ++i) {
    auto id = create_business("us-east-1", us.second, "Synchronous " + std::to_string(i));
    BOOST_TEST(has_business("us-west-2", id), id);
  }
}

BOOST_AUTO_TEST_CASE(eu_rows_stay_in_the_eu_and_any_node_serves_any_tenant) {
  BOOST_REQUIRE(replicating());
  // Tenants made through the US node: the EU one is created in eu-west-1.
  auto us = node("us-east-1").make_tenant({"read", "write", "admin"}, "us");
  auto eu = node("us-east-1").make_tenant({"read", "write", "admin"}, "eu");
  BOOST_TEST(in("eu-west-1", "SELECT region FROM tenants WHERE id = '" + eu.first + "'")
                 .at(0)
                 .at(0) == "eu");
  BOOST_TEST(
      in("us-east-1", "SELECT 1 FROM tenants WHERE id = '" + eu.first + "'").empty());
  // Any node accepts any request: an EU write through the US DR node lands in the EU.
  auto eu_biz = create_business("us-west-2", eu.second, "Dublin Widgets Ltd", "IE");
  auto us_biz = create_business("eu-west-1", us.second, "Ohio Widgets LLC");
  BOOST_TEST(has_business("eu-west-1", eu_biz));
  BOOST_TEST(has_business("us-east-1", us_biz));
  // A US row reaches both replicas within its SLA (30 s).
  BOOST_TEST(eventually([&] { return has_business("us-west-2", us_biz); }, 30s));
  BOOST_TEST(eventually([&] { return has_business("eu-west-1", us_biz); }, 30s));
  // Reads: the US business from the EU node's fresh replica; the EU business from any
  // node (forwarded to eu-west-1).
  auto r1 = node("eu-west-1").call("GET", "/v1/businesses/" + us_biz, "", us.second);
  BOOST_TEST(r1.status == 200);
  BOOST_TEST(r1.header("x-kyb-served-by-region").empty(), // served from the replica
             r1.header("x-kyb-served-by-region") << " " << status("eu-west-1").dump());
  auto r2 = node("us-west-2").call("GET", "/v1/businesses/" + eu_biz, "", eu.second);
  BOOST_TEST(r2.status == 200, r2.body);
  BOOST_TEST(r2.header("x-kyb-served-by-region") == "eu-west-1");
  // A client's X-KYB-Forwarded-By (and a forged proof) is ignored: each request is
  // routed as without it. A read the US DR region must not serve from its replica (the
  // usage has no replica group) still goes to us-east-1; a write of a US tenant at the
  // DR region still goes to its write region (it was served here: a 503 from the
  // replica guard); an EU read with a trail naming eu-west-1 as visited still reaches it.
  const std::map<std::string, std::string> forged = {
      {"X-KYB-Forwarded-By", "node-x@us-west-2"},
      {"X-KYB-Forward-Proof", "1.00000000000000000000000000000000"}};
  auto usage =
      node("us-west-2")
          .call("GET", "/v1/usage?from=2026-11-01&to=2026-11-02", "", us.second, forged);
  BOOST_TEST(usage.status == 200, usage.body);
  BOOST_TEST(usage.header("x-kyb-served-by-region") == "us-east-1");
  auto forged_write =
      node("us-west-2")
          .call("POST", "/v1/businesses",
                json{{"legal_name", "Forged Hop LLC"}, {"country", "US"}}.dump(),
                us.second, forged);
  BOOST_TEST(forged_write.status == 201, forged_write.body);
  BOOST_TEST(forged_write.header("x-kyb-served-by-region") == "us-east-1");
  auto forged_read = node("us-west-2")
                         .call("GET", "/v1/businesses/" + eu_biz, "", eu.second,
                               {{"X-KYB-Forwarded-By", "node-x@eu-west-1"}});
  BOOST_TEST(forged_read.status == 200, forged_read.body);
  BOOST_TEST(forged_read.header("x-kyb-served-by-region") == "eu-west-1");
  // A key made a moment ago works at once through any region, though the replicas
  // may not hold it yet (their tenant actor sends the request to the home region).
  for (auto* via : {"eu-west-1", "us-west-2"}) {
    auto k = node(via).call("POST", "/v1/tenants/" + us.first + "/api-keys",
                            R"({"scopes":["read"]})", us.second);
    BOOST_REQUIRE_EQUAL(k.status, 201);
    auto r = node(via).call("GET", "/v1/businesses/" + us_biz, "",
                            k.json()["key"].get<std::string>());
    BOOST_TEST(r.status == 200, via << ": " << r.body);
  }
  // Writes of US rows in a replica region are refused at the database (replica guard).
  BOOST_CHECK_THROW(
      in("us-west-2",
         "UPDATE businesses SET legal_name = 'x' WHERE id = '" + us_biz + "'"),
      std::exception);
  // The EU rows never reach the US regions, nor their owners, audit rows or keys. A US
  // marker written after them on the primary has reached the other US region (its
  // business and its audit row, one per replicated group there), so whatever reached
  // the primary before it has been applied there too: the absence below is not lag.
  auto marker = create_business("us-east-1", us.second, "Later US Marker Inc");
  BOOST_REQUIRE(eventually([&] { return has_business("us-west-2", marker); }, 30s));
  BOOST_REQUIRE(eventually(
      [&] {
        return !in("us-west-2",
                   "SELECT 1 FROM audit_logs WHERE target_id = '" + marker + "'")
                    .empty();
      },
      300s));
  for (auto* r : {"us-east-1", "us-west-2"}) {
    BOOST_TEST(!has_business(r, eu_biz));
    for (auto* t : {"tenants", "api_keys", "businesses", "audit_logs"})
      BOOST_TEST(in(r, std::string("SELECT count(*) FROM ") + t + " WHERE region = 'eu'")
                         .at(0)
                         .at(0) == "0",
                 r << " " << t);
  }
  auto check = kybctl(node("us-east-1"), "region check");
  BOOST_TEST(check.value("clean", false), check.dump());
}

BOOST_AUTO_TEST_CASE(failover_under_load_fence_and_failback) {
  BOOST_REQUIRE(replicating());
  auto us =
      node("us-east-1")
          .make_tenant({"read", "write", "admin"}, "us",
                       R"("rate_limit":{"requests_per_second":100000,"burst":100000})");
  auto eu = node("us-east-1").make_tenant({"read", "write", "admin"}, "eu");
  auto eu_biz = create_business("eu-west-1", eu.second, "Cork Trading Ltd", "IE");
  // The tenant and its key reach us-west-2 (the DR node authenticates from its copy).
  BOOST_REQUIRE(eventually([&] {
    return !in("us-west-2", "SELECT 1 FROM api_keys WHERE tenant_id = '" + us.first + "'")
                .empty();
  }));

  // A steady write load through the DR region's node (forwarded to the US primary).
  std::atomic<bool> stop{false};
  std::atomic<bool> switched{false};
  std::mutex mtx;
  std::vector<std::string> before, after;
  int failures = 0;
  std::set<std::string> refusals; // "status content-type" of the writes not taken
  std::thread load([&] {
    int i = 0;
    while (!stop) {
      bool late = switched.load();
      auto r =
          node("us-west-2")
              .call("POST", "/v1/businesses",
                    json{{"legal_name", "Load " + std::to_string(i++)}, {"country", "US"}}
                        .dump(),
                    us.second);
      std::lock_guard<std::mutex> g(mtx);
      if (r.status == 201)
        (late ? after : before).push_back(r.json()["id"].get<std::string>());
      else {
        ++failures;
        refusals.insert(std::to_string(r.status) + " " + r.header("content-type") +
                        (r.header("retry-after").empty() ? "" : " retry"));
      }
      std::this_thread::sleep_for(5ms);
    }
  });
  // The load stops (and its thread ends) however the test ends.
  struct load_stopper {
    std::atomic<bool>& stop;
    std::thread& load;
    ~load_stopper() {
      stop = true;
      if (load.joinable())
        load.join();
    }
  } stopper{stop, load};
  // The load runs (writes acknowledged) before the primary dies.
  auto acknowledged = [&](const std::vector<std::string>& ids, size_t n) {
    return eventually(
        [&] {
          std::lock_guard<std::mutex> g(mtx);
          return ids.size() >= n;
        },
        60s);
  };
  BOOST_REQUIRE(acknowledged(before, 5));

  // The primary's database dies; the drill fails over to us-west-2.
  run(pg_ctl + " kill us-east-1");
  auto drill = kybctl(node("us-west-2"), "drill region-failover us-east-1");
  switched = true;
  BOOST_TEST_MESSAGE("drill: " << drill.dump());
  BOOST_REQUIRE_MESSAGE(drill.value("ok", false), drill.dump());
  BOOST_TEST(drill["new_primary"] == "us-west-2");
  BOOST_TEST(drill["planned"] == false);
  BOOST_TEST(drill["loss_bound_seconds"].is_number());
  // The replicas agree with the new primary, under the load that goes on.
  BOOST_TEST(drill["check"].value("clean", false), drill["check"].dump());
  std::set<std::string> steps;
  for (auto& s : drill["steps"])
    steps.insert(s["step"].get<std::string>());
  for (auto* s : {"detect", "promote us-west-2", "repoint eu-west-1", "switch routing",
                  "fence us-east-1", "consistency check"})
    BOOST_TEST(steps.count(s) == 1u, s);
  // The load goes on through the new primary for a while.
  BOOST_TEST(acknowledged(after, 5));
  stop = true;
  load.join();
  BOOST_TEST_MESSAGE("acknowledged before " << before.size() << ", after " << after.size()
                                            << ", failed " << failures);
  // The writes refused while the primary was gone were told so, as problems to retry:
  // 503 once the node knows, 504 when the request's deadline came first (a loaded
  // machine: the write's fate is then unknown, which an Idempotency-Key retry settles).
  for (auto& r : refusals)
    BOOST_TEST((r.rfind("503 application/problem+json", 0) == 0u ||
                r.rfind("504 application/problem+json", 0) == 0u),
               r);
  BOOST_REQUIRE(!after.empty());
  // Every write acknowledged after the switch is in the new primary.
  for (auto& id : after)
    BOOST_TEST(has_business("us-west-2", id), id);
  // The old primary's node, whose database is gone, still takes the tenant's
  // requests: they go to us-west-2 (the tenant actor there cannot read its state), once
  // its tenant state (kept a second on a replica) expired.
  http_reply via_old;
  BOOST_TEST(eventually(
                 [&] {
                   via_old = node("us-east-1")
                                 .call("POST", "/v1/businesses",
                                       json{{"legal_name", "Via the old primary"},
                                            {"country", "US"}}
                                           .dump(),
                                       us.second);
                   return via_old.status == 201;
                 },
                 10s),
             via_old.status << " " << via_old.body);
  BOOST_TEST(via_old.header("x-kyb-served-by-region") == "us-west-2");
  // EU rows stayed in the EU through the failover.
  BOOST_TEST(!has_business("us-west-2", eu_biz));
  BOOST_TEST(in("us-west-2",
                "SELECT count(*) FROM businesses WHERE region = 'eu'")[0][0] == "0");

  // The old primary returns: it is fenced before anyone may write there.
  run(pg_ctl + " start us-east-1");
  BOOST_TEST(eventually([&] {
    try {
      auto r = in("us-east-1", "SELECT setconfig::text FROM pg_db_role_setting s JOIN "
                               "pg_database d ON d.oid = s.setdatabase WHERE d.datname = "
                               "current_database()");
      return !r.empty() &&
             r[0][0].find("default_transaction_read_only=on") != std::string::npos;
    } catch (const std::exception&) {
      return false;
    }
  }));
  BOOST_CHECK_THROW(in("us-east-1", "INSERT INTO tenants (id, region, name, created_at, "
                                    "updated_at) VALUES (gen_random_uuid(), 'us', 'x', "
                                    "now(), now())"),
                    std::exception);
  // Its node keeps serving: US writes go to us-west-2.
  auto late_biz = create_business("us-east-1", us.second, "Written During The Fence");
  BOOST_TEST(has_business("us-west-2", late_biz));

  // Failback: the lost tail is exported (never dropped), us-east-1 catches up, the
  // check is clean, and us-east-1 is the primary again.
  auto fb = kybctl(node("us-west-2"), "region failback us-east-1", 300);
  BOOST_TEST_MESSAGE("failback: " << fb.dump());
  BOOST_REQUIRE_MESSAGE(fb.value("ok", false), fb.dump());
  BOOST_TEST(fb["check"].value("clean", false));
  // Exported rows: the failback's lost tail, plus any the failover's repointing of
  // eu-west-1 exported (a row eu-west-1 had from us-east-1 but us-west-2 had not); one
  // row may be in both when us-east-1 held it too.
  auto exported = fb["lost_tail"].value("exported_rows", size_t{0});
  for (auto& s : drill["steps"])
    if (s["step"] == "repoint eu-west-1" && s["detail"].is_object())
      exported += s["detail"].value("exported_rows", size_t{0});
  auto recon = in("us-west-2", "SELECT row_id FROM region_reconciliation");
  BOOST_TEST(recon.size() == exported);
  std::set<std::string> exported_ids;
  for (auto& r : recon)
    exported_ids.insert(r[0]);
  // Each write acknowledged before the failover is in the primary or was exported.
  for (auto& id : before)
    BOOST_TEST((has_business("us-east-1", id) || exported_ids.count(id)), id);
  for (auto& id : after)
    BOOST_TEST(has_business("us-east-1", id), id);
  auto s = status();
  BOOST_TEST(s["routing"]["us_write"] == "us-east-1");
  BOOST_TEST(s["routing"]["fenced"].empty());
  // Writes flow again through the restored primary, to both replicas.
  auto back = create_business("eu-west-1", us.second, "After Failback Inc");
  BOOST_TEST(has_business("us-east-1", back));
  BOOST_TEST(eventually([&] { return has_business("us-west-2", back); }));
  BOOST_TEST(eventually([&] { return has_business("eu-west-1", back); }));
  // And the EU rows are still only in the EU.
  for (auto* r : {"us-east-1", "us-west-2"})
    BOOST_TEST(in(r, "SELECT count(*) FROM businesses WHERE region = 'eu'")[0][0] == "0");
  BOOST_TEST(has_business("eu-west-1", eu_biz));
  auto check = kybctl(node("us-east-1"), "region check");
  BOOST_TEST(check.value("clean", false), check.dump());
}

BOOST_AUTO_TEST_CASE(planned_failover_refuses_a_replication_gap) {
  BOOST_REQUIRE(replicating());
  auto us = node("us-east-1").make_tenant({"read", "write", "admin"}, "us");
  BOOST_REQUIRE(eventually([&] {
    return !in("us-west-2", "SELECT 1 FROM api_keys WHERE tenant_id = '" + us.first + "'")
                .empty();
  }));
  // us-west-2 stops applying: a write on the primary is a known gap.
  auto subs = in("us-west-2", "SELECT subname FROM pg_subscription ORDER BY subname");
  BOOST_REQUIRE(!subs.empty());
  for (auto& sub : subs)
    in("us-west-2", "ALTER SUBSCRIPTION " + sub[0] + " DISABLE");
  auto gap = create_business("us-east-1", us.second, "Written Into The Gap");

  // The planned failover (us-east-1 answers) refuses: it unfences, promotes nothing,
  // and kybctl says so with a non-zero exit.
  auto& ep = node("us-west-2");
  auto refused = ep.kybctl("--timeout 120 drill region-failover us-east-1");
  auto human = refused.output + "exit=" + std::to_string(refused.status);
  BOOST_TEST_MESSAGE("refused drill: " << human);
  BOOST_TEST(human.find("FAILED") != std::string::npos, human);
  BOOST_TEST(human.find("exit=1") != std::string::npos, human);
  auto s = status();
  BOOST_TEST(s["routing"]["us_write"] == "us-east-1", s.dump());
  BOOST_TEST(s["routing"]["fenced"].empty(), s.dump());
  // The refusal as the JSON report tells it (the same drill again: still refused).
  auto drill = kybctl(ep, "drill region-failover us-east-1");
  BOOST_TEST_MESSAGE("refused drill: " << drill.dump());
  BOOST_TEST(!drill.value("ok", true), drill.dump());
  BOOST_TEST(drill.value("failed_step", "") == "drain replication to us-west-2",
             drill.dump());
  BOOST_TEST(drill.dump().find("did not catch up") != std::string::npos, drill.dump());
  std::set<std::string> steps;
  for (auto& st : drill["steps"])
    steps.insert(st["step"].get<std::string>() +
                 (st.value("ok", false) ? "" : " FAILED"));
  BOOST_TEST(steps.count("fence us-east-1") == 1u, drill.dump());
  BOOST_TEST(steps.count("unfence us-east-1 (nothing promoted)") == 1u, drill.dump());
  BOOST_TEST(steps.count("promote us-west-2") == 0u, drill.dump());
  // Nothing was promoted: us-west-2 keeps its subscriptions and its replica guard...
  BOOST_TEST(in("us-west-2", "SELECT count(*) FROM pg_subscription")[0][0] ==
             std::to_string(subs.size()));
  BOOST_TEST(in("us-west-2",
                "SELECT tgenabled FROM pg_trigger WHERE tgname = "
                "'kyb_replica_guard' AND tgrelid = 'businesses'::regclass")[0][0] != "D");
  // ... and the old primary is open again: no read-only default, writes accepted.
  BOOST_TEST(in("us-east-1",
                "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d "
                "ON d.oid = s.setdatabase WHERE d.datname = "
                "current_database() AND s.setconfig::text LIKE "
                "'%default_transaction_read_only=on%'")[0][0] == "0");
  // (the fence ended the node's sessions: its pool reconnects first)
  std::string later;
  BOOST_TEST(eventually([&] {
    auto r =
        node("us-east-1")
            .call("POST", "/v1/businesses",
                  json{{"legal_name", "Written After The Refusal"}, {"country", "US"}}
                      .dump(),
                  us.second);
    if (r.status == 201)
      later = r.json()["id"].get<std::string>();
    return r.status == 201;
  }));
  BOOST_REQUIRE(!later.empty());
  BOOST_TEST(has_business("us-east-1", later));
  BOOST_TEST(!has_business("us-west-2", gap));

  // Replication resumes: the gap closes, and the planned failover goes through.
  for (auto& sub : subs)
    in("us-west-2", "ALTER SUBSCRIPTION " + sub[0] + " ENABLE");
  BOOST_REQUIRE(eventually([&] { return has_business("us-west-2", later); }, 60s));
  auto ok = kybctl(ep, "drill region-failover us-east-1");
  BOOST_TEST_MESSAGE("drill: " << ok.dump());
  BOOST_REQUIRE_MESSAGE(ok.value("ok", false), ok.dump());
  BOOST_TEST(ok["planned"] == true);
  BOOST_TEST(ok["new_primary"] == "us-west-2");
  BOOST_TEST(has_business("us-west-2", gap));
  BOOST_TEST(has_business("us-west-2", later));
}

BOOST_AUTO_TEST_CASE(region_commands_refuse_bad_input) {
  auto& ep = node("us-east-1");
  auto out = ep.kybctl("drill region-failover ap-south-1").output;
  BOOST_TEST(out.find("needs one region") != std::string::npos, out);
  auto j = kybctl(ep, "drill region-failover eu-west-1");
  BOOST_TEST(!j.value("ok", true));
  BOOST_TEST(j.dump().find("no failover plan") != std::string::npos, j.dump());
  auto fb = kybctl(ep, "region failback us-west-2");
  BOOST_TEST(!fb.value("ok", true));
  BOOST_TEST(fb.dump().find("not failed over") != std::string::npos, fb.dump());
  // The node still serves.
  BOOST_TEST(node("us-east-1").call("GET", "/health").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

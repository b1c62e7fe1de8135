// The distributed runtime with real node processes on loopback and the test PostgreSQL:
// join, kill -9, SIGSTOP and resume (fencing), rebalance, drain, and no lost acknowledged
// write under a kill. Membership and shards are read with kybctl, as an operator would.
#define BOOST_TEST_MODULE cluster
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/base/crypto.hpp"
#include "test/support/eventually.hpp"
#include "test/support/file_server.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// Runs kybctl against node `n`'s admin endpoint and parses its --json output
/// (discarded on failure).
json kybctl(const node_process& n, const std::string& args) {
  return json::parse(n.kybctl("--json --timeout 20 " + args).output, nullptr, false);
}

std::set<std::string> members_seen_by(const node_process& n) {
  std::set<std::string> ids;
  auto j = kybctl(n, "nodes");
  if (j.is_object() && j.contains("members"))
    for (auto& m : j["members"])
      ids.insert(m["id"].get<std::string>());
  return ids;
}

/// Waits for the cluster to settle: up to two minutes, since every check of a condition
/// here runs kybctl (a process and an admin request) and nodes start under a full load.
template <class F>
bool settles(F pred) {
  return eventually(pred, 120s);
}

struct cluster {
  explicit cluster(size_t n, std::map<std::string, std::string> extra = {}) {
    db = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
    sql(test_database_url(), "CREATE DATABASE " + db);
    url = database_url_for(db);
    for (size_t i = 0; i < 4; ++i)
      ports.push_back(free_port());
    std::string seeds;
    for (size_t i = 0; i < 3; ++i)
      seeds += (seeds.empty() ? "" : ",") + std::string("127.0.0.1:") +
               std::to_string(ports[i]);
    base = cluster_node_env(seeds, "/tmp/kyb-cluster-" + db + ".key");
    for (auto& [k, v] : extra)
      base[k] = v;
    for (size_t i = 0; i < n; ++i)
      start(i);
    BOOST_REQUIRE(settles([&] {
      for (auto& node : nodes)
        if (node && members_seen_by(*node).size() != n)
          return false;
      return true;
    }));
    // And the shards have moved to where the ring puts them: a verification started
    // while a shard is still changing hands would start again on its new owner.
    BOOST_REQUIRE(settles([&] { return shards_settled(); }));
  }

  /// Every node's ring puts every shard on the node holding its newest lease.
  bool shards_settled() {
    for (auto& node : nodes) {
      if (!node || !node->running())
        continue;
      auto s = kybctl(*node, "shards");
      if (!s.is_object() || !s.contains("map"))
        return false;
      for (auto& e : s["map"])
        if (e["holder"].is_null() || e["holder"] != e["owner"])
          return false;
    }
    return true;
  }

  ~cluster() {
    for (auto& n : nodes)
      if (n && n->running()) {
        n->signal(SIGCONT);
        n->stop();
      }
    nodes.clear();
    std::remove(base["KYB_SECURITY_BOOTSTRAP_KEY_FILE"].c_str());
    try {
      sql(test_database_url(), "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    } catch (...) {
    }
  }

  void start(size_t i) {
    auto env = base;
    env["KYB_NODE_ID"] = "node-" + std::to_string(i + 1);
    env["KYB_CLUSTER_LISTEN"] = "127.0.0.1:" + std::to_string(ports[i]);
    if (nodes.size() <= i)
      nodes.resize(i + 1);
    nodes[i] = std::make_unique<node_process>(env, url);
  }

  node_process& node(size_t i) { return *nodes.at(i); }

  /// A tenant and a key with read/write/admin, made through node 0.
  std::pair<std::string, std::string> tenant() {
    return node(0).make_tenant(
        {"read", "write", "admin"}, "us",
        R"("rate_limit":{"requests_per_second":100000,"burst":100000})");
  }

  /// The node currently hosting the entity of `kind` with this id (from kybctl actors).
  std::string host_of(const std::string& id, const std::string& kind = "business") {
    auto j = kybctl(node(0), "actors");
    for (auto& n : j["nodes"])
      if (n.contains("kinds") && n["kinds"].contains(kind))
        for (auto& s : n["kinds"][kind]["sample"])
          if (s == id)
            return n["node"].get<std::string>();
    return {};
  }

  std::string db;
  std::string url;
  std::vector<uint16_t> ports;
  std::map<std::string, std::string> base;
  std::vector<std::unique_ptr<node_process>> nodes;
};

/// Creates a business through `n` as a client would: a 503 (a shard changing hands right
/// after a membership change) is retried while it carries a Retry-After, for 5 s at most.
std::string create(node_process& n, const std::string& key, const std::string& name) {
  auto body = json{{"legal_name", name}, {"country", "US"}}.dump();
  http_reply r;
  eventually(
      [&] {
        r = n.call("POST", "/v1/businesses", body, key);
        return r.status != 503 || r.header("retry-after").empty();
      },
      5s);
  return r.status == 201 ? r.json()["id"].get<std::string>() : std::string{};
}

} // namespace

BOOST_AUTO_TEST_CASE(three_nodes_join_agree_and_serve_any_entity_from_any_node) {
  // A web server for website analyses made across nodes.
  file_server site(std::string(KYB_SOURCE_DIR) + "/test/data/website");
  cluster c(3, {{"KYB_CLASSIFICATION_MODEL_PATH",
                 std::string(KYB_SOURCE_DIR) +
                     "/actors/classification/model/kyb_industry.model"},
                {"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
                {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(site.port())}});
  auto expected = std::set<std::string>{"node-1", "node-2", "node-3"};
  for (size_t i = 0; i < 3; ++i)
    BOOST_TEST((members_seen_by(c.node(i)) == expected));
  auto shards = kybctl(c.node(1), "shards");
  BOOST_REQUIRE(shards.is_object());
  BOOST_TEST(shards["per_node"].size() == 3u);
  BOOST_TEST(settles([&] {
    auto s = kybctl(c.node(2), "shards");
    for (auto& e : s["map"])
      if (e["epoch"].is_null())
        return false;
    return true;
  }));
  auto [tenant, key] = c.tenant();
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    auto id = create(c.node(i % 3), key, "Spread " + std::to_string(i));
    BOOST_REQUIRE(!id.empty());
    ids.push_back(id);
  }
  // Every node reads every business, wherever it lives.
  for (auto& id : ids)
    for (size_t n = 0; n < 3; ++n)
      BOOST_TEST(c.node(n).call("GET", "/v1/businesses/" + id, "", key).status == 200);
  std::set<std::string> hosts;
  for (auto& id : ids)
    hosts.insert(c.host_of(id));
  BOOST_TEST(hosts.size() >= 2u); // placement spreads them
  // `actors --node N` shows that node's actors only.
  auto only = kybctl(c.node(0), "actors --node node-2");
  BOOST_REQUIRE_MESSAGE(only.is_object() && only.contains("nodes"), only.dump());
  BOOST_REQUIRE_EQUAL(only["nodes"].size(), 1u);
  BOOST_TEST(only["nodes"][0]["node"] == "node-2");
  // A business actor on another node analyses its website through the calling node's
  // website service and answers over the cluster; any node reads the stored result.
  for (size_t i = 0; i < 3; ++i) {
    auto& id = ids[i];
    auto caller = (i + 1) % 3;
    auto r = c.node(caller).call(
        "POST", "/v1/businesses/" + id + "/website-analysis",
        json{{"url", site.url("/pages/trafilatura/tiny_prof-pc_de_home.html")}}.dump(),
        key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    BOOST_TEST(r.json()["outcome"] == "analysed");
    auto stored = c.node((i + 2) % 3)
                      .call("GET", "/v1/businesses/" + id + "/website-analysis", "", key);
    BOOST_REQUIRE_EQUAL(stored.status, 200);
    BOOST_TEST(stored.json()["id"] == r.json()["id"]);
  }
  // A business actor on another node classifies through the calling node's classifier
  // and answers over the cluster; any node reads the stored result.
  for (size_t i = 0; i < 3; ++i) {
    auto& id = ids[i];
    auto r =
        c.node((i + 1) % 3).call("POST", "/v1/businesses/" + id + "/classify", "", key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto stored = c.node((i + 2) % 3)
                      .call("GET", "/v1/businesses/" + id + "/classification", "", key);
    BOOST_REQUIRE_EQUAL(stored.status, 200);
    BOOST_TEST(stored.json()["id"] == r.json()["id"]);
    BOOST_TEST(stored.json()["mcc"] == r.json()["mcc"]);
  }
  // A key revoked through one node stops working on every node at once.
  auto k2 = c.node(0).call("POST", "/v1/tenants/" + tenant + "/api-keys",
                           R"({"scopes":["read"]})", c.node(0).operator_key());
  auto key2 = k2.json()["key"].get<std::string>();
  BOOST_TEST(c.node(2).call("GET", "/v1/businesses", "", key2).status == 200);
  BOOST_TEST(c.node(1)
                 .call("DELETE",
                       "/v1/tenants/" + tenant + "/api-keys/" +
                           k2.json()["id"].get<std::string>(),
                       "", key)
                 .status == 200);
  for (size_t n = 0; n < 3; ++n)
    BOOST_TEST(c.node(n).call("GET", "/v1/businesses", "", key2).status == 401);
  // Risk rules set through any node are read through every node: the tenant's actor
  // lives on one of them and the others relay its answers (risk_rules_version).
  for (size_t n = 0; n < 3; ++n) {
    auto put = c.node(n).call("PUT", "/v1/risk-rules",
                              json{{"bands", {{"low_max", 30 + n}}}}.dump(), key);
    BOOST_TEST_INFO(put.body);
    BOOST_REQUIRE_EQUAL(put.status, 200);
    BOOST_TEST(put.json()["version"] == n + 1);
  }
  for (size_t n = 0; n < 3; ++n) {
    auto current = c.node(n).call("GET", "/v1/risk-rules", "", key);
    BOOST_TEST_INFO(current.body);
    BOOST_REQUIRE_EQUAL(current.status, 200);
    BOOST_TEST(current.json()["version"] == 3);
    auto first = c.node(n).call("GET", "/v1/risk-rules/versions/1", "", key);
    BOOST_REQUIRE_EQUAL(first.status, 200);
    BOOST_TEST(first.json()["effective"]["bands"]["low_max"] == 30);
  }
}

/// One series' value in a node's /metrics (0 when absent); `series` is the name with its
/// labels in name order, as prometheus-cpp writes them.
static double metric_of(const node_process& n, const std::string& series) {
  auto body = n.metrics("/metrics").body;
  auto at = body.find("\n" + series + " ");
  return at == std::string::npos ? 0.0 : std::atof(body.c_str() + at + series.size() + 2);
}

BOOST_AUTO_TEST_CASE(
    remote_reads_are_answered_from_leased_copies_and_writes_are_seen_at_once) {
  // A lease far longer than a write: without the write waiting for it, a read right
  // after the write would still find the old copy.
  cluster c(2, {{"KYB_CLUSTER_READ_LEASE", "400ms"}});
  auto [tenant, key] = c.tenant();
  std::string id;
  for (int i = 0; i < 40 && id.empty(); ++i) {
    auto made = create(c.node(1), key, "Leased " + std::to_string(i));
    BOOST_REQUIRE(!made.empty());
    if (c.host_of(made) == "node-2")
      id = made;
  }
  BOOST_REQUIRE_MESSAGE(!id.empty(), "no business placed on node-2");
  auto& reader = c.node(0); // node-1 asks node-2, then answers from its copy
  auto name_via = [&](node_process& n) {
    auto r = n.call("GET", "/v1/businesses/" + id, "", key);
    return r.status == 200 ? r.json()["legal_name"].get<std::string>()
                           : "HTTP " + std::to_string(r.status);
  };
  const std::string copies = R"(kyb_runtime_read_copy_answers_total{kind="business"})";
  const std::string leases = R"(kyb_runtime_read_leases_total{kind="business"})";
  const std::string waits = "kyb_business_write_lease_waits_total";
  // Reads through node-1 are answered from a leased copy: node-1 counts copy answers,
  // node-2 the leases it granted.
  BOOST_TEST(eventually([&] {
    name_via(reader);
    name_via(reader);
    return metric_of(reader, copies) > 0;
  }));
  BOOST_TEST(metric_of(c.node(1), leases) > 0);
  // Another tenant does not see it, copy or not.
  auto other = c.node(0).make_tenant({"read"}, "us");
  name_via(reader);
  BOOST_TEST(reader.call("GET", "/v1/businesses/" + id, "", other.second).status == 404);
  // Every write, through either node, is seen by the next read on both nodes, though
  // node-1 held a copy of the state before it.
  for (int round = 0; round < 8; ++round) {
    BOOST_TEST_CONTEXT("round " << round) {
      auto before = metric_of(reader, copies);
      BOOST_TEST(eventually([&] { // a copy is held now and answers
        name_via(reader);
        return metric_of(reader, copies) > before;
      }));
      auto name = "Renamed " + std::to_string(round);
      auto patch = c.node(round % 2).call("PATCH", "/v1/businesses/" + id,
                                          json{{"legal_name", name}}.dump(), key);
      BOOST_REQUIRE_EQUAL(patch.status, 200);
      BOOST_TEST(name_via(reader) == name);
      BOOST_TEST(name_via(c.node(1)) == name);
    }
  }
  // The writes answered only once node-1's copies ran out.
  BOOST_TEST(metric_of(c.node(1), waits) > 0);
  // A delete, too: no copy answers for a deleted business.
  name_via(reader);
  BOOST_TEST(reader.call("DELETE", "/v1/businesses/" + id, "", key).status == 200);
  BOOST_TEST(reader.call("GET", "/v1/businesses/" + id, "", key).status == 404);
  BOOST_TEST(c.node(1).call("GET", "/v1/businesses/" + id, "", key).status == 404);
}

BOOST_AUTO_TEST_CASE(kill_9_moves_the_shards_and_loses_no_acknowledged_write) {
  cluster c(3);
  auto [tenant, key] = c.tenant();
  std::mutex mtx;
  std::vector<std::string> acknowledged;
  std::map<int, int> failures; // status -> count (0: connection failed)
  std::atomic<bool> stop{false};
  std::atomic<int> victim_down{0};
  auto writer = [&](int w) {
    std::mt19937 rng(w);
    int i = 0;
    while (!stop) {
      // Clients spread over the nodes; once node-3 is gone they stop choosing it.
      size_t n = rng() % (victim_down ? 2 : 3);
      auto r = c.node(n).call(
          "POST", "/v1/businesses",
          json{{"legal_name", "Load " + std::to_string(w) + "-" + std::to_string(i++)},
               {"country", "US"}}
              .dump(),
          key);
      std::lock_guard<std::mutex> guard(mtx);
      if (r.status == 201)
        acknowledged.push_back(r.json()["id"].get<std::string>());
      else
        ++failures[r.status];
      if (r.status == 503 && r.header("retry-after").empty())
        ++failures[-503]; // a 503 without Retry-After
    }
  };
  auto acknowledged_count = [&] {
    std::lock_guard<std::mutex> guard(mtx);
    return acknowledged.size();
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back(writer, w);
  // The kill lands under load: writes are being acknowledged.
  BOOST_REQUIRE(settles([&] { return acknowledged_count() >= 20u; }));
  c.node(2).signal(SIGKILL);
  BOOST_REQUIRE(c.node(2).wait_exit(10s));
  victim_down = 1;
  BOOST_TEST(settles([&] {
    return members_seen_by(c.node(0)) == std::set<std::string>{"node-1", "node-2"} &&
           members_seen_by(c.node(1)) == std::set<std::string>{"node-1", "node-2"};
  }));
  // The survivors go on acknowledging writes after the membership change.
  auto before = acknowledged_count();
  BOOST_TEST(settles([&] { return acknowledged_count() >= before + 20u; }));
  stop = true;
  for (auto& t : writers)
    t.join();
  BOOST_TEST_MESSAGE(acknowledged.size() << " acknowledged writes");
  BOOST_TEST(acknowledged.size() >= 40u);
  // Clients saw only retryable answers (or the dead node's closed sockets).
  for (auto& [status, count] : failures)
    BOOST_TEST((status == 0 || status == 503),
               count << " answers with status " << status);
  // Every acknowledged write reads back, through both survivors.
  auto in_db = sql(c.url, "SELECT id::text FROM businesses");
  std::set<std::string> stored;
  for (auto& row : in_db)
    stored.insert(row[0]);
  for (auto& id : acknowledged) {
    BOOST_TEST(stored.count(id) == 1u, "acknowledged " << id << " is missing");
  }
  size_t checked = 0;
  for (auto& id : acknowledged) {
    if (++checked > 60)
      break;
    BOOST_TEST(c.node(checked % 2).call("GET", "/v1/businesses/" + id, "", key).status ==
               200);
  }
  // The survivors hold every shard now.
  auto shards = kybctl(c.node(0), "shards");
  for (auto& e : shards["map"])
    BOOST_TEST(e["owner"] != "node-3");
}

BOOST_AUTO_TEST_CASE(a_verification_resumes_on_the_new_owner_after_kill_9) {
  // A website that accepts connections and never answers keeps the verification's
  // website step running until the website timeout: long enough to kill the node that
  // owns the verification while the step is out.
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto silent_port = free_port();
  addr.sin_port = htons(silent_port);
  BOOST_REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_REQUIRE(::listen(silent, 64) == 0);
  cluster c(3, {{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
                {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(silent_port)},
                {"KYB_WEBSITE_PAGE_TIMEOUT", "15s"},
                {"KYB_WEBSITE_TIMEOUT", "15s"},
                {"KYB_VERIFICATION_RESUME_INTERVAL", "500ms"}});
  auto [tenant, key] = c.tenant();
  (void)tenant;
  auto body =
      json{{"legal_name", "Slow Site Traders LLC"},
           {"country", "US"},
           {"website_url", "http://127.0.0.1:" + std::to_string(silent_port) + "/"}}
          .dump();
  auto created = c.node(0).call("POST", "/v1/businesses", body, key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  std::string id = created.json()["id"];
  auto started = c.node(0).call("POST", "/v1/businesses/" + id + "/verifications",
                                R"({"checks": ["website"]})", key);
  BOOST_TEST_INFO(started.body);
  BOOST_REQUIRE_EQUAL(started.status, 202);
  std::string vid = started.json()["id"];
  auto step_row = [&] {
    return sql(c.url, "SELECT status, attempts FROM verification_steps WHERE "
                      "verification_id = '" +
                          vid + "' AND step = 'website'")
        .at(0);
  };
  BOOST_REQUIRE(settles([&] { return step_row().at(0) == "running"; }));
  auto owner = c.host_of(vid, "verification");
  BOOST_REQUIRE(!owner.empty());
  size_t victim = static_cast<size_t>(owner.back() - '1');
  BOOST_REQUIRE(victim < 3u);
  // Killed mid-step: nothing told the others, nothing finished the step.
  c.node(victim).signal(SIGKILL);
  BOOST_REQUIRE(c.node(victim).wait_exit(10s));
  BOOST_TEST(step_row().at(1) == "1");
  auto& survivor = c.node((victim + 1) % 3);

  // The node that takes the verification's shard resumes the unfinished step (a second
  // attempt) and the verification completes, once. Nobody asks for it meanwhile (the
  // database is watched, not the API): the new owner's resumer finds it.
  BOOST_REQUIRE(settles([&] {
    return sql(c.url, "SELECT status FROM verifications WHERE id = '" + vid + "'")
               .at(0)
               .at(0) == "completed";
  }));
  auto v = survivor.call("GET", "/v1/verifications/" + vid, "", key).json();
  BOOST_TEST_INFO(v.dump(2));
  auto& website = v["steps"][1];
  BOOST_TEST(website["step"] == "website");
  BOOST_TEST(website["status"] == "succeeded");
  BOOST_TEST(website["attempts"] == 2);
  BOOST_TEST(website["summary"]["outcome"] == "unreachable");
  BOOST_TEST(v["verdict"] == "review");
  BOOST_TEST(sql(c.url, "SELECT count(*) FROM outbox_events WHERE event_type = "
                        "'verification.completed' AND payload->>'verification_id' = '" +
                            vid + "'")
                 .at(0)
                 .at(0) == "1");
  BOOST_TEST(sql(c.url, "SELECT count(*) FROM audit_logs WHERE action = "
                        "'verification.complete' AND target_id = '" +
                            vid + "'")
                 .at(0)
                 .at(0) == "1");
  ::close(silent);
}

BOOST_AUTO_TEST_CASE(a_resumed_node_cannot_write_with_its_old_epoch) {
  cluster c(3);
  auto [tenant, key] = c.tenant();
  // A business living on node-2.
  std::string id;
  for (int i = 0; i < 60 && id.empty(); ++i) {
    auto candidate = create(c.node(0), key, "Fenced " + std::to_string(i));
    BOOST_REQUIRE(!candidate.empty());
    if (c.node(0).call("GET", "/v1/businesses/" + candidate, "", key).status == 200 &&
        c.host_of(candidate) == "node-2")
      id = candidate;
  }
  BOOST_REQUIRE(!id.empty());
  // node-2 reads it (its actor holds the state) and then hangs.
  BOOST_REQUIRE_EQUAL(c.node(1).call("GET", "/v1/businesses/" + id, "", key).status, 200);
  c.node(1).signal(SIGSTOP);
  BOOST_TEST(settles([&] {
    return members_seen_by(c.node(0)) == std::set<std::string>{"node-1", "node-3"};
  }));
  // The others take the shard over (a new epoch) and change the business.
  auto changed = c.node(0).call("PATCH", "/v1/businesses/" + id,
                                R"({"description":"changed by the survivors"})", key);
  BOOST_REQUIRE_EQUAL(changed.status, 200);
  // A request waits in the hung node's socket; then the node resumes with its old view.
  http_connection stale("127.0.0.1", c.node(1).port());
  stale.send_raw(make_request("PATCH", "/v1/businesses/" + id,
                              R"({"description":"written by the stale node"})",
                              {{"Authorization", "Bearer " + key}}));
  c.node(1).signal(SIGCONT);
  auto answer = stale.read_reply(20s);
  BOOST_REQUIRE(answer);
  BOOST_TEST((answer->status == 503 || answer->status == 409), "got " << answer->status);
  if (answer->status == 503)
    BOOST_TEST(answer->header("retry-after") == "1");
  auto rows = sql(c.url, "SELECT description FROM businesses WHERE id = '" + id + "'");
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0][0] == "changed by the survivors");
  // The resumed node rejoins and serves again, with a fresh epoch.
  BOOST_TEST(settles([&] { return members_seen_by(c.node(1)).size() == 3u; }));
  BOOST_TEST(settles([&] {
    return c.node(1)
               .call("PATCH", "/v1/businesses/" + id,
                     R"({"description":"after rejoining"})", key)
               .status == 200;
  }));
}

BOOST_AUTO_TEST_CASE(a_joining_node_takes_shards_and_a_drained_node_hands_them_back) {
  cluster c(3);
  auto [tenant, key] = c.tenant();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(create(c.node(i % 3), key, "Rebalance " + std::to_string(i)));
  c.start(3);
  BOOST_TEST(settles([&] { return members_seen_by(c.node(0)).size() == 4u; }));
  BOOST_TEST(settles([&] {
    auto s = kybctl(c.node(3), "shards");
    return s.is_object() && s["per_node"].contains("node-4") &&
           s["per_node"]["node-4"] > 0;
  }));
  for (auto& id : ids)
    BOOST_TEST(c.node(3).call("GET", "/v1/businesses/" + id, "", key).status == 200);
  // Drain node-4 through kybctl: it leaves, its shards move back, the process exits.
  auto drained = kybctl(c.node(0), "drain node-4");
  BOOST_TEST(drained.value("status", "") == "left");
  BOOST_TEST(c.node(3).wait_exit(30s));
  BOOST_TEST(settles([&] { return members_seen_by(c.node(0)).size() == 3u; }));
  for (auto& id : ids)
    BOOST_TEST(settles([&] {
      return c.node(1).call("GET", "/v1/businesses/" + id, "", key).status == 200;
    }));
  auto shards = kybctl(c.node(0), "shards");
  BOOST_TEST(!shards["per_node"].contains("node-4"));
}

/// The value of one series of kyb_supervisor_restarts_total in a node's /metrics.
static double restarts_of(const node_process& n, const std::string& supervisor,
                          const std::string& child) {
  auto body = n.metrics("/metrics").body;
  // Labels in name order, as prometheus-cpp writes them.
  auto series = "kyb_supervisor_restarts_total{child=\"" + child + "\",supervisor=\"" +
                supervisor + "\"} ";
  auto at = body.find(series);
  return at == std::string::npos ? 0.0 : std::atof(body.c_str() + at + series.size());
}

BOOST_AUTO_TEST_CASE(crashed_services_restart_and_too_many_crashes_escalate) {
  cluster c(3);
  auto [tenant, key] = c.tenant();
  BOOST_REQUIRE(!create(c.node(1), key, "Supervised").empty());
  // A crash drill on node-2's audit service: its supervisor restarts it.
  auto crashed = kybctl(c.node(0), "drill crash-child node-2 services/audit");
  BOOST_TEST(crashed.value("crashed", "") == "root/services/audit");
  BOOST_TEST(settles([&] { return restarts_of(c.node(1), "services", "audit") == 1.0; }));
  // The restarted instance serves (audit reads and writes go through it).
  BOOST_TEST(c.node(1).call("GET", "/v1/audit-logs", "", key).status == 200);
  BOOST_TEST(!create(c.node(1), key, "After the crash").empty());
  // Unknown children are refused, and nothing is crashed.
  BOOST_TEST(kybctl(c.node(0), "drill crash-child node-2 services/nope").is_discarded());
  // More crashes than the services supervisor allows (5 in 10 s): it escalates, the
  // root restarts it with fresh children, and the node keeps serving.
  // (Six: the audit crash above may have left the window already.)
  for (int i = 0; i < 6; ++i)
    kybctl(c.node(0), "drill crash-child node-2 services/usage");
  BOOST_TEST(settles([&] { return restarts_of(c.node(1), "root", "services") == 1.0; }));
  BOOST_TEST(c.node(1).log().find("supervisor.escalated") != std::string::npos);
  BOOST_TEST(settles([&] {
    return c.node(1).call("GET", "/v1/audit-logs", "", key).status == 200 &&
           c.node(1)
                   .call("GET", "/v1/usage?from=2020-01-01&to=2100-01-01", "", key)
                   .status == 200;
  }));
  BOOST_TEST(c.node(1).running());
  // The membership actors cannot start again in place (peers hold their handles):
  // crashing one restarts the node, which exits for its orchestrator (code 70).
  kybctl(c.node(0), "drill crash-child node-3 membership/entity-router");
  BOOST_TEST(c.node(2).wait_exit(30s));
  BOOST_TEST(c.node(2).exit_status() == 70, "exit status " << c.node(2).exit_status()
                                                           << "\n"
                                                           << c.node(2).log());
}

BOOST_AUTO_TEST_CASE(kill_node_drill_reports_its_steps) {
  cluster c(3);
  auto drill = kybctl(c.node(0), "drill kill-node node-2");
  BOOST_REQUIRE(drill.is_object());
  BOOST_TEST(drill["ok"] == true);
  BOOST_TEST(drill["steps"].size() >= 4u);
  BOOST_TEST(drill["new_owner"] != "node-2");
  BOOST_TEST(c.node(1).wait_exit(10s));
  // Clear errors when the cluster cannot be reached.
  auto none =
      run_command(std::string(KYB_BINARY_DIR) + "/kybctl --node 127.0.0.1:1 --certs " +
                  test_certs_dir() + " nodes");
  BOOST_TEST(none.status != 0);
  BOOST_TEST(none.output.find("cannot reach the admin endpoint") != std::string::npos,
             none.output);
}

BOOST_AUTO_TEST_CASE(mutual_tls_admits_the_cluster_ca_and_the_right_roles_only) {
  auto dir = "/tmp/kyb-tls-" + kyb::base::hex_encode(kyb::base::random_bytes(4));
  auto certs = std::string(KYB_SOURCE_DIR) + "/deploy/local/kyb certs ";
  BOOST_REQUIRE_EQUAL(run_command(certs + dir + "/good 2").status, 0);
  BOOST_REQUIRE_EQUAL(run_command(certs + dir + "/rogue 3").status, 0);
  auto tls = [&](const std::string& ca_dir, const std::string& name) {
    return std::map<std::string, std::string>{
        {"KYB_CLUSTER_TLS_CERTIFICATE", ca_dir + "/" + name + ".pem"},
        {"KYB_CLUSTER_TLS_KEY", ca_dir + "/" + name + "-key.pem"},
        {"KYB_CLUSTER_TLS_CA", ca_dir + "/ca.pem"}};
  };
  // node-1 and node-2 share a CA: they form one cluster over TLS.
  auto db = "kyb_t_" + kyb::base::hex_encode(kyb::base::random_bytes(6));
  sql(test_database_url(), "CREATE DATABASE " + db);
  auto url = database_url_for(db);
  std::vector<uint16_t> ports = {free_port(), free_port(), free_port()};
  auto seeds =
      "127.0.0.1:" + std::to_string(ports[0]) + ",127.0.0.1:" + std::to_string(ports[1]);
  std::map<std::string, std::string> base = {
      {"KYB_SECURITY_TAX_ID_KEY", kyb::base::base64_encode(kyb::base::random_bytes(32))},
      {"KYB_SECURITY_TAX_ID_HMAC_KEY",
       kyb::base::base64_encode(kyb::base::random_bytes(32))},
      {"KYB_SECURITY_AUDIT_KEY", kyb::base::base64_encode(kyb::base::random_bytes(32))},
      {"KYB_SECURITY_BOOTSTRAP_KEY_FILE", dir + "/operator.key"},
      {"KYB_CLUSTER_SEEDS", seeds},
      {"KYB_CLUSTER_BOOTSTRAP_TIMEOUT", "1s"},
      {"KYB_HTTP_WORKERS", "1"}};
  std::vector<std::unique_ptr<node_process>> nodes;
  for (int i = 0; i < 2; ++i) {
    auto env = base;
    for (auto& [k, v] : tls(dir + "/good", "node-" + std::to_string(i + 1)))
      env[k] = v;
    env["KYB_NODE_ID"] = "node-" + std::to_string(i + 1);
    env["KYB_CLUSTER_LISTEN"] = "127.0.0.1:" + std::to_string(ports[i]);
    nodes.push_back(std::make_unique<node_process>(env, url));
  }
  auto& first = *nodes[0];
  // kybctl with FILES at ENDPOINT: "cert key ca".
  auto console = [&](const std::string& endpoint, const std::string& cert_dir,
                     const std::string& name, const std::string& cmd) {
    return run_command(std::string(KYB_BINARY_DIR) +
                       "/kybctl --json --timeout 10 --node " + endpoint + " --tls-cert " +
                       cert_dir + "/" + name + ".pem --tls-key " + cert_dir + "/" + name +
                       "-key.pem --tls-ca " + cert_dir + "/ca.pem " + cmd);
  };
  BOOST_TEST(settles([&] {
    auto j = json::parse(first.kybctl("--json nodes").output, nullptr, false);
    return j.is_object() && j["members"].size() == 2u;
  }));
  // Plain TCP on the TLS ports gets nothing.
  auto plain = run_command(std::string(KYB_BINARY_DIR) + "/kybctl --insecure --node " +
                           first.admin_endpoint() + " nodes");
  BOOST_TEST(plain.status != 0, plain.output);
  plain = run_command(std::string(KYB_BINARY_DIR) + "/kybctl --insecure --node " +
                      first.cluster_endpoint() + " nodes");
  BOOST_TEST(plain.status != 0, plain.output);
  // An admin certificate from another CA is refused.
  auto rogue = console(first.admin_endpoint(), dir + "/rogue", "admin", "nodes");
  BOOST_TEST(rogue.status != 0, rogue.output);
  // A node certificate of the cluster's own CA cannot run the console...
  auto as_node = console(first.admin_endpoint(), dir + "/good", "node-1", "drain node-2");
  BOOST_TEST(as_node.status != 0, as_node.output);
  // ...nor, connecting as a peer on the cluster port, an operator command.
  auto peer = console(first.cluster_endpoint(), dir + "/good", "node-1", "drain node-2");
  BOOST_TEST(peer.status != 0, peer.output);
  BOOST_TEST(peer.output.find("admin endpoint") != std::string::npos, peer.output);
  // The same holds for every operator command: a drill, a region failover.
  for (const std::string cmd :
       {"drill kill-node node-2", "drill region-failover us-east-1",
        "region failback us-east-1", "region ensure"}) {
    auto at_admin = console(first.admin_endpoint(), dir + "/good", "node-1", cmd);
    BOOST_TEST(at_admin.status != 0, cmd << ": " << at_admin.output);
    auto at_peer = console(first.cluster_endpoint(), dir + "/good", "node-1", cmd);
    BOOST_TEST(at_peer.status != 0, cmd << ": " << at_peer.output);
    BOOST_TEST(at_peer.output.find("admin endpoint") != std::string::npos,
               cmd << ": " << at_peer.output);
  }
  // An admin certificate is no node: the cluster port refuses it.
  auto admin_on_cluster =
      console(first.cluster_endpoint(), dir + "/good", "admin", "nodes");
  BOOST_TEST(admin_on_cluster.status != 0, admin_on_cluster.output);
  // Nodes whose certificate comes from another CA, or names the admin role, cannot join.
  auto try_join = [&](const std::string& cert_dir, const std::string& name) {
    auto env = base;
    for (auto& [k, v] : tls(cert_dir, name))
      env[k] = v;
    env["KYB_NODE_ID"] = "node-3";
    env["KYB_CLUSTER_LISTEN"] = "127.0.0.1:" + std::to_string(ports[2]);
    env["KYB_CLUSTER_JOIN_TIMEOUT"] = "5s";
    try {
      node_process intruder(env, url); // waits for /health: served only in a cluster
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  BOOST_TEST(!try_join(dir + "/rogue", "node-3"));
  BOOST_TEST(!try_join(dir + "/good", "admin"));
  // The drain was refused: node-2 still serves, and the cluster is whole.
  BOOST_TEST(nodes[1]->running());
  auto view = json::parse(nodes[1]->kybctl("--json nodes").output, nullptr, false);
  BOOST_TEST(view["members"].size() == 2u, view.dump());
  // Each refusal is logged with its reason and counted.
  auto log = first.log();
  for (auto reason : {"\"reason\":\"role\"", "\"reason\":\"handshake\""})
    BOOST_TEST(log.find(reason) != std::string::npos, reason << "\n" << log);
  // A foreign CA fails on the connecting side first (it cannot trust the node), so the
  // node sees a failed handshake and the console names the untrusted certificate.
  BOOST_TEST(rogue.output.find("\"reason\":\"untrusted_certificate\"") !=
                 std::string::npos,
             rogue.output);
  BOOST_TEST(log.find("cluster.admin_refused") != std::string::npos, log);
  auto metrics = first.metrics().body;
  // The admin endpoint refused node certificates by role; the cluster endpoint refused
  // the admin certificate by role, and failed handshakes (plain TCP, the foreign CA).
  for (auto series :
       {"kyb_cluster_peer_refusals_total{endpoint=\"admin\",reason=\"role\"}",
        "kyb_cluster_peer_refusals_total{endpoint=\"cluster\",reason=\"role\"}",
        "kyb_cluster_peer_refusals_total{endpoint=\"cluster\",reason=\"handshake\"}"})
    BOOST_TEST(metrics.find(series) != std::string::npos, series << "\n" << metrics);
  // The refused clients and intruders never disturbed the link between the two (a
  // failed handshake used to leave an OpenSSL error that closed the healthy session).
  for (auto& n : nodes)
    BOOST_TEST(n->log().find("cluster.member_down") == std::string::npos, n->log());
  nodes.clear();
  sql(test_database_url(), "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
}

BOOST_AUTO_TEST_CASE(nodes_listen_only_where_their_configuration_says) {
  cluster c(2);
  for (size_t i = 0; i < 2; ++i) {
    auto& n = c.node(i);
    BOOST_TEST(n.listening_addresses() == n.configured_addresses(),
               "node-" << i + 1 << " listens on:\n"
                       << run_command("ss -ltnpH").output);
  }
}

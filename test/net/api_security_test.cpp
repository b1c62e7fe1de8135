// End to end through real nodes: what the HTTP port exposes and to whom.
// The operator key stays out of logs, only operator keys make operator keys, metrics
// live on their own listener, and /ready names hosts only to operators.
#define BOOST_TEST_MODULE api_security
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include <sys/stat.h>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

using env = std::map<std::string, std::string>;

const std::string platform_tenant = "00000000-0000-0000-0000-000000000000";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct node_fixture {
  node_process node;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(security, node_fixture)

BOOST_AUTO_TEST_CASE(the_operator_key_reaches_its_file_but_never_the_log) {
  // node_process sends the node's stdout and stderr to a file, as the launchers do.
  auto key = node.operator_key();
  BOOST_REQUIRE_EQUAL(key.size(), 100u);
  auto file = node.env().at("KYB_SECURITY_BOOTSTRAP_KEY_FILE");
  BOOST_TEST(read_file(file).find(key) != std::string::npos);
  struct stat st {};
  BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  // Calls with the key in the Authorization header leave no trace of it either.
  BOOST_TEST(node.op("GET", "/v1/tenants/" + platform_tenant).status == 200);
  BOOST_TEST(node.call("GET", "/v1/businesses", "", key.substr(0, 99) + "x").status ==
             401);
  auto log = read_file(node.log_path());
  BOOST_TEST(log.find(key) == std::string::npos);
  BOOST_TEST(log.find(key.substr(0, 50)) == std::string::npos);
  BOOST_TEST(log.find(key.substr(50)) == std::string::npos);
  // What the log says instead: where the key is.
  BOOST_TEST(log.find(file) != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(only_an_operator_key_makes_operator_keys) {
  // A platform tenant's admin key (made by the operator) manages the platform's keys,
  // but cannot raise itself to operator.
  auto made = node.op("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                      R"({"name":"platform admin","scopes":["admin"]})");
  BOOST_REQUIRE_EQUAL(made.status, 201);
  auto admin = made.json()["key"].get<std::string>();
  auto minted = node.call("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                          R"({"name":"escalate","scopes":["operator"]})", admin);
  BOOST_TEST(minted.status == 403, minted.body);
  BOOST_TEST(minted.header("content-type").find("application/problem+json") == 0u);
  BOOST_TEST(minted.json()["detail"].get<std::string>().find(
                 "only a platform-operator key may create a key with the 'operator' "
                 "scope") != std::string::npos,
             minted.body);
  auto mixed = node.call("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                         R"({"scopes":["read","operator"]})", admin);
  BOOST_TEST(mixed.status == 403);
  // Nothing was made: the platform has its bootstrap key and the admin key only.
  auto listed = node.op("GET", "/v1/tenants/" + platform_tenant + "/api-keys");
  BOOST_REQUIRE_EQUAL(listed.status, 200);
  BOOST_TEST(listed.json()["data"].size() == 2u);
  // It may still manage non-operator keys of the platform.
  BOOST_TEST(node.call("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                       R"({"scopes":["read"]})", admin)
                 .status == 201);
  // Nor can it revoke the operator's key.
  std::string bootstrap_id;
  auto keys = listed.json();
  for (auto& k : keys["data"])
    if (k["name"] == "bootstrap")
      bootstrap_id = k["id"].get<std::string>();
  BOOST_REQUIRE(!bootstrap_id.empty());
  auto revoke =
      node.call("DELETE", "/v1/tenants/" + platform_tenant + "/api-keys/" + bootstrap_id,
                "", admin);
  BOOST_TEST(revoke.status == 403, revoke.body);
  BOOST_TEST(node.op("GET", "/v1/tenants/" + platform_tenant).status == 200);
  // An operator key makes one, and the new key is an operator's.
  auto op2 = node.op("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                     R"({"name":"second operator","scopes":["operator"]})");
  BOOST_REQUIRE_EQUAL(op2.status, 201);
  auto second = op2.json()["key"].get<std::string>();
  BOOST_TEST(node.call("POST", "/v1/tenants", R"({"name":"by second"})", second).status ==
             201);
  // A tenant's admin key still cannot ask for the scope at all.
  auto [t, tenant_admin] = node.make_tenant({"admin"});
  BOOST_TEST(node.call("POST", "/v1/tenants/" + t + "/api-keys",
                       R"({"scopes":["operator"]})", tenant_admin)
                 .status == 400);
}

BOOST_AUTO_TEST_CASE(an_operator_key_on_a_tenant_endpoint_is_told_which_key_it_takes) {
  for (auto [method, target, body] :
       {std::tuple<std::string, std::string, std::string>{
            "POST", "/v1/businesses", R"({"legal_name":"Acme","country":"US"})"},
        {"GET", "/v1/businesses", ""}}) {
    auto r = node.op(method, target, body);
    BOOST_TEST(r.status == 403, r.body);
    auto detail = r.json().value("detail", "");
    BOOST_TEST(detail.find("needs a key of the tenant") != std::string::npos, r.body);
    BOOST_TEST(detail.find("POST /v1/tenants/{tenant_id}/api-keys") != std::string::npos,
               r.body);
  }
  // A tenant key without the scope is told only what it lacks.
  auto [t, reader] = node.make_tenant({"read"});
  auto r = node.call("POST", "/v1/businesses", R"({"legal_name":"Acme","country":"US"})",
                     reader);
  BOOST_TEST(r.status == 403, r.body);
  BOOST_TEST(r.json().value("detail", "").find("platform-operator") == std::string::npos,
             r.body);
}

BOOST_AUTO_TEST_CASE(a_node_listens_only_where_it_is_configured) {
  BOOST_TEST(node.listening_addresses() == node.configured_addresses(),
             run_command("ss -ltnpH").output);
  node_process no_metrics(env{{"KYB_METRICS_LISTEN", "off"}});
  BOOST_TEST(no_metrics.listening_addresses() == no_metrics.configured_addresses(),
             run_command("ss -ltnpH").output);
  BOOST_TEST(no_metrics.configured_addresses().size() == 3u);
}

BOOST_AUTO_TEST_CASE(metrics_are_served_on_their_own_listener_only) {
  auto [t, key] = node.make_tenant({"read"});
  BOOST_REQUIRE_EQUAL(node.call("GET", "/v1/businesses", "", key).status, 200);
  // Not on the API port, to anyone.
  for (std::string path : {"/metrics", "/metrics/business"}) {
    BOOST_TEST_INFO(path);
    BOOST_TEST(node.call("GET", path).status == 404);
    BOOST_TEST(node.op("GET", path).status == 404);
  }
  // On the metrics listener, in the Prometheus text format.
  auto m = node.metrics("/metrics");
  BOOST_REQUIRE_EQUAL(m.status, 200);
  BOOST_TEST(m.header("content-type").find("text/plain; version=0.0.4") == 0u);
  BOOST_TEST(
      m.body.find("kyb_api_requests_total{endpoint=\"/v1/businesses\",method=\"GET\","
                  "status_code=\"200\",tenant_id=\"" +
                  t + "\"}") != std::string::npos);
  auto lint = promtool_check_metrics(m.body);
  BOOST_TEST(lint.status == 0, lint.output);
  auto business = node.metrics("/metrics/business");
  BOOST_REQUIRE_EQUAL(business.status, 200);
  lint = promtool_check_metrics(business.body);
  BOOST_TEST(lint.status == 0, lint.output);
  // And the metrics listener serves nothing else.
  BOOST_TEST(node.metrics("/v1/businesses").status == 404);
  BOOST_TEST(node.metrics("/ready").status == 404);
}

BOOST_AUTO_TEST_CASE(ready_shows_its_checks_to_operator_keys_only) {
  auto anonymous = node.call("GET", "/ready");
  BOOST_REQUIRE_EQUAL(anonymous.status, 200);
  BOOST_TEST(anonymous.json() == (json{{"status", "ready"}}), anonymous.body);
  auto [t, tenant_key] = node.make_tenant({"read", "write", "admin"});
  auto tenant = node.call("GET", "/ready", "", tenant_key);
  BOOST_REQUIRE_EQUAL(tenant.status, 200);
  BOOST_TEST(!tenant.json().contains("checks"));
  auto op = node.op("GET", "/ready");
  BOOST_REQUIRE_EQUAL(op.status, 200);
  BOOST_TEST(op.json()["checks"].size() >= 3u, op.body);
  // A key that is sent must be valid.
  BOOST_TEST(node.call("GET", "/ready", "", "kyb_garbage").status == 401);
}

BOOST_AUTO_TEST_CASE(a_failing_ready_names_hosts_to_operator_keys_only) {
  // Redis at a port nothing listens on: the node serves, but is not ready.
  auto redis_port = std::to_string(free_port());
  node_process down(env{{"KYB_REDIS_URL", "redis://127.0.0.1:" + redis_port + "/0"}});
  http_reply anonymous;
  BOOST_REQUIRE(eventually([&] {
    anonymous = down.call("GET", "/ready");
    return anonymous.status == 503;
  }));
  BOOST_TEST(!anonymous.header("retry-after").empty());
  BOOST_TEST(anonymous.body.find(redis_port) == std::string::npos, anonymous.body);
  BOOST_TEST(anonymous.body.find("127.0.0.1") == std::string::npos, anonymous.body);
  BOOST_TEST(anonymous.body.find("redis") == std::string::npos, anonymous.body);
  BOOST_TEST(anonymous.body.find("checks") == std::string::npos, anonymous.body);
  auto op = down.op("GET", "/ready");
  BOOST_REQUIRE_EQUAL(op.status, 503);
  BOOST_TEST(op.body.find("redis") != std::string::npos, op.body);
  BOOST_TEST(op.json()["checks"].is_array());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(metrics_listener_can_be_off_and_a_taken_port_stops_the_start) {
  node_process off(env{{"KYB_METRICS_LISTEN", "off"}});
  BOOST_TEST(off.call("GET", "/metrics").status == 404);
  BOOST_TEST(off.call("GET", "/health").status == 200);
  // A second node with the first one's metrics.listen: refused, the key named.
  node_process first;
  bool refused = false;
  std::string why;
  try {
    node_process second(env{{"KYB_METRICS_LISTEN", first.metrics_endpoint()}},
                        first.database_url());
  } catch (const std::exception& e) {
    refused = true;
    why = e.what();
  }
  BOOST_TEST(refused);
  BOOST_TEST(why.find("metrics.listen") != std::string::npos, why);
  BOOST_TEST(first.metrics("/metrics").status == 200);
}

// Plaintext cluster traffic only on purpose: without certificates a node does not start
// unless cluster.insecure says so, and then it warns at every start.
BOOST_AUTO_TEST_CASE(a_plaintext_cluster_is_only_on_purpose_and_warned_about) {
  std::string why;
  try {
    node_process no_certs(env{{"KYB_CLUSTER_INSECURE", "false"}});
  } catch (const std::exception& e) {
    why = e.what();
  }
  BOOST_TEST(why.find("cluster.tls_certificate") != std::string::npos, why);
  BOOST_TEST(why.find("cluster.insecure") != std::string::npos, why);
  node_process plain(env{{"KYB_CLUSTER_INSECURE", "true"}});
  BOOST_TEST(plain.call("GET", "/health").status == 200);
  auto log = plain.log();
  BOOST_TEST(log.find("\"cluster.insecure\"") != std::string::npos, log);
  BOOST_TEST(log.find("plaintext and unauthenticated") != std::string::npos, log);
  // Nothing warns so on a node with its certificates.
  node_process with_tls;
  BOOST_TEST(with_tls.log().find("\"cluster.insecure\"") == std::string::npos,
             with_tls.log());
}

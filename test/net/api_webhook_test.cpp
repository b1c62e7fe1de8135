// Webhooks end to end, through a real node and a real local receiver (python3 on
// 127.0.0.1) that records what it gets and answers as told: endpoints (the secret shown
// once, admin scope, SSRF and https rules at creation), the KYB-Signature checked with
// OpenSSL's HMAC called here (not the product's helper), retries with one event id until
// a 2xx, per-business order, 410 disabling, a receiver down for the whole retry window
// ending failed and redelivered, secret rotation (two signatures during the overlap),
// kill -9 of the delivering node losing no event, the four event types, bad input.
#define BOOST_TEST_MODULE api_webhook
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include "test/support/eventually.hpp"
#include "test/support/http_client.hpp"
#include "test/support/node_process.hpp"
#include "test/support/ports.hpp"
#include "test/support/python_server.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Records every POST to /hook/<name> (its signature, event id and body) and answers by
/// the mode set with POST /mode/<name>: "ok" (200), "fail:N" (500 for the next N, then
/// 200), "down" (500), "gone" (410). GET /received/<name> lists what came.
const char* receiver_script = R"PY(
import http.server, json, sys, threading
port = int(sys.argv[1])
lock = threading.Lock()
received, modes = {}, {}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body=b"{}"):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        name = self.path.split("/")[-1]
        with lock: body = json.dumps(received.get(name, [])).encode()
        self.send(200, body)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        parts = self.path.split("/")
        name = parts[-1]
        with lock:
            if parts[1] == "mode":
                modes[name] = body
                return self.send(200)
            mode = modes.get(name, "ok")
            received.setdefault(name, []).append({
                "signature": self.headers.get("KYB-Signature", ""),
                "event_id": self.headers.get("KYB-Event-Id", ""),
                "body": body})
            code = 200
            if mode == "down": code = 500
            elif mode == "gone": code = 410
            elif mode.startswith("fail:"):
                left = int(mode[5:])
                if left > 0:
                    modes[name] = "fail:%d" % (left - 1)
                    code = 500
        self.send(code)
class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
Server(("127.0.0.1", port), Handler).serve_forever()
)PY";

class receiver {
public:
  uint16_t port() const { return server_.port(); }
  std::string url(const std::string& name) const { return server_.url("/hook/" + name); }
  void mode(const std::string& name, const std::string& m) const {
    BOOST_REQUIRE_EQUAL(http_call(port(), "POST", "/mode/" + name, m).status, 200);
  }
  json received(const std::string& name) const {
    return json::parse(http_call(port(), "GET", "/received/" + name).body);
  }

private:
  python_server server_{receiver_script};
};

/// HMAC-SHA256 hex with OpenSSL directly.
std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += digits[out[i] >> 4];
    hex += digits[out[i] & 15];
  }
  return hex;
}

/// The t and v1 values of a KYB-Signature header.
std::pair<std::string, std::vector<std::string>>
parse_signature(const std::string& header) {
  std::string t;
  std::vector<std::string> v1;
  size_t at = 0;
  while (at <= header.size()) {
    auto end = header.find(',', at);
    if (end == std::string::npos)
      end = header.size();
    auto part = header.substr(at, end - at);
    if (part.rfind("t=", 0) == 0)
      t = part.substr(2);
    else if (part.rfind("v1=", 0) == 0)
      v1.push_back(part.substr(3));
    at = end + 1;
  }
  return {t, v1};
}

bool signed_by(const json& post, const std::string& secret) {
  auto [t, v1] = parse_signature(post["signature"].get<std::string>());
  auto expected = hmac_hex(secret, t + "." + post["body"].get<std::string>());
  return std::find(v1.begin(), v1.end(), expected) != v1.end();
}

std::map<std::string, std::string>
webhook_env(const receiver& r, std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env = {
      {"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
      {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(r.port())},
      {"KYB_WEBHOOKS_ALLOW_HTTP", "true"},
      {"KYB_WEBHOOKS_POLL_INTERVAL", "100ms"},
      {"KYB_WEBHOOKS_RETRY_BASE", "200ms"},
      {"KYB_WEBHOOKS_RETRY_MAX", "400ms"},
      {"KYB_WEBHOOKS_RETRY_WINDOW", "60s"},
      {"KYB_WEBHOOKS_TIMEOUT", "2s"},
      {"KYB_LOG_ACCESS", "false"}};
  for (auto& [k, v] : extra)
    env[k] = v;
  return env;
}

struct fixture {
  receiver hooks;
  node_process node{webhook_env(hooks)};
  std::string tenant;
  std::string key;

  fixture() { std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"}); }

  json endpoint(const std::string& name, const json& events) const {
    auto r = node.call("POST", "/v1/webhook-endpoints",
                       json{{"url", hooks.url(name)}, {"events", events}}.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json();
  }
  std::string business(const std::string& name) const {
    auto r = node.call("POST", "/v1/businesses",
                       json{{"legal_name", name}, {"country", "US"}}.dump(), key);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }
  /// A verification that passes quickly (only the website step, and no website).
  std::string verify(const std::string& business_id) const {
    auto r = node.call("POST", "/v1/businesses/" + business_id + "/verifications",
                       R"({"checks": ["website"]})", key);
    BOOST_REQUIRE_EQUAL(r.status, 202);
    return r.json()["id"];
  }
  json deliveries(const std::string& endpoint_id) const {
    auto r =
        node.call("GET", "/v1/webhook-endpoints/" + endpoint_id + "/deliveries", "", key);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json()["data"];
  }
  std::string one(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(deliveries_are_signed_and_verified_independently, fixture) {
  auto e = endpoint("a", {"verification.completed", "import.completed"});
  std::string secret = e["secret"];
  BOOST_TEST(secret.rfind("whsec_", 0) == 0);
  BOOST_TEST(e["enabled"] == true);
  // Shown once: never again.
  auto read =
      node.call("GET", "/v1/webhook-endpoints/" + e["id"].get<std::string>(), "", key);
  BOOST_REQUIRE_EQUAL(read.status, 200);
  BOOST_TEST(!read.json().contains("secret"));
  BOOST_TEST(read.body.find(secret) == std::string::npos);
  BOOST_TEST(node.log().find(secret) == std::string::npos);
  BOOST_TEST(
      one("SELECT count(*) FROM audit_logs WHERE action = 'webhook_endpoint.create'") ==
      "1");

  auto vid = verify(business("Plain Paper Supplies Inc"));
  json got;
  BOOST_REQUIRE(eventually([&] {
    got = hooks.received("a");
    return got.size() >= 1u;
  }));
  auto post = got[0];
  BOOST_TEST(signed_by(post, secret), post.dump());
  BOOST_TEST(!signed_by(post, secret + "x"));
  auto body = json::parse(post["body"].get<std::string>());
  BOOST_TEST(body["type"] == "verification.completed");
  BOOST_TEST(body["id"] == post["event_id"]);
  BOOST_TEST(!body["created"].get<std::string>().empty());
  BOOST_TEST(body["data"]["verification_id"] == vid);
  BOOST_TEST(body["data"]["verdict"] == "pass");
  // The t is now-ish (a receiver rejects one older than 5 minutes).
  auto t = std::stoll(parse_signature(post["signature"]).first);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  BOOST_TEST(std::llabs(now - t) < 300);

  json d;
  BOOST_REQUIRE(eventually([&] {
    d = deliveries(e["id"]);
    return !d.empty() && d[0]["status"] == "delivered";
  }));
  BOOST_TEST(d[0]["attempts"] == 1);
  BOOST_TEST(d[0]["last_status_code"] == 200);
  BOOST_TEST(d[0]["event_id"] == body["id"]);
  BOOST_TEST(d[0]["last_latency_ms"].get<int64_t>() >= 0);
  BOOST_TEST(node.metrics("/metrics")
                 .body.find("kyb_webhook_deliveries_total{result=\"delivered\"}") !=
             std::string::npos);
  BOOST_TEST(
      node.metrics("/metrics").body.find("kyb_webhook_delivery_lag_seconds_count") !=
      std::string::npos);

  // import.completed, from a bulk upload.
  auto up = node.call("POST", "/v1/businesses/bulk",
                      R"({"legal_name": "Bulk One LLC", "country": "US"})"
                      "\n",
                      key, {{"Content-Type", "application/x-ndjson"}});
  BOOST_TEST_INFO(up.body);
  BOOST_REQUIRE(up.status == 200 || up.status == 201 || up.status == 202);
  BOOST_REQUIRE(eventually([&] {
    for (auto& p : hooks.received("a"))
      if (json::parse(p["body"].get<std::string>())["type"] == "import.completed")
        return true;
    return false;
  }));
}

BOOST_FIXTURE_TEST_CASE(a_failing_receiver_gets_every_event_with_one_id_in_order,
                        fixture) {
  auto e = endpoint("b", {"verification.completed"});
  std::string secret = e["secret"];
  hooks.mode("b", "fail:3");
  auto id = business("Orderly Goods LLC");
  auto first = verify(id);
  // The second waits until the first is stored, so the events have an order.
  BOOST_REQUIRE(eventually([&] {
    return one("SELECT count(*) FROM outbox_events WHERE payload->>'verification_id' = "
               "'" +
               first + "'") == "1";
  }));
  auto second = verify(id);
  json got;
  BOOST_REQUIRE(eventually(
      [&] {
        got = hooks.received("b");
        return got.size() >= 5u;
      },
      60s));
  // 3 failures and the success of the first event, all with its id, then the second.
  std::vector<std::string> order;
  for (auto& p : got) {
    BOOST_TEST(signed_by(p, secret));
    order.push_back(json::parse(p["body"].get<std::string>())["data"]["verification_id"]);
  }
  BOOST_TEST(order[0] == first);
  BOOST_TEST(order[1] == first);
  BOOST_TEST(order[2] == first);
  BOOST_TEST(order[3] == first);
  BOOST_TEST(order[4] == second);
  BOOST_TEST(got[0]["event_id"] == got[3]["event_id"]);
  BOOST_TEST(got[3]["event_id"] != got[4]["event_id"]);
  json d;
  BOOST_REQUIRE(eventually([&] {
    d = deliveries(e["id"]);
    return d.size() == 2u && d[0]["status"] == "delivered" &&
           d[1]["status"] == "delivered";
  }));
  // Newest first: the first event's delivery took 4 attempts, each logged.
  BOOST_TEST(d[1]["attempts"] == 4);
  BOOST_TEST(d[1]["attempt_log"].size() == 4u);
  BOOST_TEST(d[1]["attempt_log"][0]["status_code"] == 500);
}

BOOST_FIXTURE_TEST_CASE(a_410_disables_the_endpoint, fixture) {
  auto e = endpoint("c", {"verification.completed"});
  std::string eid = e["id"];
  hooks.mode("c", "gone");
  verify(business("Gone Receiver LLC"));
  json ep;
  BOOST_REQUIRE(eventually([&] {
    ep = node.call("GET", "/v1/webhook-endpoints/" + eid, "", key).json();
    return ep["enabled"] == false;
  }));
  BOOST_TEST(ep["disabled_reason"].get<std::string>().find("410") != std::string::npos);
  BOOST_TEST(deliveries(eid)[0]["status"] == "failed");
  BOOST_TEST(hooks.received("c").size() == 1u);
  BOOST_TEST(
      one("SELECT count(*) FROM audit_logs WHERE action = 'webhook_endpoint.disable' "
          "AND target_id = '" +
          eid + "'") == "1");
  // Disabled: later events are not sent to it. Enabled again: they are. (The second
  // verification completes, and so writes its event, after its 202: wait for that
  // before the outbox drained, or the event is fanned out after the re-enable below.)
  auto second = verify(business("Second Event LLC"));
  BOOST_REQUIRE(eventually([&] {
    return node.call("GET", "/v1/verifications/" + second, "", key).json()["status"] ==
           "completed";
  }));
  BOOST_REQUIRE(eventually([&] {
    return one("SELECT count(*) FROM outbox_events WHERE delivered_at IS NULL") == "0";
  }));
  BOOST_TEST(deliveries(eid).size() == 1u);
  hooks.mode("c", "ok");
  auto on =
      node.call("PATCH", "/v1/webhook-endpoints/" + eid, R"({"enabled": true})", key);
  BOOST_REQUIRE_EQUAL(on.status, 200);
  BOOST_TEST(on.json()["enabled"] == true);
  BOOST_TEST(on.json()["disabled_reason"].is_null());
  verify(business("Third Event LLC"));
  BOOST_REQUIRE(eventually([&] { return hooks.received("c").size() == 2u; }));
}

BOOST_FIXTURE_TEST_CASE(a_rotation_signs_with_both_secrets_during_the_overlap, fixture) {
  auto e = endpoint("d", {"verification.completed"});
  std::string eid = e["id"];
  std::string old_secret = e["secret"];
  auto rot = node.call("POST", "/v1/webhook-endpoints/" + eid + "/rotate-secret",
                       R"({"overlap_seconds": 600})", key);
  BOOST_TEST_INFO(rot.body);
  BOOST_REQUIRE_EQUAL(rot.status, 200);
  std::string new_secret = rot.json()["secret"];
  BOOST_TEST(new_secret != old_secret);
  BOOST_TEST(!rot.json()["previous_secret_expires_at"].is_null());
  verify(business("Rotating Keys LLC"));
  BOOST_REQUIRE(eventually([&] { return hooks.received("d").size() == 1u; }));
  auto post = hooks.received("d")[0];
  BOOST_TEST(parse_signature(post["signature"]).second.size() == 2u);
  BOOST_TEST(signed_by(post, new_secret));
  BOOST_TEST(signed_by(post, old_secret));
  // No overlap: the new secret alone.
  auto again = node.call("POST", "/v1/webhook-endpoints/" + eid + "/rotate-secret",
                         R"({"overlap_seconds": 0})", key);
  BOOST_REQUIRE_EQUAL(again.status, 200);
  std::string third = again.json()["secret"];
  verify(business("Rotated Again LLC"));
  BOOST_REQUIRE(eventually([&] { return hooks.received("d").size() == 2u; }));
  auto last = hooks.received("d")[1];
  BOOST_TEST(parse_signature(last["signature"]).second.size() == 1u);
  BOOST_TEST(signed_by(last, third));
  BOOST_TEST(!signed_by(last, new_secret));
}

BOOST_FIXTURE_TEST_CASE(kill_9_of_the_delivering_node_mid_retry_loses_no_event, fixture) {
  auto e = endpoint("k", {"verification.completed"});
  std::string eid = e["id"];
  hooks.mode("k", "down");
  auto vid = verify(business("Crash Test LLC"));
  BOOST_REQUIRE(eventually([&] {
    auto d = deliveries(eid);
    return !d.empty() && d[0]["attempts"].get<int>() >= 2;
  }));
  node.signal(SIGKILL);
  BOOST_REQUIRE(node.wait_exit(10s));
  hooks.mode("k", "ok");
  node.restart();
  BOOST_REQUIRE(eventually(
      [&] {
        auto d = deliveries(eid);
        return !d.empty() && d[0]["status"] == "delivered";
      },
      90s));
  auto got = hooks.received("k");
  auto last = json::parse(got.back()["body"].get<std::string>());
  BOOST_TEST(last["data"]["verification_id"] == vid);
  // One event, one id, across the attempts of both lives of the node.
  for (auto& p : got)
    BOOST_TEST(p["event_id"] == got[0]["event_id"]);
}

BOOST_AUTO_TEST_CASE(
    a_receiver_down_for_the_whole_window_ends_failed_and_is_redelivered) {
  receiver hooks;
  node_process node{webhook_env(hooks, {{"KYB_WEBHOOKS_RETRY_WINDOW", "2s"}})};
  auto [tenant, key] = node.make_tenant({"read", "write", "admin"});
  (void)tenant;
  hooks.mode("w", "down");
  auto r = node.call(
      "POST", "/v1/webhook-endpoints",
      json{{"url", hooks.url("w")}, {"events", {"verification.completed"}}}.dump(), key);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  std::string eid = r.json()["id"];
  auto b = node.call("POST", "/v1/businesses",
                     R"({"legal_name": "Down Under LLC", "country": "US"})", key);
  auto v = node.call(
      "POST", "/v1/businesses/" + b.json()["id"].get<std::string>() + "/verifications",
      R"({"checks": ["website"]})", key);
  BOOST_REQUIRE_EQUAL(v.status, 202);
  json d;
  BOOST_REQUIRE(eventually([&] {
    d = node.call("GET", "/v1/webhook-endpoints/" + eid + "/deliveries", "", key)
            .json()["data"];
    return !d.empty() && d[0]["status"] == "failed";
  }));
  BOOST_TEST(d[0]["attempts"].get<int>() >= 2);
  BOOST_TEST(d[0]["last_status_code"] == 500);
  BOOST_TEST(d[0]["next_attempt_at"].is_null());
  BOOST_TEST(node.metrics("/metrics")
                 .body.find("kyb_webhook_deliveries_total{result=\"failed\"}") !=
             std::string::npos);
  // Redelivered once the receiver is back.
  hooks.mode("w", "ok");
  auto re = node.call(
      "POST", "/v1/webhook-deliveries/" + d[0]["id"].get<std::string>() + "/redeliver",
      "", key);
  BOOST_TEST_INFO(re.body);
  BOOST_REQUIRE_EQUAL(re.status, 202);
  BOOST_TEST(re.json()["status"] == "pending");
  BOOST_REQUIRE(eventually([&] {
    d = node.call("GET", "/v1/webhook-endpoints/" + eid + "/deliveries", "", key)
            .json()["data"];
    return d[0]["status"] == "delivered";
  }));
}

BOOST_FIXTURE_TEST_CASE(bad_input_on_every_endpoint, fixture) {
  auto e = endpoint("x", {"verification.completed"});
  std::string eid = e["id"];
  auto post = [&](const std::string& body) {
    return node.call("POST", "/v1/webhook-endpoints", body, key);
  };
  auto url = hooks.url("x");
  for (auto body :
       {json{{"events", {"verification.completed"}}}.dump(), json{{"url", url}}.dump(),
        json{{"url", "ftp://127.0.0.1/x"}, {"events", {"verification.completed"}}}.dump(),
        json{{"url", "https://user:pw@hooks.example.com/"},
             {"events", {"import.completed"}}}
            .dump(),
        json{{"url", "https://hooks.example.com:8443/"}, {"events", {"import.completed"}}}
            .dump(),
        json{{"url", url}, {"events", json::array()}}.dump(),
        json{{"url", url}, {"events", {"verification.started"}}}.dump(),
        json{{"url", url}, {"events", {"import.completed", "import.completed"}}}.dump(),
        json{{"url", url}, {"events", {"import.completed"}}, {"colour", "red"}}.dump(),
        json{{"url", url},
             {"events", {"import.completed"}},
             {"description", std::string(501, 'x')}}
            .dump(),
        json{{"url", url}, {"events", {"import.completed"}}, {"enabled", false}}.dump(),
        std::string("[]"), std::string("{\"url\": ")})
    BOOST_TEST(is_problem(post(body), 400), body);
  auto path = "/v1/webhook-endpoints/" + eid;
  BOOST_TEST(is_problem(node.call("PATCH", path, "{}", key), 400));
  BOOST_TEST(is_problem(node.call("PATCH", path, R"({"enabled": "yes"})", key), 400));
  BOOST_TEST(is_problem(node.call("PATCH", path, R"({"secret": "mine"})", key), 400));
  BOOST_TEST(is_problem(
      node.call("POST", path + "/rotate-secret", R"({"overlap_seconds": -1})", key),
      400));
  BOOST_TEST(is_problem(
      node.call("POST", path + "/rotate-secret", R"({"overlap_seconds": "1"})", key),
      400));
  BOOST_TEST(is_problem(node.call("GET", path + "/deliveries?cursor=zz", "", key), 400));
  BOOST_TEST(is_problem(node.call("GET", path + "/deliveries?limit=0", "", key), 400));
  BOOST_TEST(is_problem(node.call("GET", "/v1/webhook-endpoints/nope", "", key), 404));
  BOOST_TEST(
      is_problem(node.call("POST",
                           "/v1/webhook-deliveries/00000000-0000-4000-8000-000000000000/"
                           "redeliver",
                           "", key),
                 404));
  // The admin scope only; another tenant sees nothing.
  auto [t2, writer] = node.make_tenant({"read", "write"});
  (void)t2;
  BOOST_TEST(is_problem(node.call("GET", "/v1/webhook-endpoints", "", writer), 403));
  auto [t3, other] = node.make_tenant({"read", "write", "admin"});
  (void)t3;
  BOOST_TEST(is_problem(node.call("GET", path, "", other), 404));
  BOOST_TEST(is_problem(node.call("PATCH", path, R"({"enabled": false})", other), 404));
  BOOST_TEST(is_problem(node.call("DELETE", path, "", other), 404));
  BOOST_TEST(is_problem(node.call("GET", path + "/deliveries", "", other), 404));
  BOOST_TEST(node.call("GET", "/v1/webhook-endpoints", "", other).json()["data"].empty());
  // Deleted: gone for its tenant too.
  auto del = node.call("DELETE", path, "", key);
  BOOST_REQUIRE_EQUAL(del.status, 200);
  BOOST_TEST(is_problem(node.call("GET", path, "", key), 404));
  BOOST_TEST(is_problem(node.call("DELETE", path, "", key), 404));
  BOOST_TEST(node.call("GET", "/health", "", "").status == 200);
}

BOOST_AUTO_TEST_CASE(https_only_and_the_ssrf_rules_apply_at_creation) {
  node_process node{{{"KYB_LOG_ACCESS", "false"}}};
  auto [tenant, key] = node.make_tenant({"admin"});
  (void)tenant;
  auto make = [&](const std::string& url) {
    return node.call("POST", "/v1/webhook-endpoints",
                     json{{"url", url}, {"events", {"import.completed"}}}.dump(), key);
  };
  BOOST_TEST(is_problem(make("http://hooks.example.com/kyb"), 400));
  BOOST_TEST(is_problem(make("https://127.0.0.1/kyb"), 400));
  BOOST_TEST(is_problem(make("https://10.1.2.3/kyb"), 400));
  BOOST_TEST(is_problem(make("https://169.254.169.254/latest"), 400));
  auto ok = make("https://hooks.example.com/kyb");
  BOOST_TEST_INFO(ok.body);
  BOOST_TEST(ok.status == 201);
}

BOOST_AUTO_TEST_CASE(ongoing_monitoring_sends_screening_hit_created) {
  receiver hooks;
  std::string tmpl = "/tmp/kyb-hooks-XXXXXX";
  std::string dir = ::mkdtemp(tmpl.data());
  auto write_list = [&](const std::string& csv) {
    std::ofstream(dir + "/watch.csv", std::ios::trunc) << csv;
  };
  write_list("id,name,type,countries\nW-9,Nordic Timber Exports,entity,SE\n");
  node_process node{webhook_env(hooks, {{"KYB_SCREENING_GENERIC_DIR", dir},
                                        {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
                                        {"KYB_SCREENING_MONITOR_RATE", "1000"}})};
  auto [tenant, key] = node.make_tenant({"read", "write", "admin"});
  (void)tenant;
  BOOST_REQUIRE(
      eventually([&] { return !node.op("GET", "/v1/lists").json()["data"].empty(); }));
  auto r = node.call(
      "POST", "/v1/webhook-endpoints",
      json{{"url", hooks.url("m")}, {"events", {"screening.hit_created"}}}.dump(), key);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto b =
      node.call("POST", "/v1/businesses",
                R"({"legal_name": "Orion Shipping Holdings", "country": "PA"})", key);
  std::string id = b.json()["id"];
  // Screened clear through the API: no event (only monitoring's new hits are).
  auto s = node.call("POST", "/v1/businesses/" + id + "/screen", "", key);
  BOOST_TEST_INFO(s.body);
  BOOST_REQUIRE(s.status == 200 || s.status == 201);
  BOOST_TEST(s.json()["hits"].empty());
  // The list now names it: monitoring re-screens and raises a new hit.
  write_list("id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n");
  BOOST_REQUIRE_EQUAL(node.op("POST", "/v1/lists/reload").status, 200);
  json got;
  BOOST_REQUIRE(eventually(
      [&] {
        got = hooks.received("m");
        return !got.empty();
      },
      60s));
  auto body = json::parse(got[0]["body"].get<std::string>());
  BOOST_TEST(body["type"] == "screening.hit_created");
  BOOST_TEST(body["data"]["business_id"] == id);
  BOOST_REQUIRE(!body["data"]["hits"].empty());
  BOOST_TEST(body["data"]["hits"][0]["entity_id"] == "W-1");
  std::error_code ec;
  fs::remove_all(dir, ec);
}

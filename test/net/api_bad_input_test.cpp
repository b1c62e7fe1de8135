// Bad input against a real node: malformed HTTP, smuggling attempts, oversized headers
// and bodies, wrong content types, broken JSON, unknown routes, wrong methods, slow and
// vanishing clients, and Redis or PostgreSQL going away. After each, the node serves on.
#define BOOST_TEST_MODULE api_bad_input
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdlib>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

struct node_fixture {
  node_fixture()
      : node(std::map<std::string, std::string>{{"KYB_HTTP_READ_TIMEOUT", "700ms"},
                                                {"KYB_HTTP_MAX_BODY_BYTES", "64KiB"},
                                                {"KYB_HTTP_MAX_JSON_DEPTH", "16"},
                                                {"KYB_LOG_ACCESS", "false"}}) {
    std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"});
  }

  /// Sends raw bytes on a new connection and reads one reply.
  http_reply raw(const std::string& bytes) {
    http_connection c("127.0.0.1", node.port());
    c.send_raw(bytes);
    auto r = c.read_reply();
    return r ? *r : http_reply{};
  }

  void still_serving() {
    BOOST_TEST(node.call("GET", "/v1/businesses", "", key).status == 200);
  }

  bool is_problem(const http_reply& r) {
    auto j = r.json();
    return r.header("content-type") == "application/problem+json" && j.is_object() &&
           j.contains("type") && j.contains("title") && j.contains("status") &&
           j["status"] == r.status;
  }

  node_process node;
  std::string tenant;
  std::string key;
};

std::string auth(const std::string& key) {
  return "Authorization: Bearer " + key + "\r\n";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(bad_input, node_fixture)

BOOST_AUTO_TEST_CASE(malformed_http) {
  for (auto bytes : {std::string("GARBAGE\r\n\r\n"),
                     std::string("GET /health HTTP/1.1\r\nHost\r\n\r\n"),
                     std::string("GET /health HTTP/1.1\r\nHost: a\r\n bad-fold\r\n\r\n"),
                     std::string("GET /health HTTP/1.1\r\nHost: a\rX: y\r\n\r\n")}) {
    auto r = raw(bytes);
    BOOST_TEST(r.status == 400);
    BOOST_TEST(is_problem(r));
  }
  BOOST_TEST(raw("GET /health HTTP/2.0\r\nHost: a\r\n\r\n").status == 505);
  still_serving();
}

BOOST_AUTO_TEST_CASE(request_smuggling_is_refused) {
  // CL.TE and TE.CL: both framing headers at once.
  auto r1 = raw("POST /v1/businesses HTTP/1.1\r\nHost: a\r\n" + auth(key) +
                "Content-Type: application/json\r\nContent-Length: 6\r\n"
                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nX");
  BOOST_TEST(r1.status == 400);
  // Two different Content-Lengths.
  auto r2 = raw("POST /v1/businesses HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                "Content-Length: 5\r\n\r\nabcde");
  BOOST_TEST(r2.status == 400);
  // An obfuscated Transfer-Encoding (TE.TE).
  auto r3 =
      raw("POST /v1/businesses HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
          "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n");
  BOOST_TEST((r3.status == 400 || r3.status == 501));
  // The smuggled request never ran: nothing was created.
  BOOST_TEST(sql(node.database_url(), "SELECT count(*) FROM businesses")[0][0] == "0");
  // And the connection is closed after such an answer.
  http_connection c("127.0.0.1", node.port());
  c.send_raw("GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: "
             "chunked\r\n\r\n");
  auto r = c.read_reply();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 400);
  BOOST_TEST(c.closed_by_peer());
  still_serving();
}

BOOST_AUTO_TEST_CASE(limits) {
  auto big_header =
      raw("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(17000, 'a') +
          "\r\n\r\n");
  BOOST_TEST(big_header.status == 431);
  BOOST_TEST(is_problem(big_header));
  auto big_body = raw("POST /v1/businesses HTTP/1.1\r\nHost: a\r\n" + auth(key) +
                      "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
  BOOST_TEST(big_body.status == 413);
  std::string deep = std::string(40, '[') + std::string(40, ']');
  auto too_deep = node.call("POST", "/v1/businesses", deep, key);
  BOOST_TEST(too_deep.status == 400);
  BOOST_TEST(too_deep.json()["detail"].get<std::string>().find("nesting depth") !=
             std::string::npos);
  still_serving();
}

BOOST_AUTO_TEST_CASE(content_type_and_json) {
  auto wrong = node.call("POST", "/v1/businesses", "legal_name=x", key,
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_TEST(wrong.status == 415);
  BOOST_TEST(is_problem(wrong));
  auto broken = node.call("POST", "/v1/businesses",
                          "{\"legal_name\": \"x\",\n  \"country\": }", key);
  BOOST_TEST(broken.status == 400);
  BOOST_TEST(broken.json()["detail"].get<std::string>().find("line 2") !=
             std::string::npos);
  auto bad_utf8 =
      node.call("POST", "/v1/businesses", "{\"legal_name\": \"\xff\xfe\"}", key);
  BOOST_TEST(bad_utf8.status == 400);
  BOOST_TEST(bad_utf8.json()["detail"].get<std::string>().find("UTF-8") !=
             std::string::npos);
  BOOST_TEST(node.call("POST", "/v1/businesses", "", key).status == 400);
  BOOST_TEST(node.call("POST", "/v1/businesses", "[]", key).status == 400);
  still_serving();
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods) {
  auto nf = node.call("GET", "/v1/nope", "", key);
  BOOST_TEST(nf.status == 404);
  BOOST_TEST(is_problem(nf));
  auto na = node.call("PUT", "/v1/businesses", "{}", key);
  BOOST_TEST(na.status == 405);
  BOOST_TEST(na.header("allow") == "GET, HEAD, POST");
  BOOST_TEST(is_problem(na));
  BOOST_TEST(node.call("GET", "/v1/businesses/not-a-uuid", "", key).status == 404);
  auto head = node.call("HEAD", "/health");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
}

BOOST_AUTO_TEST_CASE(pipelined_requests_answer_in_order) {
  http_connection c("127.0.0.1", node.port());
  std::string batch;
  for (int i = 0; i < 5; ++i)
    batch += make_request("GET", i % 2 ? "/v1/nope" : "/health", "",
                          {{"X-Request-Id", "r" + std::to_string(i)}});
  c.send_raw(batch);
  for (int i = 0; i < 5; ++i) {
    auto r = c.read_reply();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->header("x-request-id") == "r" + std::to_string(i));
    BOOST_TEST(r->status == (i % 2 ? 404 : 200));
  }
}

BOOST_AUTO_TEST_CASE(slow_and_vanishing_clients) {
  // A client that starts a request and stalls gets 408 and a closed connection.
  http_connection slow("127.0.0.1", node.port());
  slow.send_raw("GET /health HTTP/1.1\r\nHost: a\r\n");
  auto r = slow.read_reply(std::chrono::seconds(5));
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 408);
  BOOST_TEST(slow.closed_by_peer());
  // A client that disconnects mid-body: the node goes on serving others.
  for (int i = 0; i < 10; ++i) {
    http_connection gone("127.0.0.1", node.port());
    gone.send_raw(
        "POST /v1/businesses HTTP/1.1\r\nHost: a\r\n" + auth(key) +
        "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"legal_na");
  }
  // One that sends a complete create and leaves before the answer: the write still lands.
  {
    http_connection leaving("127.0.0.1", node.port());
    leaving.send_raw(make_request("POST", "/v1/businesses",
                                  R"({"legal_name":"Left Early Ltd","country":"GB"})",
                                  {{"Authorization", "Bearer " + key}}));
  }
  auto stored = [&] {
    return sql(
        node.database_url(),
        "SELECT count(*) FROM businesses WHERE legal_name = 'Left Early Ltd'")[0][0];
  };
  BOOST_TEST(eventually([&] { return stored() != "0"; }, std::chrono::seconds(10)));
  BOOST_TEST(stored() == "1");
  still_serving();
}

BOOST_AUTO_TEST_CASE(health_ready_metrics_openapi) {
  BOOST_TEST(node.call("GET", "/health").status == 200);
  auto ready = node.call("GET", "/ready");
  BOOST_TEST_INFO(ready.body);
  BOOST_TEST(ready.status == 200);
  node.call("GET", "/v1/businesses", "", key);
  auto m = node.metrics("/metrics");
  BOOST_REQUIRE_EQUAL(m.status, 200);
  BOOST_TEST(m.header("content-type").find("text/plain; version=0.0.4") == 0u);
  BOOST_TEST(
      m.body.find("kyb_api_requests_total{endpoint=\"/v1/businesses\",method=\"GET\","
                  "status_code=\"200\",tenant_id=\"" +
                  tenant + "\"}") != std::string::npos);
  BOOST_TEST(
      m.body.find("kyb_api_request_duration_seconds_bucket{endpoint=\"/v1/businesses\","
                  "method=\"GET\",le=\"0.1\"}") != std::string::npos);
  // Every stage of an answered request is timed (parse, auth, handler, encode, write).
  for (auto stage : {"parse", "auth", "handler", "encode", "write"}) {
    auto series = std::string("kyb_http_stage_seconds_count{stage=\"") + stage + "\"} ";
    auto at = m.body.find(series);
    BOOST_TEST_INFO(series);
    BOOST_REQUIRE(at != std::string::npos);
    BOOST_TEST(std::stod(m.body.substr(at + series.size())) >= 2.0);
  }
  std::string path = "/tmp/kyb_api_metrics_" + std::to_string(node.port()) + ".txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fwrite(m.body.data(), 1, m.body.size(), f);
    std::fclose(f);
  }
  int rc = std::system(
      ("promtool check metrics < " + path + " > " + path + ".out 2>&1").c_str());
  BOOST_TEST(rc == 0);
  auto business = node.metrics("/metrics/business");
  BOOST_TEST(business.status == 200);
  BOOST_TEST(node.call("GET", "/metrics").status == 404); // not on the API port
  auto doc = node.call("GET", "/openapi.json").json();
  BOOST_TEST(doc["openapi"] == "3.1.0");
}

BOOST_AUTO_TEST_CASE(redis_down_keeps_plain_requests_working) {
  // Stop the test Redis, then bring it back exactly as deploy/local/kyb starts it.
  auto url = test_redis_url(); // redis://127.0.0.1:PORT/0
  auto port = url.substr(url.rfind(':') + 1);
  port = port.substr(0, port.find('/'));
  BOOST_REQUIRE_EQUAL(
      std::system(
          ("redis-cli -p " + port + " shutdown nosave >/dev/null 2>&1 || true").c_str()),
      0);
  auto redis_cli = "redis-cli -p " + port + " ping >/dev/null 2>&1";
  BOOST_REQUIRE_MESSAGE(eventually([&] { return std::system(redis_cli.c_str()) != 0; },
                                   std::chrono::seconds(10)),
                        "Redis still answers after its shutdown");
  auto plain = node.call("POST", "/v1/businesses",
                         R"({"legal_name":"No Redis Needed","country":"US"})", key);
  BOOST_TEST(plain.status == 201);
  auto keyed = node.call("POST", "/v1/businesses",
                         R"({"legal_name":"Needs Redis","country":"US"})", key,
                         {{"Idempotency-Key", "k1"}});
  BOOST_TEST(keyed.status == 503);
  BOOST_TEST(!keyed.header("retry-after").empty());
  // /ready caches its checks briefly: it turns 503 once the cached answer expires.
  http_reply ready;
  BOOST_TEST(eventually([&] {
    ready = node.op("GET", "/ready"); // the checks are shown to operator keys
    return ready.status == 503;
  }));
  BOOST_TEST(ready.body.find("redis") != std::string::npos);
  std::string dir = "/tmp/kyb-test-redis-" + port;
  std::system(("mkdir -p " + dir).c_str());
  BOOST_REQUIRE_EQUAL(
      std::system(("redis-server --bind 127.0.0.1 --port " + port + " --dir " + dir +
                   " --daemonize yes --save '' --appendonly no >/dev/null")
                      .c_str()),
      0);
  BOOST_TEST(eventually([&] {
    return node.call("POST", "/v1/businesses",
                     R"({"legal_name":"Redis Back","country":"US"})", key,
                     {{"Idempotency-Key", "k2"}})
               .status == 201;
  }));
}

BOOST_AUTO_TEST_CASE(postgresql_restart_is_survived) {
  const char* restart = std::getenv("KYB_TEST_PG_RESTART");
  BOOST_REQUIRE_MESSAGE(restart, "KYB_TEST_PG_RESTART is set by deploy/local/kyb test");
  BOOST_REQUIRE_EQUAL(std::system(restart), 0);
  BOOST_TEST(eventually([&] {
    auto r = node.call("POST", "/v1/businesses",
                       R"({"legal_name":"After Restart","country":"US"})", key);
    if (r.status != 201)
      BOOST_TEST((r.status == 503 || r.status == 504),
                 "unexpected " << r.status << " " << r.body);
    return r.status == 201;
  }));
  still_serving();
}

BOOST_AUTO_TEST_SUITE_END()

// A database that stops answering (its backends frozen with SIGSTOP) must not hang the
// API: the broker answers 504 once http.request_timeout has passed, and keeps serving.
BOOST_AUTO_TEST_CASE(stalled_database_answers_504) {
  node_process node(std::map<std::string, std::string>{{"KYB_HTTP_REQUEST_TIMEOUT", "1s"},
                                                       {"KYB_LOG_ACCESS", "false"}});
  auto [tenant, key] = node.make_tenant({"read", "write"});
  BOOST_REQUIRE_EQUAL(node.call("GET", "/v1/businesses", "", key).status, 200);
  auto db = node.database_url().substr(node.database_url().rfind('/') + 1);
  auto pids =
      sql(test_database_url(), "SELECT pid FROM pg_stat_activity WHERE datname = '" + db +
                                   "' AND application_name LIKE 'kyb%'");
  BOOST_REQUIRE(!pids.empty());
  for (auto& row : pids)
    ::kill(std::stoi(row[0]), SIGSTOP);
  auto r = node.call("GET", "/v1/businesses", "", key);
  for (auto& row : pids)
    ::kill(std::stoi(row[0]), SIGCONT);
  BOOST_TEST(r.status == 504);
  BOOST_TEST(r.header("content-type") == "application/problem+json");
  // Health does not depend on the database.
  BOOST_TEST(node.call("GET", "/health").status == 200);
  BOOST_TEST(eventually(
      [&] { return node.call("GET", "/v1/businesses", "", key).status == 200; }));
}

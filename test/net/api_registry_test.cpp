// Registry lookups end to end, through a real node and a local registry server that
// answers with the real GLEIF, Companies House and SEC EDGAR responses of
// test/data/registry: POST /v1/businesses/{id}/registry-lookup picks the registry from
// the identifiers (LEI -> GLEIF, a GB company number -> Companies House with the key as
// HTTP basic auth, a CIK -> SEC EDGAR with the configured User-Agent), stores one row
// per registry with the hashes of the raw documents and an audit row, caches it 30 days
// (served again, from the stored rows after a restart), feeds risk's registry factor;
// 429 with Retry-After, 500, malformed JSON and a registry that never answers end in
// stored failed lookups that are not cached; scopes, tenants and bad input.
#define BOOST_TEST_MODULE api_registry
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/base/crypto.hpp"
#include "test/support/eventually.hpp"
#include "test/support/http_client.hpp"
#include "test/support/node_process.hpp"
#include "test/support/ports.hpp"
#include "test/support/python_server.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string fixtures = std::string(KYB_SOURCE_DIR) + "/test/data/registry/";

// Paths under /gleif, /ch and /sec answer with fixture files; a few company numbers
// misbehave; everything else is 404 with a registry-like error body. /stats answers
// what the server saw: requests per path and the last Authorization and User-Agent.
const char* server_script = R"PY(
import http.server, json, sys, threading, time
port, root = int(sys.argv[1]), sys.argv[2]
files = {
  "/gleif/lei-records/5493001KJTIIGC8Y1R12": "gleif/5493001KJTIIGC8Y1R12.json",
  "/gleif/lei-records/5493001KJTIIGC8Y1R12/direct-parent": "gleif/5493001KJTIIGC8Y1R12_direct-parent.json",
  "/gleif/lei-records/5493001KJTIIGC8Y1R12/ultimate-parent": "gleif/5493001KJTIIGC8Y1R12_ultimate-parent.json",
  "/ch/company/02894655": "companies_house/02894655_dissolved.json",
  "/sec/submissions/CIK0001318605.json": "sec_edgar/submissions_CIK0001318605_tesla.json",
  "/sec/files/company_tickers.json": "sec_edgar/company_tickers_first30_DERIVED.json",
}
lock = threading.Lock()
seen = {"paths": {}, "authorization": "", "user_agent": ""}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/stats":
            with lock: body = json.dumps(seen).encode()
            return self.send(200, body)
        with lock:
            seen["paths"][path] = seen["paths"].get(path, 0) + 1
            seen["authorization"] = self.headers.get("Authorization", "")
            seen["user_agent"] = self.headers.get("User-Agent", "")
        if path == "/ch/company/00000429":
            return self.send(429, b'{"errors":[{"error":"too many requests"}]}', [("Retry-After", "30")])
        if path == "/ch/company/00000410":
            return self.send(410, b'{"errors":[{"error":"gone"}]}')
        if path == "/ch/company/00000500":
            return self.send(500, b'{"errors":[{"error":"internal"}]}')
        if path == "/ch/company/00000666":
            return self.send(200, b'{"company_name": "Broken", "company_numb')
        if path == "/ch/company/00000777":
            time.sleep(30)
            return self.send(200, b'{}')
        if path in files:
            with open(root + files[path], "rb") as f: body = f.read()
            return self.send(200, body)
        self.send(404, b'{"errors":[{"error":"company-profile-not-found","type":"ch:service"}]}')
class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
Server(("127.0.0.1", port), Handler).serve_forever()
)PY";

class registry_server {
public:
  std::string url(const std::string& path) const { return server_.url(path); }
  json stats() const {
    return json::parse(http_call(server_.port(), "GET", "/stats").body);
  }
  int count(const std::string& path) const { return stats()["paths"].value(path, 0); }

private:
  python_server server_{server_script, {fixtures}};
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

double sample(const std::string& metrics, const std::string& series) {
  auto at = metrics.find(series + " ");
  if (at == std::string::npos)
    return 0;
  return std::stod(metrics.substr(at + series.size() + 1));
}

/// A node whose registries are the local server.
std::map<std::string, std::string> registry_env(const registry_server& registry) {
  return {
      {"KYB_REGISTRY_GLEIF_URL", registry.url("/gleif")},
      {"KYB_REGISTRY_COMPANIES_HOUSE_URL", registry.url("/ch")},
      {"KYB_REGISTRY_COMPANIES_HOUSE_KEY", "ch-test-key-7f3a"},
      {"KYB_REGISTRY_SEC_URL", registry.url("/sec")},
      {"KYB_REGISTRY_SEC_TICKERS_URL", registry.url("/sec/files/company_tickers.json")},
      {"KYB_REGISTRY_USER_AGENT", "kyb-test ops@example.com"},
      {"KYB_REGISTRY_TIMEOUT", "3s"},
      {"KYB_LOG_ACCESS", "false"}};
}

struct fixture {
  registry_server registry;
  node_process node{registry_env(registry)};
  std::string tenant;
  std::string key;

  fixture() { std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"}); }

  std::string create(const json& body) const {
    auto r = node.call("POST", "/v1/businesses", body.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }
  http_reply lookup(const std::string& id, const std::string& body = "",
                    const std::string& k = {}) const {
    return node.call("POST", "/v1/businesses/" + id + "/registry-lookup", body,
                     k.empty() ? key : k);
  }
  std::string one(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(an_lei_is_looked_up_in_gleif_stored_and_served_again, fixture) {
  auto id = create({{"legal_name", "Bloomberg Finance L.P."}, {"country", "US"}});
  auto r = lookup(id, R"({"lei": "5493001KJTIIGC8Y1R12"})");
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto a = r.json();
  BOOST_TEST(a["cached"] == false);
  BOOST_REQUIRE_EQUAL(a["lookups"].size(), 1u);
  auto l = a["lookups"][0];
  BOOST_TEST(l["registry"] == "gleif");
  BOOST_TEST(l["outcome"] == "matched");
  BOOST_TEST(l["entity_id"] == "5493001KJTIIGC8Y1R12");
  BOOST_TEST(l["status"] == "active");
  BOOST_TEST(l["registry_status"].get<std::string>().rfind("ACTIVE", 0) == 0, l);
  BOOST_TEST(l["match_confidence"].get<double>() >= 0.9, l);
  BOOST_TEST(l["result"]["legal_name"] == "Bloomberg Finance L.P.");
  BOOST_TEST(l["result"]["jurisdiction"] == "US-DE");
  BOOST_TEST(l["result"]["parents"].size() == 2u, l["result"]["parents"]);
  BOOST_TEST(l["result"]["risk_input"]["found"] == true);
  // The hash of the raw record, as the registry sent it, first.
  auto record = read_file(fixtures + "gleif/5493001KJTIIGC8Y1R12.json");
  BOOST_REQUIRE(!l["document_hashes"].empty());
  BOOST_TEST(l["document_hashes"][0] == kyb::base::sha256_hex(record));
  BOOST_TEST(registry.stats()["user_agent"] == "kyb-test ops@example.com");

  BOOST_TEST(one("SELECT count(*) FROM registry_lookups WHERE business_id = '" + id +
                 "' AND registry = 'gleif' AND outcome = 'matched' AND region = 'us' AND "
                 "cardinality(document_hashes) = 3") == "1");
  BOOST_TEST(one("SELECT count(*) FROM audit_logs WHERE action = "
                 "'business.registry_lookup' AND target_id = '" +
                 id + "'") == "1");

  // Again: cached, nothing asked.
  auto asked = registry.count("/gleif/lei-records/5493001KJTIIGC8Y1R12");
  auto again = lookup(id, R"({"lei": "5493001KJTIIGC8Y1R12"})");
  BOOST_REQUIRE_EQUAL(again.status, 200);
  BOOST_TEST(again.json()["cached"] == true);
  BOOST_TEST(again.json()["lookups"][0]["id"] == l["id"]);
  // After a restart: from the stored rows.
  node.restart();
  auto after = lookup(id, R"({"lei": "5493001KJTIIGC8Y1R12"})");
  BOOST_REQUIRE_EQUAL(after.status, 200);
  BOOST_TEST(after.json()["lookups"][0]["id"] == l["id"]);
  BOOST_TEST(registry.count("/gleif/lei-records/5493001KJTIIGC8Y1R12") == asked);
  auto latest = node.call("GET", "/v1/businesses/" + id + "/registry-lookup", "", key);
  BOOST_REQUIRE_EQUAL(latest.status, 200);
  BOOST_TEST(latest.json()["lookups"][0]["id"] == l["id"]);
  // refresh asks again.
  auto fresh = lookup(id, R"({"lei": "5493001KJTIIGC8Y1R12", "refresh": true})");
  BOOST_REQUIRE_EQUAL(fresh.status, 201);
  BOOST_TEST(registry.count("/gleif/lei-records/5493001KJTIIGC8Y1R12") == asked + 1);
  auto m = node.metrics().body;
  BOOST_TEST(
      sample(m, "kyb_registry_lookups_total{registry=\"gleif\",result=\"matched\"}") == 1,
      m);
}

BOOST_FIXTURE_TEST_CASE(a_dissolved_uk_company_reaches_the_risk_assessment, fixture) {
  auto id = create({{"legal_name", "Intaglio Systems Limited"},
                    {"country", "GB"},
                    {"registration_number", "02894655"}});
  auto r = lookup(id);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto l = r.json()["lookups"][0];
  BOOST_TEST(l["registry"] == "companies_house");
  BOOST_TEST(l["status"] == "dissolved");
  BOOST_TEST(l["result"]["incorporation_date"] == "1994-02-04");
  // The key as HTTP basic auth user, empty password.
  BOOST_TEST(registry.stats()["authorization"] ==
             "Basic " + kyb::base::base64_encode("ch-test-key-7f3a:"));
  // The key never reaches the node's log.
  BOOST_TEST(node.log().find("ch-test-key-7f3a") == std::string::npos);

  auto a = node.call("POST", "/v1/businesses/" + id + "/risk-assessments", "", key);
  BOOST_TEST_INFO(a.body);
  BOOST_REQUIRE_EQUAL(a.status, 201);
  auto j = a.json();
  BOOST_TEST(j["inputs"]["registry"]["state"] == "used", j["inputs"]);
  BOOST_TEST(j["inputs"]["registry"]["lookups"][0]["status"] == "dissolved");
  json factor;
  for (auto& f : j["factors"])
    if (f["factor"] == "registry")
      factor = f;
  BOOST_REQUIRE(factor.is_object());
  BOOST_TEST(factor["state"] != "unknown", factor);
  BOOST_TEST(factor["sub_score"].get<double>() > 0, factor);
}

BOOST_FIXTURE_TEST_CASE(a_cik_is_looked_up_in_sec_edgar, fixture) {
  auto id = create({{"legal_name", "Tesla, Inc."}, {"country", "US"}});
  auto r = lookup(id, R"({"cik": "1318605"})");
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto l = r.json()["lookups"][0];
  BOOST_TEST(l["registry"] == "sec_edgar");
  BOOST_TEST(l["outcome"] == "matched");
  BOOST_TEST(l["entity_id"] == "0001318605");
  BOOST_TEST(l["result"]["industry_codes"].dump().find("3711") != std::string::npos,
             l["result"]);
}

BOOST_FIXTURE_TEST_CASE(registry_faults_end_in_failed_lookups_that_are_not_cached,
                        fixture) {
  auto make = [&](const char* number) {
    return create({{"legal_name", "Faulty Holdings Limited"},
                   {"country", "GB"},
                   {"registration_number", number}});
  };
  struct expectation {
    const char* number;
    const char* code;
  };
  // An unknown company number: not found (the registry has no such company).
  auto missing = lookup(make("09999999"));
  BOOST_REQUIRE_EQUAL(missing.status, 201);
  BOOST_TEST(missing.json()["lookups"][0]["outcome"] == "not_found");
  BOOST_TEST(missing.json()["lookups"][0]["result"]["risk_input"]["found"] == false);
  // 410: the registry says the company is gone.
  auto gone = lookup(make("00000410"));
  BOOST_REQUIRE_EQUAL(gone.status, 201);
  BOOST_TEST(gone.json()["lookups"][0]["outcome"] == "not_found", gone.body);
  BOOST_TEST(gone.json()["lookups"][0]["result"]["error"]["code"] == "gone", gone.body);
  // The 429 comes last: its Retry-After holds every later request to the host back.
  for (auto e : {expectation{"00000500", "upstream_error"},
                 expectation{"00000666", "malformed_response"},
                 expectation{"00000777", "upstream_error"},
                 expectation{"00000429", "rate_limited"}}) {
    auto id = make(e.number);
    auto r = lookup(id);
    BOOST_TEST_INFO(e.number << ": " << r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    auto l = r.json()["lookups"][0];
    BOOST_TEST(l["outcome"] == "failed");
    BOOST_TEST(l["result"]["error"]["code"] == e.code, l["result"]);
    BOOST_TEST(!l["result"].contains("risk_input"));
    if (std::string(e.number) == "00000429")
      BOOST_TEST(l["result"]["error"]["retry_after_seconds"] == 30, l["result"]);
    if (std::string(e.number) == "00000777")
      BOOST_TEST(l["result"]["error"]["message"].get<std::string>().find("timeout") !=
                     std::string::npos,
                 l["result"]);
    // Not cached: the next request asks again.
    if (std::string(e.number) == "00000500") {
      auto path = std::string("/ch/company/") + e.number;
      auto before = registry.count(path);
      BOOST_REQUIRE_EQUAL(lookup(id).status, 201);
      BOOST_TEST(registry.count(path) == before + 1);
    }
  }
  // A held-back registry answers nothing within the lookup's bound: failed, fast.
  auto held = lookup(make("02894655"));
  BOOST_REQUIRE_EQUAL(held.status, 201);
  BOOST_TEST(held.json()["lookups"][0]["outcome"] == "failed", held.body);
  BOOST_TEST(node.call("GET", "/health").status == 200);
}

BOOST_FIXTURE_TEST_CASE(bad_input_scopes_and_tenants, fixture) {
  auto id = create({{"legal_name", "Bloomberg Finance L.P."}, {"country", "US"}});
  for (auto body :
       {R"({"registry": "nope"})", R"({"registry": 3})", R"({"lei": "short"})",
        R"({"cik": "12a"})", R"({"ticker": "tsla"})", R"({"refresh": 1})",
        R"({"colour": "red"})", R"([1])", R"({"lei": )"}) {
    auto bad = lookup(id, body);
    BOOST_TEST(bad.status == 400, body << " -> " << bad.body);
    BOOST_TEST(bad.header("content-type") == "application/problem+json");
  }
  // A registry that needs a token the node was not given.
  auto oc = lookup(id, R"({"registry": "opencorporates"})");
  BOOST_TEST(is_problem(oc, 422), oc.body);
  BOOST_TEST(oc.body.find("registry.opencorporates_token") != std::string::npos, oc.body);
  // Never looked up.
  auto never = node.call("GET", "/v1/businesses/" + id + "/registry-lookup", "", key);
  BOOST_TEST(is_problem(never, 404), never.body);
  // A read key may read, not look up; another tenant sees nothing.
  auto made = node.op("POST", "/v1/tenants/" + tenant + "/api-keys",
                      R"({"name": "reader", "scopes": ["read"]})");
  BOOST_REQUIRE_EQUAL(made.status, 201);
  auto reader = made.json()["key"].get<std::string>();
  BOOST_TEST(is_problem(lookup(id, "", reader), 403));
  BOOST_REQUIRE_EQUAL(lookup(id, R"({"lei": "5493001KJTIIGC8Y1R12"})").status, 201);
  BOOST_TEST(
      node.call("GET", "/v1/businesses/" + id + "/registry-lookup", "", reader).status ==
      200);
  auto [other_tenant, other] = node.make_tenant({"read", "write"});
  (void)other_tenant;
  BOOST_TEST(is_problem(
      node.call("GET", "/v1/businesses/" + id + "/registry-lookup", "", other), 404));
  BOOST_TEST(is_problem(lookup(id, "", other), 404));
}

BOOST_AUTO_TEST_CASE(cached_lookups_are_refreshed_before_their_ttl) {
  registry_server registry;
  auto env = registry_env(registry);
  env["KYB_CACHE_BUSINESS_REGISTRY_TTL"] = "4s"; // refreshed when read after 2.4-3.2 s
  node_process node(env);
  auto [tenant, key] = node.make_tenant({"read", "write"});
  (void)tenant;
  auto created =
      node.call("POST", "/v1/businesses",
                R"({"legal_name": "Bloomberg Finance L.P.", "country": "US"})", key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto id = created.json()["id"].get<std::string>();
  auto lookup = [&] {
    return node.call("POST", "/v1/businesses/" + id + "/registry-lookup",
                     R"({"lei": "5493001KJTIIGC8Y1R12"})", key);
  };
  auto latest = [&] {
    return node.call("GET", "/v1/businesses/" + id + "/registry-lookup", "", key)
        .json()["lookups"][0]["id"]
        .get<std::string>();
  };
  auto first = lookup();
  BOOST_REQUIRE_EQUAL(first.status, 201);
  auto first_id = first.json()["lookups"][0]["id"].get<std::string>();
  // Read them until a read finds them due (past 60-80 % of the TTL): every read is
  // served from the cache (200) while a refresh is made behind it.
  std::string refreshed;
  BOOST_TEST(eventually(
      [&] {
        auto served = lookup();
        BOOST_REQUIRE_EQUAL(served.status, 200);
        refreshed = latest();
        return refreshed != first_id;
      },
      std::chrono::seconds(10)));
  BOOST_TEST(sql(node.database_url(),
                 "SELECT count(*) FROM audit_logs WHERE action = "
                 "'business.registry_lookup' AND actor = 'system:registry-refresh' AND "
                 "target_id = '" +
                     id + "'")
                 .at(0)
                 .at(0) == "1");
  auto now = lookup();
  BOOST_REQUIRE_EQUAL(now.status, 200);
  BOOST_TEST(now.json()["lookups"][0]["id"] == refreshed);
}

// A tenant's risk rules end to end (a real node, the test PostgreSQL): PUT /v1/risk-rules
// stores each accepted document as the next version with an audit row, GET answers the
// current version and any earlier one, bad documents are refused with every problem
// named by its JSON pointer, scopes and tenants are kept apart, concurrent PUTs lose no
// version, and a restarted node still knows the latest version.
#define BOOST_TEST_MODULE api_risk_rules
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "test/support/http_client.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

struct fixture {
  fixture() { std::tie(tenant, admin) = node.make_tenant({"read", "write", "admin"}); }

  http_reply put(const std::string& body, const std::string& key) const {
    return node.call("PUT", "/v1/risk-rules", body, key);
  }
  http_reply put(const json& doc) const { return put(doc.dump(), admin); }
  http_reply get(const std::string& target, const std::string& key) const {
    return node.call("GET", target, "", key);
  }
  /// GET of `target` with the admin key, required to answer 200.
  json get_ok(const std::string& target) const {
    auto r = get(target, admin);
    BOOST_TEST_INFO(target << ": " << r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }
  /// A new key of this tenant with `scopes`.
  std::string key_with(const std::vector<std::string>& scopes) const {
    auto r = node.op("POST", "/v1/tenants/" + tenant + "/api-keys",
                     json{{"name", "extra"}, {"scopes", scopes}}.dump());
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["key"].get<std::string>();
  }
  std::vector<std::vector<std::string>> query(const std::string& q) const {
    return sql(node.database_url(), q);
  }

  node_process node;
  std::string tenant;
  std::string admin;
};

} // namespace

BOOST_FIXTURE_TEST_CASE(each_put_is_a_new_audited_version_and_old_ones_stay_readable,
                        fixture) {
  // No rules yet: version 0, the defaults.
  auto none = get_ok("/v1/risk-rules");
  BOOST_TEST(none["object"] == "risk_rules");
  BOOST_TEST(none["version"] == 0);
  BOOST_TEST(none["document"] == json::object());
  BOOST_TEST(none["created_by"].is_null());
  BOOST_TEST(none["created_at"].is_null());
  BOOST_TEST(none["effective"]["bands"]["low_max"] == 39);
  BOOST_TEST(none["effective"]["weights"]["sanctions"] == 30);
  BOOST_TEST(get_ok("/v1/risk-rules/versions/0") == none);
  BOOST_TEST(is_problem(get("/v1/risk-rules/versions/1", admin), 404));

  std::vector<json> docs = {
      {{"bands", {{"low_max", 30}}}},
      {{"weights", {{"sanctions", 50}}},
       {"overrides",
        {{{"id", "mcc-crypto"},
          {"when", {{"fact", "mcc"}, {"in", {"6051", "7995"}}}},
          {"at_least", "high"},
          {"reason", "virtual currency"}}}}},
      {{"floors",
        {{{"id", "owners-listed"},
          {"factor", "country"},
          {"sub_score_at_least", 60},
          {"level", "medium"},
          {"review", true}}}}},
  };
  for (size_t i = 0; i < docs.size(); ++i) {
    auto r = put(docs[i]);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto j = r.json();
    BOOST_TEST(j["version"] == static_cast<int>(i + 1));
    BOOST_TEST(j["document"] == docs[i]);
    BOOST_TEST(j["created_by"].get<std::string>().rfind("key:", 0) == 0u);
    BOOST_TEST(!j["created_at"].get<std::string>().empty());
    BOOST_TEST(get_ok("/v1/risk-rules") == j);
  }
  // The effective rules are each document over the defaults, nothing else.
  auto v1 = get_ok("/v1/risk-rules/versions/1");
  BOOST_TEST(v1["document"] == docs[0]);
  BOOST_TEST(v1["effective"]["bands"]["low_max"] == 30);
  BOOST_TEST(v1["effective"]["bands"]["medium_max"] == 69);
  BOOST_TEST(v1["effective"]["weights"]["sanctions"] == 30);
  auto v2 = get_ok("/v1/risk-rules/versions/2");
  BOOST_TEST(v2["document"] == docs[1]);
  BOOST_TEST(v2["effective"]["bands"]["low_max"] == 39);
  BOOST_TEST(v2["effective"]["weights"]["sanctions"] == 50);
  BOOST_TEST(v2["effective"]["weights"]["country"] == 20);
  BOOST_REQUIRE_EQUAL(v2["effective"]["overrides"].size(), 1u); // arrays replace whole
  BOOST_TEST(v2["effective"]["overrides"][0]["id"] == "mcc-crypto");
  auto v3 = get_ok("/v1/risk-rules/versions/3");
  BOOST_TEST(v3["document"] == docs[2]);
  BOOST_TEST(v3["effective"]["floors"].size() == 1u);
  BOOST_TEST(v3["effective"]["overrides"].size() == 1u); // the default's again
  BOOST_TEST(v3["effective"]["overrides"][0]["id"] == "mcc-gambling");
  BOOST_TEST(get_ok("/v1/risk-rules")["version"] == 3);
  BOOST_TEST(get_ok("/v1/risk-rules/versions/0")["document"] == json::object());
  BOOST_TEST(is_problem(get("/v1/risk-rules/versions/4", admin), 404));

  // The rows, and one audit row per change: its version and the document's hash, not
  // the document.
  auto rows = query("SELECT version, created_by FROM risk_rules WHERE tenant_id = '" +
                    tenant + "' ORDER BY version");
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST(rows[i][0] == std::to_string(i + 1));
    BOOST_TEST(rows[i][1] == v1["created_by"].get<std::string>());
  }
  auto audit = query("SELECT details->>'version', details->>'document_sha256', actor, "
                     "target_type, (SELECT count(*) FROM jsonb_object_keys(details)) "
                     "FROM audit_logs WHERE tenant_id = '" +
                     tenant + "' AND action = 'risk_rules.update' ORDER BY seq");
  BOOST_REQUIRE_EQUAL(audit.size(), 3u);
  std::set<std::string> hashes;
  for (size_t i = 0; i < audit.size(); ++i) {
    BOOST_TEST(audit[i][0] == std::to_string(i + 1));
    BOOST_TEST(audit[i][1].size() == 64u);
    hashes.insert(audit[i][1]);
    BOOST_TEST(audit[i][2] == v1["created_by"].get<std::string>());
    BOOST_TEST(audit[i][3] == "risk_rules");
    BOOST_TEST(audit[i][4] == "2");
  }
  BOOST_TEST(hashes.size() == 3u);
  // The audit chain still verifies.
  auto verify = get_ok("/v1/audit-logs/verify");
  BOOST_TEST(verify["valid"] == true, verify.dump());

  // Concurrent PUTs: each gets its own version, none is lost.
  std::vector<int> statuses(6);
  std::vector<int> versions(6, -1);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i)
    threads.emplace_back([&, i] {
      auto r = put(json{{"bands", {{"low_max", 20 + static_cast<int>(i)}}}});
      statuses[i] = r.status;
      if (r.status == 200)
        versions[i] = r.json()["version"].get<int>();
    });
  for (auto& t : threads)
    t.join();
  for (auto s : statuses)
    BOOST_TEST(s == 200);
  std::sort(versions.begin(), versions.end());
  BOOST_TEST(versions == (std::vector<int>{4, 5, 6, 7, 8, 9}));
  BOOST_TEST(query("SELECT count(*) FROM risk_rules WHERE tenant_id = '" + tenant +
                   "'")[0][0] == "9");
  BOOST_TEST(query("SELECT count(*) FROM audit_logs WHERE tenant_id = '" + tenant +
                   "' AND action = 'risk_rules.update'")[0][0] == "9");
  auto latest = get_ok("/v1/risk-rules");
  BOOST_TEST(latest["version"] == 9);

  // A restarted node reads the latest version back, and numbers on from it.
  node.restart();
  auto after = get_ok("/v1/risk-rules");
  BOOST_TEST(after == latest);
  BOOST_TEST(get_ok("/v1/risk-rules/versions/2") == v2);
  auto next = put(json{{"bands", {{"high_max", 90}}}});
  BOOST_REQUIRE_EQUAL(next.status, 200);
  BOOST_TEST(next.json()["version"] == 10);
  BOOST_TEST(next.json()["effective"]["bands"]["high_max"] == 90);
}

BOOST_FIXTURE_TEST_CASE(bad_documents_are_refused_with_every_problem_named, fixture) {
  struct bad_case {
    std::string body;
    std::set<std::string> pointers;
  };
  std::vector<bad_case> cases = {
      // Unknown members, at the top and nested; pointers escape '/' and '~'.
      {R"({"colour": "red"})", {"/colour"}},
      {R"({"a/b~c": 1})", {"/a~1b~0c"}},
      {R"({"industry": {"tier_scores": {"high": 85, "nuclear": 99}}})",
       {"/industry/tier_scores/nuclear"}},
      {R"({"website": {"unreachable_points": 40, "extra": true}})", {"/website/extra"}},
      {R"({"weights": {"weather": 5}})", {"/weights/weather"}},
      // Wrong types.
      {R"({"weights": {"sanctions": "30"}})", {"/weights/sanctions"}},
      {R"({"weights": [30]})", {"/weights"}},
      {R"({"floors": {"id": "x"}})", {"/floors"}},
      {R"({"industry": {"min_confidence": "high"}})", {"/industry/min_confidence"}},
      {R"({"floors": [{"id": "f", "factor": "sanctions", "sub_score_at_least": 50,
           "level": "high", "review": "yes"}]})",
       {"/floors/0/review"}},
      // Weights negative and over range; all weights zero.
      {R"({"weights": {"sanctions": -1}})", {"/weights/sanctions"}},
      {R"({"weights": {"country": 1001}})", {"/weights/country"}},
      {R"({"weights": {"sanctions": 0, "country": 0, "industry": 0, "ownership": 0,
           "registry": 0, "website": 0, "business_age": 0}})",
       {"/weights"}},
      // Bands out of order.
      {R"({"bands": {"low_max": 70}})", {"/bands/low_max"}},
      {R"({"bands": {"low_max": 50, "medium_max": 40}})", {"/bands/medium_max"}},
      {R"({"bands": {"high_max": 60}})", {"/bands/high_max"}},
      {R"({"business_age": {"bands": [{"under_days": 365, "score": 60},
           {"under_days": 180, "score": 80}]}})",
       {"/business_age/bands/1/under_days"}},
      // A floor with an unknown factor, a score over 100, a missing member.
      {R"({"floors": [{"id": "f", "factor": "weather", "sub_score_at_least": 50,
           "level": "high"}]})",
       {"/floors/0/factor"}},
      {R"({"floors": [{"id": "f", "factor": "sanctions", "sub_score_at_least": 101,
           "level": "high"}]})",
       {"/floors/0/sub_score_at_least"}},
      {R"({"floors": [{"id": "f", "factor": "sanctions", "level": "high"}]})",
       {"/floors/0/sub_score_at_least"}},
      // Overrides: unknown fact, empty `in`, a value the fact cannot take, a bad level,
      // neither a level nor a review.
      {R"({"overrides": [{"id": "o", "when": {"fact": "shoe_size", "in": ["42"]},
           "at_least": "high"}]})",
       {"/overrides/0/when/fact"}},
      {R"({"overrides": [{"id": "o", "when": {"fact": "mcc", "in": []},
           "at_least": "high"}]})",
       {"/overrides/0/when/in"}},
      {R"({"overrides": [{"id": "o", "when": {"fact": "mcc", "in": ["7995", "79"]},
           "at_least": "high"}]})",
       {"/overrides/0/when/in/1"}},
      {R"({"overrides": [{"id": "o", "when": {"fact": "owner.nationality",
           "in": ["ir"]}, "review": true}]})",
       {"/overrides/0/when/in/0"}},
      {R"({"overrides": [{"id": "o", "when": {"fact": "mcc", "in": ["7995"]},
           "at_least": "severe"}]})",
       {"/overrides/0/at_least"}},
      {R"({"overrides": [{"id": "o", "when": {"fact": "mcc", "in": ["7995"]}}]})",
       {"/overrides/0"}},
      {R"({"coverage": {"otherwise_at_least": "extreme"}})",
       {"/coverage/otherwise_at_least"}},
      // Two rules with one id.
      {R"({"floors": [{"id": "a", "factor": "sanctions", "sub_score_at_least": 50,
           "level": "high"}, {"id": "a", "factor": "country", "sub_score_at_least": 50,
           "level": "high"}]})",
       {"/floors/1/id"}},
      // Text PostgreSQL cannot store in a document.
      {R"({"overrides": [{"id": "a\u0000b", "when": {"fact": "mcc", "in": ["7995"]},
           "at_least": "high", "reason": "\u0000"}]})",
       {"/overrides/0/id", "/overrides/0/reason"}},
      // Not an object.
      {R"([1, 2])", {""}},
      {R"("rules")", {""}},
      {R"(null)", {""}},
      // Several problems: every one is listed.
      {R"({"colour": 1, "weights": {"sanctions": -5},
           "floors": [{"id": "f", "factor": "weather", "sub_score_at_least": 101,
                       "level": "high"}],
           "overrides": [{"id": "o", "when": {"fact": "mcc", "in": []},
                          "at_least": "high"}],
           "registry": {"dissolved_points": 200, "ignored_name_words": [""]}})",
       {"/colour", "/weights/sanctions", "/floors/0/factor",
        "/floors/0/sub_score_at_least", "/overrides/0/when/in",
        "/registry/dissolved_points", "/registry/ignored_name_words/0"}},
  };
  for (auto& c : cases) {
    auto r = put(c.body, admin);
    BOOST_TEST_INFO(c.body << " -> " << r.body);
    BOOST_TEST(is_problem(r, 422));
    BOOST_TEST(r.json().value("type", "") ==
               "https://kyb.example/problems/unprocessable-content");
    BOOST_TEST(problem_fields(r) == c.pointers);
    auto j = r.json();
    for (auto& e : j["errors"])
      BOOST_TEST(!e.value("detail", "").empty());
  }
  // Not JSON at all: 400 invalid-json, before any rule is looked at.
  for (std::string body : {"{", "{\"bands\": }", "not json", "{\"a\": 1, \"a\": 2}"}) {
    auto r = put(body, admin);
    BOOST_TEST_INFO(body << " -> " << r.body);
    BOOST_TEST(is_problem(r, 400));
    BOOST_TEST(r.json().value("type", "") == "https://kyb.example/problems/invalid-json");
  }
  // Not application/json; over the body limit (http.max_body_bytes, 1 MiB).
  auto plain =
      node.call("PUT", "/v1/risk-rules", "{}", admin, {{"Content-Type", "text/plain"}});
  BOOST_TEST(is_problem(plain, 415), plain.body);
  // Announced over the limit: answered from the head, before any body byte (a body sent
  // whole could meet the closed connection first and lose the answer).
  http_connection big("127.0.0.1", node.port());
  big.send_raw("PUT /v1/risk-rules HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " +
               admin +
               "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  auto huge = big.read_reply();
  BOOST_REQUIRE(huge.has_value());
  BOOST_TEST(is_problem(*huge, 413), huge->body.substr(0, 300));

  // Nothing was stored or audited, and the tenant still has the defaults.
  BOOST_TEST(get_ok("/v1/risk-rules")["version"] == 0);
  BOOST_TEST(query("SELECT count(*) FROM risk_rules WHERE tenant_id = '" + tenant +
                   "'")[0][0] == "0");
  BOOST_TEST(query("SELECT count(*) FROM audit_logs WHERE tenant_id = '" + tenant +
                   "' AND action = 'risk_rules.update'")[0][0] == "0");
  // An empty document is valid: the defaults, as version 1.
  auto empty = put("{}", admin);
  BOOST_REQUIRE_EQUAL(empty.status, 200);
  BOOST_TEST(empty.json()["version"] == 1);
  BOOST_TEST(empty.json()["effective"] ==
             get_ok("/v1/risk-rules/versions/0")["effective"]);
}

BOOST_FIXTURE_TEST_CASE(scopes_tenants_and_version_numbers, fixture) {
  auto mine = json{{"bands", {{"medium_max", 60}}}};
  BOOST_REQUIRE_EQUAL(put(mine).status, 200);

  // A read key reads but cannot change; a write key is not an admin; no key is 401.
  auto reader = key_with({"read"});
  auto writer = key_with({"write"});
  BOOST_TEST(is_problem(put(json{{"bands", {{"low_max", 1}}}}.dump(), reader), 403));
  BOOST_TEST(is_problem(put(json{{"bands", {{"low_max", 1}}}}.dump(), writer), 403));
  auto read = get("/v1/risk-rules", reader);
  BOOST_REQUIRE_EQUAL(read.status, 200);
  BOOST_TEST(read.json()["version"] == 1);
  BOOST_TEST(read.json()["document"] == mine);
  BOOST_TEST(get("/v1/risk-rules/versions/1", reader).status == 200);
  BOOST_TEST(is_problem(get("/v1/risk-rules", writer), 403));
  BOOST_TEST(is_problem(get("/v1/risk-rules/versions/1", writer), 403));
  BOOST_TEST(is_problem(node.call("GET", "/v1/risk-rules"), 401));
  BOOST_TEST(is_problem(node.call("PUT", "/v1/risk-rules", "{}"), 401));
  BOOST_TEST(get_ok("/v1/risk-rules")["version"] == 1); // the refused PUTs stored nothing

  // Another tenant sees its own rules (none), not this tenant's, and numbers its own.
  auto [other, other_key] = node.make_tenant({"read", "admin"});
  auto theirs = get("/v1/risk-rules", other_key);
  BOOST_REQUIRE_EQUAL(theirs.status, 200);
  BOOST_TEST(theirs.json()["version"] == 0);
  BOOST_TEST(theirs.json()["document"] == json::object());
  BOOST_TEST(theirs.json()["effective"]["bands"]["medium_max"] == 69);
  BOOST_TEST(is_problem(get("/v1/risk-rules/versions/1", other_key), 404));
  auto own = put(json{{"bands", {{"low_max", 10}}}}.dump(), other_key);
  BOOST_REQUIRE_EQUAL(own.status, 200);
  BOOST_TEST(own.json()["version"] == 1);
  BOOST_TEST(get_ok("/v1/risk-rules")["document"] == mine);
  BOOST_TEST(get("/v1/risk-rules/versions/1", other_key).json()["document"] ==
             (json{{"bands", {{"low_max", 10}}}}));

  // Version numbers in the path: not a number, negative, fractional or past int32 is a
  // 400 naming `version`; a number with no version is 404.
  for (std::string bad :
       {"abc", "-1", "1.5", "1e3", "+1", "99999999999", "2147483648", "%20", "0x1"}) {
    auto r = get("/v1/risk-rules/versions/" + bad, admin);
    BOOST_TEST_INFO(bad << " -> " << r.body);
    BOOST_TEST(is_problem(r, 400));
    BOOST_TEST(problem_fields(r) == std::set<std::string>{"version"});
  }
  for (std::string unknown : {"2", "99999", "2147483647"}) {
    auto r = get("/v1/risk-rules/versions/" + unknown, admin);
    BOOST_TEST_INFO(unknown << " -> " << r.body);
    BOOST_TEST(is_problem(r, 404));
  }
  BOOST_TEST(get_ok("/v1/risk-rules/versions/001")["version"] == 1);
  BOOST_TEST(get_ok("/v1/risk-rules/versions/%31")["version"] == 1);
  // The current version is the tenant actor's, in memory since it read its state:
  // with the rows deleted behind its back it still answers it (a PUT replaced it), while
  // an earlier version, read from the database, is gone.
  auto second = put(json{{"bands", {{"medium_max", 65}}}});
  BOOST_REQUIRE_EQUAL(second.status, 200);
  BOOST_TEST(second.json()["version"] == 2);
  query("DELETE FROM risk_rules WHERE tenant_id = '" + tenant + "'");
  BOOST_TEST(get_ok("/v1/risk-rules") == second.json());
  BOOST_TEST(get_ok("/v1/risk-rules/versions/2") == second.json());
  BOOST_TEST(is_problem(get("/v1/risk-rules/versions/1", admin), 404));
  // The version resource is read-only, and there is no DELETE.
  BOOST_TEST(is_problem(node.call("PUT", "/v1/risk-rules/versions/1", "{}", admin), 405));
  BOOST_TEST(is_problem(node.call("DELETE", "/v1/risk-rules", "", admin), 405));
}

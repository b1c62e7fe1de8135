// Verifications end to end, through a real node whose outbound requests reach a local
// file server (the website pages and the Companies House records of test/data), with a
// sanctions list the test writes and the shipped classification model: one call runs
// every check, the verdict follows the tenant's verification policy with a reason per
// finding, a failed step is at least `review`, policies are versioned and validated,
// verifications are cancelled, idempotent, audited, counted, tenant-isolated, and bad
// input is refused. (Resuming after kill -9 of the owning node: cluster_test.)
#define BOOST_TEST_MODULE api_verification
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/support/eventually.hpp"
#include "test/support/file_server.hpp"
#include "test/support/node_process.hpp"
#include "test/support/ports.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string model_path =
    std::string(KYB_SOURCE_DIR) + "/actors/classification/model/kyb_industry.model";
const std::string registry_fixtures =
    std::string(KYB_SOURCE_DIR) + "/test/data/registry/companies_house/";
const std::string website_fixtures = std::string(KYB_SOURCE_DIR) + "/test/data/website/";

void write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

double sample(const std::string& metrics, const std::string& series) {
  auto at = metrics.find(series + " ");
  if (at == std::string::npos)
    return 0;
  return std::stod(metrics.substr(at + series.size() + 1));
}

/// What the file server serves: a small coffee shop site, a page with prohibited
/// content, and Companies House's records under /ch/company/ (a dissolved company, and
/// one whose answer is broken JSON).
std::string make_served_dir() {
  std::string tmpl = "/tmp/kyb-verify-XXXXXX";
  std::string dir = ::mkdtemp(tmpl.data());
  write_file(dir + "/shop/index.html",
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>Harbor Coffee Roasters</title></head><body><h1>Harbor Coffee "
             "Roasters LLC</h1><p>We roast single-origin coffee beans and sell espresso, "
             "drip coffee and pastries in our cafe. Write to hello@harbor-coffee.example "
             "or call +1 503 555 0142.</p></body></html>");
  fs::create_directories(dir + "/risky");
  fs::copy_file(website_fixtures + "high_risk_signals_WRITTEN.html",
                dir + "/risky/index.html");
  fs::create_directories(dir + "/ch/company");
  fs::copy_file(registry_fixtures + "02894655_dissolved.json",
                dir + "/ch/company/02894655");
  write_file(dir + "/ch/company/00000666", R"({"company_name": "Broken", "company_numb)");
  write_file(dir + "/lists/watch.csv",
             "id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n");
  return dir;
}

/// A server that accepts connections and never answers (the kernel completes the
/// handshake into the listen backlog; nobody reads): a website step against it runs
/// until the website timeout.
struct silent_listener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  uint16_t port = free_port();
  silent_listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BOOST_REQUIRE(::listen(fd, 16) == 0);
  }
  ~silent_listener() { ::close(fd); }
};

struct fixture {
  std::string dir = make_served_dir();
  file_server server{dir};
  silent_listener silent;
  node_process node{
      {{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
       {"KYB_OUTBOUND_ALLOWED_PORTS",
        "80,443," + std::to_string(server.port()) + "," + std::to_string(silent.port)},
       {"KYB_WEBSITE_PAGE_TIMEOUT", "3s"},
       {"KYB_WEBSITE_TIMEOUT", "5s"},
       {"KYB_REGISTRY_COMPANIES_HOUSE_URL", server.url("/ch")},
       {"KYB_REGISTRY_COMPANIES_HOUSE_KEY", "ch-test-key-7f3a"},
       {"KYB_REGISTRY_TIMEOUT", "3s"},
       {"KYB_SCREENING_GENERIC_DIR", dir + "/lists"},
       {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
       {"KYB_CLASSIFICATION_MODEL_PATH", model_path},
       {"KYB_VERIFICATION_RESUME_INTERVAL", "500ms"},
       {"KYB_LOG_ACCESS", "false"}}};
  std::string tenant;
  std::string key;

  fixture() {
    std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"});
    BOOST_REQUIRE(eventually([&] {
      auto l = node.op("GET", "/v1/lists").json();
      return !l["data"].empty();
    }));
  }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::string create(const json& body) const {
    auto r = node.call("POST", "/v1/businesses", body.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }
  http_reply start(const std::string& id, const std::string& body = "",
                   const std::string& k = {}) const {
    return node.call("POST", "/v1/businesses/" + id + "/verifications", body,
                     k.empty() ? key : k);
  }
  /// Starts a verification and waits for its end; returns the finished verification.
  json verify(const std::string& id, const std::string& body = "") const {
    auto r = start(id, body);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 202);
    return wait_done(r.json()["id"]);
  }
  json wait_done(const std::string& vid) const {
    json v;
    BOOST_REQUIRE(eventually(
        [&] {
          v = node.call("GET", "/v1/verifications/" + vid, "", key).json();
          return v.value("status", "") == "completed" ||
                 v.value("status", "") == "cancelled";
        },
        60s));
    return v;
  }
  std::string one(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
};

const json& step(const json& v, const std::string& name) {
  for (auto& s : v["steps"])
    if (s["step"] == name)
      return s;
  static const json none;
  return none;
}

bool has_reason(const json& v, const std::string& code, const std::string& step_name) {
  for (auto& r : v["reasons"])
    if (r["code"] == code && r["step"] == step_name)
      return true;
  return false;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(one_call_runs_every_check_and_a_clean_business_passes, fixture) {
  auto id = create({{"legal_name", "Harbor Coffee Roasters LLC"},
                    {"country", "US"},
                    {"website_url", server.url("/shop/")},
                    {"description", "specialty coffee roaster and cafe"},
                    {"owners", {{{"name", "Mia Chen"}, {"ownership_percent", 100}}}}});
  auto metrics_before = node.metrics("/metrics").body;
  // Every check but the registry's (the business has no identifier a local fixture
  // answers for; the default registries are out of reach here).
  auto r = start(id, R"({"checks": ["screening", "risk", "website", "classification"]})");
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 202);
  auto accepted = r.json();
  std::string vid = accepted["id"];
  BOOST_TEST(r.header("location") == "/v1/verifications/" + vid);
  BOOST_TEST(accepted["object"] == "verification");
  BOOST_TEST(accepted["business_id"] == id);
  BOOST_TEST(accepted["verdict"].is_null());
  // In step order, whatever the order asked.
  BOOST_TEST(accepted["checks"] ==
             json({"website", "classification", "screening", "risk"}));
  BOOST_TEST(accepted["steps"].size() == 5u);

  auto v = wait_done(vid);
  BOOST_TEST_INFO(v.dump(2));
  BOOST_TEST(v["status"] == "completed");
  BOOST_TEST(step(v, "registry")["status"] == "skipped");
  BOOST_TEST(step(v, "registry")["summary"]["reason"] == "not requested");
  for (auto name : {"website", "classification", "screening", "risk"}) {
    auto& s = step(v, name);
    BOOST_TEST(s["status"] == "succeeded", name);
    BOOST_TEST(s["attempts"] == 1, name);
    BOOST_TEST(!s["started_at"].is_null(), name);
    BOOST_TEST(!s["finished_at"].is_null(), name);
    BOOST_TEST(s["duration_ms"].get<int64_t>() >= 0, name);
    BOOST_TEST(s["error"].is_null(), name);
  }
  BOOST_TEST(step(v, "website")["summary"]["outcome"] == "analysed");
  BOOST_TEST(step(v, "classification")["summary"]["mcc"]["code"] == "5814");
  BOOST_TEST(step(v, "screening")["summary"]["hits"].empty());
  BOOST_TEST(v["verdict"] == "pass");
  BOOST_TEST(v["reasons"].empty());
  BOOST_TEST(v["policy_version"] == 0);

  // The risk assessment is a verification's, and every step's rows exist.
  auto assessment = step(v, "risk")["summary"]["assessment_id"].get<std::string>();
  BOOST_TEST(one("SELECT assessment_type FROM risk_assessments WHERE id = '" +
                 assessment + "'") == "verification");
  BOOST_TEST(one("SELECT count(*) FROM website_analyses WHERE business_id = '" + id +
                 "'") == "1");
  BOOST_TEST(one("SELECT count(*) FROM screening_results WHERE business_id = '" + id +
                 "'") == "1");
  // Audited, and one verification.completed event in the outbox, about the business.
  BOOST_TEST(one("SELECT count(*) FROM audit_logs WHERE target_id = '" + vid +
                 "' AND action IN ('verification.create', 'verification.complete')") ==
             "2");
  BOOST_TEST(one("SELECT count(*) FROM outbox_events WHERE event_type = "
                 "'verification.completed' AND subject_id = '" +
                 id + "' AND payload->>'verification_id' = '" + vid +
                 "' AND payload->>'verdict' = 'pass'") == "1");
  auto series = "kyb_business_verifications_total{result=\"pass\",tenant_id=\"" + tenant +
                "\",verification_type=\"partial\"}";
  BOOST_TEST(sample(node.metrics("/metrics").body, series) ==
             sample(metrics_before, series) + 1);
  BOOST_TEST(
      node.metrics("/metrics").body.find("kyb_verification_duration_seconds_count") !=
      std::string::npos);

  // Listed under the business, newest first, in pages.
  auto second = verify(id, R"({"checks": ["screening"]})");
  auto page =
      node.call("GET", "/v1/businesses/" + id + "/verifications?limit=1", "", key);
  BOOST_REQUIRE_EQUAL(page.status, 200);
  BOOST_TEST(page.json()["data"][0]["id"] == second["id"]);
  BOOST_TEST(page.json()["has_more"] == true);
  auto next = node.call("GET",
                        "/v1/businesses/" + id + "/verifications?limit=1&cursor=" +
                            page.json()["next_cursor"].get<std::string>(),
                        "", key);
  BOOST_REQUIRE_EQUAL(next.status, 200);
  BOOST_TEST(next.json()["data"][0]["id"] == vid);
  BOOST_TEST(next.json()["has_more"] == false);

  // Another tenant sees none of it.
  auto [other, other_key] = node.make_tenant({"read", "write"});
  (void)other;
  BOOST_TEST(
      is_problem(node.call("GET", "/v1/verifications/" + vid, "", other_key), 404));
  BOOST_TEST(is_problem(
      node.call("POST", "/v1/verifications/" + vid + "/cancel", "", other_key), 404));
  BOOST_TEST(is_problem(start(id, "", other_key), 404));
  BOOST_TEST(is_problem(
      node.call("GET", "/v1/businesses/" + id + "/verifications", "", other_key), 404));
}

BOOST_FIXTURE_TEST_CASE(findings_give_their_verdicts_with_reasons, fixture) {
  // A dissolved company (Companies House) fails, naming the registry and the status.
  auto dissolved = create({{"legal_name", "Intaglio Systems Limited"},
                           {"country", "GB"},
                           {"registration_number", "02894655"}});
  auto v = verify(dissolved, R"({"checks": ["registry"]})");
  BOOST_TEST_INFO(v.dump(2));
  BOOST_TEST(step(v, "registry")["status"] == "succeeded");
  BOOST_TEST(step(v, "website")["status"] == "skipped");
  BOOST_TEST(step(v, "website")["summary"]["reason"] == "not requested");
  BOOST_TEST(v["verdict"] == "fail");
  BOOST_TEST(has_reason(v, "registry_status", "registry"));
  BOOST_TEST(v["reasons"][0]["fact"].get<std::string>().find("dissolved") !=
             std::string::npos);

  // A registry that answers nonsense: the step failed (a problem object), so the
  // verdict is at least review, never pass.
  auto broken = create({{"legal_name", "Broken Widgets Limited"},
                        {"country", "GB"},
                        {"registration_number", "00000666"}});
  auto b = verify(broken, R"({"checks": ["registry"]})");
  BOOST_TEST_INFO(b.dump(2));
  BOOST_TEST(step(b, "registry")["status"] == "failed");
  BOOST_TEST(step(b, "registry")["error"]["status"] == 503);
  BOOST_TEST(!step(b, "registry")["error"]["type"].get<std::string>().empty());
  BOOST_TEST(b["verdict"] == "review");
  BOOST_TEST(has_reason(b, "step_failed", "registry"));

  // A listed name is an open hit: review. Confirmed by an analyst: fail.
  auto listed = create({{"legal_name", "Orion Shipping Holdings"}, {"country", "PA"}});
  auto s = verify(listed, R"({"checks": ["screening"]})");
  BOOST_TEST_INFO(s.dump(2));
  BOOST_TEST(s["verdict"] == "review");
  BOOST_TEST(has_reason(s, "sanctions_open_hit", "screening"));
  std::string hit = step(s, "screening")["summary"]["hits"][0]["hit_id"];
  auto d = node.call("POST",
                     "/v1/businesses/" + listed + "/screening-hits/" + hit + "/decision",
                     R"({"decision":"confirmed","reason":"same company"})", key);
  BOOST_REQUIRE_EQUAL(d.status, 200);
  auto c = verify(listed, R"({"checks": ["screening"]})");
  BOOST_TEST(c["verdict"] == "fail");
  BOOST_TEST(has_reason(c, "sanctions_confirmed_hit", "screening"));

  // Prohibited content on the website: review.
  auto risky = create({{"legal_name", "Lucky Star Games Ltd"},
                       {"country", "US"},
                       {"website_url", server.url("/risky/")}});
  auto w = verify(risky, R"({"checks": ["website"]})");
  BOOST_TEST_INFO(w.dump(2));
  BOOST_TEST(step(w, "website")["status"] == "succeeded");
  BOOST_TEST(w["verdict"] == "review");
  BOOST_TEST(has_reason(w, "website_prohibited_content", "website"));

  // No website at all: the website step is skipped with the reason.
  auto plain = create({{"legal_name", "Plain Paper Supplies Inc"}, {"country", "US"}});
  auto p = verify(plain, R"({"checks": ["website"], "webhook": false})");
  BOOST_TEST(step(p, "website")["status"] == "skipped");
  BOOST_TEST(!step(p, "website")["summary"]["reason"].get<std::string>().empty());
  BOOST_TEST(p["verdict"] == "pass");
  BOOST_TEST(p["webhook"] == false);
  // Opted out of webhooks: no verification.completed event (the others have one).
  BOOST_TEST(
      one("SELECT count(*) FROM outbox_events WHERE payload->>'verification_id' = '" +
          p["id"].get<std::string>() + "'") == "0");
  BOOST_TEST(
      one("SELECT count(*) FROM outbox_events WHERE payload->>'verification_id' = '" +
          w["id"].get<std::string>() + "'") == "1");
}

BOOST_FIXTURE_TEST_CASE(
    a_tenant_policy_is_versioned_validated_and_judges_later_verifications, fixture) {
  // Defaults: version 0.
  auto d = node.call("GET", "/v1/verification-policy", "", key);
  BOOST_REQUIRE_EQUAL(d.status, 200);
  BOOST_TEST(d.json()["version"] == 0);
  BOOST_TEST(d.json()["effective"]["fail"]["registry_statuses"] == json({"dissolved"}));

  // Every problem is named by its JSON pointer; nothing is stored.
  auto bad = node.call("PUT", "/v1/verification-policy",
                       R"({"fail": {"registry_statuses": ["closed"], "x": 1},
                           "review": {"registry_name_confidence_below": 2,
                                      "website_unreachable": "yes"}, "extra": {}})",
                       key);
  BOOST_TEST_INFO(bad.body);
  BOOST_REQUIRE(is_problem(bad, 422));
  std::set<std::string> pointers;
  auto problem = bad.json();
  for (auto& e : problem["errors"])
    pointers.insert(e["field"].get<std::string>());
  for (auto p :
       {"/fail/registry_statuses/0", "/fail/x", "/review/registry_name_confidence_below",
        "/review/website_unreachable", "/extra"})
    BOOST_TEST(pointers.count(p) == 1u, p);
  BOOST_TEST(is_problem(node.call("PUT", "/v1/verification-policy", "[1]", key), 422));
  BOOST_TEST(is_problem(node.call("PUT", "/v1/verification-policy", "{", key), 400));
  BOOST_TEST(one("SELECT count(*) FROM verification_policies") == "0");
  // The admin scope only.
  auto [t2, writer] = node.make_tenant({"read", "write"});
  (void)t2;
  BOOST_TEST(is_problem(node.call("PUT", "/v1/verification-policy", "{}", writer), 403));

  auto dissolved = create({{"legal_name", "Intaglio Systems Limited"},
                           {"country", "GB"},
                           {"registration_number", "02894655"}});
  auto before = verify(dissolved, R"({"checks": ["registry"]})");
  BOOST_TEST(before["verdict"] == "fail");

  // Version 1: a dissolved company is reviewed instead of failed.
  auto put = node.call(
      "PUT", "/v1/verification-policy",
      R"({"fail": {"registry_statuses": []}, "review": {"registry_statuses": ["dissolved"]}})",
      key);
  BOOST_TEST_INFO(put.body);
  BOOST_REQUIRE_EQUAL(put.status, 200);
  BOOST_TEST(put.json()["version"] == 1);
  BOOST_TEST(put.json()["effective"]["review"]["registry_statuses"] ==
             json({"dissolved"}));
  BOOST_TEST(one("SELECT count(*) FROM audit_logs WHERE action = "
                 "'verification_policy.update'") == "1");
  auto after = verify(dissolved, R"({"checks": ["registry"]})");
  BOOST_TEST(after["policy_version"] == 1);
  BOOST_TEST(after["verdict"] == "review", after.dump(2));
  BOOST_TEST(has_reason(after, "registry_status", "registry"));
  // Versions stay readable; the earlier verification keeps its verdict.
  auto v0 = node.call("GET", "/v1/verification-policy?version=0", "", key);
  BOOST_TEST(v0.json()["version"] == 0);
  auto v1 = node.call("GET", "/v1/verification-policy?version=1", "", key);
  BOOST_TEST(v1.json()["document"]["review"]["registry_statuses"] == json({"dissolved"}));
  BOOST_TEST(
      is_problem(node.call("GET", "/v1/verification-policy?version=7", "", key), 404));
  BOOST_TEST(
      is_problem(node.call("GET", "/v1/verification-policy?version=x", "", key), 400));
  BOOST_TEST(
      node.call("GET", "/v1/verifications/" + before["id"].get<std::string>(), "", key)
          .json()["verdict"] == "fail");
}

BOOST_FIXTURE_TEST_CASE(a_running_verification_is_cancelled_once, fixture) {
  // A site that never answers keeps the website step running.
  auto id =
      create({{"legal_name", "Slow Site Traders LLC"},
              {"country", "US"},
              {"website_url", "http://127.0.0.1:" + std::to_string(silent.port) + "/"}});
  auto r = start(id, R"({"checks": ["website", "risk"]})");
  BOOST_REQUIRE_EQUAL(r.status, 202);
  std::string vid = r.json()["id"];
  BOOST_REQUIRE(eventually([&] {
    return one("SELECT status FROM verification_steps WHERE verification_id = '" + vid +
               "' AND step = 'website'") == "running";
  }));
  auto c = node.call("POST", "/v1/verifications/" + vid + "/cancel", "", key);
  BOOST_TEST_INFO(c.body);
  BOOST_REQUIRE_EQUAL(c.status, 200);
  BOOST_TEST(c.json()["status"] == "cancelled");
  BOOST_TEST(step(c.json(), "website")["status"] == "skipped");
  BOOST_TEST(step(c.json(), "risk")["status"] == "skipped");
  BOOST_TEST(is_problem(
      node.call("POST", "/v1/verifications/" + vid + "/cancel", "", key), 409));
  // The website step's late answer changes nothing: still cancelled, no verdict.
  BOOST_REQUIRE(eventually([&] {
    return one("SELECT count(*) FROM website_analyses WHERE business_id = '" + id +
               "'") == "1";
  }));
  auto later = node.call("GET", "/v1/verifications/" + vid, "", key).json();
  BOOST_TEST(later["status"] == "cancelled");
  BOOST_TEST(later["verdict"].is_null());
  BOOST_TEST(
      one("SELECT count(*) FROM outbox_events WHERE payload->>'verification_id' = '" +
          vid + "'") == "0");
  BOOST_TEST(
      one("SELECT count(*) FROM audit_logs WHERE action = 'verification.cancel' AND "
          "target_id = '" +
          vid + "'") == "1");
}

BOOST_FIXTURE_TEST_CASE(idempotent_starts_and_bad_input, fixture) {
  auto id = create({{"legal_name", "Plain Paper Supplies Inc"}, {"country", "US"}});
  // The same Idempotency-Key: the same verification, replayed.
  auto first = node.call("POST", "/v1/businesses/" + id + "/verifications",
                         R"({"checks": ["screening"]})", key,
                         {{"Idempotency-Key", "verify-plain-1"}});
  BOOST_REQUIRE_EQUAL(first.status, 202);
  auto again = node.call("POST", "/v1/businesses/" + id + "/verifications",
                         R"({"checks": ["screening"]})", key,
                         {{"Idempotency-Key", "verify-plain-1"}});
  BOOST_REQUIRE_EQUAL(again.status, 202);
  BOOST_TEST(again.json()["id"] == first.json()["id"]);
  BOOST_TEST(again.header("idempotent-replayed") == "true");
  auto other_body = node.call("POST", "/v1/businesses/" + id + "/verifications",
                              R"({"checks": ["website"]})", key,
                              {{"Idempotency-Key", "verify-plain-1"}});
  BOOST_TEST(is_problem(other_body, 422));
  BOOST_TEST(one("SELECT count(*) FROM verifications WHERE business_id = '" + id + "'") ==
             "1");

  auto path = "/v1/businesses/" + id + "/verifications";
  for (auto body : {R"({"checks": []})", R"({"checks": "website"})",
                    R"({"checks": ["website", "website"]})", R"({"checks": ["credit"]})",
                    R"({"checks": [1]})", R"({"webhook": "no"})", R"({"colour": "red"})",
                    R"([])", R"("text")", R"({"checks": )"})
    BOOST_TEST(is_problem(node.call("POST", path, body, key), 400), body);
  BOOST_TEST(is_problem(
      node.call("POST", "/v1/businesses/not-a-uuid/verifications", "", key), 404));
  BOOST_TEST(is_problem(node.call("POST",
                                  "/v1/businesses/00000000-0000-4000-8000-000000000000/"
                                  "verifications",
                                  "", key),
                        404));
  auto [t2, reader] = node.make_tenant({"read"});
  (void)t2;
  BOOST_TEST(is_problem(node.call("POST", path, "", reader), 403));
  BOOST_TEST(is_problem(node.call("GET", "/v1/verifications/nope", "", key), 404));
  BOOST_TEST(is_problem(
      node.call("GET", "/v1/verifications/00000000-0000-4000-8000-000000000000", "", key),
      404));
  BOOST_TEST(is_problem(node.call("GET", path + "?cursor=zzz", "", key), 400));
  BOOST_TEST(is_problem(node.call("GET", path + "?limit=0", "", key), 400));
  BOOST_TEST(is_problem(node.call("GET", path + "?colour=red", "", key), 400));
  std::string vid = first.json()["id"];
  BOOST_TEST(is_problem(
      node.call("POST", "/v1/verifications/" + vid + "/cancel", R"({"now": true})", key),
      400));
  // A completed verification cannot be cancelled.
  wait_done(vid);
  BOOST_TEST(is_problem(
      node.call("POST", "/v1/verifications/" + vid + "/cancel", "", key), 409));
  // The node kept serving.
  BOOST_TEST(node.call("GET", "/health", "", "").status == 200);
}

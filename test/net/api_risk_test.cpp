// Risk assessment end to end, through real nodes: POST
// /v1/businesses/{id}/risk-assessments (a missing screening and classification computed
// first, every factor with its state and evidence, a row with its audit row, the
// metrics), the business actor's cache and its invalidation, history pages and the
// latest, background re-assessment after a decision on a hit and after a list reload
// raised a new hit (a risk.level_changed event in the outbox), a node without lists or
// model (unknown inputs, never zero risk), the reference data reloaded from a changed
// country-risk file, search showing the latest score, tenant isolation, scopes and bad
// input.
#define BOOST_TEST_MODULE api_risk
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string model_path =
    std::string(KYB_SOURCE_DIR) + "/actors/classification/model/kyb_industry.model";
const std::string shipped_countries =
    std::string(KYB_SOURCE_DIR) + "/config/risk/country_risk.csv";

std::string make_temp_dir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  return ::mkdtemp(tmpl.data());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

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

const json& factor(const json& assessment, const std::string& name) {
  for (auto& f : assessment["factors"])
    if (f["factor"] == name)
      return f;
  static const json none;
  return none;
}

/// A node with a generic sanctions list the tests write, the classification model and
/// a country-risk file of its own (a copy of the shipped one the tests may change).
struct risk_node {
  std::string dir = make_temp_dir("kyb-risk");
  std::string countries = dir + "/country_risk.csv";
  node_process node;
  std::string tenant;
  std::string key;

  explicit risk_node(bool with_services = true,
                     std::map<std::string, std::string> extra = {})
      : node([&] {
          fs::create_directories(dir + "/lists");
          write_file(dir + "/lists/watch.csv",
                     "id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n");
          write_file(countries, read_file(shipped_countries));
          std::map<std::string, std::string> env = {
              {"KYB_RISK_COUNTRY_RISK_PATH", countries},
              {"KYB_RISK_REFRESH_INTERVAL", "0s"},
              {"KYB_RISK_MONITOR_RATE", "1000"},
              {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
              {"KYB_SCREENING_MONITOR_RATE", "1000"},
              {"KYB_LOG_ACCESS", "false"}};
          for (auto& [k, v] : extra)
            env[k] = v;
          if (with_services) {
            env["KYB_SCREENING_GENERIC_DIR"] = dir + "/lists";
            env["KYB_CLASSIFICATION_MODEL_PATH"] = model_path;
          }
          return env;
        }()) {
    std::tie(tenant, key) = node.make_tenant({"read", "write"});
    // The lists load after the start: wait for them (and their start-up monitoring), so
    // that no test sees a re-screening it did not cause.
    if (with_services)
      BOOST_REQUIRE(eventually([&] {
        auto l = node.op("GET", "/v1/lists").json();
        auto m = l["monitoring"];
        return !l["data"].empty() && (m["status"] == "done" || m["status"] == "idle");
      }));
  }
  ~risk_node() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::string create(const json& body, const std::string& k = {}) const {
    auto r = node.call("POST", "/v1/businesses", body.dump(), k.empty() ? key : k);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }
  http_reply assess_call(const std::string& id, const std::string& body = "") const {
    return node.call("POST", "/v1/businesses/" + id + "/risk-assessments", body, key);
  }
  json assess(const std::string& id, int status = 201) const {
    auto r = assess_call(id);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, status);
    return r.json();
  }
  json latest(const std::string& id) const {
    auto r =
        node.call("GET", "/v1/businesses/" + id + "/risk-assessments/latest", "", key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }
  std::string one(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
  /// Reloads the sanctions lists and waits until their monitoring is over.
  void reload_lists() const {
    auto r = node.op("POST", "/v1/lists/reload");
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto generation = r.json()["generation"];
    BOOST_REQUIRE(eventually([&] {
      auto m = node.op("GET", "/v1/lists").json()["monitoring"];
      return m["generation"] == generation &&
             (m["status"] == "done" || m["status"] == "idle");
    }));
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(an_assessment_computes_missing_inputs_and_explains_every_factor) {
  risk_node n;
  auto id = n.create({{"legal_name", "Orion Shipping Holdings"},
                      {"country", "PA"},
                      {"description", "ocean freight shipping and logistics"},
                      {"incorporation_date", "2024-01-15"},
                      {"owners", {{{"name", "Ana Ruiz"}, {"ownership_percent", 40}}}}});
  auto metrics_before = n.node.metrics("/metrics").body;
  auto a = n.assess(id);
  BOOST_TEST(a["cached"] == false);
  BOOST_TEST(a["assessment_type"] == "manual");
  BOOST_TEST(a["rules_version"] == 0);
  BOOST_TEST(a["score"].get<int>() >= 0);
  BOOST_TEST(a["score"].get<int>() <= 100);
  // The screening and the classification did not exist: computed first, and said so.
  BOOST_TEST(a["inputs"]["computed"] == json({"screening", "classification"}), a.dump());
  BOOST_TEST(a["inputs"]["screening"]["state"] == "used");
  BOOST_TEST(a["inputs"]["classification"]["state"] == "used");
  BOOST_TEST(n.one("SELECT count(*) FROM screening_results WHERE business_id = '" + id +
                   "'") == "1");
  // Every factor is listed; the listed name is an open hit, so sanctions is scored high
  // and the open-hit floor makes the level at least high.
  BOOST_TEST(a["factors"].size() == 7u);
  auto& sanctions = factor(a, "sanctions");
  BOOST_TEST(sanctions["state"] == "scored");
  BOOST_TEST(sanctions["sub_score"].get<int>() >= 80, sanctions.dump());
  BOOST_TEST((a["level"] == "high" || a["level"] == "critical"), a.dump());
  // Ownership: 40 % declared (under 75 %), an owner without date of birth or nationality.
  BOOST_TEST(factor(a, "ownership")["state"] == "scored");
  BOOST_TEST(factor(a, "ownership")["sub_score"].get<int>() >= 40);
  // Young: incorporated in 2024.
  BOOST_TEST(factor(a, "business_age")["state"] == "scored");
  // No website analysis or registry lookup exists: unknown, with the reason, never zero.
  BOOST_TEST(factor(a, "website")["state"] == "unknown");
  BOOST_TEST(factor(a, "registry")["state"] == "unknown");
  BOOST_TEST(a["inputs"]["website"]["state"] == "unknown");
  BOOST_TEST(!a["inputs"]["registry"]["reason"].get<std::string>().empty());
  BOOST_TEST(a["coverage"]["percent"].get<int>() < 100);
  // Stored with its audit row, in one transaction.
  auto aid = a["id"].get<std::string>();
  BOOST_TEST(n.one("SELECT risk_level || ':' || overall_score::int || ':' || "
                   "assessment_type || ':' || rules_version FROM risk_assessments WHERE "
                   "id = '" +
                   aid + "'") == a["level"].get<std::string>() + ":" +
                                     std::to_string(a["score"].get<int>()) + ":manual:0");
  BOOST_TEST(
      n.one("SELECT count(*) FROM audit_logs WHERE action = 'business.risk_assess' "
            "AND target_id = '" +
            id + "' AND details->>'assessment_id' = '" + aid + "'") == "1");
  // The assessments counter, by level, tenant and type; and the duration histogram.
  // Labels in name order, as prometheus-cpp writes them.
  auto series = "kyb_risk_assessments_total{assessment_type=\"manual\",risk_level=\"" +
                a["level"].get<std::string>() + "\",tenant_id=\"" + n.tenant + "\"}";
  auto after = n.node.metrics("/metrics").body;
  BOOST_TEST(sample(after, series) - sample(metrics_before, series) == 1.0, after);
  BOOST_TEST(after.find("kyb_risk_assessment_duration_seconds_count{assessment_type="
                        "\"manual\"}") != std::string::npos);
  // Search shows the latest score and level.
  auto s = n.node.call("GET", "/v1/businesses/search?q=Orion", "", n.key);
  BOOST_REQUIRE_EQUAL(s.status, 200);
  auto hits = s.json()["data"];
  BOOST_REQUIRE_EQUAL(hits.size(), 1u);
  BOOST_TEST(hits[0]["latest_risk_assessment"]["level"] == a["level"], s.body);
  BOOST_TEST(hits[0]["latest_risk_assessment"]["score"].get<double>() ==
             a["score"].get<double>());
}

BOOST_AUTO_TEST_CASE(the_cache_serves_until_an_input_changes_and_history_pages) {
  risk_node n;
  auto id = n.create({{"legal_name", "Quiet Meadow Bakery"},
                      {"country", "US"},
                      {"description", "bakery selling bread and pastries"}});
  auto first = n.assess(id);
  // Nothing changed: the stored assessment, from the actor's cache.
  auto again = n.assess(id, 200);
  BOOST_TEST(again["cached"] == true);
  BOOST_TEST(again["id"] == first["id"]);
  // After a restart (the cache is gone), the stored one still holds: same inputs.
  n.node.restart();
  auto restarted = n.assess(id, 200);
  BOOST_TEST(restarted["id"] == first["id"]);
  // A change of the record (its country) is an input change: a new assessment.
  auto p = n.node.call("PATCH", "/v1/businesses/" + id, R"({"country":"IR"})", n.key);
  BOOST_REQUIRE_EQUAL(p.status, 200);
  auto changed = eventually([&] { return n.latest(id)["id"] != first["id"]; });
  // The monitor may have re-assessed it already (the change asked it to); either way the
  // next request is not the first assessment any more.
  auto second = n.assess_call(id);
  BOOST_REQUIRE((second.status == 201 || second.status == 200));
  BOOST_TEST(changed);
  auto now = second.json();
  BOOST_TEST(now["id"] != first["id"]);
  BOOST_TEST(factor(now, "country")["sub_score"].get<int>() == 100, now.dump()); // IR
  BOOST_TEST(
      (now["level"] == "high" || now["level"] == "critical" || now["level"] == "medium"));
  // History: newest first, in pages.
  auto count = std::stoi(
      n.one("SELECT count(*) FROM risk_assessments WHERE business_id = '" + id + "'"));
  BOOST_REQUIRE(count >= 2);
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto url = "/v1/businesses/" + id + "/risk-assessments?limit=1" +
               (cursor.empty() ? "" : "&cursor=" + cursor);
    auto r = n.node.call("GET", url, "", n.key);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto j = r.json();
    BOOST_REQUIRE_EQUAL(j["data"].size(), 1u);
    seen.push_back(j["data"][0]["id"]);
    if (!j["has_more"].get<bool>())
      break;
    cursor = j["next_cursor"];
  }
  BOOST_TEST(static_cast<int>(seen.size()) == count);
  BOOST_TEST(seen.back() == first["id"].get<std::string>()); // oldest last
  BOOST_TEST(seen.front() == n.latest(id)["id"].get<std::string>());
  // The level moved from the first assessment: one risk.level_changed event per move.
  if (n.latest(id)["level"] != first["level"])
    BOOST_TEST(std::stoi(n.one("SELECT count(*) FROM outbox_events WHERE subject_id = '" +
                               id + "' AND event_type = 'risk.level_changed'")) >= 1);
}

BOOST_AUTO_TEST_CASE(a_decision_and_a_list_reload_re_assess_in_the_background) {
  risk_node n;
  // Assessed while clear; a reload then lists it: the screening monitor re-screens, the
  // risk monitor re-assesses (monitoring), and the level change is an outbox event.
  auto id = n.create({{"legal_name", "Delta Freight Partners"},
                      {"country", "US"},
                      {"description", "freight forwarding"}});
  auto before = n.assess(id);
  BOOST_TEST(factor(before, "sanctions")["sub_score"] == 0, before.dump());
  BOOST_TEST(before["level"] != "high");
  write_file(n.dir + "/lists/watch.csv",
             "id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n"
             "W-2,Delta Freight Partners,entity,US\n");
  n.reload_lists();
  json after;
  BOOST_REQUIRE(eventually([&] {
    after = n.latest(id);
    return after["assessment_type"] == "monitoring";
  }));
  BOOST_TEST(factor(after, "sanctions")["sub_score"].get<int>() >= 80, after.dump());
  BOOST_TEST((after["level"] == "high" || after["level"] == "critical"));
  BOOST_TEST(after["created_by"] == "system:risk-monitoring");
  auto event = sql(n.node.database_url(),
                   "SELECT payload->>'previous_level', payload->>'level', "
                   "payload->>'assessment_id' FROM outbox_events WHERE subject_id = '" +
                       id + "' AND event_type = 'risk.level_changed'");
  BOOST_REQUIRE_EQUAL(event.size(), 1u);
  BOOST_TEST(event[0][0] == before["level"].get<std::string>());
  BOOST_TEST(event[0][1] == after["level"].get<std::string>());
  BOOST_TEST(event[0][2] == after["id"].get<std::string>());

  // The analyst confirms the hit: re-assessed again, now critical (the confirmed-hit
  // floor).
  auto s = n.node.call("GET", "/v1/businesses/" + id + "/screening", "", n.key).json();
  std::string hit;
  for (auto& h : s["hits"])
    if (h["entity_id"] == "W-2")
      hit = h["id"];
  BOOST_REQUIRE(!hit.empty());
  auto d = n.node.call(
      "POST", "/v1/businesses/" + id + "/screening-hits/" + hit + "/decision",
      R"({"decision":"confirmed","reason":"same company, same address"})", n.key);
  BOOST_REQUIRE_EQUAL(d.status, 200);
  json confirmed;
  BOOST_REQUIRE(eventually([&] {
    confirmed = n.latest(id);
    return confirmed["id"] != after["id"];
  }));
  BOOST_TEST(confirmed["level"] == "critical", confirmed.dump());
  BOOST_TEST(factor(confirmed, "sanctions")["sub_score"] == 100);
  // A business never assessed is not re-assessed by a change: the monitor skips it.
  auto status = [&] { return n.node.op("POST", "/v1/admin/risk/reload").json(); };
  auto skipped = status()["skipped"].get<int>();
  auto other = n.create({{"legal_name", "Unassessed Widgets"}, {"country", "US"}});
  BOOST_REQUIRE_EQUAL(
      n.node.call("PATCH", "/v1/businesses/" + other, R"({"country":"CA"})", n.key)
          .status,
      200);
  BOOST_TEST(eventually([&] { return status()["skipped"].get<int>() > skipped; }));
  BOOST_TEST(n.one("SELECT count(*) FROM risk_assessments WHERE business_id = '" + other +
                   "'") == "0");
}

BOOST_AUTO_TEST_CASE(without_lists_or_model_those_inputs_are_unknown_not_zero_risk) {
  risk_node n(false);
  auto id = n.create({{"legal_name", "Plain Goods LLC"}, {"country", "US"}});
  auto a = n.assess(id);
  BOOST_TEST(a["inputs"]["screening"]["state"] == "unknown");
  BOOST_TEST(a["inputs"]["screening"]["reason"].get<std::string>().find("unavailable") !=
                 std::string::npos,
             a.dump());
  BOOST_TEST(a["inputs"]["classification"]["state"] == "unknown");
  BOOST_TEST(factor(a, "sanctions")["state"] == "unknown");
  BOOST_TEST(factor(a, "industry")["state"] == "unknown");
  // Sanctions unknown: at least medium, and a review is required.
  BOOST_TEST(a["level"] != "low", a.dump());
  BOOST_TEST(a["review_required"] == true);
  BOOST_TEST(a["inputs"]["computed"].empty());
}

BOOST_AUTO_TEST_CASE(a_changed_country_file_reloads_and_re_assesses) {
  risk_node n;
  auto id = n.create({{"legal_name", "Harbor Dental Care"},
                      {"country", "PA"},
                      {"description", "dental clinic"}});
  auto before = n.assess(id);
  auto old_version = before["reference_version"].get<std::string>();
  // A broken file is refused whole and the serving data stays.
  write_file(n.countries, "country,list,as_of,source\nXX,nowhere,2026-13-01,\n");
  auto bad = n.node.op("POST", "/v1/admin/risk/reload");
  BOOST_TEST(is_problem(bad, 422), bad.body);
  BOOST_TEST(bad.json()["detail"].get<std::string>().find("line 2") != std::string::npos,
             bad.body);
  BOOST_TEST(n.assess(id, 200)["reference_version"] == old_version);
  // A new version lists PA: reloaded, and the assessed business is re-assessed.
  auto text = read_file(shipped_countries);
  auto without_pa = std::string();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("PA,", 0) != 0)
      without_pa += line + "\n";
  write_file(n.countries,
             without_pa + "PA,increased_monitoring,2026-11-30,test listing\n");
  auto ok = n.node.op("POST", "/v1/admin/risk/reload");
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(ok.json()["reference_version"] != old_version, ok.body);
  json after;
  BOOST_REQUIRE(eventually([&] {
    after = n.latest(id);
    return after["reference_version"] != old_version;
  }));
  BOOST_TEST(after["assessment_type"] == "monitoring");
  BOOST_TEST(factor(after, "country")["sub_score"] == 60, after.dump());
  // Only operators reload.
  BOOST_TEST(is_problem(n.node.call("POST", "/v1/admin/risk/reload", "", n.key), 403));
}

BOOST_AUTO_TEST_CASE(a_new_rules_version_re_assesses_under_it) {
  risk_node n(false);
  auto issued =
      n.node.op("POST", "/v1/tenants/" + n.tenant + "/api-keys",
                json{{"name", "admin"}, {"scopes", {"read", "write", "admin"}}}.dump());
  BOOST_REQUIRE_EQUAL(issued.status, 201);
  auto admin = issued.json()["key"].get<std::string>();
  auto id = n.create({{"legal_name", "Rules Test Traders"}, {"country", "US"}});
  auto never = n.create({{"legal_name", "Never Assessed Traders"}, {"country", "US"}});
  auto before = n.assess(id);
  BOOST_TEST(before["rules_version"] == 0);
  // Version 1: everything at or above 20 is critical.
  auto put =
      n.node.call("PUT", "/v1/risk-rules",
                  R"({"bands":{"low_max":5,"medium_max":10,"high_max":19}})", admin);
  BOOST_REQUIRE_EQUAL(put.status, 200);
  BOOST_REQUIRE_EQUAL(put.json()["version"], 1);
  json after;
  BOOST_REQUIRE(eventually([&] {
    after = n.latest(id);
    return after["rules_version"] == 1;
  }));
  BOOST_TEST(after["assessment_type"] == "monitoring");
  // The level follows version 1's bands (the coverage rule lifts an unscreened business
  // to at least medium, under these bands a score of 6).
  auto score = after["score"].get<int>();
  auto level = score <= 5    ? "low"
               : score <= 10 ? "medium"
               : score <= 19 ? "high"
                             : "critical";
  BOOST_TEST(after["level"] == level, after.dump());
  BOOST_TEST(before["level"] != after["level"], before.dump());
  // The request path sees the new version too, from the cache the re-assessment left.
  auto again = n.assess(id, 200);
  BOOST_TEST(again["id"] == after["id"]);
  // Only assessed businesses are swept.
  BOOST_TEST(n.one("SELECT count(*) FROM risk_assessments WHERE business_id = '" + never +
                   "'") == "0");
}

BOOST_AUTO_TEST_CASE(a_cached_assessment_is_refreshed_before_its_ttl) {
  // A 4 s TTL: a request after 60-80 % of it is answered from the cache and refreshes
  // the assessment in the background (a new row, monitoring), before it expires.
  risk_node n(false, {{"KYB_CACHE_RISK_ASSESSMENT_TTL", "4s"}});
  auto id = n.create({{"legal_name", "Refresh Goods"}, {"country", "US"}});
  auto first = n.assess(id);
  json latest;
  BOOST_REQUIRE(eventually([&] {
    auto r = n.assess_call(id);
    if (r.status != 200)
      return false; // a 201 would be a new manual assessment: the refresh came too late
    latest = n.latest(id);
    return latest["id"] != first["id"];
  }));
  BOOST_TEST(latest["assessment_type"] == "monitoring", latest.dump());
  BOOST_TEST(latest["created_by"] == "system:risk-monitoring");
  BOOST_TEST(n.one("SELECT count(*) FROM risk_assessments WHERE business_id = '" + id +
                   "' AND assessment_type = 'manual'") == "1");
}

BOOST_AUTO_TEST_CASE(isolation_scopes_and_bad_input) {
  risk_node n(false);
  auto id = n.create({{"legal_name", "Isolated Goods"}, {"country", "US"}});
  auto [other, other_key] = n.node.make_tenant({"read", "write"});
  auto issued = n.node.op("POST", "/v1/tenants/" + n.tenant + "/api-keys",
                          json{{"name", "reader"}, {"scopes", {"read"}}}.dump());
  BOOST_REQUIRE_EQUAL(issued.status, 201);
  auto read_key = issued.json()["key"].get<std::string>();
  auto base = "/v1/businesses/" + id + "/risk-assessments";
  // Never assessed: no latest; an empty history.
  BOOST_TEST(is_problem(n.node.call("GET", base + "/latest", "", n.key), 404));
  auto empty = n.node.call("GET", base, "", n.key);
  BOOST_REQUIRE_EQUAL(empty.status, 200);
  BOOST_TEST(empty.json()["data"].empty());
  // Another tenant sees nothing, reads or writes.
  BOOST_TEST(is_problem(n.node.call("POST", base, "", other_key), 404));
  BOOST_TEST(is_problem(n.node.call("GET", base, "", other_key), 404));
  // A read key reads but does not assess.
  BOOST_TEST(is_problem(n.node.call("POST", base, "", read_key), 403));
  // Bad bodies, parameters and ids.
  for (auto body : {R"({"assessment_type":"monitoring"})", R"({"assessment_type":"x"})",
                    R"({"unknown":1})", R"([1,2])", R"({"assessment_type":5})", "{"})
    BOOST_TEST(is_problem(n.assess_call(id, body), 400), body);
  BOOST_TEST(is_problem(n.node.call("GET", base + "?limit=0", "", n.key), 400));
  BOOST_TEST(is_problem(n.node.call("GET", base + "?cursor=nonsense", "", n.key), 400));
  BOOST_TEST(is_problem(n.node.call("GET", base + "?color=red", "", n.key), 400));
  BOOST_TEST(is_problem(
      n.node.call("POST", "/v1/businesses/not-a-uuid/risk-assessments", "", n.key), 404));
  BOOST_TEST(is_problem(n.node.call("POST",
                                    "/v1/businesses/0189d3e8-0000-7000-8000-000000000001/"
                                    "risk-assessments",
                                    "", n.key),
                        404));
  // The node still serves, and a good request works after all that.
  auto ok = n.assess_call(id, R"({"assessment_type":"verification"})");
  BOOST_REQUIRE_EQUAL(ok.status, 201);
  BOOST_TEST(ok.json()["assessment_type"] == "verification");
  BOOST_TEST(n.node.call("GET", base + "/latest", "", read_key).status == 200);
}

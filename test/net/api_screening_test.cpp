// Sanctions screening end to end, through real nodes: screening and comparing names,
// screening stored businesses (stored, audited, cached), analysts' decisions, reloads
// from files and from a local HTTP server (loopback only), a broken file that leaves the
// old index serving, screenings during a reload, ongoing monitoring after a list
// change, tenant isolation, bad input and metrics.
#define BOOST_TEST_MODULE api_screening
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "test/support/eventually.hpp"
#include "test/support/file_server.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string sanctions = std::string(KYB_TEST_DATA) + "/sanctions";
const std::string un_xml = sanctions + "/un/UN_consolidated_2026-02-27.xml";
const std::string cons = sanctions + "/ofac_nonsdn_consolidated";
const std::string csl_csv = sanctions + "/us_csl/csl_2023-11.csv";

std::string make_temp_dir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  return ::mkdtemp(tmpl.data());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// The node most tests share: the UN list, the OFAC non-SDN list (legacy CSV with its
/// aux files) and a directory of generic lists the tests write to.
struct main_node {
  std::string generic_dir = make_temp_dir("kyb-generic");
  node_process node{std::map<std::string, std::string>{
      {"KYB_SCREENING_UN_PATH", un_xml},
      {"KYB_SCREENING_OFAC_CONS_PATH", cons + "/cons_prim.csv"},
      {"KYB_SCREENING_OFAC_CONS_ALT_PATH", cons + "/cons_alt.csv"},
      {"KYB_SCREENING_OFAC_CONS_ADD_PATH", cons + "/cons_add.csv"},
      {"KYB_SCREENING_OFAC_CONS_COMMENTS_PATH", cons + "/cons_comments.csv"},
      {"KYB_SCREENING_GENERIC_DIR", generic_dir},
      {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
      {"KYB_SCREENING_MONITOR_RATE", "1000"},
      {"KYB_CACHE_SANCTIONS_SCREENING_TTL", "6s"},
      {"KYB_LOG_ACCESS", "false"}}};

  main_node() {
    write_file(generic_dir + "/watch.csv",
               "id,name,type,countries\nW-1,Orion Shipping Holdings,entity,PA\n");
    // The node started before the file existed: load it, and let the start-up
    // monitoring finish.
    reload_and_settle();
  }
  ~main_node() {
    std::error_code ec;
    fs::remove_all(generic_dir, ec);
  }

  json lists(const std::string& key = {}) const {
    auto r = key.empty() ? node.op("GET", "/v1/lists")
                         : node.call("GET", "/v1/lists", "", key);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }

  /// Reloads (operator) and waits until the monitoring of the resulting generation is
  /// over, so tests do not see each other's re-screenings.
  json reload_and_settle() const {
    auto r = node.op("POST", "/v1/lists/reload");
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto report = r.json();
    auto generation = report["generation"];
    BOOST_REQUIRE(eventually([&] {
      auto m = lists()["monitoring"];
      return m["generation"] == generation &&
             (m["status"] == "done" || m["status"] == "idle");
    }));
    return report;
  }

  std::string version_of(const std::string& list) const {
    auto all = lists();
    for (auto& l : all["data"])
      if (l["name"] == list)
        return l["version"];
    return {};
  }

  std::string create_business(const std::string& key, const json& body) const {
    auto r = node.call("POST", "/v1/businesses", body.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }

  json screen_business(const std::string& key, const std::string& id) const {
    auto r = node.call("POST", "/v1/businesses/" + id + "/screen", "", key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }

  json latest(const std::string& key, const std::string& id) const {
    auto r = node.call("GET", "/v1/businesses/" + id + "/screening", "", key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }

  std::string count(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
};

main_node& shared() {
  static main_node n;
  return n;
}

json find_hit(const json& screening, const std::string& list, const std::string& entity) {
  for (auto& h : screening["hits"])
    if (h["list"] == list && h["entity_id"] == entity)
      return h;
  return nullptr;
}

} // namespace

// -- a node without lists -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(without_lists_the_node_serves_and_screening_answers_503) {
  node_process bare{std::map<std::string, std::string>{{"KYB_LOG_ACCESS", "false"}}};
  auto [tenant, key] = bare.make_tenant({"read", "write"});
  auto s = bare.call("POST", "/v1/screenings", R"({"name":"Ivan Petrov"})", key);
  BOOST_TEST(is_problem(s, 503), s.body);
  BOOST_TEST(s.json()["detail"].get<std::string>().find("no sanctions lists") !=
             std::string::npos);
  BOOST_TEST(s.header("retry-after") == "1");
  auto c =
      bare.call("POST", "/v1/screenings/compare", R"({"name_a":"a","name_b":"b"})", key);
  BOOST_TEST(is_problem(c, 503), c.body);
  auto b =
      bare.call("POST", "/v1/businesses", R"({"legal_name":"Acme","country":"US"})", key);
  BOOST_REQUIRE_EQUAL(b.status, 201);
  auto id = b.json()["id"].get<std::string>();
  BOOST_TEST(
      is_problem(bare.call("POST", "/v1/businesses/" + id + "/screen", "", key), 503));
  auto l = bare.call("GET", "/v1/lists", "", key);
  BOOST_REQUIRE_EQUAL(l.status, 200);
  BOOST_TEST(l.json()["data"].size() == 0u);
  BOOST_TEST(l.json()["last_reload"].is_null());
  auto r = bare.op("POST", "/v1/lists/reload");
  BOOST_TEST(is_problem(r, 422), r.body);
  BOOST_TEST(r.json()["detail"].get<std::string>().find("configured") !=
             std::string::npos);
  // Reloading is for operators.
  BOOST_TEST(bare.call("POST", "/v1/lists/reload", "", key).status == 403);
  BOOST_TEST(bare.call("GET", "/health").status == 200);
}

BOOST_AUTO_TEST_CASE(a_download_that_fails_without_a_copy_keeps_the_node_serving) {
  auto dead = "http://127.0.0.1:" + std::to_string(free_port()) + "/consolidated.xml";
  node_process n{
      std::map<std::string, std::string>{{"KYB_SCREENING_UN_URL", dead},
                                         {"KYB_SCREENING_REFRESH_INTERVAL", "300ms"},
                                         {"KYB_LOG_ACCESS", "false"}}};
  json last;
  BOOST_REQUIRE(eventually([&] {
    last = n.op("GET", "/v1/lists").json()["last_reload"];
    return !last.is_null();
  }));
  BOOST_TEST(last["status"] == "failed");
  BOOST_TEST(last["error"]["file"] == dead);
  BOOST_TEST(last["downloads"][0]["outcome"] == "failed");
  BOOST_REQUIRE(last["failures"].size() == 1u);
  BOOST_TEST(last["failures"][0]["list"] == "un");
  BOOST_TEST(last["failures"][0]["message"].get<std::string>().find("download failed") !=
             std::string::npos);
  auto [tenant, key] = n.make_tenant({"read"});
  auto s = n.call("POST", "/v1/screenings", R"({"name":"Ivan Petrov"})", key);
  BOOST_TEST(is_problem(s, 503), s.body);
  // A tenant learns that the load failed, not where from.
  auto seen = n.call("GET", "/v1/lists", "", key).json()["last_reload"];
  BOOST_TEST(seen["status"] == "failed");
  BOOST_TEST(seen.dump().find(dead) == std::string::npos, seen.dump());
  // The schedule tries again (screening.refresh_interval), and counts each attempt.
  BOOST_TEST(eventually([&] {
    return n.op("GET", "/v1/lists").json()["last_reload"]["trigger"] == "schedule";
  }));
  BOOST_TEST(!n.op("GET", "/v1/lists").json()["next_refresh_at"].is_null());
  auto metrics = n.metrics("/metrics").body;
  BOOST_TEST(
      metrics.find("kyb_screening_downloads_total{list=\"un\",outcome=\"failed\"}") !=
      std::string::npos);
  BOOST_TEST(metrics.find("kyb_screening_reloads_total{outcome=\"failed\"}") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_broken_list_fails_alone_and_a_later_good_version_replaces_it) {
  // A mirror directory (screening.lists_dir) with the UN list and the real US CSL file
  // of test/data, whose last record is cut off mid-field.
  auto dir = make_temp_dir("kyb-lists");
  fs::copy_file(un_xml, dir + "/consolidated.xml");
  auto csl = dir + "/consolidated.csv";
  fs::copy_file(csl_csv, csl);
  node_process n{
      std::map<std::string, std::string>{{"KYB_SCREENING_LISTS_DIR", dir},
                                         {"KYB_SCREENING_RETRY_INTERVAL", "200ms"},
                                         {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
                                         {"KYB_LOG_ACCESS", "false"}}};
  json status;
  BOOST_REQUIRE(eventually([&] {
    status = n.op("GET", "/v1/lists").json();
    return !status["last_reload"].is_null();
  }));
  BOOST_TEST(status["last_reload"]["status"] == "partial", status.dump());
  BOOST_REQUIRE(status["data"].size() == 1u);
  BOOST_TEST(status["data"][0]["name"] == "un");
  BOOST_REQUIRE(status["failing"].size() == 1u);
  auto& f = status["failing"][0];
  BOOST_TEST(f["list"] == "us_csl");
  BOOST_TEST(f["file"] == csl);
  BOOST_TEST(f["line"].is_number()); // where the cut record begins
  BOOST_TEST(f["serving_previous"] == false);
  BOOST_TEST(!status["next_retry_at"].is_null());
  // The node is ready, with screening degraded (a probe sees 200 and the word).
  auto ready = n.call("GET", "/ready");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(ready.json()["status"] == "degraded", ready.body);
  auto checks = n.op("GET", "/ready").json()["checks"];
  bool screening_check = false;
  for (auto& c : checks)
    if (c["name"] == "screening") {
      screening_check = true;
      BOOST_TEST(c["ok"] == true);
      BOOST_TEST(c["degraded"] == true);
      BOOST_TEST(c["detail"].get<std::string>().find("us_csl") != std::string::npos,
                 c.dump());
    }
  BOOST_TEST(screening_check, checks.dump());
  // The UN list serves meanwhile.
  auto [tenant, key] = n.make_tenant({"read"});
  auto hit = n.call("POST", "/v1/screenings", R"({"name":"ABDULHAI SALEK"})", key);
  BOOST_REQUIRE_EQUAL(hit.status, 200);
  BOOST_TEST(hit.json()["hits"].size() >= 1u);
  // It is tried again on its own (screening.retry_interval, doubling) ...
  BOOST_TEST(eventually([&] {
    return n.op("GET", "/v1/lists").json()["last_reload"]["trigger"] == "retry";
  }));
  // ... and a good version (the records before the cut one) replaces it.
  {
    std::ifstream in(csl_csv);
    std::ofstream out(csl + ".tmp");
    std::string line;
    for (int i = 0; i < 200 && std::getline(in, line); ++i)
      out << line << "\n";
  }
  fs::rename(csl + ".tmp", csl);
  BOOST_REQUIRE(eventually([&] {
    status = n.op("GET", "/v1/lists").json();
    return status["data"].size() == 2u && status["failing"].empty();
  }));
  BOOST_TEST(status["next_retry_at"].is_null());
  BOOST_TEST(status["last_reload"]["status"] == "loaded");
  BOOST_TEST(n.call("GET", "/ready").json()["status"] == "ready");
  for (auto& l : status["data"])
    if (l["name"] == "us_csl")
      BOOST_TEST(l["entity_count"] == 198); // 199 lines; line 2 repeats the header
  auto metrics = n.metrics("/metrics").body;
  BOOST_TEST(metrics.find("kyb_screening_lists_failing 0") != std::string::npos);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// -- lists downloaded from a (local) publisher ------------------------------------------

BOOST_AUTO_TEST_CASE(lists_are_downloaded_revalidated_and_kept_when_the_publisher_fails) {
  auto www = make_temp_dir("kyb-www");
  fs::copy_file(un_xml, www + "/un.xml");
  for (auto f : {"cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"})
    fs::copy_file(cons + "/" + f, www + "/" + f);
  file_server server(www);
  node_process n{std::map<std::string, std::string>{
      {"KYB_SCREENING_UN_URL", server.url("/un.xml")},
      {"KYB_SCREENING_OFAC_CONS_URL", server.url("/cons_prim.csv")},
      {"KYB_SCREENING_OFAC_CONS_ALT_URL", server.url("/cons_alt.csv")},
      {"KYB_SCREENING_OFAC_CONS_ADD_URL", server.url("/cons_add.csv")},
      {"KYB_SCREENING_OFAC_CONS_COMMENTS_URL", server.url("/cons_comments.csv")},
      {"KYB_LOG_ACCESS", "false"}}};
  json status;
  BOOST_REQUIRE(eventually([&] {
    status = n.op("GET", "/v1/lists").json();
    return status["data"].size() == 2u;
  }));
  auto& last = status["last_reload"];
  BOOST_TEST(last["status"] == "loaded");
  BOOST_TEST(last["downloads"].size() == 5u);
  for (auto& d : last["downloads"])
    BOOST_TEST(d["outcome"] == "fetched", d.dump());
  auto data_dir = n.env().at("KYB_NODE_DATA_DIR");
  auto un_copy = data_dir + "/screening/downloads/un/consolidated.xml";
  BOOST_TEST(fs::file_size(un_copy) == fs::file_size(un_xml));
  for (auto& l : status["data"]) {
    BOOST_TEST(l["source_urls"].size() >= 1u);
    if (l["name"] == "un") {
      BOOST_TEST(l["source_urls"][0] == server.url("/un.xml"));
      BOOST_TEST(l["entity_count"] == 1003);
    }
  }
  auto [tenant, key] = n.make_tenant({"read"});
  auto hit = n.call("POST", "/v1/screenings", R"({"name":"ABDULHAI SALEK"})", key);
  BOOST_REQUIRE_EQUAL(hit.status, 200);
  BOOST_TEST(hit.json()["hits"].size() >= 1u);

  // Nothing changed at the publisher: conditional requests, nothing rebuilt.
  auto again = n.op("POST", "/v1/lists/reload");
  BOOST_REQUIRE_EQUAL(again.status, 200);
  BOOST_TEST(again.json()["status"] == "unchanged");
  auto again_report = again.json();
  for (auto& d : again_report["downloads"])
    BOOST_TEST(d["outcome"] == "not_modified", d.dump());

  // The publisher loses a file: the earlier copy keeps the list loaded.
  fs::remove(www + "/un.xml");
  auto lost = n.op("POST", "/v1/lists/reload");
  BOOST_REQUIRE_EQUAL(lost.status, 200);
  BOOST_TEST(lost.json()["status"] == "unchanged");
  bool reported = false;
  auto lost_report = lost.json();
  for (auto& d : lost_report["downloads"])
    if (d["list"] == "un") {
      reported = true;
      BOOST_TEST(d["outcome"] == "failed");
      BOOST_TEST(d["http_status"] == 404);
      BOOST_TEST(d["used_earlier_copy"] == true);
    }
  BOOST_TEST(reported);
  BOOST_TEST(n.call("POST", "/v1/screenings", R"({"name":"ABDULHAI SALEK"})", key)
                 .json()["hits"]
                 .size() >= 1u);
  std::error_code ec;
  fs::remove_all(www, ec);
}

// -- screening names
// ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(screens_a_name_with_hits_explanations_and_list_versions) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read"});
  auto r = m.node.call("POST", "/v1/screenings", R"({"name":"SALEK, ABDULHAI"})", key);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  auto j = r.json();
  BOOST_TEST(j["object"] == "screening");
  BOOST_TEST(j["threshold"] == 0.8);
  auto h = find_hit(j, "un", "111209");
  BOOST_REQUIRE(!h.is_null());
  BOOST_TEST(h["primary_name"] == "ABDULHAI SALEK");
  BOOST_TEST(h["matched_name"] == "ABDULHAI SALEK");
  BOOST_TEST(h["entity_type"] == "individual");
  BOOST_TEST(h["score"] == 1.0);
  BOOST_TEST(h["list_version"] == m.version_of("un"));
  BOOST_TEST(h["explanation"]["matches"].size() == 2u);
  BOOST_TEST(h["explanation"]["query_tokens"] == json({"salek", "abdulhai"}));
  BOOST_TEST(j["candidates_scored"].get<int>() < j["names_indexed"].get<int>());

  // Refinements: a date of birth that contradicts the listed one lowers the score and
  // says so.
  auto dob =
      m.node
          .call(
              "POST", "/v1/screenings",
              R"({"name":"ABDULHAI SALEK","type":"individual","date_of_birth":"1999-01-01"})",
              key)
          .json();
  auto dh = find_hit(dob, "un", "111209");
  BOOST_REQUIRE(!dh.is_null());
  BOOST_TEST(dh["score"].get<double>() < 1.0);
  BOOST_TEST(dh["explanation"]["refinements"][0]["field"] == "date_of_birth");
  // A higher threshold drops a one-letter slip, a lower one keeps it.
  auto strict = m.node.call("POST", "/v1/screenings",
                            R"({"name":"ABDULHAI SALEQ","threshold":0.99})", key);
  BOOST_TEST(find_hit(strict.json(), "un", "111209").is_null());
  auto loose = m.node.call("POST", "/v1/screenings",
                           R"({"name":"ABDULHAI SALEQ","threshold":0.7})", key);
  BOOST_TEST(!find_hit(loose.json(), "un", "111209").is_null());
  // Generic and operator lists are screened too.
  auto orion = m.node.call("POST", "/v1/screenings",
                           R"({"name":"Orion Shipping Holdings Ltd"})", key);
  BOOST_TEST(!find_hit(orion.json(), "watch", "W-1").is_null(), orion.body);
  auto none =
      m.node.call("POST", "/v1/screenings", R"({"name":"Quiet Meadow Bakery"})", key);
  BOOST_REQUIRE_EQUAL(none.status, 200);
  BOOST_TEST(none.json()["hits"].size() == 0u);

  auto c = m.node.call("POST", "/v1/screenings/compare",
                       R"({"name_a":"AFIZ","name_b":"FAIZ","type":"individual"})", key);
  BOOST_TEST_INFO(c.body);
  BOOST_REQUIRE_EQUAL(c.status, 200);
  BOOST_TEST(c.json()["object"] == "comparison");
  BOOST_TEST(c.json()["match"] == true);
  BOOST_TEST(c.json()["score"].get<double>() >= 0.8);
  BOOST_TEST(c.json()["explanation"]["matches"][0]["kind"] == "fuzzy");
  auto far = m.node.call("POST", "/v1/screenings/compare",
                         R"({"name_a":"Acme Bank","name_b":"Trading Bank"})", key);
  BOOST_TEST(far.json()["match"] == false);
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_field) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read", "write"});
  struct bad {
    std::string body;
    std::string field;
  };
  std::vector<bad> cases = {
      {R"({})", "/name"},
      {R"({"name":""})", "/name"},
      {R"({"name":"   "})", "/name"},
      {R"({"name":"!!! ???"})", "/name"},
      {json{{"name", std::string(600, 'a')}}.dump(), "/name"},
      {R"({"name":"Ivan\u0001Petrov"})", "/name"},
      {R"({"name":"Ivan\u0085Petrov"})", "/name"},
      {R"({"name":5})", "/name"},
      {R"({"name":"Ivan Petrov","type":"spaceship"})", "/type"},
      {R"({"name":"Ivan Petrov","date_of_birth":"1990-02-30"})", "/date_of_birth"},
      {R"({"name":"Ivan Petrov","date_of_birth":"yesterday"})", "/date_of_birth"},
      {R"({"name":"Ivan Petrov","threshold":0})", "/threshold"},
      {R"({"name":"Ivan Petrov","threshold":1.5})", "/threshold"},
      {R"({"name":"Ivan Petrov","threshold":"0.9"})", "/threshold"},
      {R"({"name":"Ivan Petrov","country":"Narnia"})", "/country"},
      {R"({"name":"Ivan Petrov","colour":"red"})", "/colour"},
  };
  for (auto& c : cases) {
    auto r = m.node.call("POST", "/v1/screenings", c.body, key);
    BOOST_TEST_INFO(c.body.substr(0, 80) << " -> " << r.body);
    BOOST_REQUIRE(is_problem(r, 400));
    std::set<std::string> fields;
    auto problem = r.json();
    for (auto& e : problem["errors"])
      fields.insert(e["field"].get<std::string>());
    BOOST_TEST(fields.count(c.field) == 1u);
  }
  // Invalid UTF-8 and non-JSON bodies are refused before any field is read.
  for (auto body : {std::string("{\"name\":\"Iv\xff\xfe\"}"), std::string("name=Ivan")}) {
    auto r = m.node.call("POST", "/v1/screenings", body, key);
    BOOST_TEST(is_problem(r, 400), r.body);
  }
  auto cmp = m.node.call("POST", "/v1/screenings/compare", R"({"name_a":"Ivan"})", key);
  BOOST_TEST(is_problem(cmp, 400));
  BOOST_TEST(cmp.body.find("/name_b") != std::string::npos);
  auto cmp_type = m.node.call("POST", "/v1/screenings/compare",
                              R"({"name_a":"Ivan","name_b":"Ivan","type":"x"})", key);
  BOOST_TEST(is_problem(cmp_type, 400));
  BOOST_TEST(cmp_type.body.find("/type") != std::string::npos);
  auto cmp_ctl = m.node.call("POST", "/v1/screenings/compare",
                             R"({"name_a":"Ivan\u0007","name_b":"Ivan"})", key);
  BOOST_TEST(is_problem(cmp_ctl, 400));
  BOOST_TEST(cmp_ctl.body.find("/name_a") != std::string::npos);

  // Decisions: the decision, the reason and the ids are checked.
  auto id = m.create_business(
      key, {{"legal_name", "Orion Shipping Holdings"}, {"country", "PA"}});
  auto s = m.screen_business(key, id);
  BOOST_REQUIRE(s["hits"].size() >= 1u);
  auto hit = s["hits"][0]["id"].get<std::string>();
  auto path = "/v1/businesses/" + id + "/screening-hits/" + hit + "/decision";
  for (auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"decision":"maybe","reason":"x"})", "/decision"},
           {R"({"decision":"confirmed"})", "/reason"},
           {R"({"decision":"confirmed","reason":"   "})", "/reason"},
           {R"({"decision":"confirmed","reason":"a\u0000b"})", "/reason"},
           {json{{"decision", "confirmed"}, {"reason", std::string(2001, 'r')}}.dump(),
            "/reason"},
           {R"({"decision":"confirmed","reason":"x","extra":1})", "/extra"}}) {
    auto r = m.node.call("POST", path, body, key);
    BOOST_TEST_INFO(body.substr(0, 60) << " -> " << r.body);
    BOOST_TEST(is_problem(r, 400));
    BOOST_TEST(r.body.find(field) != std::string::npos);
  }
  // Every problem at once: a bad decision and a missing reason.
  auto both = m.node.call("POST", path, R"({"decision":"maybe"})", key);
  BOOST_REQUIRE(is_problem(both, 400));
  std::set<std::string> fields;
  auto both_json = both.json();
  for (auto& e : both_json["errors"])
    fields.insert(e["field"].get<std::string>());
  BOOST_TEST((fields == std::set<std::string>{"/decision", "/reason"}), both.body);
  auto unknown =
      m.node.call("POST",
                  "/v1/businesses/" + id +
                      "/screening-hits/01890000-0000-7000-8000-000000000000/decision",
                  R"({"decision":"confirmed","reason":"x"})", key);
  BOOST_TEST(is_problem(unknown, 404), unknown.body);
  BOOST_TEST(is_problem(
      m.node.call("POST", "/v1/businesses/" + id + "/screening-hits/not-an-id/decision",
                  R"({"decision":"confirmed","reason":"x"})", key),
      404));
  // Nothing was decided by any of it.
  BOOST_TEST(m.count("SELECT count(*) FROM screening_decisions WHERE business_id = '" +
                     id + "'") == "0");
}

// -- businesses
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(screening_a_business_stores_audits_and_caches_the_result) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read", "write", "admin"});
  auto id =
      m.create_business(key, {{"legal_name", "Orion Shipping Holdings Ltd"},
                              {"dba_name", "Orion Lines"},
                              {"country", "PA"},
                              {"owners",
                               {{{"name", "Abdulhai Salek"}, {"ownership_percent", 60}},
                                {{"name", "Jane Roe"}, {"ownership_percent", 40}}}}});
  auto s = m.screen_business(key, id);
  BOOST_TEST(s["object"] == "business_screening");
  BOOST_TEST(s["business_id"] == id);
  BOOST_TEST(s["triggered_by"] == "api");
  BOOST_TEST(s["outcome"] == "match");
  BOOST_TEST(s["cached"] == false);
  BOOST_TEST(s["subjects"].size() == 4u);
  auto orion = find_hit(s, "watch", "W-1");
  BOOST_REQUIRE(!orion.is_null());
  BOOST_TEST(orion["subject"]["kind"] == "legal_name");
  BOOST_TEST(orion["status"] == "open");
  BOOST_TEST(orion["new"] == true);
  auto salek = find_hit(s, "un", "111209");
  BOOST_REQUIRE(!salek.is_null());
  BOOST_TEST(salek["subject"]["kind"] == "owner");
  BOOST_TEST(salek["subject"]["name"] == "Abdulhai Salek");
  BOOST_TEST(salek["entity_type"] == "individual");
  BOOST_TEST(s["hit_count"] == s["hits"].size());

  // Stored: the result, every hit, and an audit row in the tenant's chain.
  auto sid = s["id"].get<std::string>();
  BOOST_TEST(m.count("SELECT count(*) FROM screening_results WHERE id = '" + sid + "'") ==
             "1");
  BOOST_TEST(m.count("SELECT count(*) FROM screening_hits WHERE result_id = '" + sid +
                     "'") == std::to_string(s["hits"].size()));
  BOOST_TEST(m.count("SELECT region FROM screening_results WHERE id = '" + sid + "'") ==
             "us");
  BOOST_TEST(
      m.count("SELECT count(*) FROM audit_logs WHERE action = 'business.screen' AND "
              "target_id = '" +
              id + "' AND details->>'screening_id' = '" + sid + "'") == "1");
  auto verify = m.node.call("GET", "/v1/audit-logs/verify", "", key);
  BOOST_TEST(verify.json()["valid"] == true, verify.body);

  // Cached: the same screening again, until the names change.
  auto again = m.screen_business(key, id);
  BOOST_TEST(again["cached"] == true);
  BOOST_TEST(again["id"] == sid);
  BOOST_TEST(m.latest(key, id)["id"] == sid);
  BOOST_TEST(m.count("SELECT count(*) FROM screening_results WHERE business_id = '" + id +
                     "'") == "1");
  auto patched =
      m.node.call("PATCH", "/v1/businesses/" + id,
                  R"({"owners":[{"name":"Jane Roe","ownership_percent":100}]})", key);
  BOOST_REQUIRE_EQUAL(patched.status, 200);
  auto renamed = m.screen_business(key, id);
  BOOST_TEST(renamed["cached"] == false);
  BOOST_TEST(renamed["id"] != sid);
  BOOST_TEST(find_hit(renamed, "un", "111209").is_null());
  BOOST_TEST(renamed["business_version"] == 2);
  BOOST_TEST(m.latest(key, id)["id"] == renamed["id"]);

  // A business never screened has no screening; a deleted one is gone.
  auto fresh =
      m.create_business(key, {{"legal_name", "Quiet Meadow Bakery"}, {"country", "US"}});
  BOOST_TEST(is_problem(
      m.node.call("GET", "/v1/businesses/" + fresh + "/screening", "", key), 404));
  auto clear = m.screen_business(key, fresh);
  BOOST_TEST(clear["outcome"] == "clear");
  BOOST_TEST(clear["hits"].size() == 0u);
  BOOST_REQUIRE_EQUAL(m.node.call("DELETE", "/v1/businesses/" + fresh, "", key).status,
                      200);
  BOOST_TEST(is_problem(
      m.node.call("POST", "/v1/businesses/" + fresh + "/screen", "", key), 404));
  // Scopes: screening stores a result (write); reading it needs read.
  auto reader = m.node
                    .op("POST", "/v1/tenants/" + tenant + "/api-keys",
                        R"({"name":"r","scopes":["read"]})")
                    .json()["key"]
                    .get<std::string>();
  BOOST_TEST(m.node.call("POST", "/v1/businesses/" + id + "/screen", "", reader).status ==
             403);
  BOOST_TEST(
      m.node.call("GET", "/v1/businesses/" + id + "/screening", "", reader).status ==
      200);
}

BOOST_AUTO_TEST_CASE(the_cache_refreshes_a_screening_before_it_expires) {
  // KYB_CACHE_SANCTIONS_SCREENING_TTL is 6 s on this node: a read after 80 % of it is
  // served and starts a background re-screening.
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read", "write"});
  auto id = m.create_business(
      key, {{"legal_name", "Orion Shipping Holdings"}, {"country", "PA"}});
  auto first = m.screen_business(key, id);
  // Deliberate: the scenario is the entry ageing. 4.9 s is past the 4.8 s refresh
  // threshold (counted from when the entry was stored, before this answer) and well
  // before the 6 s expiry.
  std::this_thread::sleep_for(std::chrono::milliseconds(4900));
  auto served = m.screen_business(key, id);
  BOOST_TEST(served["cached"] == true);
  BOOST_TEST(served["id"] == first["id"]);
  json latest;
  BOOST_TEST(eventually(
      [&] {
        latest = m.latest(key, id);
        return latest["id"] != first["id"];
      },
      std::chrono::seconds(10)));
  BOOST_TEST(latest["triggered_by"] == "refresh");
  BOOST_TEST(!find_hit(latest, "watch", "W-1").is_null());
  // The refreshed screening is what the cache serves now.
  auto after = m.screen_business(key, id);
  BOOST_TEST(after["cached"] == true);
  BOOST_TEST(after["id"] == latest["id"]);
}

BOOST_AUTO_TEST_CASE(a_false_positive_is_not_raised_again_until_its_entry_changes) {
  auto& m = shared();
  write_file(m.generic_dir + "/decide.csv",
             "id,name,type,aliases\nD-1,Vektor Maritime OOO,entity,\n"
             "D-2,Vektor Maritime Holdings,entity,\n");
  m.reload_and_settle();
  auto [tenant, key] = m.node.make_tenant({"read", "write", "admin"});
  auto id =
      m.create_business(key, {{"legal_name", "Vektor Maritime OOO"}, {"country", "US"}});
  auto s = m.screen_business(key, id);
  auto hit = find_hit(s, "decide", "D-1");
  BOOST_REQUIRE(!hit.is_null());
  BOOST_TEST(hit["status"] == "open");
  auto hit_id = hit["id"].get<std::string>();

  auto d = m.node.call(
      "POST", "/v1/businesses/" + id + "/screening-hits/" + hit_id + "/decision",
      R"({"decision":"false_positive","reason":"a US shipping agent, not the listed company"})",
      key);
  BOOST_TEST_INFO(d.body);
  BOOST_REQUIRE_EQUAL(d.status, 200);
  BOOST_TEST(d.json()["status"] == "false_positive");
  BOOST_TEST(d.json()["decision"]["reason"] ==
             "a US shipping agent, not the listed company");
  BOOST_TEST(d.json()["decision"]["decided_by"].get<std::string>().rfind("key:", 0) ==
             0u);
  // Remembered, and audited in the same transaction.
  BOOST_TEST(m.count("SELECT count(*) FROM screening_decisions WHERE business_id = '" +
                     id + "' AND decision = 'false_positive' AND tenant_id = '" + tenant +
                     "'") == "1");
  BOOST_TEST(
      m.count("SELECT count(*) FROM audit_logs WHERE action = 'screening.decision' "
              "AND target_id = '" +
              hit_id + "' AND tenant_id = '" + tenant + "'") == "1");
  // The stored hit shows the decision.
  BOOST_TEST(find_hit(m.latest(key, id), "decide", "D-1")["status"] == "false_positive");

  // Screened again: the hit is still reported, but not raised.
  auto again = m.screen_business(key, id);
  BOOST_TEST(again["cached"] == false);
  auto h1 = find_hit(again, "decide", "D-1");
  BOOST_REQUIRE(!h1.is_null());
  BOOST_TEST(h1["raised"] == false);
  BOOST_TEST(h1["status"] == "false_positive");
  BOOST_TEST(h1["new"] == false);
  // Every hit still raised decided a false positive too: nothing is raised any more.
  for (auto& h : again["hits"]) {
    if (h["raised"] != true)
      continue;
    auto dx = m.node.call("POST",
                          "/v1/businesses/" + id + "/screening-hits/" +
                              h["id"].get<std::string>() + "/decision",
                          R"({"decision":"false_positive","reason":"unrelated"})", key);
    BOOST_REQUIRE_EQUAL(dx.status, 200);
  }
  auto clear = m.screen_business(key, id);
  BOOST_TEST(clear["outcome"] == "clear");
  BOOST_TEST(clear["raised_count"] == 0);
  BOOST_TEST(clear["hit_count"].get<int>() >= 1);

  // The listed entry changes (a new alias): monitoring re-screens, and the hit is raised
  // again because the decision was about the old entry.
  write_file(m.generic_dir + "/decide.csv",
             "id,name,type,aliases\nD-1,Vektor Maritime OOO,entity,Vektor Sea Lines\n"
             "D-2,Vektor Maritime Holdings,entity,\n");
  auto report = m.reload_and_settle();
  BOOST_TEST(report["changed_lists"] == json({"decide"}));
  auto changed = m.latest(key, id);
  BOOST_TEST(changed["triggered_by"] == "monitoring");
  auto h = find_hit(changed, "decide", "D-1");
  BOOST_REQUIRE(!h.is_null());
  BOOST_TEST(h["raised"] == true);
  BOOST_TEST(h["status"] == "open");
  BOOST_TEST(h["entry_changed"] == true);
  BOOST_TEST(h["new"] == true);
  BOOST_TEST(changed["outcome"] == "match");

  // Confirmed hits stay raised, with their decision, on later screenings.
  auto c = m.node.call("POST",
                       "/v1/businesses/" + id + "/screening-hits/" +
                           h["id"].get<std::string>() + "/decision",
                       R"({"decision":"confirmed","reason":"same IMO number"})", key);
  BOOST_REQUIRE_EQUAL(c.status, 200);
  auto confirmed = find_hit(m.screen_business(key, id), "decide", "D-1");
  BOOST_TEST(confirmed["status"] == "confirmed");
  BOOST_TEST(confirmed["raised"] == true);
  fs::remove(m.generic_dir + "/decide.csv");
  m.reload_and_settle();
}

BOOST_AUTO_TEST_CASE(another_tenants_businesses_and_hits_are_not_found) {
  auto& m = shared();
  auto [ta, ka] = m.node.make_tenant({"read", "write", "admin"});
  auto [tb, kb] = m.node.make_tenant({"read", "write", "admin"});
  auto a = m.create_business(
      ka, {{"legal_name", "Orion Shipping Holdings"}, {"country", "PA"}});
  auto b =
      m.create_business(kb, {{"legal_name", "Quiet Meadow Bakery"}, {"country", "US"}});
  auto sa = m.screen_business(ka, a);
  auto hit = sa["hits"][0]["id"].get<std::string>();
  BOOST_TEST(
      is_problem(m.node.call("POST", "/v1/businesses/" + a + "/screen", "", kb), 404));
  BOOST_TEST(
      is_problem(m.node.call("GET", "/v1/businesses/" + a + "/screening", "", kb), 404));
  auto decide = R"({"decision":"false_positive","reason":"not ours"})";
  BOOST_TEST(is_problem(
      m.node.call("POST", "/v1/businesses/" + a + "/screening-hits/" + hit + "/decision",
                  decide, kb),
      404));
  // Through one's own business, another tenant's hit does not exist either.
  m.screen_business(kb, b);
  auto cross = m.node.call(
      "POST", "/v1/businesses/" + b + "/screening-hits/" + hit + "/decision", decide, kb);
  BOOST_TEST(is_problem(cross, 404), cross.body);
  BOOST_TEST(m.count("SELECT count(*) FROM screening_decisions WHERE hit_id = '" + hit +
                     "'") == "0");
  BOOST_TEST(find_hit(m.latest(ka, a), "watch", "W-1")["status"] == "open");
  // Operator keys do not screen tenants' businesses.
  BOOST_TEST(m.node.op("POST", "/v1/businesses/" + a + "/screen").status == 403);
}

// -- reloads
// --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_reload_with_a_broken_file_keeps_the_old_index_serving) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read"});
  write_file(
      m.generic_dir + "/late.csv",
      "id,name,type\nL-1,Zephyr Aerospace Trading,entity\nL-2,Boreal Aviation,entity\n");
  auto loaded = m.reload_and_settle();
  BOOST_TEST(loaded["status"] == "loaded");
  BOOST_TEST(loaded["changed_lists"] == json({"late"}));
  auto status = m.lists();
  bool listed = false;
  for (auto& l : status["data"])
    if (l["name"] == "late") {
      listed = true;
      BOOST_TEST(l["entity_count"] == 2);
      BOOST_TEST(l["format"] == "generic_csv");
    }
  BOOST_TEST(listed);
  auto version = m.version_of("late");
  auto hit = m.node.call("POST", "/v1/screenings",
                         R"({"name":"Zephyr Aerospace Trading"})", key);
  BOOST_TEST(!find_hit(hit.json(), "late", "L-1").is_null());

  // A truncated file: line 3 opens a quote that never closes.
  auto broken = m.generic_dir + "/late.csv";
  write_file(broken,
             "id,name,type\nL-1,Zephyr Aerospace Trading,entity\nL-2,\"Boreal Avi");
  auto r = m.node.op("POST", "/v1/lists/reload");
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE(is_problem(r, 422));
  auto p = r.json();
  BOOST_TEST(p["file"] == broken);
  BOOST_TEST(p["line"] == 3);
  BOOST_TEST(p["detail"].get<std::string>().find("late: " + broken + ":3") !=
             std::string::npos);
  // The list fails alone: the others were reloaded, and its earlier version serves on.
  BOOST_TEST(p["reload"]["status"] == "partial");
  BOOST_REQUIRE(p["reload"]["failures"].size() == 1u);
  BOOST_TEST(p["reload"]["failures"][0]["list"] == "late");
  BOOST_TEST(p["reload"]["failures"][0]["serving_previous"] == true);
  // The old index still serves, the old version of the list included.
  auto still = m.node.call("POST", "/v1/screenings",
                           R"({"name":"Zephyr Aerospace Trading"})", key);
  BOOST_REQUIRE_EQUAL(still.status, 200);
  auto h = find_hit(still.json(), "late", "L-1");
  BOOST_REQUIRE(!h.is_null());
  BOOST_TEST(h["list_version"] == version);
  auto after = m.lists();
  BOOST_TEST(after["last_reload"]["status"] == "partial");
  BOOST_REQUIRE(after["failing"].size() == 1u);
  BOOST_TEST(after["failing"][0]["list"] == "late");
  BOOST_TEST(after["failing"][0]["file"] == broken);
  BOOST_TEST(after["failing"][0]["line"] == 3);
  BOOST_TEST(!after["next_retry_at"].is_null()); // tried again, later
  BOOST_TEST(after["generation"] == status["generation"]);
  auto metrics = m.node.metrics("/metrics").body;
  BOOST_TEST(metrics.find("kyb_screening_last_reload_success 0") != std::string::npos);
  BOOST_TEST(metrics.find("kyb_screening_lists_failing 1") != std::string::npos);
  // A tenant sees which list is out, not the node's files.
  auto seen = m.node.call("GET", "/v1/lists", "", key).json();
  BOOST_REQUIRE(seen["failing"].size() == 1u);
  BOOST_TEST(seen["failing"][0]["list"] == "late");
  BOOST_TEST(seen.dump().find(broken) == std::string::npos, seen.dump());

  fs::remove(broken);
  auto removed = m.reload_and_settle();
  BOOST_TEST(removed["changed_lists"] == json({"late"}));
  BOOST_TEST(m.version_of("late").empty());
  auto gone = m.node.call("POST", "/v1/screenings",
                          R"({"name":"Zephyr Aerospace Trading"})", key);
  BOOST_TEST(find_hit(gone.json(), "late", "L-1").is_null());
}

BOOST_AUTO_TEST_CASE(screenings_during_a_reload_all_succeed) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read"});
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<int> during{0};
  std::atomic<bool> reloading{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      const char* names[] = {R"({"name":"ABDULHAI SALEK"})",
                             R"({"name":"Orion Shipping Holdings"})",
                             R"({"name":"Quiet Meadow Bakery"})"};
      while (!stop) {
        auto r = http_call(m.node.port(), "POST", "/v1/screenings", names[t],
                           {{"Authorization", "Bearer " + key}});
        if (r.status == 200)
          ++ok;
        else
          ++failed;
        if (reloading)
          ++during;
      }
    });
  // The clients are being answered before the reload starts...
  BOOST_REQUIRE(eventually([&] { return ok >= 3; }));
  // A changed list: the index is really rebuilt and swapped.
  write_file(m.generic_dir + "/swap.csv", "id,name\nS-1,Halcyon Freight Forwarding\n");
  reloading = true;
  auto r = m.node.op("POST", "/v1/lists/reload");
  reloading = false;
  // ...and after it.
  int after_reload = ok;
  BOOST_TEST(eventually([&] { return ok >= after_reload + 3; }));
  stop = true;
  for (auto& c : clients)
    c.join();
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.json()["status"] == "loaded");
  BOOST_TEST(failed == 0);
  BOOST_TEST(ok > 0);
  BOOST_TEST(during > 0); // screenings were answered while the reload ran
  auto swapped = m.node.call("POST", "/v1/screenings",
                             R"({"name":"Halcyon Freight Forwarding"})", key);
  BOOST_TEST(!find_hit(swapped.json(), "swap", "S-1").is_null());
  fs::remove(m.generic_dir + "/swap.csv");
  m.reload_and_settle();
}

// -- ongoing monitoring
// -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(monitoring_records_new_hits_after_a_list_change) {
  auto& m = shared();
  auto [tenant, key] = m.node.make_tenant({"read", "write"});
  auto [other, other_key] = m.node.make_tenant({"read", "write"});
  auto id = m.create_business(key, {{"legal_name", "Northwind Lumber Exports"},
                                    {"country", "CA"},
                                    {"owners", {{{"name", "Jane Roe"}}}}});
  auto quiet =
      m.create_business(key, {{"legal_name", "Quiet Meadow Bakery"}, {"country", "US"}});
  m.create_business(other_key, {{"legal_name", "Lakeside Pottery"}, {"country", "US"}});
  auto before = m.screen_business(key, id);
  BOOST_TEST(before["outcome"] == "clear");

  write_file(m.generic_dir + "/monitor.csv",
             "id,name,type,programs\nM-1,Northwind Lumber Exports,entity,TEST-PROGRAM\n");
  auto report = m.reload_and_settle();
  BOOST_TEST(report["changed_lists"] == json({"monitor"}));

  // The stored screening is the monitoring's, with the new hit.
  auto after = m.latest(key, id);
  BOOST_TEST(after["triggered_by"] == "monitoring");
  BOOST_TEST(after["outcome"] == "match");
  auto h = find_hit(after, "monitor", "M-1");
  BOOST_REQUIRE(!h.is_null());
  BOOST_TEST(h["new"] == true);
  BOOST_TEST(h["status"] == "open");
  BOOST_TEST(h["programs"] == json({"TEST-PROGRAM"}));
  BOOST_TEST(after["new_count"] == 1);
  // Businesses never screened before are screened too.
  BOOST_TEST(m.latest(key, quiet)["triggered_by"] == "monitoring");
  // The audit trail names the monitor.
  BOOST_TEST(
      m.count("SELECT count(*) FROM audit_logs WHERE action = 'business.screen' AND "
              "actor = 'system:screening-monitoring' AND target_id = '" +
              id + "'") == "1");

  // Progress: a tenant sees its own businesses only; operators see the platform's.
  auto mine = m.lists(key)["monitoring"];
  BOOST_TEST(mine["status"] == "done");
  BOOST_TEST(mine["generation"] == report["generation"]);
  BOOST_TEST(mine["changed_lists"] == json({"monitor"}));
  BOOST_TEST(mine["businesses_total"] == 2);
  BOOST_TEST(mine["businesses_screened"] == 2);
  BOOST_TEST(mine["new_hits"] == 1);
  auto theirs = m.lists(other_key)["monitoring"];
  BOOST_TEST(theirs["businesses_total"] == 1);
  BOOST_TEST(theirs["new_hits"] == 0);
  auto all = m.lists()["monitoring"];
  BOOST_TEST(all["businesses_total"].get<int>() >= 3);
  BOOST_TEST(all["businesses_screened"].get<int>() +
                 all["businesses_skipped"].get<int>() +
                 all["businesses_failed"].get<int>() ==
             all["businesses_total"].get<int>());
  BOOST_TEST(m.count("SELECT status FROM screening_monitor_runs WHERE generation = '" +
                     report["generation"].get<std::string>() + "'") == "done");
  // Monitoring does not run twice for one change: an unchanged reload starts nothing.
  auto same = m.node.op("POST", "/v1/lists/reload").json();
  BOOST_TEST(same["status"] == "unchanged");
  BOOST_TEST(m.count("SELECT count(*) FROM screening_monitor_runs WHERE generation = '" +
                     report["generation"].get<std::string>() + "'") == "1");
  fs::remove(m.generic_dir + "/monitor.csv");
  m.reload_and_settle();
}

BOOST_AUTO_TEST_CASE(screening_metrics_are_exported) {
  auto& m = shared();
  auto metrics = m.node.metrics("/metrics").body;
  for (auto name : {"kyb_screening_screenings_total{outcome=\"hit\"}",
                    "kyb_screening_screenings_total{outcome=\"clear\"}",
                    "kyb_screening_hits_total{list=\"un\"}",
                    "kyb_screening_list_entities{list=\"un\"} 1003",
                    "kyb_screening_list_entities{list=\"ofac_cons\"}",
                    "kyb_screening_index_build_seconds",
                    "kyb_screening_last_reload_timestamp_seconds",
                    "kyb_screening_reloads_total{outcome=\"loaded\"}",
                    "kyb_screening_duration_seconds_bucket{kind=\"name\"",
                    "kyb_screening_business_screenings_total{outcome=\"match\","
                    "trigger=\"monitoring\"}",
                    "kyb_screening_monitor_businesses_total{outcome=\"screened\"}",
                    "kyb_screening_monitor_new_hits_total",
                    "kyb_cache_hits_total{cache_type=\"sanctions_screening\"}"})
    BOOST_TEST(metrics.find(name) != std::string::npos, "missing " << name);
  auto business = m.node.metrics("/metrics/business").body;
  BOOST_TEST(business.find("kyb_screening_list_entities") != std::string::npos);
}

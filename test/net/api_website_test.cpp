// Website analysis end to end, through a real node and a real local web server serving
// the fixture pages (test/data/website, real pages and a few written ones): POST
// /v1/businesses/{id}/website-analysis fetches the home page and the same-site pages it
// links to, stores the analysis with an audit row, serves it again from the business
// actor's 7-day cache and from the stored row after a restart, refetches on `refresh`
// or when what the site is compared with changed; the content signals reach risk's
// website factor; unreachable sites, 404s and non-UTF-8 pages end in stored results;
// loopback URLs are refused with 422 when private addresses are not allowed; scopes,
// tenant isolation and bad input.
#define BOOST_TEST_MODULE api_website
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/support/eventually.hpp"
#include "test/support/file_server.hpp"
#include "test/support/node_process.hpp"
#include "test/support/ports.hpp"

using namespace kyb::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string fixtures = std::string(KYB_SOURCE_DIR) + "/test/data/website";

std::string make_temp_dir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  return ::mkdtemp(tmpl.data());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

double sample(const std::string& metrics, const std::string& series) {
  auto at = metrics.find(series + " ");
  if (at == std::string::npos)
    return 0;
  return std::stod(metrics.substr(at + series.size() + 1));
}

/// The site: the fixture pages (the files of test/data/website, not its pages/ folder of
/// benchmark pages), and a small shop of our own at /shop/ whose home page links to an
/// about and a contact page (the contact page publishes an address).
std::string make_site() {
  auto dir = make_temp_dir("kyb-site");
  for (auto& e : fs::directory_iterator(fixtures))
    if (e.is_regular_file())
      fs::copy_file(e.path(), dir + "/" + e.path().filename().string());
  fs::create_directories(dir + "/shop/about");
  fs::create_directories(dir + "/shop/contact");
  write_file(dir + "/shop/index.html",
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>Harbor Coffee Roasters</title><meta name=\"description\" "
             "content=\"Specialty coffee roasted in Portland.\"></head><body>"
             "<nav><a href=\"/shop/about/\">About us</a> <a href=\"/shop/contact/\">"
             "Contact</a></nav><h1>Harbor Coffee Roasters LLC</h1><p>We roast "
             "single-origin coffee beans and sell espresso, drip coffee and pastries in "
             "our cafe.</p></body></html>");
  write_file(dir + "/shop/about/index.html",
             "<html><head><title>About</title></head><body><p>Harbor Coffee Roasters "
             "has roasted coffee since 2009.</p></body></html>");
  write_file(dir + "/shop/contact/index.html",
             "<html><head><title>Contact</title></head><body><p>Write to "
             "hello@harbor-coffee.example or call +1 503 555 0142.</p></body></html>");
  return dir;
}

struct fixture {
  std::string site_dir = make_site();
  file_server site{site_dir};
  uint16_t closed_port = free_port(); ///< Nothing listens there.
  node_process node{
      {{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
       {"KYB_OUTBOUND_ALLOWED_PORTS",
        "80,443," + std::to_string(site.port()) + "," + std::to_string(closed_port)},
       {"KYB_LOG_ACCESS", "false"}}};
  std::string tenant;
  std::string key;

  fixture() { std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"}); }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(site_dir, ec);
  }

  std::string create(const json& body) const {
    auto r = node.call("POST", "/v1/businesses", body.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json()["id"];
  }
  http_reply analyse(const std::string& id, const std::string& body = "",
                     const std::string& k = {}) const {
    return node.call("POST", "/v1/businesses/" + id + "/website-analysis", body,
                     k.empty() ? key : k);
  }
  std::string one(const std::string& query) const {
    return sql(node.database_url(), query).at(0).at(0);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_site_is_fetched_analysed_stored_and_served_again, fixture) {
  auto id = create({{"legal_name", "Harbor Coffee Roasters LLC"},
                    {"country", "US"},
                    {"website_url", site.url("/shop/")}});
  auto first = analyse(id);
  BOOST_TEST_INFO(first.body);
  BOOST_REQUIRE_EQUAL(first.status, 201);
  auto a = first.json();
  BOOST_TEST(a["outcome"] == "analysed");
  BOOST_TEST(a["cached"] == false);
  BOOST_TEST(a["requested_url"] == site.url("/shop/"));
  auto& r = a["result"];
  BOOST_TEST(r["reachable"] == true);
  BOOST_TEST(r["status"] == 200);
  BOOST_TEST(r["title"] == "Harbor Coffee Roasters");
  BOOST_TEST(r["meta_description"] == "Specialty coffee roasted in Portland.");
  BOOST_TEST(r["language"] == "en");
  BOOST_TEST(r["tls"].is_null()); // http://
  // The home page and the two pages it links to.
  BOOST_REQUIRE_EQUAL(r["pages"].size(), 3u);
  std::set<std::string> kinds;
  for (auto& p : r["pages"])
    kinds.insert(p["kind"].get<std::string>());
  BOOST_TEST((kinds == std::set<std::string>{"home", "about", "contact"}), r["pages"]);
  BOOST_TEST(r["contacts"]["emails"].dump().find("hello@harbor-coffee.example") !=
                 std::string::npos,
             r["contacts"]);
  BOOST_TEST(r["consistency"]["legal_name"]["found"] == true, r["consistency"]);
  BOOST_TEST(r["signals"].empty(), r["signals"]);
  BOOST_TEST(r["risk_input"]["reachable"] == true);
  BOOST_TEST(r["risk_input"]["contact_details_found"] == true);

  // Stored with its audit row.
  BOOST_TEST(one("SELECT count(*) FROM website_analyses WHERE business_id = '" + id +
                 "' AND outcome = 'analysed' AND region = 'us'") == "1");
  BOOST_TEST(one("SELECT count(*) FROM audit_logs WHERE action = "
                 "'business.website_analyse' AND target_id = '" +
                 id + "'") == "1");

  // Again: the cached analysis, nothing fetched or stored.
  auto again = analyse(id);
  BOOST_REQUIRE_EQUAL(again.status, 200);
  BOOST_TEST(again.json()["id"] == a["id"]);
  BOOST_TEST(again.json()["cached"] == true);
  auto latest = node.call("GET", "/v1/businesses/" + id + "/website-analysis", "", key);
  BOOST_REQUIRE_EQUAL(latest.status, 200);
  BOOST_TEST(latest.json()["id"] == a["id"]);
  BOOST_TEST(latest.json()["result"]["title"] == "Harbor Coffee Roasters");

  // After a restart the stored analysis still serves (same inputs, within 7 days).
  node.restart();
  auto after = analyse(id);
  BOOST_REQUIRE_EQUAL(after.status, 200);
  BOOST_TEST(after.json()["id"] == a["id"]);

  // `refresh` fetches again; a changed legal name is another comparison: a new one.
  auto fresh = analyse(id, R"({"refresh": true})");
  BOOST_REQUIRE_EQUAL(fresh.status, 201);
  BOOST_TEST(fresh.json()["id"] != a["id"]);
  auto patched = node.call("PATCH", "/v1/businesses/" + id,
                           R"({"legal_name": "Harbor Roasting Company"})", key);
  BOOST_REQUIRE_EQUAL(patched.status, 200);
  auto renamed = analyse(id);
  BOOST_REQUIRE_EQUAL(renamed.status, 201);
  BOOST_TEST(renamed.json()["result"]["consistency"]["legal_name"]["found"] == false);
  BOOST_TEST(one("SELECT count(*) FROM website_analyses WHERE business_id = '" + id +
                 "'") == "3");

  // Counted since the restart: two analyses, one served stored.
  auto m = node.metrics().body;
  BOOST_TEST(sample(m, "kyb_website_analyses_total{result=\"analysed\"}") == 2, m);
  BOOST_TEST(sample(m, "kyb_business_website_requests_total{outcome=\"stored\"}") == 2);
  BOOST_TEST(sample(m, "kyb_business_website_requests_total{outcome=\"cached\"}") == 1);
}

BOOST_FIXTURE_TEST_CASE(content_signals_reach_the_risk_assessment, fixture) {
  auto id = create({{"legal_name", "Lucky Star Entertainment Ltd"},
                    {"country", "GB"},
                    {"website_url", site.url("/high_risk_signals_WRITTEN.html")}});
  // Before an analysis the website factor is unknown.
  auto before = node.call("POST", "/v1/businesses/" + id + "/risk-assessments", "", key);
  BOOST_REQUIRE(before.status == 201 || before.status == 200);
  BOOST_TEST(before.json()["inputs"]["website"]["state"] == "unknown");

  auto w = analyse(id);
  BOOST_TEST_INFO(w.body);
  BOOST_REQUIRE_EQUAL(w.status, 201);
  auto wj = w.json();
  auto& r = wj["result"];
  std::set<std::string> categories;
  for (auto& s : r["signals"])
    categories.insert(s["category"].get<std::string>());
  BOOST_TEST(categories.count("gambling") == 1, r["signals"]);
  BOOST_TEST(!r["risk_input"]["prohibited_content"].empty(), r["risk_input"]);
  // The /about link answers 404: reported on its page, the analysis stands.
  bool about_404 = false;
  for (auto& p : r["pages"])
    about_404 = about_404 || (p["kind"] == "about" && p["status"] == 404);
  BOOST_TEST(about_404, r["pages"]);

  // The stored analysis changed an input: a new assessment reads it.
  auto after = node.call("POST", "/v1/businesses/" + id + "/risk-assessments", "", key);
  BOOST_TEST_INFO(after.body);
  BOOST_REQUIRE_EQUAL(after.status, 201);
  auto a = after.json();
  BOOST_TEST(a["inputs"]["website"]["state"] == "used");
  BOOST_TEST(a["inputs"]["website"]["id"] == w.json()["id"]);
  json website_factor;
  for (auto& f : a["factors"])
    if (f["factor"] == "website")
      website_factor = f;
  BOOST_REQUIRE(website_factor.is_object());
  BOOST_TEST(website_factor["state"] != "unknown", website_factor);
  BOOST_TEST(website_factor["sub_score"].get<double>() > 0, website_factor);
}

BOOST_FIXTURE_TEST_CASE(unreachable_sites_and_other_charsets_end_in_stored_results,
                        fixture) {
  // Nothing listens on a port just freed: unreachable, stored, never a hang.
  auto id =
      create({{"legal_name", "Gone Away Inc"},
              {"country", "US"},
              {"website_url", "http://127.0.0.1:" + std::to_string(closed_port) + "/"}});
  auto r = analyse(id);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  BOOST_TEST(r.json()["outcome"] == "unreachable");
  BOOST_TEST(r.json()["result"]["reachable"] == false);
  BOOST_TEST(!r.json()["result"]["error"].is_null());
  BOOST_TEST(r.json()["result"]["risk_input"]["reachable"] == false);

  // A 404 home page.
  auto missing = analyse(id, json{{"url", site.url("/no-such-page.html")}}.dump());
  BOOST_REQUIRE_EQUAL(missing.status, 201);
  BOOST_TEST(missing.json()["outcome"] == "unreachable");
  BOOST_TEST(missing.json()["result"]["status"] == 404);

  // A Latin-1 and a Shift-JIS page are decoded.
  auto latin1 =
      analyse(id, json{{"url", site.url("/latin1_bakery_WRITTEN.html")}}.dump());
  BOOST_REQUIRE_EQUAL(latin1.status, 201);
  BOOST_TEST(latin1.json()["outcome"] == "analysed");
  BOOST_TEST(latin1.json()["result"]["charset"] != "utf-8", latin1.json()["result"]);
  auto sjis =
      analyse(id, json{{"url", site.url("/shift_jis_company_WRITTEN.html")}}.dump());
  BOOST_REQUIRE_EQUAL(sjis.status, 201);
  // Declared Shift_JIS, decoded as its Windows superset (what browsers do).
  auto sj = sjis.json()["result"];
  BOOST_TEST((sj["charset"] == "shift_jis" || sj["charset"] == "windows-31j"), sj);
  BOOST_TEST(sj["title"] == "株式会社サンプル商事｜会社概要", sj);
  BOOST_TEST(node.call("GET", "/health").status == 200);
}

BOOST_FIXTURE_TEST_CASE(bad_input_scopes_and_tenants, fixture) {
  auto no_site = create({{"legal_name", "Paper Only Ltd"}, {"country", "GB"}});
  // No website_url and no url: told how to give one.
  auto none = analyse(no_site);
  BOOST_TEST(is_problem(none, 400), none.body);
  BOOST_TEST(none.body.find("website_url") != std::string::npos, none.body);
  for (auto body :
       {R"({"url": "ftp://example.com/"})", R"({"url": 7})", R"({"refresh": "yes"})",
        R"({"colour": "red"})", R"([1])", R"({"url": )"}) {
    auto bad = analyse(no_site, body);
    BOOST_TEST(bad.status == 400, body << " -> " << bad.body);
    BOOST_TEST(bad.header("content-type") == "application/problem+json");
  }
  // Never analysed.
  auto never =
      node.call("GET", "/v1/businesses/" + no_site + "/website-analysis", "", key);
  BOOST_TEST(is_problem(never, 404), never.body);

  auto id = create({{"legal_name", "Harbor Coffee Roasters LLC"},
                    {"country", "US"},
                    {"website_url", site.url("/shop/")}});
  auto [reader_tenant, reader] = node.make_tenant({"read"});
  (void)reader_tenant;
  // Another tenant's business does not exist for the caller (a read key is refused
  // before that: analysing stores).
  BOOST_TEST(is_problem(analyse(id, "", reader), 403));
  auto foreign =
      node.call("GET", "/v1/businesses/" + id + "/website-analysis", "", reader);
  BOOST_TEST(is_problem(foreign, 404), foreign.body);
  // A read key of the same tenant may read, not analyse.
  auto key_r = node.op("POST", "/v1/tenants/" + tenant + "/api-keys",
                       R"({"name": "reader", "scopes": ["read"]})");
  BOOST_REQUIRE_EQUAL(key_r.status, 201);
  auto read_key = key_r.json()["key"].get<std::string>();
  BOOST_TEST(is_problem(analyse(id, "", read_key), 403));
  BOOST_REQUIRE_EQUAL(analyse(id).status, 201);
  BOOST_TEST(node.call("GET", "/v1/businesses/" + id + "/website-analysis", "", read_key)
                 .status == 200);
}

BOOST_AUTO_TEST_CASE(loopback_urls_are_refused_unless_private_addresses_are_allowed) {
  auto dir = make_site();
  file_server site{dir};
  // The fixture server's port is allowed: what refuses is the address rule.
  node_process node{
      {{"KYB_LOG_ACCESS", "false"},
       {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(site.port())}}};
  auto [tenant, key] = node.make_tenant({"read", "write"});
  (void)tenant;
  auto created = node.call("POST", "/v1/businesses",
                           json{{"legal_name", "Harbor Coffee Roasters LLC"},
                                {"country", "US"},
                                {"website_url", site.url("/shop/")}}
                               .dump(),
                           key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto id = created.json()["id"].get<std::string>();
  auto r = node.call("POST", "/v1/businesses/" + id + "/website-analysis", "", key);
  BOOST_TEST(is_problem(r, 422), r.body);
  BOOST_TEST(r.body.find("may not be fetched") != std::string::npos, r.body);
  // A name that resolves to 127.0.0.1 is refused the same way.
  auto named = node.call(
      "POST", "/v1/businesses/" + id + "/website-analysis",
      json{{"url", "http://localhost:" + std::to_string(site.port()) + "/shop/"}}.dump(),
      key);
  BOOST_TEST(is_problem(named, 422), named.body);
  // Nothing was stored; the node serves on.
  BOOST_TEST(sql(node.database_url(),
                 "SELECT count(*) FROM website_analyses WHERE business_id = '" + id + "'")
                 .at(0)
                 .at(0) == "0");
  auto m = node.metrics().body;
  BOOST_TEST(sample(m, "kyb_website_analyses_total{result=\"refused\"}") >= 2, m);
  BOOST_TEST(node.call("GET", "/health").status == 200);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_CASE(faults_end_in_stored_results_never_a_hang) {
  auto dir = make_site();
  // A 20 MB page: read up to website.max_page_bytes, reported truncated.
  {
    std::ofstream big(dir + "/big.html", std::ios::binary);
    big << "<html><head><title>Big Catalogue</title></head><body>";
    std::string line(1000, 'x');
    for (int i = 0; i < 20 * 1024; ++i)
      big << "<p>" << line << "</p>\n";
    big << "</body></html>";
  }
  file_server site{dir};
  // https with a certificate of its own CA, which the node does not trust.
  auto cert_dir = make_temp_dir("kyb-site-tls");
  BOOST_REQUIRE(file_server::make_certificate(cert_dir));
  file_server tls_site{dir, cert_dir + "/cert.pem", cert_dir + "/key.pem"};
  // A server that accepts connections and never answers (the kernel completes the
  // handshake into the listen backlog; nobody reads).
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto silent_port = free_port();
  addr.sin_port = htons(silent_port);
  BOOST_REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_REQUIRE(::listen(silent, 16) == 0);

  auto ports = "80,443," + std::to_string(site.port()) + "," +
               std::to_string(tls_site.port()) + "," + std::to_string(silent_port);
  node_process node{{{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
                     {"KYB_OUTBOUND_ALLOWED_PORTS", ports},
                     {"KYB_WEBSITE_PAGE_TIMEOUT", "2s"},
                     {"KYB_WEBSITE_TIMEOUT", "4s"},
                     {"KYB_WEBSITE_MAX_PAGE_BYTES", "1MiB"},
                     {"KYB_LOG_ACCESS", "false"}}};
  auto [tenant, key] = node.make_tenant({"read", "write"});
  (void)tenant;
  auto created =
      node.call("POST", "/v1/businesses",
                json{{"legal_name", "Faulty Sites Ltd"}, {"country", "GB"}}.dump(), key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto id = created.json()["id"].get<std::string>();
  auto analyse = [&](const std::string& url) {
    auto r = node.call("POST", "/v1/businesses/" + id + "/website-analysis",
                       json{{"url", url}}.dump(), key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json();
  };

  auto big = analyse(site.url("/big.html"));
  BOOST_TEST(big["outcome"] == "analysed");
  BOOST_TEST(big["result"]["title"] == "Big Catalogue");
  BOOST_TEST(big["result"]["pages"][0]["body_truncated"] == true, big["result"]["pages"]);
  BOOST_TEST(big["result"]["pages"][0]["body_bytes"].get<size_t>() <= (1u << 20) + 1);

  auto untrusted = analyse(tls_site.url("/shop/"));
  BOOST_TEST(untrusted["outcome"] == "unreachable");
  BOOST_TEST(untrusted["result"]["tls"]["valid"] == false, untrusted["result"]);
  BOOST_TEST(untrusted["result"]["error"].get<std::string>().find("tls") == 0,
             untrusted["result"]);

  auto hang = analyse("http://127.0.0.1:" + std::to_string(silent_port) + "/");
  BOOST_TEST(hang["outcome"] == "unreachable");
  BOOST_TEST(hang["result"]["error"].get<std::string>().find("timeout") == 0,
             hang["result"]);

  BOOST_TEST(node.call("GET", "/health").status == 200);
  ::close(silent);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::remove_all(cert_dir, ec);
}

BOOST_AUTO_TEST_CASE(the_sites_text_feeds_the_classification) {
  auto dir = make_site();
  file_server site{dir};
  node_process node{
      {{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
       {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(site.port())},
       {"KYB_CLASSIFICATION_MODEL_PATH",
        std::string(KYB_SOURCE_DIR) + "/actors/classification/model/kyb_industry.model"},
       {"KYB_LOG_ACCESS", "false"}}};
  auto [tenant, key] = node.make_tenant({"read", "write"});
  (void)tenant;
  // A name that says nothing about what the business does.
  auto created = node.call("POST", "/v1/businesses",
                           json{{"legal_name", "Harbor Holdings LLC"},
                                {"country", "US"},
                                {"website_url", site.url("/shop/")}}
                               .dump(),
                           key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto id = created.json()["id"].get<std::string>();
  auto classify = [&] {
    auto r = node.call("POST", "/v1/businesses/" + id + "/classify", "", key);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  };
  auto before = classify();
  BOOST_TEST(before["cached"] == false);

  auto w = node.call("POST", "/v1/businesses/" + id + "/website-analysis", "", key);
  BOOST_TEST_INFO(w.body);
  BOOST_REQUIRE_EQUAL(w.status, 201);
  auto r = w.json()["result"];
  BOOST_TEST(r["visible_text"].get<std::string>().find("single-origin coffee") !=
                 std::string::npos,
             r["visible_text"]);
  // The classification service read the site's text for the MCC it suggests, and the
  // stored classification's MCC is what it is compared with.
  BOOST_TEST(!r["consistency"]["predicted_mcc"].is_null(), r["consistency"]);
  BOOST_TEST(r["consistency"]["stored_mcc"] == before["mcc"]["code"], r["consistency"]);
  BOOST_TEST(r["consistency"]["mcc_agreement"] != "unknown", r["consistency"]);

  // The stored business is classified again, now from its website text too.
  auto after = classify();
  BOOST_TEST(after["cached"] == false, after);
  BOOST_TEST(after["id"] != before["id"]);
  BOOST_TEST(classify()["cached"] == true);
  BOOST_TEST(sql(node.database_url(),
                 "SELECT count(DISTINCT classification_id) FROM business_classifications "
                 "WHERE business_id = '" +
                     id + "'")
                 .at(0)
                 .at(0) == "2");
  // After a restart the text is read back: the same classification serves.
  node.restart();
  auto again = classify();
  BOOST_TEST(again["cached"] == true, again);
  BOOST_TEST(again["id"] == after["id"]);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_CASE(a_cached_analysis_is_refreshed_before_its_ttl) {
  auto dir = make_site();
  file_server site{dir};
  // A 4 s TTL: refreshed when read after 2.4-3.2 s, expired at 4 s.
  node_process node{
      {{"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
       {"KYB_OUTBOUND_ALLOWED_PORTS", "80,443," + std::to_string(site.port())},
       {"KYB_CACHE_WEBSITE_ANALYSIS_TTL", "4s"},
       {"KYB_LOG_ACCESS", "false"}}};
  auto [tenant, key] = node.make_tenant({"read", "write"});
  (void)tenant;
  auto created = node.call("POST", "/v1/businesses",
                           json{{"legal_name", "Harbor Coffee Roasters LLC"},
                                {"country", "US"},
                                {"website_url", site.url("/shop/")}}
                               .dump(),
                           key);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  auto id = created.json()["id"].get<std::string>();
  auto analyse = [&] {
    return node.call("POST", "/v1/businesses/" + id + "/website-analysis", "", key);
  };
  auto latest = [&] {
    return node.call("GET", "/v1/businesses/" + id + "/website-analysis", "", key)
        .json()["id"]
        .get<std::string>();
  };
  auto first = analyse();
  BOOST_REQUIRE_EQUAL(first.status, 201);
  auto first_id = first.json()["id"].get<std::string>();
  // Read it until a read finds it due (past 60-80 % of the TTL): every read is served
  // from the cache (200) while a refresh is made behind it.
  std::string refreshed;
  BOOST_TEST(eventually(
      [&] {
        auto served = analyse();
        BOOST_REQUIRE_EQUAL(served.status, 200);
        refreshed = latest();
        return refreshed != first_id;
      },
      std::chrono::seconds(10)));
  BOOST_TEST(sql(node.database_url(),
                 "SELECT count(*) FROM audit_logs WHERE action = "
                 "'business.website_analyse' AND actor = 'system:website-refresh' AND "
                 "target_id = '" +
                     id + "'")
                 .at(0)
                 .at(0) == "1");
  // The refreshed analysis is what the cache serves now.
  auto now = analyse();
  BOOST_REQUIRE_EQUAL(now.status, 200);
  BOOST_TEST(now.json()["id"] == refreshed);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// Personal data through a real node: an owner's date of birth and a business's tax id
// reach a read-only key masked in every answer about the business (the business, lists,
// search, screening with its explanations, classification), and an analyst's decision
// answer masks them too. A reveal stays the admin's audited GET.
#define BOOST_TEST_MODULE api_personal_data
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

const std::string un_xml =
    std::string(KYB_TEST_DATA) + "/sanctions/un/UN_consolidated_2026-02-27.xml";
const std::string model_path =
    std::string(KYB_SOURCE_DIR) + "/actors/classification/model/kyb_industry.model";

// Owners named like UN-listed individuals whose list entries give an exact date of birth
// (CDi.006 Germain Katanga 1978-04-28, CDi.008 Sultani Makenga 1973-12-25, CDi.010
// Callixte Mbarushimana 1963-07-24): the same date, the same year with another day, and
// three years apart.
const std::vector<std::string> owner_dobs = {"1978-04-28", "1973-06-01", "1960-07-24"};
const std::vector<std::string> tax_id_forms = {"98-7654321", "987654321"};

json business_body() {
  return {{"legal_name", "Kivu Minerals Trading SARL"},
          {"country", "CD"},
          {"tax_id", "98-7654321"},
          {"description", "gold and tin trading"},
          {"owners",
           {{{"name", "Germain Katanga"},
             {"date_of_birth", owner_dobs[0]},
             {"nationality", "CD"},
             {"ownership_percent", 40}},
            {{"name", "Sultani Makenga"},
             {"date_of_birth", owner_dobs[1]},
             {"nationality", "CD"},
             {"ownership_percent", 35}},
            {{"name", "Callixte Mbarushimana"},
             {"date_of_birth", owner_dobs[2]},
             {"ownership_percent", 25}}}}};
}

/// Fails the test for every owner's full date of birth (or its year-month) and every
/// form of the tax id found in `answer`.
void check_masked(const std::string& what, const std::string& answer) {
  for (auto& dob : owner_dobs) {
    BOOST_TEST(answer.find(dob) == std::string::npos,
               what << " shows the date of birth " << dob << ": " << answer);
    BOOST_TEST(answer.find(dob.substr(0, 8)) == std::string::npos,
               what << " shows the month of birth " << dob.substr(0, 7) << ": "
                    << answer);
  }
  for (auto& tax : tax_id_forms)
    BOOST_TEST(answer.find(tax) == std::string::npos,
               what << " shows the tax id " << tax << ": " << answer);
}

std::vector<std::string> refinement_details(const json& screening) {
  std::vector<std::string> out;
  for (auto& h : screening["hits"])
    for (auto& r : h["explanation"]["refinements"])
      if (r["field"] == "date_of_birth")
        out.push_back(h["subject"]["name"].get<std::string>() + ": " +
                      r["detail"].get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& all, const std::string& text) {
  for (auto& s : all)
    if (s == text)
      return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_read_key_sees_no_date_of_birth_or_tax_id_in_any_business_answer) {
  node_process node{
      std::map<std::string, std::string>{{"KYB_SCREENING_UN_PATH", un_xml},
                                         {"KYB_SCREENING_REFRESH_INTERVAL", "0s"},
                                         {"KYB_CLASSIFICATION_MODEL_PATH", model_path},
                                         {"KYB_LOG_ACCESS", "false"}}};
  BOOST_REQUIRE(eventually(
      [&] { return node.op("GET", "/v1/lists").json()["data"].size() == 1u; }));
  auto [tenant, writer] = node.make_tenant({"read", "write", "admin"});
  auto made = node.op("POST", "/v1/tenants/" + tenant + "/api-keys",
                      json{{"name", "reader"}, {"scopes", {"read"}}}.dump());
  BOOST_REQUIRE_EQUAL(made.status, 201);
  auto reader = made.json()["key"].get<std::string>();

  auto created = node.call("POST", "/v1/businesses", business_body().dump(), writer);
  BOOST_TEST_INFO(created.body);
  BOOST_REQUIRE_EQUAL(created.status, 201);
  check_masked("the create answer", created.body);
  auto id = created.json()["id"].get<std::string>();
  auto base = "/v1/businesses/" + id;

  // The write key's answers: screening, classification, a decision on a hit.
  auto screened = node.call("POST", base + "/screen", "", writer);
  BOOST_TEST_INFO(screened.body);
  BOOST_REQUIRE_EQUAL(screened.status, 200);
  check_masked("POST /screen", screened.body);
  auto s = screened.json();
  // Each owner was screened with a date of birth; the explanation says how the years
  // compare, and nothing finer.
  auto details = refinement_details(s);
  BOOST_TEST_INFO(s.dump());
  BOOST_TEST(has(details, "Germain Katanga: year of birth matches (listed: 1978)"));
  BOOST_TEST(has(details, "Sultani Makenga: year of birth matches, month or day differs "
                          "(listed: 1973)"));
  BOOST_TEST(has(
      details, "Callixte Mbarushimana: year of birth differs by 3 years (listed: 1963)"));
  BOOST_REQUIRE(s["hits"].size() >= 1u);
  auto hit = s["hits"][0]["id"].get<std::string>();
  auto decided =
      node.call("POST", base + "/screening-hits/" + hit + "/decision",
                R"({"decision":"false_positive","reason":"other person"})", writer);
  BOOST_TEST_INFO(decided.body);
  BOOST_REQUIRE_EQUAL(decided.status, 200);
  check_masked("the decision answer", decided.body);
  auto classified = node.call("POST", base + "/classify", "", writer);
  BOOST_TEST_INFO(classified.body);
  BOOST_REQUIRE_EQUAL(classified.status, 200);
  check_masked("POST /classify", classified.body);

  // Every business answer the read key gets.
  for (auto& target :
       {base, std::string("/v1/businesses"), std::string("/v1/businesses?limit=1"),
        std::string("/v1/businesses/search?q=Kivu"),
        std::string("/v1/businesses/search?tax_id=98-7654321"), base + "/screening",
        base + "/classification"}) {
    auto r = node.call("GET", target, "", reader);
    BOOST_TEST_INFO(target << " -> " << r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    check_masked("GET " + target, r.body);
  }
  // The list shows the masked owners, as GET /v1/businesses/{id} does (it showed none).
  auto page = node.call("GET", "/v1/businesses", "", reader).json();
  BOOST_REQUIRE_EQUAL(page["data"].size(), 1u);
  auto& owners = page["data"][0]["owners"];
  BOOST_REQUIRE_EQUAL(owners.size(), 3u);
  BOOST_TEST(owners[0]["name"] == "Germain Katanga");
  BOOST_TEST(owners[0]["date_of_birth"] == "1978-**-**");
  BOOST_TEST(owners[0]["nationality"] == "CD");
  BOOST_TEST(owners[0]["ownership_percent"] == 40.0);
  BOOST_TEST(owners[2]["date_of_birth"] == "1960-**-**");
  BOOST_TEST(owners[2]["nationality"].is_null());
  BOOST_TEST(page["data"][0]["owners_masked"] == true);
  auto search = node.call("GET", "/v1/businesses/search?tax_id=98-7654321", "", reader);
  BOOST_REQUIRE_EQUAL(search.json()["data"].size(), 1u);

  // The read key cannot reveal; the admin's reveal is the one path, and it is audited.
  BOOST_TEST(node.call("GET", base + "?reveal=owners", "", reader).status == 403);
  auto shown = node.call("GET", base + "?reveal=tax_id,owners", "", writer);
  BOOST_REQUIRE_EQUAL(shown.status, 200);
  BOOST_TEST(shown.json()["owners"][0]["date_of_birth"] == owner_dobs[0]);
  BOOST_TEST(shown.json()["tax_id"] == "987654321");
  auto reveals =
      sql(node.database_url(),
          "SELECT count(*) FROM audit_logs WHERE action = 'business.reveal' AND "
          "target_id = '" +
              id + "'");
  BOOST_TEST(reveals[0][0] == "1");

  // Screening a name directly (read scope) does not echo the date it was given either.
  auto direct = node.call(
      "POST", "/v1/screenings",
      json{{"name", "Germain Katanga"}, {"date_of_birth", owner_dobs[0]}}.dump(), reader);
  BOOST_REQUIRE_EQUAL(direct.status, 200);
  check_masked("POST /v1/screenings", direct.body);
}

// The lookup step machine: the requests each registry gets (URLs, query encoding,
// headers), how later requests follow from earlier answers, the end results on the
// recorded answers, HTTP failures and bad answers mid-lookup, and which registries
// are chosen for a business.
#define BOOST_TEST_MODULE registry_plan
#include <boost/test/unit_test.hpp>

#include "actors/registry/registry_plan.hpp"
#include "runtime/base/crypto.hpp"
#include "test/actors/registry/registry_fixtures.hpp"

using namespace kyb::registry;
using kyb::registry::test::answer;
using kyb::registry::test::fetch_time;
using kyb::registry::test::fixture;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const name_matcher& names() {
  static const name_matcher m = name_matcher::standalone();
  return m;
}

adapter_config gleif_config() {
  adapter_config c;
  c.base_url = "https://api.gleif.org/api/v1/";
  c.user_agent = "kyb-platform/0.1 (compliance@example.com)";
  return c;
}

adapter_config ch_config() {
  adapter_config c;
  c.base_url = "https://api.company-information.service.gov.uk";
  c.api_key = "test-key";
  return c;
}

adapter_config sec_config() {
  adapter_config c;
  c.base_url = "https://data.sec.gov";
  c.tickers_url = "https://www.sec.gov/files/company_tickers.json";
  c.user_agent = "Example Compliance compliance@example.com";
  return c;
}

adapter_config oc_config() {
  adapter_config c;
  c.base_url = "https://api.opencorporates.com/v0.4";
  c.api_key = "tok123";
  return c;
}

std::vector<std::string> purposes(const plan_step& s) {
  std::vector<std::string> out;
  for (const auto& r : s.requests)
    out.push_back(r.purpose);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(gleif)

BOOST_AUTO_TEST_CASE(lei_record_then_parents) {
  lookup_state st;
  business_identifiers ids;
  ids.lei = " 21380068p1drhmj8ku70 ";
  ids.legal_name = "Shell p.l.c.";
  ids.country = "GB";
  auto s = plan_first(st, registry_kind::gleif, ids, gleif_config(), names());
  BOOST_REQUIRE(!s.done());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].method == "GET");
  BOOST_TEST(s.requests[0].url ==
             "https://api.gleif.org/api/v1/lei-records/21380068P1DRHMJ8KU70");
  BOOST_TEST(s.requests[0].header("user-agent") ==
             "kyb-platform/0.1 (compliance@example.com)");
  BOOST_TEST(s.requests[0].header("Accept") == "application/json");
  BOOST_TEST(s.requests[0].header("Authorization").empty());

  auto body = fixture("gleif/21380068P1DRHMJ8KU70.json");
  s = plan_next(st, {answer(200, body)});
  BOOST_REQUIRE(!s.done());
  BOOST_TEST(purposes(s) ==
             (std::vector<std::string>{"direct-parent", "ultimate-parent"}));
  BOOST_TEST(
      s.requests[0].url ==
      "https://api.gleif.org/api/v1/lei-records/21380068P1DRHMJ8KU70/direct-parent");
  BOOST_TEST(s.requests[1].absent_ok);

  // SHELL PLC reports no parent (a reporting exception): both answer 404.
  s = plan_next(st, {answer(404, ""), answer(404, "")});
  BOOST_REQUIRE(s.result);
  const auto& r = *s.result;
  BOOST_TEST(r.legal_name == "SHELL PLC");
  BOOST_TEST(r.registration_number == "04366849");
  BOOST_TEST(r.parents.empty());
  BOOST_TEST(r.source_url ==
             "https://api.gleif.org/api/v1/lei-records/21380068P1DRHMJ8KU70");
  BOOST_TEST((r.fetched_at == fetch_time()));
  BOOST_REQUIRE_EQUAL(r.documents.size(), 3u);
  // The digest MANIFEST.csv records for this file.
  BOOST_TEST(r.documents[0].sha256 ==
             "d5664d3fb56a993271cf2138e5552b47e76377609c1e09c1022dfa398358741d");
  BOOST_TEST(r.documents[1].http_status == 404);
  BOOST_REQUIRE(r.match.name_score);
  BOOST_TEST(*r.match.name_score >= 0.9);
  BOOST_TEST(r.match.number_agrees.value_or(false)); // the LEI
  BOOST_TEST(r.match.jurisdiction_agrees.value_or(false));
  BOOST_TEST(r.match.confidence >= 0.9);
  // The lookup has ended.
  auto after = plan_next(st, {answer(200, body)});
  BOOST_REQUIRE(after.error);
  BOOST_TEST(after.error->code == lookup_error_code::bad_input);
}

BOOST_AUTO_TEST_CASE(bloomberg_parents) {
  lookup_state st;
  business_identifiers ids;
  ids.lei = "5493001KJTIIGC8Y1R12";
  auto s = plan_first(st, registry_kind::gleif, ids, gleif_config(), names());
  s = plan_next(st, {answer(200, fixture("gleif/5493001KJTIIGC8Y1R12.json"))});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 2u);
  s = plan_next(
      st, {answer(200, fixture("gleif/5493001KJTIIGC8Y1R12_direct-parent.json")),
           answer(200, fixture("gleif/5493001KJTIIGC8Y1R12_ultimate-parent.json"))});
  BOOST_REQUIRE(s.result);
  BOOST_REQUIRE_EQUAL(s.result->parents.size(), 2u);
  BOOST_TEST(s.result->parents[0].relation == "direct");
  BOOST_TEST(s.result->parents[0].name == "Bloomberg L.P.");
  BOOST_TEST(s.result->parents[1].relation == "ultimate");
  BOOST_TEST(s.result->parents[1].id == "549300RMUDWPHCUQNE66");
  // No name declared: the LEI alone decides.
  BOOST_TEST(!s.result->match.name_score);
  BOOST_TEST(s.result->match.confidence == 1.0);
}

BOOST_AUTO_TEST_CASE(name_search_picks_the_best_completion) {
  lookup_state st;
  business_identifiers ids;
  ids.legal_name = "Facebook Operations, LLC";
  auto s = plan_first(st, registry_kind::gleif, ids, gleif_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url ==
             "https://api.gleif.org/api/v1/fuzzycompletions?field=entity.legalName&"
             "q=Facebook%20Operations%2C%20LLC");
  s = plan_next(st, {answer(200, fixture("gleif/fuzzycompletions_facebook.json"))});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url ==
             "https://api.gleif.org/api/v1/lei-records/549300BACZP326UOBH06");

  lookup_state other;
  ids.legal_name = "Zebra Plumbing Ltd";
  s = plan_first(other, registry_kind::gleif, ids, gleif_config(), names());
  s = plan_next(other, {answer(200, fixture("gleif/fuzzycompletions_facebook.json"))});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_found);
  BOOST_TEST(contains(s.error->message, "no candidate's name matches"), s.error->message);
}

BOOST_AUTO_TEST_CASE(bad_identifiers) {
  lookup_state st;
  business_identifiers ids;
  ids.lei = "21380068P1DRHMJ8KU71";
  auto s = plan_first(st, registry_kind::gleif, ids, gleif_config(), names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::bad_input);
  BOOST_TEST(contains(s.error->message, "not a valid LEI"), s.error->message);
  s = plan_first(st, registry_kind::gleif, business_identifiers{}, gleif_config(),
                 names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::bad_input);
  adapter_config none;
  ids.lei = "21380068P1DRHMJ8KU70";
  s = plan_first(st, registry_kind::gleif, ids, none, names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_configured);
}

BOOST_AUTO_TEST_CASE(truncated_record_mid_lookup) {
  lookup_state st;
  business_identifiers ids;
  ids.lei = "21380068P1DRHMJ8KU70";
  plan_first(st, registry_kind::gleif, ids, gleif_config(), names());
  auto body = fixture("gleif/21380068P1DRHMJ8KU70.json");
  auto s = plan_next(st, {answer(200, body.substr(0, 1000))});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->registry == registry_kind::gleif);
  BOOST_TEST(s.error->code == lookup_error_code::malformed_response);
  BOOST_TEST(contains(s.error->message, "lei-record: not valid JSON"), s.error->message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(companies_house)

BOOST_AUTO_TEST_CASE(number_then_profile_then_details) {
  lookup_state st;
  business_identifiers ids;
  ids.registration_number = "2200605";
  ids.legal_name = "Jojo Ltd";
  ids.country = "GB";
  auto s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url ==
             "https://api.company-information.service.gov.uk/company/02200605");
  // The key is the basic-auth user, the password empty: base64("test-key:").
  BOOST_TEST(s.requests[0].header("Authorization") == "Basic dGVzdC1rZXk6");

  s = plan_next(
      st,
      {answer(200, fixture("companies_house/02200605_dissolved_with_insolvency.json"))});
  // has_insolvency_history and has_charges are true: both are asked for.
  BOOST_TEST(purposes(s) == (std::vector<std::string>{"psc", "officers", "filing-history",
                                                      "insolvency", "charges"}));
  BOOST_TEST(s.requests[0].url ==
             "https://api.company-information.service.gov.uk/company/"
             "02200605/persons-with-significant-control?items_per_page=100");
  for (const auto& r : s.requests) {
    BOOST_TEST(r.absent_ok);
    BOOST_TEST(r.header("Authorization") == "Basic dGVzdC1rZXk6");
  }
  s = plan_next(st, {answer(404, fixture("companies_house/company_not_found.json")),
                     answer(404, ""),
                     answer(200, fixture("companies_house/filing_history_example.json")),
                     answer(200, fixture("companies_house/insolvency_example.json")),
                     answer(200, fixture("companies_house/02497589_charges.json"))});
  BOOST_REQUIRE(s.result);
  const auto& r = *s.result;
  BOOST_TEST(r.legal_name == "JOJO LIMITED");
  BOOST_TEST(r.status == company_status::dissolved);
  BOOST_TEST(r.insolvency_history.value_or(false));
  BOOST_TEST(r.outstanding_charges.value_or(-1) == 1);
  BOOST_TEST(r.last_filing_date.value_or("") == "2015-04-07");
  BOOST_TEST(r.significant_control.empty());
  BOOST_TEST(r.documents.size() == 6u);
  BOOST_TEST(r.match.number_agrees.value_or(false)); // 2200605 == 02200605
  BOOST_TEST(r.match.jurisdiction_agrees.value_or(false));
  BOOST_TEST(r.match.confidence >= 0.9);
}

BOOST_AUTO_TEST_CASE(profile_without_charges_skips_them) {
  lookup_state st;
  business_identifiers ids;
  ids.registration_number = "00006402";
  auto s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  s = plan_next(
      st, {answer(200, fixture("companies_house/00006402_liquidation_chs-itest.json"))});
  // has_insolvency_history: true; has_charges absent: the charges are asked for too.
  BOOST_TEST(purposes(s) == (std::vector<std::string>{"psc", "officers", "filing-history",
                                                      "insolvency", "charges"}));
  lookup_state st2;
  ids.registration_number = "02894655";
  s = plan_first(st2, registry_kind::companies_house, ids, ch_config(), names());
  auto body = fixture("companies_house/02894655_dissolved.json");
  body.insert(body.find('{') + 1, "\"has_charges\": false,");
  s = plan_next(st2, {answer(200, body)});
  BOOST_TEST(purposes(s) ==
             (std::vector<std::string>{"psc", "officers", "filing-history"}));
  s = plan_next(st2,
                {answer(200, fixture("companies_house/psc_individual_chs-itest.json")),
                 answer(404, ""), answer(404, "")});
  BOOST_REQUIRE(s.result);
  BOOST_TEST(s.result->outstanding_charges.value_or(-1) == 0);
  BOOST_REQUIRE_EQUAL(s.result->significant_control.size(), 1u);
  BOOST_TEST(s.result->significant_control[0].name == "PHIL tom JONES");
}

BOOST_AUTO_TEST_CASE(search_then_best_candidate) {
  lookup_state st;
  business_identifiers ids;
  ids.legal_name = "Python Limited";
  ids.country = "GB";
  auto s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url == "https://api.company-information.service.gov.uk/search/"
                                  "companies?q=Python%20Limited&items_per_page=20");
  s = plan_next(st,
                {answer(200, fixture("companies_house/search_companies_q-python.json"))});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  // Two PYTHON LIMITEDs: the active one (07359966) before the dissolved (02054368).
  BOOST_TEST(s.requests[0].url ==
             "https://api.company-information.service.gov.uk/company/07359966");
}

BOOST_AUTO_TEST_CASE(failures) {
  business_identifiers ids;
  ids.registration_number = "02200605";
  lookup_state st;
  adapter_config no_key = ch_config();
  no_key.api_key.clear();
  auto s = plan_first(st, registry_kind::companies_house, ids, no_key, names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_configured);

  ids.registration_number = "02200605/1";
  s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::bad_input);

  ids.registration_number = "02200605";
  s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  s = plan_next(st, {answer(429, "", {{"Retry-After", "30"}})});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::rate_limited);
  BOOST_TEST(s.error->retry_after.value_or(std::chrono::seconds(0)).count() == 30);

  s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  s = plan_next(st, {answer(404, fixture("companies_house/company_not_found.json"))});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_found);
  BOOST_TEST(contains(s.error->message, "company-profile-not-found"), s.error->message);

  s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  s = plan_next(st, {answer(200, "{\"company_number\": 2200605}")});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->to_string() ==
             "companies_house: malformed_response: company profile: company_number is a "
             "number, expected a string");

  s = plan_first(st, registry_kind::companies_house, ids, ch_config(), names());
  s = plan_next(st, {answer(200, ""), answer(200, "")});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::bad_input);
  BOOST_TEST(contains(s.error->message, "2 responses to 1 requests"), s.error->message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sec_edgar)

BOOST_AUTO_TEST_CASE(cik_then_submissions) {
  lookup_state st;
  business_identifiers ids;
  ids.cik = "1318605";
  ids.legal_name = "Tesla Inc";
  ids.jurisdiction = "US-DE";
  auto s = plan_first(st, registry_kind::sec_edgar, ids, sec_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url == "https://data.sec.gov/submissions/CIK0001318605.json");
  BOOST_TEST(s.requests[0].header("User-Agent") ==
             "Example Compliance compliance@example.com");
  s = plan_next(st,
                {answer(200, fixture("sec_edgar/submissions_CIK0001318605_tesla.json"))});
  BOOST_REQUIRE(s.result);
  BOOST_TEST(s.result->entity_id == "0001318605");
  BOOST_TEST(s.result->source_url ==
             "https://data.sec.gov/submissions/CIK0001318605.json");
  BOOST_TEST(s.result->match.number_agrees.value_or(false));
  BOOST_TEST(s.result->match.jurisdiction_agrees.value_or(false));
  BOOST_TEST(s.result->match.confidence >= 0.9);
}

BOOST_AUTO_TEST_CASE(ticker_and_name_through_company_tickers) {
  auto tickers = fixture("sec_edgar/company_tickers_first30_DERIVED.json");
  lookup_state st;
  business_identifiers ids;
  ids.ticker = "TSLA";
  auto s = plan_first(st, registry_kind::sec_edgar, ids, sec_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url == "https://www.sec.gov/files/company_tickers.json");
  s = plan_next(st, {answer(200, tickers)});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url == "https://data.sec.gov/submissions/CIK0001318605.json");

  lookup_state by_name;
  ids = {};
  ids.legal_name = "Berkshire Hathaway Inc.";
  s = plan_first(by_name, registry_kind::sec_edgar, ids, sec_config(), names());
  s = plan_next(by_name, {answer(200, tickers)});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(s.requests[0].url == "https://data.sec.gov/submissions/CIK0001067983.json");

  lookup_state unknown;
  ids = {};
  ids.ticker = "ZZZZZ";
  s = plan_first(unknown, registry_kind::sec_edgar, ids, sec_config(), names());
  s = plan_next(unknown, {answer(200, tickers)});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_found);
}

BOOST_AUTO_TEST_CASE(name_search_in_a_long_list) {
  // Over 200 rows the list is narrowed by word prefixes before scoring: a typo in one
  // word still finds the company through the other word.
  std::string body = "{";
  for (int i = 0; i < 400; ++i)
    body += "\"" + std::to_string(i) + "\":{\"cik_str\":" + std::to_string(1000 + i) +
            ",\"ticker\":\"T" + std::to_string(i) + "\",\"title\":\"Filler Holdings " +
            std::to_string(i) + " Inc\"},";
  body +=
      R"("400":{"cik_str":1067983,"ticker":"BRK-B","title":"BERKSHIRE HATHAWAY INC"}})";
  for (const char* name : {"Berkshire Hathaway Inc.", "Berkshre Hathaway"}) {
    lookup_state st;
    business_identifiers ids;
    ids.legal_name = name;
    auto s = plan_first(st, registry_kind::sec_edgar, ids, sec_config(), names());
    s = plan_next(st, {answer(200, body)});
    BOOST_REQUIRE_MESSAGE(s.requests.size() == 1u, name);
    BOOST_TEST(s.requests[0].url == "https://data.sec.gov/submissions/CIK0001067983.json",
               name);
  }
}

BOOST_AUTO_TEST_CASE(user_agent_is_required) {
  lookup_state st;
  business_identifiers ids;
  ids.cik = "1318605";
  auto c = sec_config();
  c.user_agent = "  ";
  auto s = plan_first(st, registry_kind::sec_edgar, ids, c, names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_configured);
  BOOST_TEST(contains(s.error->message, "User-Agent"), s.error->message);
  ids.cik = "CIK1318605";
  s = plan_first(st, registry_kind::sec_edgar, ids, sec_config(), names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::bad_input);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(opencorporates)

BOOST_AUTO_TEST_CASE(company_by_jurisdiction_and_number) {
  lookup_state st;
  business_identifiers ids;
  ids.jurisdiction = "NL";
  ids.registration_number = "17087985";
  ids.legal_name = "Bover BV";
  auto s = plan_first(st, registry_kind::opencorporates, ids, oc_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(
      s.requests[0].url ==
      "https://api.opencorporates.com/v0.4/companies/nl/17087985?api_token=tok123");
  BOOST_TEST(
      s.requests[0].log_url ==
      "https://api.opencorporates.com/v0.4/companies/nl/17087985?api_token=REDACTED");
  s = plan_next(
      st, {answer(200, fixture("opencorporates/company_nl_17087985_WRITTEN.json"))});
  BOOST_REQUIRE(s.result);
  BOOST_TEST(s.result->entity_id == "nl/17087985");
  BOOST_TEST(!contains(s.result->source_url, "tok123"));
  BOOST_TEST(!contains(s.result->documents.at(0).url, "tok123"));
  BOOST_TEST(s.result->match.confidence >= 0.9);
}

BOOST_AUTO_TEST_CASE(search_then_company) {
  lookup_state st;
  business_identifiers ids;
  ids.legal_name = "Barclays Bank plc";
  ids.country = "GB";
  auto s = plan_first(st, registry_kind::opencorporates, ids, oc_config(), names());
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(
      s.requests[0].url ==
      "https://api.opencorporates.com/v0.4/companies/search?q=Barclays%20Bank%20plc&"
      "jurisdiction_code=gb&per_page=20&api_token=tok123");
  s = plan_next(
      st,
      {answer(200, fixture("opencorporates/companies_search_barclays_WRITTEN.json"))});
  BOOST_REQUIRE_EQUAL(s.requests.size(), 1u);
  BOOST_TEST(
      s.requests[0].url ==
      "https://api.opencorporates.com/v0.4/companies/gb/01026167?api_token=tok123");
}

BOOST_AUTO_TEST_CASE(bad_token_is_unauthorized_and_not_logged) {
  lookup_state st;
  business_identifiers ids;
  ids.legal_name = "Barclays Bank plc";
  auto s = plan_first(st, registry_kind::opencorporates, ids, oc_config(), names());
  s = plan_next(st, {answer(401, fixture("opencorporates/error_401_WRITTEN.json"))});
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::unauthorized);
  BOOST_TEST(!contains(s.error->url, "tok123"), s.error->url);
  BOOST_TEST(!contains(s.error->to_string(), "tok123"));
  adapter_config none = oc_config();
  none.api_key.clear();
  s = plan_first(st, registry_kind::opencorporates, ids, none, names());
  BOOST_REQUIRE(s.error);
  BOOST_TEST(s.error->code == lookup_error_code::not_configured);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(selection)

BOOST_AUTO_TEST_CASE(rules) {
  registry_availability all{true, true, true, true};
  using v = std::vector<registry_kind>;
  business_identifiers ids;
  ids.lei = "21380068P1DRHMJ8KU70";
  BOOST_TEST((select_registries(ids, all) == v{registry_kind::gleif}));
  ids.country = "GB";
  ids.registration_number = "04366849";
  BOOST_TEST((select_registries(ids, all) ==
              v{registry_kind::gleif, registry_kind::companies_house}));
  ids = {};
  ids.country = "gb";
  ids.legal_name = "Shell plc";
  BOOST_TEST((select_registries(ids, all) == v{registry_kind::companies_house}));
  ids = {};
  ids.jurisdiction = "US-DE"; // the country follows from the jurisdiction
  ids.ticker = "TSLA";
  BOOST_TEST((select_registries(ids, all) == v{registry_kind::sec_edgar}));
  ids = {};
  ids.country = "US";
  ids.cik = "1318605";
  ids.legal_name = "Tesla, Inc.";
  registry_availability no_sec{true, true, false, true};
  BOOST_TEST((select_registries(ids, no_sec) ==
              v{registry_kind::opencorporates, registry_kind::gleif}));
  ids = {};
  ids.country = "DE";
  ids.legal_name = "PUMA SE";
  BOOST_TEST((select_registries(ids, all) ==
              v{registry_kind::opencorporates, registry_kind::gleif}));
  registry_availability gleif_only{true, false, false, false};
  BOOST_TEST((select_registries(ids, gleif_only) == v{registry_kind::gleif}));
  ids.legal_name.clear();
  ids.registration_number = "HRB 13085";
  BOOST_TEST((select_registries(ids, all) == v{registry_kind::opencorporates}));
  BOOST_TEST(select_registries(business_identifiers{}, all).empty());
  ids = {};
  ids.country = "GB";
  ids.registration_number = "04366849";
  BOOST_TEST(select_registries(ids, gleif_only).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http)

BOOST_AUTO_TEST_CASE(urls_are_percent_encoded) {
  BOOST_TEST(percent_encode("a b&c=d/\xc3\xa9~_.-") == "a%20b%26c%3Dd%2F%C3%A9~_.-");
  BOOST_TEST(build_url("https://x.test//", "/p", {{"q", "A+B"}, {"k", ""}}) ==
             "https://x.test/p?q=A%2BB&k=");
  BOOST_TEST(build_url("https://x.test", "p") == "https://x.test/p");
  BOOST_TEST(redact_query("https://x.test/p?a=1&api_token=s3cret&b=2", {"api_token"}) ==
             "https://x.test/p?a=1&api_token=REDACTED&b=2");
}

BOOST_AUTO_TEST_CASE(retry_after_forms) {
  auto now = fetch_time();
  BOOST_TEST(parse_retry_after("120", now).value_or(std::chrono::seconds(-1)).count() ==
             120);
  BOOST_TEST(parse_retry_after(" 0 ", now).value_or(std::chrono::seconds(-1)).count() ==
             0);
  BOOST_TEST(parse_retry_after("Sun, 06 Dec 2026 11:00:10 GMT", now)
                 .value_or(std::chrono::seconds(-1))
                 .count() == 10);
  // A date in the past: retry now.
  BOOST_TEST(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now)
                 .value_or(std::chrono::seconds(-1))
                 .count() == 0);
  BOOST_TEST(!parse_retry_after("", now));
  BOOST_TEST(!parse_retry_after("-5", now));
  BOOST_TEST(!parse_retry_after("99999999999999999999", now));
  BOOST_TEST(!parse_retry_after("Sun, 06 Foo 2026 11:00:10 GMT", now));
}

BOOST_AUTO_TEST_SUITE_END()

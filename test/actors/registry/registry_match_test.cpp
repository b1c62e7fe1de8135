// Matching a registry record to the declared business (the screening engine's name
// scorer, legal-form aware; jurisdiction and number), the owner comparison, the JSON
// writer and the risk engine's summary.
#define BOOST_TEST_MODULE registry_match
#include <boost/test/unit_test.hpp>

#include "actors/registry/registry_json.hpp"
#include "actors/registry/registry_match.hpp"
#include "actors/registry/registry_parse.hpp"
#include "test/actors/registry/registry_fixtures.hpp"

using namespace kyb::registry;
using kyb::registry::test::fetch_time;
using kyb::registry::test::fixture;

namespace {

const name_matcher& names() {
  static const name_matcher m = name_matcher::standalone();
  return m;
}

registry_result shell() {
  auto r = parse_gleif_lei_record(fixture("gleif/21380068P1DRHMJ8KU70.json"));
  BOOST_REQUIRE(r.has_value());
  return r.value();
}

registry_person person(std::string name, std::string kind, bool ceased = false) {
  registry_person p;
  p.name = std::move(name);
  p.kind = std::move(kind);
  p.ceased = ceased;
  return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(legal_form_aware_name_scores) {
  BOOST_TEST(names().entity_score("Shell plc", "SHELL PLC") >= 0.99);
  BOOST_TEST(names().entity_score("Shell p.l.c.", "SHELL PLC") >= 0.99);
  // A different legal form costs little (legal forms are down-weighted)...
  BOOST_TEST(names().entity_score("Shell Limited", "SHELL PLC") >= 0.85);
  // ...a different name a lot.
  BOOST_TEST(names().entity_score("Acme Widgets LLC", "SHELL PLC") < 0.2);
  BOOST_TEST(names().entity_score("Tesla Inc", "TESLA MOTORS INC") <
             names().entity_score("Tesla Inc", "Tesla, Inc."));
  BOOST_TEST(names().person_score("Phil Tom Jones", "JONES, Phil Tom") >= 0.99);
  BOOST_TEST(names().entity_score("", "SHELL PLC") == 0.0);
  BOOST_TEST(names().entity_score(std::string(600, 'a'), "SHELL PLC") == 0.0);
}

BOOST_AUTO_TEST_CASE(numbers_and_jurisdictions) {
  BOOST_TEST(same_registration_number("04366849", "4366849"));
  BOOST_TEST(same_registration_number("HRB 7042", "hrb7042"));
  BOOST_TEST(!same_registration_number("04366849", "04366848"));
  BOOST_TEST(!same_registration_number("000", "0"));
  BOOST_TEST(normalize_jurisdiction("us_de") == "US-DE");
  BOOST_TEST(normalize_jurisdiction("england-wales") == "GB");
  BOOST_TEST(same_jurisdiction("GB", "england-wales"));
  BOOST_TEST(same_jurisdiction("US", "US-DE"));
  BOOST_TEST(same_jurisdiction("us_de", "US-DE"));
  BOOST_TEST(!same_jurisdiction("US-DE", "US-NY"));
  BOOST_TEST(!same_jurisdiction("GB", "US"));
  BOOST_TEST(!same_jurisdiction("", "US"));
}

BOOST_AUTO_TEST_CASE(confidence_weights) {
  match_evidence e;
  BOOST_TEST(match_confidence(e) == 0.0);
  e.name_score = 1.0;
  BOOST_TEST(match_confidence(e) == 1.0);
  e.number_agrees = true;
  e.jurisdiction_agrees = true;
  BOOST_TEST(match_confidence(e) == 1.0);
  e.name_score = 0.9;
  e.number_agrees = false;
  e.jurisdiction_agrees.reset();
  BOOST_TEST(match_confidence(e) == 0.6, boost::test_tools::tolerance(1e-9));
  e.jurisdiction_agrees = false;
  BOOST_TEST(match_confidence(e) == 0.54, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(evidence_on_shell) {
  auto r = shell();
  business_identifiers ids;
  ids.legal_name = "Shell plc";
  ids.country = "GB";
  ids.registration_number = "4366849";
  auto e = evaluate_match(ids, r, names());
  BOOST_TEST(e.jurisdiction_agrees.value_or(false));
  BOOST_TEST(e.number_agrees.value_or(false));
  BOOST_TEST(e.confidence >= 0.99);
  ids.registration_number = "12345678";
  ids.country = "US";
  e = evaluate_match(ids, r, names());
  BOOST_TEST(!e.number_agrees.value_or(true));
  BOOST_TEST(!e.jurisdiction_agrees.value_or(true));
  BOOST_TEST(e.confidence < 0.7);
  // Another LEI than the record's: the identifiers disagree.
  ids = {};
  ids.lei = "5493001KJTIIGC8Y1R12";
  e = evaluate_match(ids, r, names());
  BOOST_TEST(!e.number_agrees.value_or(true));
  BOOST_TEST(e.confidence == 0.0);
}

BOOST_AUTO_TEST_CASE(owners_matched_missing_extra) {
  registry_result r;
  r.registry = registry_kind::companies_house;
  auto pscs = parse_ch_pscs(fixture("companies_house/psc_individual_chs-itest.json"));
  BOOST_REQUIRE(pscs.has_value());
  auto phil = pscs.value().front(); // PHIL tom JONES, ceased in the fixture
  BOOST_REQUIRE(phil.ceased);
  r.significant_control.push_back(phil);
  phil.ceased = false;
  phil.ceased_on.reset();
  r.significant_control.push_back(phil);
  r.significant_control.push_back(person("ACME HOLDINGS LIMITED", "corporate"));
  r.significant_control.push_back(person("OLD OWNER", "individual", true));
  r.officers.push_back(person("ROE, Jane", "individual"));
  r.officers.push_back(person("SMITH, John", "individual", true)); // resigned

  std::vector<declared_owner> owners{{"Phil Tom Jones", false},
                                     {"Jane Roe", false},
                                     {"John Smith", false},
                                     {"Acme Holdings Ltd", true}};
  auto c = compare_owners(owners, r, names());
  BOOST_REQUIRE_EQUAL(c.matched.size(), 3u);
  BOOST_TEST(c.matched[0].score >= c.matched[2].score);
  std::vector<std::string> declared, registered;
  for (const auto& m : c.matched) {
    declared.push_back(m.declared);
    registered.push_back(m.registered);
  }
  std::sort(declared.begin(), declared.end());
  BOOST_TEST(declared == (std::vector<std::string>{"Acme Holdings Ltd", "Jane Roe",
                                                   "Phil Tom Jones"}));
  BOOST_TEST(c.missing == std::vector<std::string>{"John Smith"});
  BOOST_TEST(c.extra.empty());

  // Nobody declared: every current PSC is extra, no officer is.
  c = compare_owners({}, r, names());
  BOOST_TEST(c.matched.empty());
  BOOST_TEST(c.extra ==
             (std::vector<std::string>{"PHIL tom JONES", "ACME HOLDINGS LIMITED"}));
  // A near name below the threshold is not a match.
  c = compare_owners({{"Philippa Jonestown", false}}, r, names());
  BOOST_TEST(c.matched.empty());
  BOOST_TEST(c.missing == std::vector<std::string>{"Philippa Jonestown"});
}

BOOST_AUTO_TEST_CASE(json_writer) {
  auto r = shell();
  r.fetched_at = fetch_time();
  r.documents.push_back(describe(r.source_url, "{}", 200, fetch_time()));
  r.parents.push_back({"direct", "549300B56MD0ZC402L06", "Bloomberg L.P.", "US-DE"});
  r.owners = owner_comparison{{{"Jane Roe", "ROE, Jane", 1.0}}, {"John Smith"}, {}};
  r.match.name_score = 1.0;
  r.match.confidence = 1.0;
  auto j = to_json(r);
  BOOST_TEST(j["registry"] == "gleif");
  BOOST_TEST(j["entity_id"] == "21380068P1DRHMJ8KU70");
  BOOST_TEST(j["status"] == "active");
  BOOST_TEST(j["registry_status"] == "ACTIVE (LEI ISSUED)");
  BOOST_TEST(j["legal_name"] == "SHELL PLC");
  BOOST_TEST(j["registration_number"] == "04366849");
  BOOST_TEST(j["incorporation_date"] == "2002-02-05");
  BOOST_TEST(j["registered_address"]["postal_code"] == "SE1 7NA");
  BOOST_TEST(j["match"]["confidence"] == 1.0);
  BOOST_TEST(!j["match"].contains("registration_number_agrees"));
  BOOST_TEST(j["fetched_at"] == "2026-12-06T11:00:00Z");
  BOOST_TEST(j["documents"][0]["sha256"] ==
             "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  BOOST_TEST(j["parents"][0]["name"] == "Bloomberg L.P.");
  BOOST_TEST(j["owners"]["missing"][0] == "John Smith");
  BOOST_TEST(j["officers"].is_array());
  BOOST_TEST(!j.contains("dissolution_date"));

  // Months of birth show the year only unless revealed.
  auto pscs = parse_ch_pscs(fixture("companies_house/psc_individual_chs-itest.json"));
  BOOST_REQUIRE(pscs.has_value());
  r.significant_control = pscs.value();
  auto masked = to_json(r)["persons_with_significant_control"][0];
  BOOST_TEST(masked["name"] == "PHIL tom JONES");
  BOOST_TEST(masked["birth_month"] == "1995-**");
  BOOST_TEST(masked["ceased_on"] == "2021-11-02");
  BOOST_TEST(to_json(r, true)["persons_with_significant_control"][0]["birth_month"] ==
             "1995-10");

  lookup_error e;
  e.registry = registry_kind::companies_house;
  e.code = lookup_error_code::rate_limited;
  e.message = "company-profile: rate limited";
  e.http_status = 429;
  e.retry_after = std::chrono::seconds(30);
  auto ej = to_json(e);
  BOOST_TEST(ej["registry"] == "companies_house");
  BOOST_TEST(ej["code"] == "rate_limited");
  BOOST_TEST(ej["retry_after_seconds"] == 30);
  BOOST_TEST(!ej.contains("url"));
}

BOOST_AUTO_TEST_CASE(error_messages_stay_valid_utf8) {
  // A non-date of 2-byte characters: the message quotes it cut at 40 bytes, which must
  // not split a character, or dumping the error's JSON would throw.
  std::string word;
  for (int i = 0; i < 30; ++i)
    word += "\xc3\xa9"; // é
  auto r = parse_ch_profile(R"({"company_name":"X","company_number":"1",)"
                            R"("date_of_creation":"x)" +
                            word + "\"}");
  BOOST_REQUIRE(!r.has_value());
  auto message = r.error().message;
  BOOST_TEST(message.find("date_of_creation is \"x") != std::string::npos, message);
  BOOST_TEST(message.find("...\", expected a date") != std::string::npos, message);
  std::string dumped;
  BOOST_CHECK_NO_THROW(dumped = to_json(r.error()).dump());
  BOOST_TEST(dumped.find("expected a date") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(risk_summary) {
  auto r = parse_ch_profile(
      fixture("companies_house/02200605_dissolved_with_insolvency.json"));
  BOOST_REQUIRE(r.has_value());
  r->match.confidence = 0.95;
  auto in = to_risk_input(r.value());
  BOOST_TEST(in.source == "companies_house");
  BOOST_TEST(in.found);
  BOOST_TEST((in.status == kyb::risk::registry_status::dissolved));
  BOOST_TEST(in.registered_name.value_or("") == "JOJO LIMITED");
  BOOST_TEST(in.incorporation_date.value_or("") == "1987-11-30");
  // A weak match is another company: not found.
  r->match.confidence = 0.3;
  in = to_risk_input(r.value());
  BOOST_TEST(!in.found);
  BOOST_TEST(!in.registered_name);

  lookup_error e;
  e.registry = registry_kind::sec_edgar;
  e.code = lookup_error_code::not_found;
  auto nf = to_risk_input(e);
  BOOST_REQUIRE(nf);
  BOOST_TEST(!nf->found);
  BOOST_TEST(nf->source == "sec_edgar");
  e.code = lookup_error_code::rate_limited;
  BOOST_TEST(!to_risk_input(e));
}

// The registry parsers on real recorded answers (GLEIF, Companies House, SEC EDGAR)
// and on OpenCorporates answers written in its documented shape; bad input of every
// kind ends in a malformed_response error naming the registry and the problem.
#define BOOST_TEST_MODULE registry_parse
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/registry/registry_parse.hpp"
#include "actors/registry/registry_request.hpp"
#include "test/actors/registry/registry_fixtures.hpp"

using namespace kyb::registry;
using kyb::registry::test::answer;
using kyb::registry::test::fixture;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

template <class T>
lookup_error error_of(const parsed<T>& p) {
  BOOST_REQUIRE(!p.has_value());
  return p.error();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "fixture lacks " << from);
  return text.replace(at, from.size(), to);
}

} // namespace

BOOST_AUTO_TEST_SUITE(gleif)

BOOST_AUTO_TEST_CASE(shell_plc_lei_record) {
  auto r = parse_gleif_lei_record(fixture("gleif/21380068P1DRHMJ8KU70.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->entity_id == "21380068P1DRHMJ8KU70");
  BOOST_TEST(r->legal_name == "SHELL PLC");
  BOOST_TEST(r->jurisdiction == "GB");
  BOOST_TEST(r->registration_number == "04366849");
  BOOST_TEST(r->legal_form == "ELF B6ES");
  BOOST_TEST(r->status == company_status::active);
  BOOST_TEST(r->registry_status == "ACTIVE (LEI ISSUED)");
  BOOST_REQUIRE(r->incorporation_date);
  BOOST_TEST(*r->incorporation_date == "2002-02-05");
  BOOST_REQUIRE_EQUAL(r->previous_names.size(), 1u);
  BOOST_TEST(r->previous_names[0] == "ROYAL DUTCH SHELL PLC");
  BOOST_TEST(r->registered_address.lines == std::vector<std::string>{"SHELL CENTRE"});
  BOOST_TEST(r->registered_address.city == "LONDON");
  BOOST_TEST(r->registered_address.postal_code == "SE1 7NA");
  BOOST_TEST(r->registered_address.country == "GB");
  BOOST_REQUIRE(r->business_address);
  BOOST_TEST(r->business_address->region == "GB-LND");
  BOOST_TEST(r->source_url ==
             "https://api.gleif.org/api/v1/lei-records/21380068P1DRHMJ8KU70");
}

BOOST_AUTO_TEST_CASE(lapsed_lei_is_not_a_closed_company) {
  auto r = parse_gleif_lei_record(fixture("gleif/335800CCCPHKUOXPC332.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->legal_name == "NFA INTERNATIONAL");
  BOOST_TEST(r->jurisdiction == "IN");
  BOOST_TEST(r->status == company_status::active);
  BOOST_TEST(r->registry_status == "ACTIVE (LEI LAPSED)");
}

BOOST_AUTO_TEST_CASE(inactive_dissolved_entity) {
  auto body = fixture("gleif/21380068P1DRHMJ8KU70.json");
  body = replace(body, R"("status":"ACTIVE")", R"("status":"INACTIVE")");
  body = replace(body, R"("expiration":{"date":null,"reason":null})",
                 R"("expiration":{"date":"2024-03-01T00:00:00Z","reason":"DISSOLVED"})");
  auto r = parse_gleif_lei_record(body);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == company_status::dissolved);
  BOOST_REQUIRE(r->dissolution_date);
  BOOST_TEST(*r->dissolution_date == "2024-03-01");
}

BOOST_AUTO_TEST_CASE(fuzzy_completions) {
  auto c = parse_gleif_fuzzy_completions(fixture("gleif/fuzzycompletions_facebook.json"));
  BOOST_REQUIRE(c.has_value());
  BOOST_REQUIRE_EQUAL(c->size(), 3u);
  BOOST_TEST((c.value())[0].name == "FACEBOOK OPERATIONS, LLC");
  BOOST_TEST((c.value())[0].id == "549300BACZP326UOBH06");
  BOOST_TEST((c.value())[2].id == "635400XSFNRXSVRFGR47");
}

BOOST_AUTO_TEST_CASE(bloomberg_parents) {
  auto d = parse_gleif_parent(fixture("gleif/5493001KJTIIGC8Y1R12_direct-parent.json"),
                              "direct");
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->id == "549300B56MD0ZC402L06");
  BOOST_TEST(d->name == "Bloomberg L.P.");
  BOOST_TEST(d->jurisdiction == "US-DE");
  auto u = parse_gleif_parent(fixture("gleif/5493001KJTIIGC8Y1R12_ultimate-parent.json"),
                              "ultimate");
  BOOST_REQUIRE(u.has_value());
  BOOST_TEST(u->relation == "ultimate");
  BOOST_TEST(u->id == "549300RMUDWPHCUQNE66");
  BOOST_TEST(u->name == "Bloomberg Inc.");
}

BOOST_AUTO_TEST_CASE(lei_check_digits) {
  BOOST_TEST(valid_lei("21380068P1DRHMJ8KU70"));
  BOOST_TEST(valid_lei("5493001KJTIIGC8Y1R12"));
  BOOST_TEST(!valid_lei("21380068P1DRHMJ8KU71")); // one check digit off
  BOOST_TEST(!valid_lei("21380068p1drhmj8ku70")); // lower case
  BOOST_TEST(!valid_lei("21380068P1DRHMJ8KU7"));  // 19 characters
  BOOST_TEST(!valid_lei(""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(companies_house)

BOOST_AUTO_TEST_CASE(dissolved_profile_with_insolvency) {
  auto r = parse_ch_profile(
      fixture("companies_house/02200605_dissolved_with_insolvency.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->entity_id == "02200605");
  BOOST_TEST(r->legal_name == "JOJO LIMITED");
  BOOST_TEST(r->status == company_status::dissolved);
  BOOST_TEST(r->registry_status == "dissolved");
  BOOST_TEST(r->incorporation_date.value_or("") == "1987-11-30");
  BOOST_TEST(r->dissolution_date.value_or("") == "2012-04-10");
  BOOST_TEST(r->jurisdiction == "GB");
  BOOST_TEST(r->legal_form == "ltd");
  BOOST_TEST(r->previous_names == std::vector<std::string>{"TODAYS DREAMS LIMITED"});
  BOOST_REQUIRE_EQUAL(r->industry_codes.size(), 1u);
  BOOST_TEST(r->industry_codes[0].scheme == "SIC");
  BOOST_TEST(r->industry_codes[0].code == "1823");
  BOOST_TEST(r->insolvency_history.value_or(false));
  BOOST_TEST(!r->outstanding_charges.has_value()); // has_charges: true, list not read
  BOOST_TEST(r->registered_address.lines ==
             (std::vector<std::string>{"8 Cardiff Road", "Luton"}));
  BOOST_TEST(r->registered_address.city == "Beds.");
}

BOOST_AUTO_TEST_CASE(liquidation_is_inactive) {
  auto r =
      parse_ch_profile(fixture("companies_house/00006402_liquidation_chs-itest.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->legal_name == "RENABLE PHARMA LTD");
  BOOST_TEST(r->status == company_status::inactive);
  BOOST_TEST(r->registry_status == "liquidation");
  BOOST_TEST(r->incorporation_date.value_or("") == "2015-03-04");
  BOOST_TEST(r->industry_codes.at(0).code == "72110");
  BOOST_TEST(r->registered_address.postal_code == "SL7 1YL");
}

BOOST_AUTO_TEST_CASE(dissolved_profile_without_insolvency) {
  auto r = parse_ch_profile(fixture("companies_house/02894655_dissolved.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->legal_name == "INTAGLIO SYSTEMS LIMITED");
  BOOST_TEST(r->status == company_status::dissolved);
  BOOST_TEST(r->incorporation_date.value_or("") == "1994-02-04");
  BOOST_TEST(r->dissolution_date.value_or("") == "1996-09-03");
}

BOOST_AUTO_TEST_CASE(individual_psc) {
  auto p = parse_ch_pscs(fixture("companies_house/psc_individual_chs-itest.json"));
  BOOST_REQUIRE(p.has_value());
  BOOST_REQUIRE_EQUAL(p->size(), 1u);
  const auto& x = p->front();
  // name_elements win over the placeholder "name" (34777771); no title.
  BOOST_TEST(x.name == "PHIL tom JONES");
  BOOST_TEST(x.kind == "individual");
  BOOST_TEST(x.role == "individual-person-with-significant-control");
  BOOST_TEST(x.birth_month.value_or("") == "1995-10");
  BOOST_TEST(x.nationality.value_or("") == "British");
  BOOST_TEST(x.ceased);
  BOOST_TEST(x.ceased_on.value_or("") == "2021-11-02");
  BOOST_TEST(x.appointed_on.value_or("") == "2023-11-20");
  BOOST_TEST(
      x.natures_of_control ==
      std::vector<std::string>{"part-right-to-share-surplus-assets-75-to-100-percent"});
}

BOOST_AUTO_TEST_CASE(psc_list) {
  auto p = parse_ch_pscs(fixture("companies_house/psc_list_chs-itest.json"));
  BOOST_REQUIRE(p.has_value());
  BOOST_REQUIRE_EQUAL(p->size(), 2u);
  for (const auto& x : p.value()) {
    BOOST_TEST(x.kind == "corporate");
    BOOST_TEST(x.name == "string"); // the service's own synthetic placeholder
    BOOST_TEST(!x.ceased);
  }
}

BOOST_AUTO_TEST_CASE(search_results) {
  auto c = parse_ch_search(fixture("companies_house/search_companies_q-python.json"));
  BOOST_REQUIRE(c.has_value());
  BOOST_REQUIRE_EQUAL(c->size(), 20u);
  BOOST_TEST((c.value())[0].id == "05226269");
  BOOST_TEST((c.value())[0].name == "PYTHON LTD");
  BOOST_TEST((c.value())[0].status == "dissolved");
  auto all = parse_ch_search(fixture("companies_house/search_all_q-HOKO.json"));
  BOOST_REQUIRE(all.has_value());
  BOOST_REQUIRE_EQUAL(all->size(), 20u);
  BOOST_TEST((all.value())[0].name == "HOKO LIMITED");
  BOOST_TEST((all.value())[0].id == "13233612");
}

BOOST_AUTO_TEST_CASE(charges_insolvency_filing_history) {
  auto charges = parse_ch_charges(fixture("companies_house/02497589_charges.json"));
  BOOST_REQUIRE(charges.has_value());
  BOOST_TEST(charges.value() == 1);
  auto cases = parse_ch_insolvency(fixture("companies_house/insolvency_example.json"));
  BOOST_REQUIRE(cases.has_value());
  BOOST_TEST(cases.value() == 1);
  auto latest =
      parse_ch_filing_history(fixture("companies_house/filing_history_example.json"));
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(latest.value().value_or("") == "2015-04-07");
}

BOOST_AUTO_TEST_CASE(officers_in_the_documented_shape) {
  // GET /company/{n}/officers (no recorded answer: the fields its reference names).
  auto o = parse_ch_officers(R"({"items":[
      {"name":"ROE, Jane","officer_role":"director","appointed_on":"2015-04-07",
       "nationality":"British","date_of_birth":{"month":5,"year":1980}},
      {"name":"ACME SECRETARIES LIMITED","officer_role":"corporate-secretary",
       "appointed_on":"2015-04-07","resigned_on":"2019-01-31"}],
      "active_count":1,"resigned_count":1})");
  BOOST_REQUIRE(o.has_value());
  BOOST_REQUIRE_EQUAL(o->size(), 2u);
  BOOST_TEST((o.value())[0].name == "ROE, Jane");
  BOOST_TEST((o.value())[0].kind == "individual");
  BOOST_TEST((o.value())[0].birth_month.value_or("") == "1980-05");
  BOOST_TEST(!(o.value())[0].ceased);
  BOOST_TEST((o.value())[1].kind == "corporate");
  BOOST_TEST((o.value())[1].ceased);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sec_edgar)

BOOST_AUTO_TEST_CASE(tesla_submissions) {
  auto r =
      parse_sec_submissions(fixture("sec_edgar/submissions_CIK0001318605_tesla.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->entity_id == "0001318605");
  BOOST_TEST(r->legal_name == "Tesla, Inc.");
  BOOST_TEST(r->jurisdiction == "US-DE");
  BOOST_TEST(r->status == company_status::unknown);
  BOOST_REQUIRE_EQUAL(r->industry_codes.size(), 1u);
  BOOST_TEST(r->industry_codes[0].scheme == "SIC");
  BOOST_TEST(r->industry_codes[0].code == "3711");
  BOOST_TEST(r->industry_codes[0].description == "Motor Vehicles & Passenger Car Bodies");
  BOOST_TEST(r->previous_names == std::vector<std::string>{"TESLA MOTORS INC"});
  BOOST_REQUIRE(r->business_address);
  BOOST_TEST(r->business_address->lines ==
             std::vector<std::string>{"3500 DEER CREEK RD"});
  BOOST_TEST(r->business_address->city == "PALO ALTO");
  BOOST_TEST(r->business_address->region == "CA");
  BOOST_TEST(r->business_address->postal_code == "94304");
  BOOST_TEST(r->business_address->country == "US");
  BOOST_REQUIRE(r->mailing_address);
  BOOST_TEST(r->mailing_address->city == "PALO ALTO");
  BOOST_TEST(r->registered_address.empty());
}

BOOST_AUTO_TEST_CASE(tickers) {
  auto body = fixture("sec_edgar/company_tickers_first30_DERIVED.json");
  auto t = parse_sec_tickers(body, "tsla");
  BOOST_REQUIRE(t.has_value());
  BOOST_REQUIRE_EQUAL(t->size(), 1u);
  BOOST_TEST(t->front().id == "0001318605");
  BOOST_TEST(t->front().name == "Tesla, Inc.");
  auto brk = parse_sec_tickers(body, "BRK.B"); // listed as BRK-B
  BOOST_REQUIRE(brk.has_value());
  BOOST_REQUIRE_EQUAL(brk->size(), 1u);
  BOOST_TEST(brk->front().id == "0001067983");
  auto none = parse_sec_tickers(body, "ZZZZZ");
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(none->empty());
  auto all = parse_sec_tickers(body, "");
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->size() == 30u);
}

BOOST_AUTO_TEST_CASE(cik_forms) {
  BOOST_TEST(normalize_cik("1318605").value_or("") == "0001318605");
  BOOST_TEST(normalize_cik("0001318605").value_or("") == "0001318605");
  BOOST_TEST(!normalize_cik("12345678901"));
  BOOST_TEST(!normalize_cik("13186O5"));
  BOOST_TEST(!normalize_cik(""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(opencorporates)

BOOST_AUTO_TEST_CASE(company_in_documented_shape) {
  auto r = parse_oc_company(fixture("opencorporates/company_nl_17087985_WRITTEN.json"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->entity_id == "nl/17087985");
  BOOST_TEST(r->registration_number == "17087985");
  BOOST_TEST(r->jurisdiction == "NL");
  BOOST_TEST(r->legal_name == "Bover B.V.");
  BOOST_TEST(r->status == company_status::active);
  BOOST_TEST(r->registry_status == "Active");
  BOOST_TEST(r->legal_form == "Besloten Vennootschap");
  BOOST_TEST(r->incorporation_date.value_or("") == "1975-04-01");
  BOOST_TEST(r->previous_names == std::vector<std::string>{"Bover Holding B.V."});
  BOOST_TEST(r->registered_address.city == "Doetinchem");
  BOOST_REQUIRE_EQUAL(r->industry_codes.size(), 2u);
  BOOST_TEST(r->industry_codes[0].scheme == "eu_nace_2");
  BOOST_TEST(r->industry_codes[1].scheme == "NAICS");
  BOOST_TEST(r->industry_codes[1].code == "423990");
  BOOST_REQUIRE_EQUAL(r->officers.size(), 2u);
  BOOST_TEST(r->officers[0].name == "JAN DE VRIES");
  BOOST_TEST(!r->officers[0].ceased);
  BOOST_TEST(r->officers[1].ceased);
  BOOST_TEST(r->officers[1].ceased_on.value_or("") == "2005-06-30");
}

BOOST_AUTO_TEST_CASE(status_words) {
  auto body = fixture("opencorporates/company_nl_17087985_WRITTEN.json");
  auto with = [&](const std::string& word) {
    auto r = parse_oc_company(replace(body, R"("current_status": "Active")",
                                      R"("current_status": ")" + word + "\""));
    BOOST_REQUIRE(r.has_value());
    return r->status;
  };
  BOOST_TEST(with("Dissolved") == company_status::dissolved);
  BOOST_TEST(with("Struck Off") == company_status::dissolved);
  BOOST_TEST(with("In Liquidation") == company_status::inactive);
  BOOST_TEST(with("Good Standing") == company_status::active);
  BOOST_TEST(with("Unheard Of") == company_status::active); // inactive: false decides
}

BOOST_AUTO_TEST_CASE(search_in_documented_shape) {
  auto c =
      parse_oc_search(fixture("opencorporates/companies_search_barclays_WRITTEN.json"));
  BOOST_REQUIRE(c.has_value());
  BOOST_REQUIRE_EQUAL(c->size(), 2u);
  BOOST_TEST((c.value())[0].id == "gb/00048839");
  BOOST_TEST((c.value())[1].name == "BARCLAYS BANK PLC");
  BOOST_TEST((c.value())[1].jurisdiction == "GB");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(empty_and_truncated_bodies) {
  auto shell = fixture("gleif/21380068P1DRHMJ8KU70.json");
  auto e = error_of(parse_gleif_lei_record(""));
  BOOST_TEST(e.registry == registry_kind::gleif);
  BOOST_TEST(e.code == lookup_error_code::malformed_response);
  BOOST_TEST(contains(e.message, "empty body"), e.message);
  e = error_of(parse_gleif_lei_record(shell.substr(0, shell.size() / 2)));
  BOOST_TEST(contains(e.message, "not valid JSON"), e.message);
  BOOST_TEST(contains(e.to_string(), "gleif: malformed_response: lei-record"),
             e.to_string());
  auto tesla = fixture("sec_edgar/submissions_CIK0001318605_tesla.json");
  e = error_of(parse_sec_submissions(tesla.substr(0, tesla.size() - 3)));
  BOOST_TEST(e.registry == registry_kind::sec_edgar);
  BOOST_TEST(contains(e.message, "not valid JSON"), e.message);
  auto profile = fixture("companies_house/02894655_dissolved.json");
  e = error_of(parse_ch_profile(profile.substr(0, 100)));
  BOOST_TEST(e.registry == registry_kind::companies_house);
  e = error_of(parse_oc_company("{\"results\":"));
  BOOST_TEST(e.registry == registry_kind::opencorporates);
  e = error_of(parse_ch_pscs("   "));
  BOOST_TEST(contains(e.message, "not valid JSON"), e.message);
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_field) {
  auto shell = fixture("gleif/21380068P1DRHMJ8KU70.json");
  auto e = error_of(parse_gleif_lei_record(
      replace(shell, R"("legalName":{"name":"SHELL PLC")", R"("legalName":{"name":42)")));
  BOOST_TEST(contains(e.message, "data.attributes.entity.legalName.name is a number, "
                                 "expected a string"),
             e.message);
  e = error_of(parse_gleif_lei_record(
      replace(shell, R"("addressLines":["SHELL CENTRE"])", R"("addressLines":[7])")));
  BOOST_TEST(contains(e.message, "legalAddress.addressLines[0] is a number"), e.message);
  e = error_of(
      parse_gleif_lei_record(replace(shell, R"("creationDate":"2002-02-05T00:00:00Z")",
                                     R"("creationDate":"yesterday")")));
  BOOST_TEST(contains(e.message, "creationDate is \"yesterday\", expected a date"),
             e.message);
  e = error_of(parse_gleif_lei_record("[1,2,3]"));
  BOOST_TEST(contains(e.message, "the top level is an array, expected an object"),
             e.message);
  e = error_of(parse_gleif_lei_record(R"({"data":{"attributes":{"lei":"X"}}})"));
  BOOST_TEST(contains(e.message, "data.attributes.entity is missing"), e.message);

  auto profile = fixture("companies_house/02894655_dissolved.json");
  e = error_of(parse_ch_profile(replace(profile, R"("company_status": "dissolved")",
                                        R"("company_status": ["dissolved"])")));
  BOOST_TEST(contains(e.message, "company profile: company_status is an array"),
             e.message);
  e = error_of(parse_ch_profile(replace(profile, R"("sic_codes": [
    "7220"
  ])",
                                        R"("sic_codes": "7220")")));
  BOOST_TEST(contains(e.message, "sic_codes is a string, expected an array"), e.message);
  e = error_of(parse_ch_search(R"({"items":[{"title":"X"}]})"));
  BOOST_TEST(contains(e.message, "items[0].company_number is missing"), e.message);
  e = error_of(parse_oc_search(R"({"results":{"companies":[{"company":"x"}]}})"));
  BOOST_TEST(contains(e.message, "results.companies[0].company is a string"), e.message);
  e = error_of(parse_sec_submissions(R"({"cik":true,"name":"X"})"));
  BOOST_TEST(contains(e.message, "cik is a boolean, expected an integer"), e.message);
}

BOOST_AUTO_TEST_CASE(huge_numbers) {
  // A CIK beyond 10 digits, one beyond 64 bits (parsed as a double), a float.
  auto e = error_of(
      parse_sec_tickers(R"({"0":{"cik_str":12345678901,"ticker":"X","title":"X"}})", ""));
  BOOST_TEST(contains(e.message, "0.cik_str is out of range"), e.message);
  e = error_of(parse_sec_tickers(
      R"({"0":{"cik_str":123456789012345678901234567890,"ticker":"X","title":"X"}})",
      ""));
  BOOST_TEST(contains(e.message, "out of range"), e.message);
  e = error_of(
      parse_sec_tickers(R"({"0":{"cik_str":1318605.5,"ticker":"X","title":"X"}})", ""));
  BOOST_TEST(contains(e.message, "is a fraction"), e.message);
  e = error_of(parse_sec_submissions(R"({"cik":"99999999999999999999999","name":"X"})"));
  BOOST_TEST(contains(e.message, "cik is"), e.message);
  // Beyond double range: the JSON parser refuses the number itself.
  e = error_of(
      parse_ch_charges(R"({"total_count":1e400,"satisfied_count":0,"items":[]})"));
  BOOST_TEST(e.code == lookup_error_code::malformed_response);
  e = error_of(parse_ch_charges(R"({"total_count":2,"satisfied_count":5,"items":[]})"));
  BOOST_TEST(contains(e.message, "satisfied_count exceeds total_count"), e.message);
  e = error_of(parse_ch_pscs(
      R"({"items":[{"kind":"individual-person-with-significant-control","name":"A",
          "date_of_birth":{"month":13,"year":1980}}]})"));
  BOOST_TEST(contains(e.message, "items[0].date_of_birth.month is out of range"),
             e.message);
}

BOOST_AUTO_TEST_CASE(deep_nesting_and_invalid_utf8) {
  std::string deep =
      "{\"data\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  auto e = error_of(parse_gleif_lei_record(deep));
  BOOST_TEST(contains(e.message, "data is an array, expected an object"), e.message);
  e = error_of(
      parse_ch_profile("{\"company_name\":\"\xff\xfe\",\"company_number\":\"1\"}"));
  BOOST_TEST(contains(e.message, "not valid JSON"), e.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_errors)

BOOST_AUTO_TEST_CASE(statuses_map_to_outcomes) {
  http_request req;
  req.url = "https://api.company-information.service.gov.uk/company/00000000";
  req.purpose = "company-profile";
  BOOST_TEST(!check_status(registry_kind::companies_house, req, answer(200, "{}")));

  auto e = check_status(registry_kind::companies_house, req,
                        answer(404, fixture("companies_house/company_not_found.json")));
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == lookup_error_code::not_found);
  BOOST_TEST(e->http_status == 404);
  BOOST_TEST(contains(e->message, "company-profile-not-found"), e->message);
  BOOST_TEST(e->url == req.url);

  e = check_status(registry_kind::gleif, req, answer(410, ""));
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == lookup_error_code::gone);

  e = check_status(registry_kind::companies_house, req,
                   answer(429, "", {{"retry-after", "120"}}));
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == lookup_error_code::rate_limited);
  BOOST_REQUIRE(e->retry_after);
  BOOST_TEST(e->retry_after->count() == 120);

  // An HTTP date 90 s after the fetch.
  e = check_status(registry_kind::sec_edgar, req,
                   answer(429, "", {{"Retry-After", "Sun, 06 Dec 2026 11:01:30 GMT"}}));
  BOOST_REQUIRE(e && e->retry_after);
  BOOST_TEST(e->retry_after->count() == 90);

  e = check_status(registry_kind::sec_edgar, req,
                   answer(429, "", {{"Retry-After", "soon"}}));
  BOOST_REQUIRE(e);
  BOOST_TEST(!e->retry_after);

  e = check_status(registry_kind::gleif, req, answer(500, "<html>oops</html>"));
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == lookup_error_code::upstream_error);
  BOOST_TEST(contains(e->message, "unexpected HTTP status 500"), e->message);

  e = check_status(registry_kind::gleif, req, answer(503, "", {{"Retry-After", "7"}}));
  BOOST_REQUIRE(e && e->retry_after);
  BOOST_TEST(e->retry_after->count() == 7);

  e = check_status(registry_kind::opencorporates, req,
                   answer(401, fixture("opencorporates/error_401_WRITTEN.json")));
  BOOST_REQUIRE(e);
  BOOST_TEST(e->code == lookup_error_code::unauthorized);
  BOOST_TEST(contains(e->message, "Invalid Api Token"), e->message);

  req.absent_ok = true;
  BOOST_TEST(!check_status(registry_kind::gleif, req, answer(404, "")));
  BOOST_TEST(check_status(registry_kind::gleif, req, answer(500, "")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

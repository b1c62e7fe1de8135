// The EU's Financial Sanctions Files XML (1.1) and the UK's OFSI consolidated list CSV,
// on files written in their documented shapes (no copy of either is available here):
// names and aliases, types, dates of birth, countries, documents, programmes; a
// truncated file named by file and line; a file of another format refused.
#define BOOST_TEST_MODULE screening_eu_uk_loaders
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/screening/engine/eu_loader.hpp"
#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/screening_index.hpp"
#include "actors/screening/engine/uk_loader.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::entity_type)

namespace {

// Two entries as the EU publishes them (xmlFullSanctionsList_1_1): a person with two
// names (one weak), citizenship, a full and a circa birth date, a passport and an
// address; an enterprise with a UN reference.
const std::string eu_xml = R"xml(<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-30T18:00:00.000+01:00" globalFileId="153021">
  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.27.28" logicalId="13">
    <regulation regulationType="amendment" organisationType="council" publicationDate="2003-07-08" entryIntoForceDate="2003-07-08" numberTitle="1210/2003 (OJ L169)" programme="IRQ" logicalId="12"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Saddam" middleName="" lastName="Hussein Al-Tikriti" wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="17"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Abu Ali" function="" gender="M" title="" nameLanguage="" strong="false" regulationLanguage="en" logicalId="18"/>
    <citizenship region="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="20"/>
    <birthdate circa="false" calendarType="GREGORIAN" city="al-Awja, near Tikrit" zipCode="" birthdate="1937-04-28" dayOfMonth="28" monthOfYear="4" year="1937" region="" place="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="21"/>
    <birthdate circa="true" calendarType="GREGORIAN" city="" zipCode="" birthdate="" dayOfMonth="" monthOfYear="" year="1939" region="" place="" countryIso2Code="00" countryDescription="UNKNOWN" regulationLanguage="en" logicalId="22"/>
    <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" issuedDate="" validFrom="" validTo="" latinNumber="" nameOnDocument="" number="M0003456" region="" countryIso2Code="IQ" countryDescription="IRAQ" identificationTypeCode="passport" identificationTypeDescription="National passport" regulationLanguage="en" logicalId="23"/>
    <address city="Baghdad" street="Al-Mansour Street" poBox="" zipCode="" region="" place="" asAtListingTime="false" contactInfo="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="24"/>
    <remark>Son of Hussein al-Majid.</remark>
  </sanctionEntity>
  <sanctionEntity designationDetails="" unitedNationId="QDe.004" euReferenceNumber="EU.1234.56" logicalId="1234">
    <regulation regulationType="amendment" organisationType="commission" publicationDate="2002-05-29" entryIntoForceDate="2002-05-30" numberTitle="881/2002 (OJ L139)" programme="AQB" logicalId="1230"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Al-Rashid Trust" function="" gender="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="1235"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Al Rasheed Trust" function="" gender="" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="1236"/>
    <address city="Karachi" street="Kitab Mahal, 4th Floor, Jamia Masjid, Papos Market, Abdullah Haroon Road" poBox="" zipCode="" region="" place="" asAtListingTime="false" contactInfo="" countryIso2Code="PK" countryDescription="PAKISTAN" regulationLanguage="en" logicalId="1237"/>
  </sanctionEntity>
</export>
)xml";

// OFSI's ConList.csv (2022 format): "Last Updated" first, then the header, then a row
// per name; group 6908 is one person with a primary name, an AKA of low quality and a
// non-Latin script name; group 13020 an entity; group 15500 a ship.
const std::string uk_header =
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin "
    "Script "
    "Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,"
    "Passport Number,Passport Details,National Identification Number,National "
    "Identification Details,Position,Address 1,Address 2,Address 3,Address 4,Address 5,"
    "Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Alias "
    "Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID\n";
const std::string uk_csv =
    "Last Updated,28/11/2026\n" + uk_header +
    "PETROV,Ivan,Sergeyevich,,,,Mr,ПЕТРОВ Иван Сергеевич,Cyrillic,Russian,14/03/1961,"
    "Moscow,Russia,Russia,7512345,,,,,,,,,,,,Russia,Member of the board,Individual,"
    "Primary name,,Russia,16/03/2022,16/03/2022,28/11/2026,6908\n"
    "PETROFF,Ivan,,,,,,,,,14/03/1961,,,Russia,,,,,,,,,,,,,,,Individual,AKA,Low,Russia,"
    "16/03/2022,16/03/2022,28/11/2026,6908\n"
    "PETROV,Ivan,,,,,,,,,00/00/1962,,,Russia,,,,,,,,,,,,,,,Individual,AKA,Good,Russia,"
    "16/03/2022,16/03/2022,28/11/2026,6908\n"
    "NORTHERN STAR SHIPPING LLC,,,,,,,,,,,,,,,,,,,12 Harbour Road,,,,Vladivostok,,690001,"
    "Russia,,Entity,Primary name,,Russia,05/05/2022,05/05/2022,28/11/2026,13020\n"
    "OCEAN DAWN,,,,,,,,,,,,,,,,,,,,,,,,,,,IMO 9123456,Ship,Primary name,,Russia,"
    "10/10/2023,10/10/2023,28/11/2026,15500\n";

list_source source(const std::string& name, list_format format, const std::string& path) {
  list_source s;
  s.name = name;
  s.format = format;
  s.path = path;
  return s;
}

bool has_alias(const sanctioned_entity& e, const std::string& name) {
  return std::any_of(e.aliases.begin(), e.aliases.end(),
                     [&](const alias& a) { return a.name == name; });
}

} // namespace

BOOST_AUTO_TEST_CASE(eu_entries_become_entities) {
  auto r = parse_eu_fsf_xml("eu", source_file{"eu.xml", eu_xml}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 2u);
  auto& saddam = r->entities[0];
  BOOST_TEST(saddam.id == "13");
  BOOST_TEST(saddam.type == entity_type::individual);
  BOOST_TEST(saddam.primary_name == "Saddam Hussein Al-Tikriti");
  BOOST_REQUIRE(saddam.aliases.size() == 1u);
  BOOST_TEST(saddam.aliases[0].name == "Abu Ali");
  BOOST_TEST(!saddam.aliases[0].strong);
  BOOST_TEST((saddam.countries == std::vector<std::string>{"IQ"}));
  BOOST_REQUIRE(saddam.dates_of_birth.size() == 2u);
  BOOST_TEST(saddam.dates_of_birth[0].to_string() == "1937-04-28");
  BOOST_TEST(saddam.dates_of_birth[1].approximate);
  BOOST_TEST(saddam.dates_of_birth[1].from.year == 1939);
  BOOST_TEST((saddam.programs == std::vector<std::string>{"IRQ"}));
  bool passport = false;
  for (auto& id : saddam.identifiers)
    passport = passport || (id.value == "M0003456" && id.type == "National passport");
  BOOST_TEST(passport);
  BOOST_REQUIRE(saddam.addresses.size() == 1u);
  BOOST_TEST(saddam.addresses[0].text == "Al-Mansour Street, Baghdad");
  BOOST_TEST(saddam.remarks == "Son of Hussein al-Majid.");
  auto& trust = r->entities[1];
  BOOST_TEST(trust.type == entity_type::entity);
  BOOST_TEST(trust.primary_name == "Al-Rashid Trust");
  BOOST_TEST(has_alias(trust, "Al Rasheed Trust"));
  bool un_ref = false;
  for (auto& id : trust.identifiers)
    un_ref = un_ref || id.value == "QDe.004";
  BOOST_TEST(un_ref);
  BOOST_TEST((trust.countries == std::vector<std::string>{"PK"}));
}

BOOST_AUTO_TEST_CASE(uk_rows_of_a_group_become_one_entity) {
  auto r = parse_uk_ofsi_csv("uk", source_file{"ConList.csv", uk_csv}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 3u);
  auto& petrov = r->entities[0];
  BOOST_TEST(petrov.id == "6908");
  BOOST_TEST(petrov.type == entity_type::individual);
  BOOST_TEST(petrov.primary_name == "Ivan Sergeyevich PETROV");
  BOOST_TEST(has_alias(petrov, "Ivan PETROFF"));
  BOOST_TEST(has_alias(petrov, "Ivan PETROV"));
  BOOST_TEST(has_alias(petrov, "ПЕТРОВ Иван Сергеевич"));
  for (auto& a : petrov.aliases)
    if (a.name == "Ivan PETROFF")
      BOOST_TEST(!a.strong); // Alias Quality: Low
  BOOST_REQUIRE(petrov.dates_of_birth.size() == 2u);
  BOOST_TEST(petrov.dates_of_birth[0].to_string() == "1961-03-14");
  BOOST_TEST(petrov.dates_of_birth[1].to_string() == "1962"); // 00/00/1962
  BOOST_TEST((petrov.countries == std::vector<std::string>{"RU"}));
  BOOST_TEST((petrov.programs == std::vector<std::string>{"Russia"}));
  BOOST_REQUIRE(!petrov.identifiers.empty());
  BOOST_TEST(petrov.identifiers[0].value == "7512345");
  auto& shipping = r->entities[1];
  BOOST_TEST(shipping.type == entity_type::entity);
  BOOST_TEST(shipping.primary_name == "NORTHERN STAR SHIPPING LLC");
  BOOST_REQUIRE(shipping.addresses.size() == 1u);
  BOOST_TEST(shipping.addresses[0].text == "12 Harbour Road, Vladivostok, 690001");
  BOOST_TEST(shipping.addresses[0].country_code == "RU");
  BOOST_TEST(r->entities[2].type == entity_type::vessel);
  BOOST_TEST(r->entities[2].remarks == "IMO 9123456");
}

BOOST_AUTO_TEST_CASE(both_formats_screen_through_the_index) {
  std::vector<sanctions_list> lists;
  auto eu = parse_list(source("eu", list_format::eu_fsf_xml, "eu.xml"),
                       {source_file{"eu.xml", eu_xml}});
  BOOST_REQUIRE_MESSAGE(eu, (eu ? "" : eu.error().to_string()));
  auto uk = parse_list(source("uk", list_format::uk_ofsi_csv, "ConList.csv"),
                       {source_file{"ConList.csv", uk_csv}});
  BOOST_REQUIRE_MESSAGE(uk, (uk ? "" : uk.error().to_string()));
  BOOST_TEST(eu->metadata.format == "eu_fsf_xml");
  BOOST_TEST(uk->metadata.format == "uk_ofsi_csv");
  lists.push_back(std::move(eu.value()));
  lists.push_back(std::move(uk.value()));
  auto index = screening_index::build(std::move(lists));
  BOOST_REQUIRE(index);
  screening_query q;
  q.name = "Ivan Petrov";
  auto r = index.value()->screen(q);
  BOOST_REQUIRE(r);
  BOOST_REQUIRE(!r->hits.empty());
  BOOST_TEST(r->hits[0].list == "uk");
  BOOST_TEST(r->hits[0].entity_id == "6908");
  q.name = "Al Rashid Trust";
  auto t = index.value()->screen(q);
  BOOST_REQUIRE(t);
  BOOST_REQUIRE(!t->hits.empty());
  BOOST_TEST(t->hits[0].list == "eu");
}

BOOST_AUTO_TEST_CASE(broken_and_foreign_files_are_named) {
  // Cut inside the second sanctionEntity: an XML error at its line.
  auto cut = eu_xml.substr(0, eu_xml.find("Al Rasheed Trust"));
  auto e = parse_eu_fsf_xml("eu", source_file{"eu.xml", cut}, {});
  BOOST_REQUIRE(!e);
  BOOST_TEST(e.error().file == "eu.xml");
  BOOST_TEST(e.error().line > 10u);
  auto un_shaped = parse_eu_fsf_xml(
      "eu", source_file{"eu.xml", "<CONSOLIDATED_LIST></CONSOLIDATED_LIST>"}, {});
  BOOST_REQUIRE(!un_shaped);
  BOOST_TEST(un_shaped.error().message.find("not the EU") != std::string::npos);
  // The UK file cut inside a quoted field, and a file that is not OFSI's.
  auto uk_cut = uk_csv + "\"UNFINISHED,Name";
  auto u = parse_uk_ofsi_csv("uk", source_file{"ConList.csv", uk_cut}, {});
  BOOST_REQUIRE(!u);
  BOOST_TEST(u.error().line == 8u);
  auto foreign =
      parse_uk_ofsi_csv("uk", source_file{"ConList.csv", "id,name\n1,x\n"}, {});
  BOOST_REQUIRE(!foreign);
  BOOST_TEST(foreign.error().message.find("OFSI") != std::string::npos);
  // A row without its Group ID is refused (or skipped with max_bad_rows).
  auto no_group = uk_csv +
                  "SMITH,John,,,,,,,,,,,,,,,,,,,,,,,,,,,Individual,Primary name,,"
                  "Russia,01/01/2024,01/01/2024,01/01/2024,\n";
  BOOST_TEST(!parse_uk_ofsi_csv("uk", source_file{"ConList.csv", no_group}, {}));
  load_options lenient;
  lenient.max_bad_rows = 1;
  auto skipped = parse_uk_ofsi_csv("uk", source_file{"ConList.csv", no_group}, lenient);
  BOOST_REQUIRE(skipped);
  BOOST_TEST(skipped->entities.size() == 3u);
}

#define BOOST_TEST_MODULE screening_un_loader
#include <boost/test/unit_test.hpp>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/un_loader.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::entity_type)

namespace {

const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>6908512</DATAID>
      <FIRST_NAME>KO</FIRST_NAME>
      <SECOND_NAME>TAE HUN</SECOND_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.025</REFERENCE_NUMBER>
      <NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Kim Myong Gi</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>KO THE HUN</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ADDRESS><CITY>Pyongyang</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY></INDIVIDUAL_ADDRESS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1972-05-25</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1970</FROM_YEAR><TO_YEAR>1973</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1971</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>563120630</NUMBER><ISSUING_COUNTRY>Democratic People's Republic of Korea</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
      <NAME_ORIGINAL_SCRIPT>고태훈</NAME_ORIGINAL_SCRIPT>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>6908026</DATAID>
      <FIRST_NAME>COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)</FIRST_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      <REFERENCE_NUMBER>CDe.003</REFERENCE_NUMBER>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>GLBC</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS><STREET>PO Box 315</STREET><CITY>Goma</CITY><COUNTRY>Democratic Republic of the Congo</COUNTRY></ENTITY_ADDRESS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
)";

} // namespace

BOOST_AUTO_TEST_CASE(parses_individuals_and_entities) {
  auto r = parse_un_xml("un", source_file{"un.xml", xml}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 2u);
  auto& ko = r->entities[0];
  BOOST_TEST(ko.id == "6908512");
  BOOST_TEST(ko.type == entity_type::individual);
  BOOST_TEST(ko.primary_name == "KO TAE HUN");
  BOOST_TEST((ko.programs == std::vector<std::string>{"DPRK"}));
  BOOST_TEST((ko.countries == std::vector<std::string>{"KP"}));
  BOOST_REQUIRE(ko.aliases.size() == 3u);
  BOOST_TEST(ko.aliases[0].name == "Kim Myong Gi");
  BOOST_TEST(ko.aliases[0].strong);
  BOOST_TEST(ko.aliases[1].name == "KO THE HUN");
  BOOST_TEST(!ko.aliases[1].strong); // quality "Low" = weak
  BOOST_TEST(ko.aliases[2].kind == "original_script");
  BOOST_REQUIRE(ko.dates_of_birth.size() == 3u);
  BOOST_TEST(ko.dates_of_birth[0].from.to_string() == "1972-05-25");
  BOOST_TEST(ko.dates_of_birth[1].to.year == 1973);
  BOOST_TEST(ko.dates_of_birth[2].approximate);
  bool passport = false, reference = false;
  for (auto& id : ko.identifiers) {
    passport = passport || (id.type == "Passport" && id.value == "563120630");
    reference = reference || (id.type == "UN Reference Number" && id.value == "KPi.025");
  }
  BOOST_TEST(passport);
  BOOST_TEST(reference);

  auto& glbc = r->entities[1];
  BOOST_TEST(glbc.type == entity_type::entity);
  // "A ; B" names split into a primary name and an alias.
  BOOST_TEST(glbc.primary_name == "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)");
  BOOST_TEST(glbc.aliases[0].name == "GREAT LAKES BUSINESS COMPANY (GLBC)");
  BOOST_TEST((glbc.countries == std::vector<std::string>{"CD"}));
}

BOOST_AUTO_TEST_CASE(parentheses_give_derived_aliases) {
  list_source src;
  src.name = "un";
  src.format = list_format::un_xml;
  auto r = parse_list(src, {source_file{"un.xml", xml}});
  BOOST_REQUIRE(r);
  auto& glbc = r->entities[1];
  bool derived = false;
  for (auto& a : glbc.aliases)
    derived = derived ||
              (a.name == "COMPAGNIE AERIENNE DES GRANDS LACS" && a.kind == "derived");
  BOOST_TEST(derived);
  BOOST_TEST(r->metadata.entity_count == 2u);
  BOOST_TEST(r->metadata.format == "un_xml");
}

BOOST_AUTO_TEST_CASE(truncated_xml_names_the_line) {
  auto cut = xml.substr(0, xml.find("<ENTITIES>") + 40);
  auto r = parse_un_xml("un", source_file{"un.xml", cut}, {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "un.xml");
  BOOST_TEST(r.error().line >= 20u);
  BOOST_TEST(r.error().message.find("XML error") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_xml_and_wrong_documents) {
  auto bad = parse_un_xml(
      "un", source_file{"un.xml", "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n</ENTITIES>"}, {});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().line == 3u);
  auto other = parse_un_xml("un", source_file{"un.xml", "<html><body/></html>"}, {});
  BOOST_REQUIRE(!other);
  BOOST_TEST(other.error().message.find("CONSOLIDATED_LIST") != std::string::npos);
  auto latin1 = parse_un_xml(
      "un", source_file{"un.xml", "<CONSOLIDATED_LIST>\n\xE9</CONSOLIDATED_LIST>"}, {});
  BOOST_REQUIRE(!latin1);
  BOOST_TEST(latin1.error().line == 2u);
  BOOST_TEST(latin1.error().message.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(records_without_id_obey_the_budget) {
  std::string no_id = xml;
  no_id.replace(no_id.find("<DATAID>6908512</DATAID>"), 24, "");
  auto strict = parse_un_xml("un", source_file{"un.xml", no_id}, {});
  BOOST_REQUIRE(!strict);
  BOOST_TEST(strict.error().line == 4u); // the <INDIVIDUAL> element
  BOOST_TEST(strict.error().message.find("without DATAID") != std::string::npos);
  load_options lenient;
  lenient.max_bad_rows = 1;
  auto ok = parse_un_xml("un", source_file{"un.xml", no_id}, lenient);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->entities.size() == 1u);
  BOOST_TEST(ok->metadata.warning_count == 1u);
}

// Found by test/fuzz/un_loader_fuzz (test/fuzz/regressions/un_loader/): two records with
// one DATAID were both kept, and hits, decisions and find_entity() key on the id.
BOOST_AUTO_TEST_CASE(duplicate_dataids_obey_the_budget) {
  std::string twice = xml;
  twice.replace(twice.find("<DATAID>6908026</DATAID>"), 24, "<DATAID>6908512</DATAID>");
  auto strict = parse_un_xml("un", source_file{"un.xml", twice}, {});
  BOOST_REQUIRE(!strict);
  BOOST_TEST(strict.error().message.find("duplicate DATAID 6908512") != std::string::npos,
             strict.error().message);
  BOOST_TEST(strict.error().line > 4u); // the second record, the <ENTITY>
  load_options lenient;
  lenient.max_bad_rows = 1;
  auto ok = parse_un_xml("un", source_file{"un.xml", twice}, lenient);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->entities.size() == 1u);
  BOOST_TEST(ok->entities[0].type == entity_type::individual); // the first one is kept
  BOOST_TEST(ok->metadata.warning_count == 1u);
}

BOOST_AUTO_TEST_CASE(shared_un_list) {
  list_source src;
  src.name = "un";
  src.format = list_format::un_xml;
  src.path = std::string(KYB_TEST_DATA) + "/sanctions/un/UN_consolidated_2026-02-27.xml";
  auto r = load_list(src);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  size_t individuals = 0, entities = 0, original_script = 0;
  for (auto& e : r->entities) {
    individuals += e.type == entity_type::individual;
    entities += e.type == entity_type::entity;
    for (auto& a : e.aliases)
      original_script += a.kind == "original_script";
  }
  BOOST_TEST(individuals == 730u);
  BOOST_TEST(entities == 273u);
  BOOST_TEST(original_script > 300u);
  BOOST_TEST(r->metadata.warning_count == 0u);
}

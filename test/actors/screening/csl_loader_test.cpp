#define BOOST_TEST_MODULE screening_csl_loader
#include <boost/test/unit_test.hpp>

#include "actors/screening/engine/csl_loader.hpp"
#include "actors/screening/engine/list_loader.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::entity_type)

namespace {

const std::string header =
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
    "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
    "source_information_url,ids\n";

std::string row(const std::string& id, const std::string& source, const std::string& type,
                const std::string& name, const std::string& alt, const std::string& dob,
                const std::string& ids) {
  return "\"" + id + "\",\"" + source + "\",\"" + id + "\",\"" + type +
         "\",\"PROG-1; PROG-2\",\"" + name +
         "\",\"\",\"1 Main St, Beijing, 100033, CN\","
         "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"" +
         alt + "\",\"\",\"" + dob + "\",\"EG\",\"\",\"\",\"" + ids + "\"\n";
}

const std::string csl =
    header + header +
    row("17016", "Sectoral Sanctions Identifications List (SSI)", "Entity",
        "GAZPROMBANK JOINT STOCK COMPANY", "GAZPROMBANK; BANK GPB", "",
        "Registration ID, 1027700167110, RU; Target Type, Financial Institution") +
    row("17016", "Non-SDN Menu-Based Sanctions List (NS-MBS List)", "Entity",
        "Gazprombank Joint Stock Company", "", "", "") +
    row("7784", "Specially Designated Nationals (SDN)", "Individual", "SAMIU, Izair", "",
        "1963-07-23; 1964", "") +
    row("dcc742", "Military End User (MEU) List", "", "Academy of Aerospace", "", "", "");

} // namespace

BOOST_AUTO_TEST_CASE(parses_rows_skipping_the_repeated_header) {
  auto r = parse_us_csl_csv("us_csl", source_file{"csl.csv", csl}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 3u);
  auto& gpb = r->entities[0];
  BOOST_TEST(gpb.id == "17016");
  BOOST_TEST(gpb.type == entity_type::entity);
  // The same party on two source lists is merged into one entity.
  BOOST_TEST(gpb.aliases.size() == 3u);
  BOOST_TEST(gpb.aliases[2].name == "Gazprombank Joint Stock Company");
  BOOST_TEST(gpb.programs.size() == 4u);
  BOOST_REQUIRE(gpb.identifiers.size() == 1u); // "Target Type" is not an identifier
  BOOST_TEST(gpb.identifiers[0].value == "1027700167110");
  BOOST_TEST((gpb.countries == std::vector<std::string>{"CN", "EG"}));
  auto& samiu = r->entities[1];
  BOOST_TEST(samiu.type == entity_type::individual);
  BOOST_TEST(samiu.dates_of_birth.size() == 2u);
  BOOST_TEST(r->entities[2].type == entity_type::unknown);
}

BOOST_AUTO_TEST_CASE(truncated_last_row) {
  auto cut = csl.substr(0, csl.size() - 30);
  auto strict = parse_us_csl_csv("us_csl", source_file{"csl.csv", cut}, {});
  BOOST_REQUIRE(!strict);
  BOOST_TEST(strict.error().file == "csl.csv");
  BOOST_TEST(strict.error().line == 6u);
  load_options lenient;
  lenient.max_bad_rows = 1;
  auto ok = parse_us_csl_csv("us_csl", source_file{"csl.csv", cut}, lenient);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->entities.size() == 2u);
  BOOST_TEST(ok->warnings[0].line == 6u);
}

BOOST_AUTO_TEST_CASE(wrong_header_and_field_counts) {
  auto no_header =
      parse_us_csl_csv("us_csl", source_file{"csl.csv", "a,b,c\n1,2,3\n"}, {});
  BOOST_REQUIRE(!no_header);
  BOOST_TEST(no_header.error().line == 1u);
  auto short_row =
      parse_us_csl_csv("us_csl", source_file{"csl.csv", header + "\"1\",\"x\"\n"}, {});
  BOOST_REQUIRE(!short_row);
  BOOST_TEST(short_row.error().line == 2u);
  BOOST_TEST(short_row.error().message.find("fields") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shared_csl_copy_is_cut_off_in_its_last_row) {
  list_source src;
  src.name = "us_csl";
  src.format = list_format::us_csl_csv;
  src.path = std::string(KYB_TEST_DATA) + "/sanctions/us_csl/csl_2023-11.csv";
  auto strict = load_list(src);
  BOOST_REQUIRE(!strict); // strict by default: a cut file is refused
  BOOST_TEST(strict.error().message.find("unterminated") != std::string::npos);
  src.options.max_bad_rows = 1;
  auto r = load_list(src);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_TEST(r->entities.size() == 4219u);
  BOOST_TEST(r->metadata.warning_count == 1u);
}

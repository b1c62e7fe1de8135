#define BOOST_TEST_MODULE screening_generic_loader
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "actors/screening/engine/generic_loader.hpp"
#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/text_decoder.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::entity_type)
BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::list_format)

namespace {

const std::string csv =
    "id,name,type,aliases,weak_aliases,countries,addresses,programs,dates_of_birth,"
    "identifiers,remarks,source_url\n"
    "EU.1,Ivan Petrov,individual,Иван Петров;I. PETROV,Vanya,RU;Belarus,\"Minsk, BY\","
    "EU-RUS,1970-01-02;circa 1969,Passport: 123456 (Russia),\"note, with comma\",x\n"
    "EU.2,Vektor OOO,entity,,,RU,,EU-RUS,,Tax ID: 7707083893,,y\n";

const std::string json = R"({"entities": [
  {"id": "UK.1", "name": "Ivan Petrov", "type": "individual",
   "aliases": ["Иван Петров", {"name": "Vanya", "strong": false}],
   "countries": ["RU"], "addresses": [{"text": "Minsk", "country": "Belarus"}, "Moscow"],
   "programs": ["UK-RUS"], "dates_of_birth": ["1970-01-02"],
   "identifiers": [{"type": "Passport", "value": "123456", "country": "RU"}],
   "remarks": "r"},
  {"id": 42, "name": "Vektor OOO"}
]})";

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    char tmpl[] = "/tmp/kyb_screening_XXXXXX";
    int fd = mkstemp(tmpl);
    path = tmpl;
    std::ofstream(path, std::ios::binary) << content;
    close(fd);
  }
  ~temp_file() { std::remove(path.c_str()); }
};

} // namespace

BOOST_AUTO_TEST_CASE(generic_csv) {
  auto r = parse_generic_csv("eu", source_file{"eu.csv", csv}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 2u);
  auto& ivan = r->entities[0];
  BOOST_TEST(ivan.type == entity_type::individual);
  BOOST_REQUIRE(ivan.aliases.size() == 3u);
  BOOST_TEST(!ivan.aliases[2].strong);
  BOOST_TEST((ivan.countries == std::vector<std::string>{"RU", "BY"}));
  BOOST_TEST(ivan.dates_of_birth.size() == 2u);
  BOOST_REQUIRE(ivan.identifiers.size() == 1u);
  BOOST_TEST(ivan.identifiers[0].country == "Russia");
  BOOST_TEST(ivan.remarks == "note, with comma");
  BOOST_TEST(r->metadata.warning_count == 1u); // unknown column source_url
}

BOOST_AUTO_TEST_CASE(generic_csv_errors_name_the_line) {
  auto bad_type = parse_generic_csv(
      "eu", source_file{"eu.csv", "id,name,type\n1,A,person\n2,B,robot\n"}, {});
  BOOST_REQUIRE(!bad_type);
  BOOST_TEST(bad_type.error().line == 3u);
  BOOST_TEST(bad_type.error().message.find("unknown type 'robot'") != std::string::npos);
  auto bad_date = parse_generic_csv(
      "eu", source_file{"eu.csv", "id,name,dates_of_birth\n1,A,13/13/1970\n"}, {});
  BOOST_REQUIRE(!bad_date);
  BOOST_TEST(bad_date.error().message.find("bad date of birth") != std::string::npos);
  auto bad_country = parse_generic_csv(
      "eu", source_file{"eu.csv", "id,name,countries\n1,A,Atlantis\n"}, {});
  BOOST_REQUIRE(!bad_country);
  auto dup = parse_generic_csv("eu", source_file{"eu.csv", "id,name\n1,A\n1,B\n"}, {});
  BOOST_REQUIRE(!dup);
  BOOST_TEST(dup.error().line == 3u);
  auto no_id = parse_generic_csv("eu", source_file{"eu.csv", "name\nA\n"}, {});
  BOOST_REQUIRE(!no_id);
  BOOST_TEST(no_id.error().line == 1u);
  auto bad_id = parse_generic_csv(
      "eu", source_file{"eu.csv", "id,name,identifiers\n1,A,123\n"}, {});
  BOOST_REQUIRE(!bad_id);
  BOOST_TEST(bad_id.error().message.find("bad identifier") != std::string::npos);
  load_options lenient;
  lenient.max_bad_rows = 2;
  auto ok = parse_generic_csv(
      "eu", source_file{"eu.csv", "id,name,type\n1,A,robot\n2,B,\n3,\"C\n"}, lenient);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->entities.size() == 1u);
  BOOST_TEST(ok->metadata.warning_count == 2u);
}

BOOST_AUTO_TEST_CASE(generic_json) {
  auto r = parse_generic_json("uk", source_file{"uk.json", json}, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_REQUIRE(r->entities.size() == 2u);
  auto& ivan = r->entities[0];
  BOOST_TEST(ivan.aliases.size() == 2u);
  BOOST_TEST(!ivan.aliases[1].strong);
  BOOST_TEST((ivan.countries == std::vector<std::string>{"RU", "BY"}));
  BOOST_TEST(ivan.addresses.size() == 2u);
  BOOST_TEST(r->entities[1].id == "42");
  // A bare array works too.
  auto arr =
      parse_generic_json("uk", source_file{"uk.json", R"([{"id":"1","name":"A"}])"}, {});
  BOOST_REQUIRE(arr);
}

BOOST_AUTO_TEST_CASE(generic_json_errors) {
  auto syntax = parse_generic_json(
      "uk", source_file{"uk.json", "[\n{\"id\": \"1\",\n\"name\": }\n]"}, {});
  BOOST_REQUIRE(!syntax);
  BOOST_TEST(syntax.error().line == 3u);
  BOOST_TEST(syntax.error().message.find("JSON syntax error") != std::string::npos);
  auto truncated =
      parse_generic_json("uk", source_file{"uk.json", json.substr(0, 100)}, {});
  BOOST_REQUIRE(!truncated);
  auto shape = parse_generic_json("uk", source_file{"uk.json", R"({"items": []})"}, {});
  BOOST_REQUIRE(!shape);
  auto entity = parse_generic_json(
      "uk", source_file{"uk.json", R"([{"id":"1","name":"A"},{"id":"2","name":7}])"}, {});
  BOOST_REQUIRE(!entity);
  BOOST_TEST(entity.error().message.find("entities[1]") != std::string::npos);
  auto types = parse_generic_json(
      "uk", source_file{"uk.json", R"([{"id":"1","name":"A","aliases":"x"}])"}, {});
  BOOST_REQUIRE(!types);
  auto enc = parse_generic_json(
      "uk", source_file{"uk.json", "[{\"id\":\"1\",\"name\":\"\xE9\"}]"}, {});
  BOOST_REQUIRE(!enc);
  BOOST_TEST(enc.error().message.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(load_list_from_files_with_version_and_metadata) {
  temp_file f(csv);
  list_source src;
  src.name = "eu";
  src.format = list_format::generic_csv;
  src.path = f.path;
  auto a = load_list(src);
  BOOST_REQUIRE_MESSAGE(a, (a ? "" : a.error().to_string()));
  BOOST_TEST(a->metadata.name == "eu");
  BOOST_TEST(a->metadata.format == "generic_csv");
  BOOST_TEST(a->metadata.entity_count == 2u);
  BOOST_TEST(a->metadata.name_count == 5u);
  BOOST_TEST(a->metadata.version.size() == 7u + 64u);
  BOOST_TEST((a->metadata.source_paths == std::vector<std::string>{f.path}));
  auto b = load_list(src);
  BOOST_REQUIRE(b);
  BOOST_TEST(a->metadata.version == b->metadata.version); // same bytes, same version
  temp_file g(csv + "EU.3,Third,,,,,,,,,,z\n");
  src.path = g.path;
  auto c = load_list(src);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->metadata.version != a->metadata.version);
}

BOOST_AUTO_TEST_CASE(load_errors_are_values) {
  list_source src;
  src.name = "eu";
  src.format = list_format::generic_json;
  src.path = "/nonexistent/eu.json";
  auto r = load_list(src);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "/nonexistent/eu.json");
  src.path = "";
  BOOST_TEST(!load_list(src));
  temp_file f(csv);
  list_source a{"same", list_format::generic_csv, f.path, "", "", "", {}};
  auto twice = load_lists({a, a});
  BOOST_REQUIRE(!twice);
  BOOST_TEST(twice.error().message.find("configured twice") != std::string::npos);
  BOOST_TEST(parse_list_format("un_xml").value() == list_format::un_xml);
  BOOST_TEST(!parse_list_format("eu_xml"));
}

// Found by test/fuzz/generic_loader_fuzz (test/fuzz/regressions/generic_loader/): the
// syntax error quoted nlohmann's last bytes read, which can end inside a character.
BOOST_AUTO_TEST_CASE(json_syntax_errors_are_valid_utf8) {
  // CC A2 is U+0322; nlohmann stops after its first byte.
  auto r = parse_generic_json(
      "uk", source_file{"uk.json", "[{\"id\":\"1\",\"name\":\xCC\xA2}]"}, {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("JSON syntax error") != std::string::npos);
  BOOST_TEST(is_valid_utf8(r.error().message), r.error().message);
  BOOST_TEST(r.error().line == 1u);
}

// Found by test/fuzz/generic_loader_fuzz (test/fuzz/regressions/generic_loader/): a
// number too large for any C++ type made nlohmann throw out_of_range, which escaped.
BOOST_AUTO_TEST_CASE(json_numbers_out_of_range_are_a_load_error) {
  auto r = parse_generic_json(
      "uk", source_file{"uk.json", "[88888888888888880000069E737878134601500\"did["}, {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("out of range") != std::string::npos,
             r.error().message);
}

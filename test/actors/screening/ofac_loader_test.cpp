#define BOOST_TEST_MODULE screening_ofac_loader
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/ofac_loader.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::entity_type)

namespace {

// Legacy layout: no header, CRLF, "-0-" for empty, Windows-1252, ^Z at the end.
const std::string sdn =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
    "\r\n"
    "2674,\"JOS\xC9 MAR\xCD"
    "A, Pedro\",\"individual\",\"SDNT] [SDNTK\",-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,\"DOB 12 Mar 1965; alt. DOB 1966; POB Bogota, Colombia; nationality "
    "Colombia; Passport AB123456 (Colombia); a.k.a. 'EL PATR\xD3N'; Tax ID No. 12\"\r\n"
    "4243,\"EBANO\",\"vessel\",\"CUBA\",-0- ,\"CL2192\",\"General "
    "Cargo\",\"2595\",\"1865\","
    "\"Panama\",-0- ,\"Vessel Registration Identification IMO 7406784; f.k.a. 'ANA "
    "I'.\"\r\n"
    "\x1A";
const std::string alt = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n"
                        "999,13,\"aka\",\"NOBODY\",-0- \r\n"
                        "2674,14,\"fka\",\"MARIA, Jose Pedro\",-0- \r\n\x1A";
const std::string add = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n"
                        "888,26,\"Street 1\",\"City\",\"Iran\",-0- \r\n\x1A";
// The legacy format cuts long remarks mid-word; the comments file holds the rest.
const std::string comments = "2674,\"345 (Colombia).\"\r\n"
                             "777,\"orphan comment\"\r\n\x1A";

source_file file(const std::string& path, const std::string& bytes) {
  return source_file{path, bytes};
}

const sanctioned_entity* by_id(const sanctions_list& l, const std::string& id) {
  for (auto& e : l.entities)
    if (e.id == id)
      return &e;
  return nullptr;
}

bool has_alias(const sanctioned_entity& e, const std::string& name, bool strong) {
  return std::any_of(e.aliases.begin(), e.aliases.end(), [&](const alias& a) {
    return a.name == name && a.strong == strong;
  });
}

} // namespace

BOOST_AUTO_TEST_CASE(parses_the_four_files) {
  auto p = file("sdn.csv", sdn), a = file("alt.csv", alt), d = file("add.csv", add),
       c = file("sdn_comments.csv", comments);
  auto r = parse_ofac_csv("ofac_sdn", p, &a, &d, &c, {});
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  auto& l = r.value();
  BOOST_TEST(l.entities.size() == 3u);

  auto* cuba = by_id(l, "36");
  BOOST_REQUIRE(cuba);
  BOOST_TEST(cuba->type == entity_type::entity); // "-0-" type means entity
  BOOST_TEST(cuba->list == "ofac_sdn");
  BOOST_TEST(has_alias(*cuba, "AERO-CARIBBEAN", true));
  BOOST_REQUIRE(cuba->addresses.size() == 1u);
  BOOST_TEST(cuba->addresses[0].country_code == "CU");
  BOOST_TEST((cuba->countries == std::vector<std::string>{"CU"}));

  auto* pedro = by_id(l, "2674");
  BOOST_REQUIRE(pedro);
  BOOST_TEST(pedro->primary_name == "JOS\xC3\x89 MAR\xC3\x8D"
                                    "A, Pedro"); // CP1252 -> UTF-8
  BOOST_TEST(pedro->type == entity_type::individual);
  BOOST_TEST((pedro->programs == std::vector<std::string>{"SDNT", "SDNTK"}));
  BOOST_REQUIRE(pedro->dates_of_birth.size() == 2u);
  BOOST_TEST(pedro->dates_of_birth[0].from.to_string() == "1965-03-12");
  BOOST_TEST(pedro->dates_of_birth[1].from.to_string() == "1966");
  BOOST_TEST((pedro->countries == std::vector<std::string>{"CO"}));
  BOOST_TEST(has_alias(*pedro, "EL PATR\xC3\x93N", false)); // remarks a.k.a. = weak
  BOOST_TEST(has_alias(*pedro, "MARIA, Jose Pedro", true));
  bool passport = false, tax = false;
  for (auto& id : pedro->identifiers) {
    passport = passport || (id.type == "Passport" && id.value == "AB123456" &&
                            id.country == "Colombia");
    tax = tax || (id.type == "Tax ID No." && id.value == "12345"); // from comments
  }
  BOOST_TEST(passport);
  BOOST_TEST(tax);

  auto* ship = by_id(l, "4243");
  BOOST_REQUIRE(ship);
  BOOST_TEST(ship->type == entity_type::vessel);
  BOOST_TEST(has_alias(*ship, "ANA I", false));
  bool imo = false, call_sign = false;
  for (auto& id : ship->identifiers) {
    imo = imo || (id.type == "IMO" && id.value == "7406784");
    call_sign = call_sign || (id.type == "Call Sign" && id.value == "CL2192");
  }
  BOOST_TEST(imo);
  BOOST_TEST(call_sign);
  BOOST_TEST((ship->countries == std::vector<std::string>{"PA"})); // flag
}

BOOST_AUTO_TEST_CASE(ids_that_do_not_join_are_warnings_not_errors) {
  auto p = file("sdn.csv", sdn), a = file("alt.csv", alt), d = file("add.csv", add),
       c = file("sdn_comments.csv", comments);
  auto r = parse_ofac_csv("ofac_sdn", p, &a, &d, &c, {});
  BOOST_REQUIRE(r);
  BOOST_TEST(r->metadata.warning_count == 3u);
  BOOST_REQUIRE(r->warnings.size() == 3u);
  BOOST_TEST(r->warnings[0].file == "alt.csv");
  BOOST_TEST(r->warnings[0].line == 2u);
  BOOST_TEST(r->warnings[0].message.find("999") != std::string::npos);
  BOOST_TEST(r->warnings[1].file == "add.csv");
  BOOST_TEST(r->warnings[2].file == "sdn_comments.csv");
  // The primary file alone is a valid list too.
  auto alone = parse_ofac_csv("ofac_sdn", p, nullptr, nullptr, nullptr, {});
  BOOST_REQUIRE(alone);
  BOOST_TEST(alone->entities.size() == 3u);
}

BOOST_AUTO_TEST_CASE(truncated_file_fails_with_file_and_line) {
  auto cut = file("sdn.csv", sdn.substr(0, sdn.find("4243") + 20));
  auto r = parse_ofac_csv("ofac_sdn", cut, nullptr, nullptr, nullptr, {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "sdn.csv");
  BOOST_TEST(r.error().line == 3u);
  BOOST_TEST(r.error().message.find("unterminated") != std::string::npos);
  // Cut between fields: too few fields.
  auto cut2 = file("sdn.csv", "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\r\n");
  auto r2 = parse_ofac_csv("ofac_sdn", cut2, nullptr, nullptr, nullptr, {});
  BOOST_REQUIRE(!r2);
  BOOST_TEST(r2.error().line == 1u);
  BOOST_TEST(r2.error().message.find("expected at least 12 fields") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_rows_obey_the_bad_row_budget) {
  std::string bad =
      sdn.substr(0, sdn.find("4243")) +
      "X1,\"BROKEN ID\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n" +
      sdn.substr(sdn.find("4243"));
  auto p = file("sdn.csv", bad);
  auto strict = parse_ofac_csv("ofac_sdn", p, nullptr, nullptr, nullptr, {});
  BOOST_REQUIRE(!strict);
  BOOST_TEST(strict.error().line == 3u);
  BOOST_TEST(strict.error().message.find("not a number") != std::string::npos);
  load_options lenient;
  lenient.max_bad_rows = 1;
  auto ok = parse_ofac_csv("ofac_sdn", p, nullptr, nullptr, nullptr, lenient);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->entities.size() == 3u);
  BOOST_TEST(ok->metadata.warning_count == 1u);
  BOOST_TEST(ok->warnings[0].message.find("row skipped") == 0u);
  // Duplicate ids are malformed rows too.
  auto dup =
      file("sdn.csv", sdn.substr(0, sdn.find("2674")) + sdn.substr(0, sdn.find("2674")));
  BOOST_TEST(!parse_ofac_csv("ofac_sdn", dup, nullptr, nullptr, nullptr, {}));
}

BOOST_AUTO_TEST_CASE(empty_and_mis_encoded_files) {
  auto empty = file("sdn.csv", "\x1A");
  auto r = parse_ofac_csv("ofac_sdn", empty, nullptr, nullptr, nullptr, {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("no entries") != std::string::npos);
  auto p = file("sdn.csv", sdn);
  auto broken_alt = file("alt.csv", "36,12,\"aka\",\"AERO\x81\",-0- \r\n");
  auto r2 = parse_ofac_csv("ofac_sdn", p, &broken_alt, nullptr, nullptr, {});
  BOOST_REQUIRE(!r2);
  BOOST_TEST(r2.error().file == "alt.csv");
  BOOST_TEST(r2.error().line == 1u);
}

BOOST_AUTO_TEST_CASE(test_data_sdn_2024_with_newer_aux_files) {
  std::string s = std::string(KYB_TEST_DATA) + "/sanctions/";
  list_source src;
  src.name = "ofac_sdn";
  src.format = list_format::ofac_csv;
  src.path = s + "ofac_sdn_2024-07-02/sdn.csv";
  src.aliases_path = s + "ofac_aux_2025-12-24/alt.csv";
  src.addresses_path = s + "ofac_aux_2025-12-24/add.csv";
  src.comments_path = s + "ofac_aux_2025-12-24/sdn_comments.csv";
  auto r = load_list(src);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_TEST(r->entities.size() == 15443u);
  // The 2025 aux files name entries the 2024 list does not have: warned, not fatal.
  BOOST_TEST(r->metadata.warning_count > 1000u);
  BOOST_TEST(r->metadata.version.rfind("sha256:", 0) == 0u);
  BOOST_TEST(r->metadata.source_paths.size() == 4u);
  size_t aliases = 0, dobs = 0;
  for (auto& e : r->entities) {
    aliases += e.aliases.size();
    dobs += e.dates_of_birth.size();
  }
  BOOST_TEST(aliases > 15000u);
  BOOST_TEST(dobs > 5000u);
}

BOOST_AUTO_TEST_CASE(test_data_2021_set_joins_fully_and_non_sdn_loads) {
  std::string s = std::string(KYB_TEST_DATA) + "/sanctions/";
  list_source full;
  full.name = "ofac_2021";
  full.format = list_format::ofac_csv;
  full.path = s + "ofac_full_2021-07-07/sdn.csv";
  full.aliases_path = s + "ofac_full_2021-07-07/alt.csv";
  full.addresses_path = s + "ofac_full_2021-07-07/add.csv";
  full.comments_path = s + "ofac_full_2021-07-07/sdn_comments.csv";
  auto r = load_list(full);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().to_string()));
  BOOST_TEST(r->entities.size() == 8976u);
  BOOST_TEST(r->metadata.warning_count == 0u);

  list_source cons;
  cons.name = "ofac_non_sdn";
  cons.format = list_format::ofac_csv;
  cons.path = s + "ofac_nonsdn_consolidated/cons_prim.csv";
  cons.aliases_path = s + "ofac_nonsdn_consolidated/cons_alt.csv";
  cons.addresses_path = s + "ofac_nonsdn_consolidated/cons_add.csv";
  cons.comments_path = s + "ofac_nonsdn_consolidated/cons_comments.csv";
  auto c = load_list(cons);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().to_string()));
  BOOST_TEST(c->entities.size() == 442u);
}

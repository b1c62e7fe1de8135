// Writes actors/screening/engine/generated/country_names.cpp: ISO 3166-1 names, official
// and common names, alpha-2 and alpha-3 codes from Debian's iso-codes package, plus the
// spellings sanctions lists use ("Korea, North", "Burma", "Iran (Islamic Republic
// of)"), all normalised with the engine's normaliser and sorted. Run from the
// repository root (apt-get install iso-codes provides the JSON file):
//
//   build-screening/actors/screening/tools/gen_country_names
//       /usr/share/iso-codes/json/iso_3166-1.json
//       actors/screening/engine/generated/country_names.cpp
//
// (one command, arguments on one line).
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/text_decoder.hpp"

using namespace kyb::screening;

namespace {

struct alias_entry {
  const char* name;
  const char* code;
};

// How OFAC, the UN and the US CSL spell countries where ISO differs.
const alias_entry supplement[] = {
    {"Russia", "RU"},
    {"Iran", "IR"},
    {"Iran (Islamic Republic of)", "IR"},
    {"Syria", "SY"},
    {"Korea, North", "KP"},
    {"North Korea", "KP"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Korea, South", "KR"},
    {"South Korea", "KR"},
    {"Republic of Korea", "KR"},
    {"Burma", "MM"},
    {"Laos", "LA"},
    {"Lao People's Democratic Republic", "LA"},
    {"Vietnam", "VN"},
    {"Tanzania", "TZ"},
    {"United Republic of Tanzania", "TZ"},
    {"Bolivia", "BO"},
    {"Venezuela", "VE"},
    {"Moldova", "MD"},
    {"Republic of Moldova", "MD"},
    {"Macedonia", "MK"},
    {"The former Yugoslav Republic of Macedonia", "MK"},
    {"Czech Republic", "CZ"},
    {"Ivory Coast", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Congo, Democratic Republic of the", "CD"},
    {"Democratic Republic of the Congo", "CD"},
    {"Congo, Republic of the", "CG"},
    {"Republic of the Congo", "CG"},
    {"Congo", "CG"},
    {"Palestinian", "PS"},
    {"Palestine", "PS"},
    {"West Bank", "PS"},
    {"Gaza", "PS"},
    {"Kosovo", "XK"},
    {"Turkey", "TR"},
    {"Turkiye", "TR"},
    {"UK", "GB"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"Great Britain", "GB"},
    {"England", "GB"},
    {"USA", "US"},
    {"United States of America", "US"},
    {"U.S.A.", "US"},
    {"Bahamas, The", "BS"},
    {"The Bahamas", "BS"},
    {"Gambia, The", "GM"},
    {"The Gambia", "GM"},
    {"Brunei", "BN"},
    {"Micronesia, Federated States of", "FM"},
    {"Vatican", "VA"},
    {"Holy See", "VA"},
    {"Taiwan", "TW"},
    {"Hong Kong", "HK"},
    {"Macau", "MO"},
    {"Macao", "MO"},
    {"Cabo Verde", "CV"},
    {"Cape Verde", "CV"},
    {"Eswatini", "SZ"},
    {"Swaziland", "SZ"},
    {"East Timor", "TL"},
    {"Timor-Leste", "TL"},
    {"Netherlands Antilles", "CW"},
    {"Curacao", "CW"},
    {"Sint Maarten", "SX"},
    {"Region: Crimea", "UA"},
    {"Crimea", "UA"},
    {"Yugoslavia", "RS"},
    {"Serbia and Montenegro", "RS"},
    {"Soviet Union", "RU"},
    {"USSR", "RU"},
    {"Sudan, South", "SS"},
    {"Saint Kitts and Nevis", "KN"},
    {"St. Kitts and Nevis", "KN"},
    {"Saint Vincent and the Grenadines", "VC"},
    {"St. Vincent and the Grenadines", "VC"},
    {"Saint Lucia", "LC"},
    {"Venezuela (Bolivarian Republic of)", "VE"},
    {"Bolivia (Plurinational State of)", "BO"},
    {"Syrian Arab Republic", "SY"},
    {"Russian Federation", "RU"},
    {"Viet Nam", "VN"},
    {"Bosnia-Herzegovina", "BA"},
    {"United Arab Emirates", "AE"},
    {"UAE", "AE"},
    {"Kyrgyz Republic", "KG"},
    {"Slovak Republic", "SK"},
    {"Korea", "KR"},
};

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <iso_3166-1.json> <out.cpp>\n", argv[0]);
    return 2;
  }
  auto bytes = read_file_bytes(argv[1]);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().to_string().c_str());
    return 1;
  }
  auto doc = nlohmann::json::parse(bytes.value(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("3166-1") || !doc["3166-1"].is_array()) {
    std::fprintf(stderr, "%s: not an iso-codes 3166-1 JSON file\n", argv[1]);
    return 1;
  }
  std::map<std::string, std::string> names; // normalised name -> code
  auto add = [&](const std::string& raw, const std::string& code) {
    auto folded = normalizer::fold(raw);
    if (!folded.empty())
      names.emplace(folded, code); // the first spelling wins; ISO names come first
  };
  size_t countries = 0;
  for (auto& c : doc["3166-1"]) {
    if (!c.contains("alpha_2") || !c["alpha_2"].is_string())
      continue;
    std::string code = c["alpha_2"].get<std::string>();
    ++countries;
    add(code, code);
    for (auto key : {"alpha_3", "name", "official_name", "common_name"})
      if (c.contains(key) && c[key].is_string())
        add(c[key].get<std::string>(), code);
  }
  for (auto& a : supplement)
    add(a.name, a.code);
  std::ofstream out(argv[2], std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  out << "// GENERATED by actors/screening/tools/gen_country_names.cpp; do not edit.\n"
      << "// Source: iso-codes iso_3166-1.json (" << countries
      << " countries) plus the supplement in the generator.\n"
      << "#include \"actors/screening/engine/generated/country_names.hpp\"\n\n"
      << "// clang-format off\n"
      << "namespace kyb::screening::generated {\n\n"
      << "const country_name country_names[] = {\n";
  for (auto& [name, code] : names)
    out << "  {\"" << name << "\", \"" << code << "\"},\n";
  out << "};\n\nconst size_t country_name_count = " << names.size() << ";\n\n"
      << "} // namespace kyb::screening::generated\n";
  std::printf("wrote %zu names of %zu countries to %s\n", names.size(), countries,
              argv[2]);
  return out.good() ? 0 : 1;
}

#include "actors/classification/classification_input.hpp"

#include <cctype>
#include <cstring>

#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

namespace {

// ISO 3166-1 alpha-2, officially assigned codes, plus XK.
constexpr const char* iso_countries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM "
    "BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX "
    "CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG "
    "GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV "
    "LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE "
    "NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO "
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF "
    "WS XK YE YT ZA ZM ZW";

bool is_blank(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isspace(c))
      return false;
  return true;
}

std::optional<error> check_field(const char* name, const std::string& value,
                                 size_t limit) {
  if (value.size() > limit)
    return error{errc::input_too_large,
                 std::string(name) + " has " + std::to_string(value.size()) +
                     " bytes, the limit is " + std::to_string(limit)};
  size_t bad = 0;
  if (!text_normalizer::is_valid_utf8(value, &bad))
    return error{errc::invalid_utf8, std::string(name) + ": byte " + std::to_string(bad) +
                                         " is not valid UTF-8"};
  return std::nullopt;
}

} // namespace

const char* field_name(input_field f) noexcept {
  switch (f) {
  case input_field::name:
    return "legal_name";
  case input_field::dba:
    return "dba_name";
  case input_field::description:
    return "description";
  case input_field::website:
    return "website_text";
  }
  return "legal_name";
}

bool is_iso_country(const std::string& code) {
  if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
      !std::isalpha(static_cast<unsigned char>(code[1])))
    return false;
  char up[3] = {static_cast<char>(std::toupper(static_cast<unsigned char>(code[0]))),
                static_cast<char>(std::toupper(static_cast<unsigned char>(code[1]))), 0};
  for (const char* p = iso_countries; *p; p += (p[2] ? 3 : 2))
    if (p[0] == up[0] && p[1] == up[1])
      return true;
  return false;
}

std::optional<error> validate_input(const classification_input& input,
                                    const input_limits& limits) {
  if (auto e = check_field("legal_name", input.legal_name, limits.max_name_bytes))
    return e;
  if (auto e = check_field("dba_name", input.dba_name, limits.max_name_bytes))
    return e;
  if (auto e =
          check_field("description", input.description, limits.max_description_bytes))
    return e;
  if (auto e =
          check_field("website_text", input.website_text, limits.max_website_text_bytes))
    return e;
  if (!input.country.empty() && !is_iso_country(input.country)) {
    // The value as sent (up to 64 bytes, never cut inside a character).
    std::string shown = input.country;
    if (shown.size() > 64) {
      size_t cut = 64;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80)
        --cut;
      shown = shown.substr(0, cut) + "...";
    }
    return error{errc::invalid_country,
                 "country must be an ISO 3166-1 alpha-2 code such as US or GB, got '" +
                     shown + "'"};
  }
  if (is_blank(input.legal_name) && is_blank(input.dba_name) &&
      is_blank(input.description) && is_blank(input.website_text))
    return error{
        errc::empty_input,
        "at least one of legal_name, dba_name, description, website_text is required"};
  return std::nullopt;
}

} // namespace kyb::classification

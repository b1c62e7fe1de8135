#include "actors/screening/engine/list_source.hpp"

#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

const char* to_string(list_format f) noexcept {
  switch (f) {
  case list_format::ofac_csv:
    return "ofac_csv";
  case list_format::un_xml:
    return "un_xml";
  case list_format::us_csl_csv:
    return "us_csl_csv";
  case list_format::eu_fsf_xml:
    return "eu_fsf_xml";
  case list_format::uk_ofsi_csv:
    return "uk_ofsi_csv";
  case list_format::generic_csv:
    return "generic_csv";
  case list_format::generic_json:
    return "generic_json";
  }
  return "unknown";
}

std::optional<list_format> parse_list_format(std::string_view text) {
  for (auto f : {list_format::ofac_csv, list_format::un_xml, list_format::us_csl_csv,
                 list_format::eu_fsf_xml, list_format::uk_ofsi_csv,
                 list_format::generic_csv, list_format::generic_json})
    if (iequals(text, to_string(f)))
      return f;
  return std::nullopt;
}

} // namespace kyb::screening

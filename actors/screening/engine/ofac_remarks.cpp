#include "actors/screening/engine/ofac_remarks.hpp"

#include <string>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

namespace {

// Remarks labels that introduce an identifier, longest first where one is a prefix of
// another.
const char* const id_labels[] = {
    "Vessel Registration Identification",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "Unified Social Credit Code (USCC)",
    "Business Registration Document #",
    "Business Registration Number",
    "Business Number",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Commercial Registry Number",
    "Commercial Registration Number",
    "Company Number",
    "Government Gazette Number",
    "Legal Entity Number",
    "Registration Number",
    "Registration ID",
    "Economic Register Number (CBLS)",
    "Trade License No.",
    "Tax ID No.",
    "V.A.T. Number",
    "National ID No.",
    "National Foreign ID Number",
    "Identification Number",
    "Personal ID Card",
    "Residency Number",
    "Driver's License No.",
    "Electoral Registry No.",
    "Cedula No.",
    "C.U.R.P.",
    "R.F.C.",
    "RFC",
    "SSN",
    "D-U-N-S Number",
    "SWIFT/BIC",
    "MMSI",
    "NIT #",
    "RUC #",
    "Matricula Mercantil No",
    "Folio Mercantil No.",
    "Passport",
    "Diplomatic Passport",
    "Stateless Person Passport",
};

std::string_view after_label(std::string_view seg, std::string_view label, bool& ok) {
  ok = false;
  if (!istarts_with(seg, label))
    return {};
  if (seg.size() > label.size() && seg[label.size()] != ' ')
    return {};
  ok = true;
  return trim(seg.substr(label.size()));
}

void add_identifier(std::string_view label, std::string_view rest, sanctioned_entity& e) {
  // "A123456 (Iraq) issued 12 Jan 2010 expires 11 Jan 2020"
  for (auto cut : {" issued", " expires", " Issue Date", " Expiration Date"}) {
    auto pos = rest.find(cut);
    if (pos != std::string_view::npos)
      rest = trim(rest.substr(0, pos));
  }
  identifier id;
  id.type = std::string(label);
  if (!rest.empty() && rest.back() == ')') {
    auto open = rest.rfind(" (");
    if (open != std::string_view::npos) {
      id.country = std::string(rest.substr(open + 2, rest.size() - open - 3));
      rest = trim(rest.substr(0, open));
    }
  }
  if (label == "Vessel Registration Identification" && istarts_with(rest, "IMO ")) {
    id.type = "IMO";
    rest = trim(rest.substr(4));
  }
  if (rest.empty())
    return;
  id.value = std::string(rest);
  e.identifiers.push_back(std::move(id));
}

void add_weak_alias(std::string_view rest, std::string_view kind, sanctioned_entity& e) {
  rest = trim(rest);
  if (rest.size() >= 2 && rest.front() == '\'') {
    auto close = rest.rfind('\'');
    if (close > 0)
      rest = rest.substr(1, close - 1);
  }
  rest = trim(rest);
  if (rest.empty())
    return;
  e.aliases.push_back(alias{std::string(rest), false, std::string(kind)});
}

} // namespace

void apply_ofac_remarks(std::string_view remarks, sanctioned_entity& e) {
  for (auto& part : split_trimmed(remarks, ";")) {
    std::string_view seg = part;
    while (!seg.empty() && seg.back() == '.')
      seg.remove_suffix(1);
    if (istarts_with(seg, "alt. "))
      seg = trim(seg.substr(5));
    bool ok = false;
    if (auto r = after_label(seg, "DOB", ok); ok) {
      if (auto d = parse_list_date(r))
        e.dates_of_birth.push_back(*d);
      continue;
    }
    if (auto r = after_label(seg, "nationality", ok); ok) {
      if (auto c = country_table::code_of(r))
        e.add_country_code(*c);
      continue;
    }
    if (auto r = after_label(seg, "citizen", ok); ok) {
      if (auto c = country_table::code_of(r))
        e.add_country_code(*c);
      continue;
    }
    bool alias_done = false;
    for (auto kind : {"a.k.a.", "f.k.a.", "n.k.a."}) {
      if (auto r = after_label(seg, kind, ok); ok) {
        const char* k = kind[0] == 'a' ? "aka" : kind[0] == 'f' ? "fka" : "nka";
        add_weak_alias(r, k, e);
        alias_done = true;
        break;
      }
    }
    if (alias_done)
      continue;
    for (auto label : id_labels) {
      if (auto r = after_label(seg, label, ok); ok) {
        add_identifier(label, r, e);
        break;
      }
    }
  }
}

} // namespace kyb::screening

#include "actors/screening/engine/un_loader.hpp"

#include <cstring>
#include <pugixml.hpp>
#include <unordered_set>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/engine/list_file.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"

namespace kyb::screening {

namespace {

std::string text_of(const pugi::xml_node& parent, const char* child) {
  return std::string(trim(parent.child(child).text().as_string()));
}

void add_country(sanctioned_entity& e, const std::string& name) {
  if (auto code = country_table::code_of(name))
    e.add_country_code(*code);
}

void read_addresses(const pugi::xml_node& node, const char* tag, sanctioned_entity& e) {
  for (auto a : node.children(tag)) {
    address addr;
    for (auto part : {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "NOTE"}) {
      auto v = text_of(a, part);
      if (v.empty())
        continue;
      if (!addr.text.empty())
        addr.text += ", ";
      addr.text += v;
    }
    addr.country = text_of(a, "COUNTRY");
    if (auto code = country_table::code_of(addr.country))
      addr.country_code = *code;
    if (addr.text.empty() && addr.country.empty())
      continue;
    e.add_country_code(addr.country_code);
    e.addresses.push_back(std::move(addr));
  }
}

void read_aliases(const pugi::xml_node& node, const char* tag, sanctioned_entity& e) {
  for (auto a : node.children(tag)) {
    auto name = text_of(a, "ALIAS_NAME");
    if (name.empty())
      continue;
    auto quality = text_of(a, "QUALITY");
    bool weak = iequals(quality, "Low");
    std::string kind = istarts_with(quality, "f.k.a") ? "fka" : "aka";
    e.aliases.push_back(alias{name, !weak, kind});
  }
}

void read_dates(const pugi::xml_node& node, sanctioned_entity& e) {
  for (auto d : node.children("INDIVIDUAL_DATE_OF_BIRTH")) {
    auto type = text_of(d, "TYPE_OF_DATE");
    bool approx = iequals(type, "APPROXIMATELY");
    if (iequals(type, "BETWEEN")) {
      auto from = parse_list_date(text_of(d, "FROM_YEAR"));
      auto to = parse_list_date(text_of(d, "TO_YEAR"));
      if (from && to && to->from.year >= from->from.year) {
        date_of_birth dob;
        dob.from = partial_date{from->from.year, 0, 0};
        dob.to = partial_date{to->from.year, 0, 0};
        e.dates_of_birth.push_back(dob);
      }
      continue;
    }
    for (auto field : {"DATE", "YEAR"}) {
      auto v = text_of(d, field);
      if (v.empty())
        continue;
      if (auto dob = parse_list_date(v)) {
        dob->approximate = dob->approximate || approx;
        e.dates_of_birth.push_back(*dob);
      }
    }
  }
}

void read_documents(const pugi::xml_node& node, sanctioned_entity& e) {
  for (auto d : node.children("INDIVIDUAL_DOCUMENT")) {
    identifier id;
    id.type = text_of(d, "TYPE_OF_DOCUMENT");
    id.value = text_of(d, "NUMBER");
    id.country = text_of(d, "ISSUING_COUNTRY");
    if (id.country.empty())
      id.country = text_of(d, "COUNTRY_OF_ISSUE");
    if (!id.value.empty())
      e.identifiers.push_back(std::move(id));
  }
}

} // namespace

result<sanctions_list, load_error> parse_un_xml(const std::string& list_name,
                                                const source_file& file,
                                                const load_options& options) {
  auto xml = read_xml_list(file);
  if (!xml)
    return xml.error();
  auto root = xml.value()->doc.child("CONSOLIDATED_LIST");
  if (!root)
    return load_error{file.path, 0,
                      "no CONSOLIDATED_LIST element: not a UN consolidated list"};
  sanctions_list list;
  row_rejector rejector(list, options);
  std::unordered_set<std::string> ids;
  auto line_of = [&](const pugi::xml_node& n) { return xml.value()->line_of(n); };

  for (auto group : {"INDIVIDUALS", "ENTITIES"}) {
    bool individuals = std::strcmp(group, "INDIVIDUALS") == 0;
    const char* tag = individuals ? "INDIVIDUAL" : "ENTITY";
    for (auto node : root.child(group).children(tag)) {
      sanctioned_entity e;
      e.list = list_name;
      e.id = text_of(node, "DATAID");
      e.type = individuals ? entity_type::individual : entity_type::entity;
      std::string name;
      for (auto part : {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"}) {
        auto v = text_of(node, part);
        if (v.empty())
          continue;
        if (!name.empty())
          name += ' ';
        name += v;
      }
      if (e.id.empty() || name.empty()) {
        if (auto err = rejector.reject(file.path, line_of(node),
                                       std::string(tag) + " without " +
                                           (e.id.empty() ? "DATAID" : "name")))
          return *err;
        continue;
      }
      if (!ids.insert(e.id).second) {
        if (auto err =
                rejector.reject(file.path, line_of(node), "duplicate DATAID " + e.id))
          return *err;
        continue;
      }
      // Entities sometimes hold several names in one field: "A (X) ; B (Y)".
      auto names = split_trimmed(name, " ; ");
      e.primary_name = names.empty() ? name : names.front();
      for (size_t i = 1; i < names.size(); ++i)
        e.aliases.push_back(alias{names[i], true, "aka"});
      if (auto program = text_of(node, "UN_LIST_TYPE"); !program.empty())
        e.programs.push_back(program);
      if (auto ref = text_of(node, "REFERENCE_NUMBER"); !ref.empty())
        e.identifiers.push_back(identifier{"UN Reference Number", ref, {}});
      for (auto v : node.child("NATIONALITY").children("VALUE"))
        add_country(e, std::string(trim(v.text().as_string())));
      read_aliases(node, individuals ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS", e);
      for (auto s : node.children("NAME_ORIGINAL_SCRIPT")) {
        std::string v(trim(s.text().as_string()));
        if (!v.empty())
          e.aliases.push_back(alias{v, true, "original_script"});
      }
      read_addresses(node, individuals ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS", e);
      if (individuals) {
        read_dates(node, e);
        read_documents(node, e);
      }
      e.remarks = text_of(node, "COMMENTS1");
      list.entities.push_back(std::move(e));
    }
  }
  if (list.entities.empty())
    return load_error{file.path, 0, "no INDIVIDUAL or ENTITY records"};
  return list;
}

} // namespace kyb::screening

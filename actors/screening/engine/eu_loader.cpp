#include "actors/screening/engine/eu_loader.hpp"

#include <algorithm>
#include <cctype>

#include <pugixml.hpp>
#include <unordered_set>

#include "actors/screening/engine/list_file.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

namespace {

std::string attr(const pugi::xml_node& n, const char* name) {
  return std::string(trim(n.attribute(name).as_string()));
}

/// An ISO code as the file writes it ("IQ", "00" or "" for unknown).
std::string iso_code(const pugi::xml_node& n) {
  auto code = attr(n, "countryIso2Code");
  for (auto& c : code)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code.size() == 2 && code != "00" ? code : std::string{};
}

void read_birthdates(const pugi::xml_node& node, sanctioned_entity& e) {
  for (auto b : node.children("birthdate")) {
    date_of_birth dob;
    if (auto full = parse_iso_partial_date(attr(b, "birthdate")))
      dob.from = *full;
    else if (auto year = b.attribute("year").as_int(0); year >= 1000 && year <= 2999)
      dob.from = partial_date{year, b.attribute("monthOfYear").as_int(0), 0};
    else
      continue;
    if (dob.from.month < 0 || dob.from.month > 12)
      dob.from.month = 0;
    dob.approximate = iequals(attr(b, "circa"), "true");
    e.dates_of_birth.push_back(dob);
    e.add_country_code(iso_code(b));
  }
}

void read_addresses(const pugi::xml_node& node, sanctioned_entity& e) {
  for (auto a : node.children("address")) {
    address addr;
    for (auto part : {"street", "poBox", "city", "zipCode", "region", "place"}) {
      auto v = attr(a, part);
      if (v.empty())
        continue;
      if (!addr.text.empty())
        addr.text += ", ";
      addr.text += v;
    }
    addr.country = attr(a, "countryDescription");
    addr.country_code = iso_code(a);
    if (addr.text.empty() && addr.country_code.empty())
      continue;
    e.add_country_code(addr.country_code);
    e.addresses.push_back(std::move(addr));
  }
}

void read_identifications(const pugi::xml_node& node, sanctioned_entity& e) {
  for (auto d : node.children("identification")) {
    identifier id;
    id.type = attr(d, "identificationTypeDescription");
    if (id.type.empty())
      id.type = attr(d, "identificationTypeCode");
    id.value = attr(d, "number");
    if (id.value.empty())
      id.value = attr(d, "latinNumber");
    id.country = attr(d, "countryDescription");
    if (!id.value.empty())
      e.identifiers.push_back(std::move(id));
  }
}

} // namespace

result<sanctions_list, load_error> parse_eu_fsf_xml(const std::string& list_name,
                                                    const source_file& file,
                                                    const load_options& options) {
  auto xml = read_xml_list(file);
  if (!xml)
    return xml.error();
  auto root = xml.value()->doc.child("export");
  if (!root)
    return load_error{file.path, 0,
                      "no export element: not the EU's Financial Sanctions Files XML"};
  sanctions_list list;
  row_rejector rejector(list, options);
  std::unordered_set<std::string> ids;
  auto line_of = [&](const pugi::xml_node& n) { return xml.value()->line_of(n); };
  for (auto node : root.children("sanctionEntity")) {
    sanctioned_entity e;
    e.list = list_name;
    e.id = attr(node, "logicalId");
    auto subject = attr(node.child("subjectType"), "code");
    e.type = iequals(subject, "person")       ? entity_type::individual
             : iequals(subject, "enterprise") ? entity_type::entity
                                              : entity_type::unknown;
    // The first strong name is the primary one; every other name is an alias (weak
    // where the list says strong="false").
    std::vector<std::pair<std::string, bool>> names;
    for (auto a : node.children("nameAlias")) {
      auto whole = attr(a, "wholeName");
      if (whole.empty()) {
        for (auto part : {"firstName", "middleName", "lastName"}) {
          auto v = attr(a, part);
          if (!v.empty())
            whole += (whole.empty() ? "" : " ") + v;
        }
      }
      if (!whole.empty())
        names.emplace_back(whole, !iequals(attr(a, "strong"), "false"));
    }
    auto primary =
        std::find_if(names.begin(), names.end(), [](const auto& n) { return n.second; });
    if (primary == names.end())
      primary = names.begin();
    if (e.id.empty() || names.empty()) {
      if (auto err = rejector.reject(file.path, line_of(node),
                                     std::string("sanctionEntity without ") +
                                         (e.id.empty() ? "logicalId" : "a name")))
        return *err;
      continue;
    }
    if (!ids.insert(e.id).second) {
      if (auto err =
              rejector.reject(file.path, line_of(node), "duplicate logicalId " + e.id))
        return *err;
      continue;
    }
    e.primary_name = primary->first;
    std::unordered_set<std::string> seen_names{e.primary_name};
    for (auto& [name, strong] : names)
      if (seen_names.insert(name).second)
        e.aliases.push_back(alias{name, strong, "aka"});
    if (auto ref = attr(node, "euReferenceNumber"); !ref.empty())
      e.identifiers.push_back(identifier{"EU Reference Number", ref, {}});
    if (auto un = attr(node, "unitedNationId"); !un.empty())
      e.identifiers.push_back(identifier{"UN Reference Number", un, {}});
    for (auto r : node.children("regulation"))
      if (auto programme = attr(r, "programme");
          !programme.empty() &&
          std::find(e.programs.begin(), e.programs.end(), programme) == e.programs.end())
        e.programs.push_back(programme);
    for (auto c : node.children("citizenship"))
      e.add_country_code(iso_code(c));
    read_birthdates(node, e);
    read_identifications(node, e);
    read_addresses(node, e);
    for (auto r : node.children("remark")) {
      std::string v(trim(r.text().as_string()));
      if (!v.empty())
        e.remarks += (e.remarks.empty() ? "" : " ") + v;
    }
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty())
    return load_error{file.path, 0, "no sanctionEntity records"};
  return list;
}

} // namespace kyb::screening

#include "actors/screening/engine/uk_loader.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/list_file.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

namespace {

/// "dd/mm/yyyy" with "00" for an unknown day or month ("00/00/1961"); nullopt otherwise.
std::optional<partial_date> parse_uk_date(std::string_view text) {
  text = trim(text);
  if (text.size() != 10 || text[2] != '/' || text[5] != '/')
    return std::nullopt;
  auto number = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9')
        return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int day = number(0, 2), month = number(3, 2), year = number(6, 4);
  if (day < 0 || month < 0 || year < 1000 || year > 2999 || month > 12 || day > 31)
    return std::nullopt;
  if (month == 0)
    day = 0;
  if (day == 0 && month == 0)
    return partial_date{year, 0, 0};
  std::string iso =
      std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month);
  if (day > 0)
    iso += std::string("-") + (day < 10 ? "0" : "") + std::to_string(day);
  return parse_iso_partial_date(iso);
}

entity_type type_of(std::string_view group_type) {
  if (iequals(group_type, "Individual"))
    return entity_type::individual;
  if (iequals(group_type, "Entity"))
    return entity_type::entity;
  if (iequals(group_type, "Ship"))
    return entity_type::vessel;
  return entity_type::unknown;
}

} // namespace

result<sanctions_list, load_error> parse_uk_ofsi_csv(const std::string& list_name,
                                                     const source_file& file,
                                                     const load_options& options) {
  // The file opens with "Last Updated,<date>" before its header row.
  auto opened = csv_list_reader::open(file, [](const std::vector<std::string>& r) {
    return !r.empty() && istarts_with(trim(r[0]), "Last Updated");
  });
  if (!opened)
    return opened.error();
  auto& reader = *opened.value();
  auto column = [&](const char* name) { return reader.column(name); };
  long c_name6 = column("Name 6"), c_group = column("Group ID"),
       c_type = column("Group Type"), c_alias_type = column("Alias Type"),
       c_quality = column("Alias Quality"), c_non_latin = column("Name Non-Latin Script"),
       c_dob = column("DOB"), c_nationality = column("Nationality"),
       c_passport = column("Passport Number"),
       c_national_id = column("National Identification Number"),
       c_country = column("Country"), c_regime = column("Regime"),
       c_other = column("Other Information"), c_zip = column("Post/Zip Code");
  long c_given[5] = {column("Name 1"), column("Name 2"), column("Name 3"),
                     column("Name 4"), column("Name 5")};
  long c_address[6] = {column("Address 1"), column("Address 2"), column("Address 3"),
                       column("Address 4"), column("Address 5"), column("Address 6")};
  if (c_name6 < 0 || c_group < 0)
    return load_error{file.path, reader.line(),
                      "header lacks the Name 6 or Group ID column: not OFSI's "
                      "consolidated list CSV"};
  sanctions_list list;
  row_rejector rejector(list, options);
  std::unordered_map<std::string, size_t> by_group; // Group ID -> entity index
  std::string problem;
  while (reader.next(problem)) {
    auto get = [&](long c) { return reader.get(c); };
    std::string name;
    std::string group = problem.empty() ? get(c_group) : std::string{};
    if (problem.empty()) {
      for (auto c : c_given)
        if (auto v = get(c); !v.empty())
          name += (name.empty() ? "" : " ") + v;
      if (auto v = get(c_name6); !v.empty())
        name += (name.empty() ? "" : " ") + v;
      if (group.empty())
        problem = "row without Group ID";
      else if (name.empty())
        problem = "row of group " + group + " without a name";
    }
    if (!problem.empty()) {
      if (auto err = rejector.reject(file.path, reader.line(), problem))
        return *err;
      continue;
    }
    auto [it, is_new] = by_group.emplace(group, list.entities.size());
    if (is_new) {
      sanctioned_entity e;
      e.list = list_name;
      e.id = group;
      e.type = type_of(get(c_type));
      list.entities.push_back(std::move(e));
    }
    auto& e = list.entities[it->second];
    bool primary = istarts_with(get(c_alias_type), "Primary name") &&
                   !iequals(get(c_alias_type), "Primary name variation");
    if (e.primary_name.empty() && primary) {
      e.primary_name = name;
    } else if (name != e.primary_name &&
               std::none_of(e.aliases.begin(), e.aliases.end(),
                            [&](const alias& a) { return a.name == name; })) {
      e.aliases.push_back(alias{name, !iequals(get(c_quality), "Low"), "aka"});
    }
    if (auto v = get(c_non_latin);
        !v.empty() && std::none_of(e.aliases.begin(), e.aliases.end(),
                                   [&](const alias& a) { return a.name == v; }))
      e.aliases.push_back(alias{v, true, "original_script"});
    if (auto dob = parse_uk_date(get(c_dob))) {
      date_of_birth d;
      d.from = *dob;
      bool known = std::any_of(
          e.dates_of_birth.begin(), e.dates_of_birth.end(),
          [&](const date_of_birth& x) { return x.to_string() == d.to_string(); });
      if (!known)
        e.dates_of_birth.push_back(d);
    }
    for (auto& n : split_trimmed(get(c_nationality), ","))
      if (auto code = country_table::code_of(n))
        e.add_country_code(*code);
    for (auto [c, type] : {std::pair{c_passport, "Passport"},
                           std::pair{c_national_id, "National Identification Number"}})
      if (auto v = get(c);
          !v.empty() && std::none_of(e.identifiers.begin(), e.identifiers.end(),
                                     [&](const identifier& x) { return x.value == v; }))
        e.identifiers.push_back(identifier{type, v, {}});
    address addr;
    for (auto c : c_address)
      if (auto v = get(c); !v.empty())
        addr.text += (addr.text.empty() ? "" : ", ") + v;
    if (auto zip = get(c_zip); !zip.empty())
      addr.text += (addr.text.empty() ? "" : ", ") + zip;
    addr.country = get(c_country);
    if (auto code = country_table::code_of(addr.country))
      addr.country_code = *code;
    if ((!addr.text.empty() || !addr.country.empty()) &&
        std::none_of(e.addresses.begin(), e.addresses.end(), [&](const address& a) {
          return a.text == addr.text && a.country == addr.country;
        })) {
      e.add_country_code(addr.country_code);
      e.addresses.push_back(std::move(addr));
    }
    if (auto regime = get(c_regime);
        !regime.empty() &&
        std::find(e.programs.begin(), e.programs.end(), regime) == e.programs.end())
      e.programs.push_back(regime);
    if (e.remarks.empty())
      e.remarks = get(c_other);
  }
  // A group whose rows are all aliases: its first name is its primary one.
  for (auto& e : list.entities)
    if (e.primary_name.empty() && !e.aliases.empty()) {
      e.primary_name = e.aliases.front().name;
      e.aliases.erase(e.aliases.begin());
    }
  if (list.entities.empty())
    return load_error{file.path, 0, "no records"};
  return list;
}

} // namespace kyb::screening

#include "actors/screening/engine/csl_loader.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/engine/list_file.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

namespace {

// "ids" entries that describe the listing rather than identify the party.
bool informational_id(std::string_view type) {
  for (auto p : {"Target Type", "Listing Date", "Effective Date", "Purchase/Sales",
                 "Issuer Name", "Website", "Email Address", "Phone Number",
                 "Secondary sanctions risk", "Transactions Prohibited", "Executive Order",
                 "Additional Sanctions Information", "Gender"})
    if (istarts_with(type, p))
      return true;
  return false;
}

} // namespace

result<sanctions_list, load_error> parse_us_csl_csv(const std::string& list_name,
                                                    const source_file& file,
                                                    const load_options& options) {
  auto opened = csv_list_reader::open(file);
  if (!opened)
    return opened.error();
  auto& reader = *opened.value();
  auto column = [&](const char* name) { return reader.column(name); };
  long c_id = column("_id"), c_source = column("source"), c_type = column("type"),
       c_programs = column("programs"), c_name = column("name"),
       c_addresses = column("addresses"), c_alt = column("alt_names"),
       c_cit = column("citizenships"), c_nat = column("nationalities"),
       c_dob = column("dates_of_birth"), c_ids = column("ids"),
       c_remarks = column("remarks"), c_flag = column("vessel_flag");
  if (c_id < 0 || c_name < 0)
    return load_error{file.path, 1,
                      "header lacks the _id or name column: not a Consolidated Screening "
                      "List CSV"};
  sanctions_list list;
  row_rejector rejector(list, options);
  std::unordered_map<std::string, size_t> seen; // _id -> entity index
  std::string problem;
  while (reader.next(problem)) {
    if (problem.empty() && reader.row() == reader.header())
      continue; // the published file repeats its header on line 2
    auto get = [&](long c) { return reader.get(c); };
    sanctioned_entity e;
    if (problem.empty()) {
      e.list = list_name;
      e.id = get(c_id);
      e.primary_name = get(c_name);
      if (e.id.empty())
        problem = "row without _id";
      else if (e.primary_name.empty())
        problem = "row " + e.id + " without name";
    }
    if (!problem.empty()) {
      if (auto err = rejector.reject(file.path, reader.line(), problem))
        return *err;
      continue;
    }
    auto type = get(c_type);
    e.type = type.empty() ? entity_type::unknown
                          : parse_entity_type(type).value_or(entity_type::unknown);
    if (auto source = get(c_source); !source.empty())
      e.programs.push_back(source);
    for (auto& p : split_trimmed(get(c_programs), ";"))
      e.programs.push_back(p);
    for (auto& a : split_trimmed(get(c_alt), ";"))
      e.aliases.push_back(alias{a, true, "aka"});
    for (auto& text_addr : split_trimmed(get(c_addresses), ";")) {
      address a;
      a.text = text_addr;
      // trade.gov ends each address with the ISO code: "..., Beijing, 100033, CN".
      auto comma = text_addr.rfind(',');
      auto last = std::string(trim(comma == std::string::npos
                                       ? std::string_view(text_addr)
                                       : std::string_view(text_addr).substr(comma + 1)));
      if (auto code = country_table::code_of(last)) {
        a.country = last;
        a.country_code = *code;
      }
      e.add_country_code(a.country_code);
      e.addresses.push_back(std::move(a));
    }
    for (long c : {c_cit, c_nat, c_flag})
      for (auto& v : split_trimmed(get(c), ";"))
        if (auto code = country_table::code_of(v))
          e.add_country_code(*code);
    for (auto& d : split_trimmed(get(c_dob), ";"))
      if (auto dob = parse_list_date(d))
        e.dates_of_birth.push_back(*dob);
    for (auto& entry : split_trimmed(get(c_ids), ";")) {
      auto parts = split_trimmed(entry, ",");
      if (parts.size() < 2 || informational_id(parts[0]))
        continue;
      identifier id;
      id.type = parts[0];
      id.value = parts[1];
      if (parts.size() >= 3)
        id.country = parts[2];
      e.identifiers.push_back(std::move(id));
    }
    e.remarks = get(c_remarks);
    // One party on several source lists (SSI and NS-MBS, say) appears once per list
    // with the same _id: merge the rows into one entity.
    auto [it, fresh] = seen.emplace(e.id, list.entities.size());
    if (fresh) {
      list.entities.push_back(std::move(e));
      continue;
    }
    auto& first = list.entities[it->second];
    first.aliases.push_back(alias{e.primary_name, true, "aka"});
    for (auto& v : e.aliases)
      first.aliases.push_back(std::move(v));
    for (auto& v : e.programs)
      if (std::find(first.programs.begin(), first.programs.end(), v) ==
          first.programs.end())
        first.programs.push_back(std::move(v));
    for (auto& v : e.addresses)
      first.addresses.push_back(std::move(v));
    for (auto& v : e.countries)
      first.add_country_code(v);
    for (auto& v : e.dates_of_birth)
      first.dates_of_birth.push_back(v);
    for (auto& v : e.identifiers)
      first.identifiers.push_back(std::move(v));
    if (first.type == entity_type::unknown)
      first.type = e.type;
  }
  if (list.entities.empty())
    return load_error{file.path, 0, "no entries"};
  return list;
}

} // namespace kyb::screening

#include "actors/screening/engine/ofac_loader.hpp"

#include <unordered_map>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/ofac_remarks.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "runtime/base/csv_reader.hpp"

namespace kyb::screening {

namespace {

/// OFAC writes "-0-" (often with a trailing blank) for an empty field.
std::string field(const std::vector<std::string>& row, size_t i) {
  if (i >= row.size())
    return {};
  auto v = trim(row[i]);
  if (v == "-0-")
    return {};
  return std::string(v);
}

using id_map = std::unordered_map<std::string, size_t>;

/// Walks the rows of one file, calling `on_row(fields, line)`, which returns an error
/// message for a row it rejects (empty when accepted).
template <class OnRow>
std::optional<load_error> walk(const source_file& file, size_t min_fields,
                               row_rejector& rejector, OnRow on_row) {
  auto text = decode_list_text(file.bytes, text_encoding::utf8_or_cp1252, file.path);
  if (!text)
    return text.error();
  base::csv_reader reader(text.value());
  std::vector<std::string> row;
  for (;;) {
    auto st = reader.next(row);
    if (st == base::csv_reader::status::end)
      return std::nullopt;
    std::string problem;
    if (st == base::csv_reader::status::malformed)
      problem = reader.error();
    else if (row.size() < min_fields)
      problem = "expected at least " + std::to_string(min_fields) + " fields, found " +
                std::to_string(row.size()) + " (truncated row?)";
    else
      problem = on_row(row, reader.line());
    if (!problem.empty())
      if (auto err = rejector.reject(file.path, reader.line(), problem))
        return err;
  }
}

bool valid_ent_num(const std::string& s) {
  unsigned long long v = 0;
  return parse_uint(s, v);
}

entity_type ofac_type(const std::string& s) {
  if (iequals(s, "individual"))
    return entity_type::individual;
  if (iequals(s, "vessel"))
    return entity_type::vessel;
  if (iequals(s, "aircraft"))
    return entity_type::aircraft;
  return entity_type::entity; // the legacy format leaves entities blank
}

} // namespace

result<sanctions_list, load_error>
parse_ofac_csv(const std::string& list_name, const source_file& primary,
               const source_file* aliases, const source_file* addresses,
               const source_file* comments, const load_options& options) {
  sanctions_list list;
  row_rejector rejector(list, options);
  id_map by_id;
  std::vector<std::string> remarks;

  auto err = walk(primary, 12, rejector,
                  [&](const std::vector<std::string>& row, size_t line) -> std::string {
                    (void)line;
                    auto id = field(row, 0);
                    if (!valid_ent_num(id))
                      return "ent_num '" + id + "' is not a number";
                    auto name = field(row, 1);
                    if (name.empty())
                      return "entry " + id + " has no name";
                    if (by_id.count(id))
                      return "duplicate ent_num " + id;
                    sanctioned_entity e;
                    e.list = list_name;
                    e.id = id;
                    e.type = ofac_type(field(row, 2));
                    e.primary_name = name;
                    auto programs = field(row, 3);
                    // Several programs are written "SDGT] [IFSR".
                    for (auto& p : split_trimmed(programs, "] [")) {
                      std::string_view v = p;
                      if (!v.empty() && v.front() == '[')
                        v.remove_prefix(1);
                      if (!v.empty() && v.back() == ']')
                        v.remove_suffix(1);
                      if (!trim(v).empty())
                        e.programs.emplace_back(trim(v));
                    }
                    if (auto call_sign = field(row, 5); !call_sign.empty())
                      e.identifiers.push_back(identifier{"Call Sign", call_sign, {}});
                    if (auto flag = field(row, 9); !flag.empty())
                      if (auto code = country_table::code_of(flag))
                        e.add_country_code(*code);
                    by_id.emplace(id, list.entities.size());
                    list.entities.push_back(std::move(e));
                    remarks.push_back(field(row, 11));
                    return {};
                  });
  if (err)
    return *err;
  if (list.entities.empty())
    return load_error{primary.path, 0,
                      "no entries: the file is empty or not an OFAC list"};

  auto orphan = [&](const std::string& path, size_t line, const std::string& id,
                    const char* what) {
    list.warn(path, line,
              std::string(what) + " for ent_num " + id + " which is not in " +
                  primary.path + ": skipped");
  };

  if (aliases) {
    err = walk(*aliases, 4, rejector,
               [&](const std::vector<std::string>& row, size_t line) -> std::string {
                 auto id = field(row, 0);
                 if (!valid_ent_num(id))
                   return "ent_num '" + id + "' is not a number";
                 auto name = field(row, 3);
                 if (name.empty())
                   return "alias without a name";
                 auto it = by_id.find(id);
                 if (it == by_id.end()) {
                   orphan(aliases->path, line, id, "alias");
                   return {};
                 }
                 auto kind = to_lower_ascii(field(row, 2));
                 // alt.csv holds OFAC's strong aliases; weak ones live in the remarks.
                 list.entities[it->second].aliases.push_back(
                     alias{name, true, kind.empty() ? "aka" : kind});
                 return {};
               });
    if (err)
      return *err;
  }

  if (addresses) {
    err = walk(
        *addresses, 5, rejector,
        [&](const std::vector<std::string>& row, size_t line) -> std::string {
          auto id = field(row, 0);
          if (!valid_ent_num(id))
            return "ent_num '" + id + "' is not a number";
          auto it = by_id.find(id);
          if (it == by_id.end()) {
            orphan(addresses->path, line, id, "address");
            return {};
          }
          address a;
          auto street = field(row, 2);
          auto city = field(row, 3);
          a.text = street.empty() ? city : city.empty() ? street : street + ", " + city;
          a.country = field(row, 4);
          if (auto code = country_table::code_of(a.country))
            a.country_code = *code;
          auto& e = list.entities[it->second];
          e.add_country_code(a.country_code);
          e.addresses.push_back(std::move(a));
          return {};
        });
    if (err)
      return *err;
  }

  if (comments) {
    err = walk(*comments, 2, rejector,
               [&](const std::vector<std::string>& row, size_t line) -> std::string {
                 auto id = field(row, 0);
                 if (!valid_ent_num(id))
                   return "ent_num '" + id + "' is not a number";
                 auto it = by_id.find(id);
                 if (it == by_id.end()) {
                   orphan(comments->path, line, id, "comment");
                   return {};
                 }
                 // The legacy format cuts long remarks; the comments file carries the
                 // rest.
                 remarks[it->second] += field(row, 1);
                 return {};
               });
    if (err)
      return *err;
  }

  for (size_t i = 0; i < list.entities.size(); ++i) {
    auto& e = list.entities[i];
    e.remarks = std::move(remarks[i]);
    apply_ofac_remarks(e.remarks, e);
  }
  return list;
}

} // namespace kyb::screening

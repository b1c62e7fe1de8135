#include "actors/screening/engine/generic_loader.hpp"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/engine/list_file.hpp"
#include "actors/screening/engine/row_rejector.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"

namespace kyb::screening {

namespace {

// `s` with each byte that does not begin a well-formed UTF-8 sequence replaced by '?':
// nlohmann's messages quote the bytes last read, which can end inside a character.
std::string valid_utf8(std::string_view s) {
  std::string out;
  size_t bad = 0;
  while (!is_valid_utf8(s, &bad)) {
    out.append(s.substr(0, bad));
    out += '?';
    s.remove_prefix(bad + 1);
  }
  out.append(s);
  return out;
}

const char* const known_columns[] = {
    "id",        "name",     "type",           "aliases",     "weak_aliases", "countries",
    "addresses", "programs", "dates_of_birth", "identifiers", "remarks",
};

/// "Passport: A123 (Iran)" -> {Passport, A123, Iran}.
std::optional<identifier> parse_identifier(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  identifier id;
  id.type = std::string(trim(text.substr(0, colon)));
  auto rest = trim(text.substr(colon + 1));
  if (!rest.empty() && rest.back() == ')') {
    auto open = rest.rfind('(');
    if (open != std::string_view::npos) {
      id.country = std::string(trim(rest.substr(open + 1, rest.size() - open - 2)));
      rest = trim(rest.substr(0, open));
    }
  }
  id.value = std::string(rest);
  if (id.type.empty() || id.value.empty())
    return std::nullopt;
  return id;
}

/// Fills the optional fields shared by both formats; returns a problem or "".
std::string apply_fields(sanctioned_entity& e, const std::string& type,
                         const std::vector<std::string>& countries,
                         const std::vector<address>& addresses,
                         const std::vector<std::string>& dates) {
  if (!type.empty()) {
    auto t = parse_entity_type(type);
    if (!t)
      return "unknown type '" + type + "' (individual, entity, vessel or aircraft)";
    e.type = *t;
  }
  for (auto& c : countries) {
    auto code = country_table::code_of(c);
    if (!code)
      return "unknown country '" + c + "'";
    e.add_country_code(*code);
  }
  for (auto a : addresses) {
    if (!a.country.empty()) {
      auto code = country_table::code_of(a.country);
      if (!code)
        return "unknown address country '" + a.country + "'";
      a.country_code = *code;
      e.add_country_code(*code);
    }
    e.addresses.push_back(std::move(a));
  }
  for (auto& d : dates) {
    auto dob = parse_list_date(d);
    if (!dob)
      return "bad date of birth '" + d + "'";
    e.dates_of_birth.push_back(*dob);
  }
  return {};
}

} // namespace

result<sanctions_list, load_error> parse_generic_csv(const std::string& list_name,
                                                     const source_file& file,
                                                     const load_options& options) {
  auto opened = csv_list_reader::open(file);
  if (!opened)
    return opened.error();
  auto& reader = *opened.value();
  const auto& header = reader.header();
  sanctions_list list;
  std::vector<long> col(std::size(known_columns), -1);
  for (size_t i = 0; i < header.size(); ++i) {
    auto h = to_lower_ascii(trim(header[i]));
    bool known = false;
    for (size_t k = 0; k < std::size(known_columns); ++k)
      if (h == known_columns[k]) {
        col[k] = static_cast<long>(i);
        known = true;
      }
    if (!known)
      list.warn(file.path, 1, "unknown column '" + header[i] + "' ignored");
  }
  if (col[0] < 0 || col[1] < 0)
    return load_error{file.path, 1, "header must name the columns 'id' and 'name'"};
  row_rejector rejector(list, options);
  std::unordered_set<std::string> seen;
  std::string problem;
  while (reader.next(problem)) {
    auto get = [&](size_t k) { return reader.get(col[k]); };
    sanctioned_entity e;
    if (problem.empty()) {
      e.list = list_name;
      e.id = get(0);
      e.primary_name = get(1);
      if (e.id.empty())
        problem = "row without id";
      else if (e.primary_name.empty())
        problem = "entry " + e.id + " without name";
      else if (!seen.insert(e.id).second)
        problem = "duplicate id " + e.id;
    }
    if (problem.empty()) {
      for (auto& a : split_trimmed(get(3), ";"))
        e.aliases.push_back(alias{a, true, "aka"});
      for (auto& a : split_trimmed(get(4), ";"))
        e.aliases.push_back(alias{a, false, "aka"});
      std::vector<address> addresses;
      for (auto& a : split_trimmed(get(6), ";"))
        addresses.push_back(address{a, {}, {}});
      e.programs = split_trimmed(get(7), ";");
      for (auto& i : split_trimmed(get(9), ";")) {
        auto id = parse_identifier(i);
        if (!id) {
          problem = "bad identifier '" + i + "' (expected 'type: value (country)')";
          break;
        }
        e.identifiers.push_back(std::move(*id));
      }
      if (problem.empty())
        problem = apply_fields(e, get(2), split_trimmed(get(5), ";"), addresses,
                               split_trimmed(get(8), ";"));
      e.remarks = get(10);
    }
    if (!problem.empty()) {
      if (auto err = rejector.reject(file.path, reader.line(), problem))
        return *err;
      continue;
    }
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty())
    return load_error{file.path, 0, "no entries"};
  return list;
}

namespace {

using json = nlohmann::json;

/// Reads an optional string field; returns false if present with another type (an
/// integer is accepted where `numbers` is true: ids are often numeric).
bool get_string(const json& obj, const char* key, std::string& out,
                bool numbers = false) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return true;
  if (it->is_string()) {
    out = std::string(trim(it->get<std::string>()));
    return true;
  }
  if (numbers && it->is_number_integer()) {
    out = std::to_string(it->get<long long>());
    return true;
  }
  return false;
}

bool get_strings(const json& obj, const char* key, std::vector<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return true;
  if (!it->is_array())
    return false;
  for (auto& v : *it) {
    if (!v.is_string())
      return false;
    auto s = std::string(trim(v.get<std::string>()));
    if (!s.empty())
      out.push_back(s);
  }
  return true;
}

std::string read_entity(const json& obj, const std::string& list_name,
                        sanctioned_entity& e) {
  if (!obj.is_object())
    return "not an object";
  if (!get_string(obj, "id", e.id, true) || e.id.empty())
    return "missing or non-string 'id'";
  if (!get_string(obj, "name", e.primary_name) || e.primary_name.empty())
    return "entry " + e.id + ": missing or non-string 'name'";
  e.list = list_name;
  std::string type;
  if (!get_string(obj, "type", type))
    return "entry " + e.id + ": 'type' must be a string";
  if (auto it = obj.find("aliases"); it != obj.end() && !it->is_null()) {
    if (!it->is_array())
      return "entry " + e.id + ": 'aliases' must be an array";
    for (auto& a : *it) {
      alias al;
      if (a.is_string()) {
        al.name = std::string(trim(a.get<std::string>()));
        al.kind = "aka";
      } else if (a.is_object() && a.contains("name") && a["name"].is_string()) {
        al.name = std::string(trim(a["name"].get<std::string>()));
        al.strong =
            !a.contains("strong") || !a["strong"].is_boolean() || a["strong"].get<bool>();
        al.kind = a.contains("kind") && a["kind"].is_string()
                      ? a["kind"].get<std::string>()
                      : "aka";
      } else {
        return "entry " + e.id + ": an alias must be a string or {\"name\": ...}";
      }
      if (!al.name.empty())
        e.aliases.push_back(std::move(al));
    }
  }
  std::vector<std::string> weak;
  if (!get_strings(obj, "weak_aliases", weak))
    return "entry " + e.id + ": 'weak_aliases' must be an array of strings";
  for (auto& w : weak)
    e.aliases.push_back(alias{w, false, "aka"});
  std::vector<std::string> countries, dates;
  if (!get_strings(obj, "countries", countries))
    return "entry " + e.id + ": 'countries' must be an array of strings";
  if (!get_strings(obj, "programs", e.programs))
    return "entry " + e.id + ": 'programs' must be an array of strings";
  if (!get_strings(obj, "dates_of_birth", dates))
    return "entry " + e.id + ": 'dates_of_birth' must be an array of strings";
  std::vector<address> addresses;
  if (auto it = obj.find("addresses"); it != obj.end() && !it->is_null()) {
    if (!it->is_array())
      return "entry " + e.id + ": 'addresses' must be an array";
    for (auto& a : *it) {
      address ad;
      if (a.is_string()) {
        ad.text = a.get<std::string>();
      } else if (a.is_object()) {
        if (!get_string(a, "text", ad.text) || !get_string(a, "country", ad.country))
          return "entry " + e.id + ": address fields must be strings";
      } else {
        return "entry " + e.id + ": an address must be a string or an object";
      }
      addresses.push_back(std::move(ad));
    }
  }
  if (auto it = obj.find("identifiers"); it != obj.end() && !it->is_null()) {
    if (!it->is_array())
      return "entry " + e.id + ": 'identifiers' must be an array";
    for (auto& i : *it) {
      identifier id;
      if (!i.is_object() || !get_string(i, "type", id.type) ||
          !get_string(i, "value", id.value) || !get_string(i, "country", id.country) ||
          id.type.empty() || id.value.empty())
        return "entry " + e.id + ": an identifier needs string 'type' and 'value'";
      e.identifiers.push_back(std::move(id));
    }
  }
  if (!get_string(obj, "remarks", e.remarks))
    return "entry " + e.id + ": 'remarks' must be a string";
  auto problem = apply_fields(e, type, countries, addresses, dates);
  if (!problem.empty())
    return "entry " + e.id + ": " + problem;
  return {};
}

} // namespace

result<sanctions_list, load_error> parse_generic_json(const std::string& list_name,
                                                      const source_file& file,
                                                      const load_options& options) {
  auto text = decode_list_text(file.bytes, text_encoding::utf8, file.path);
  if (!text)
    return text.error();
  json doc;
  try {
    doc = json::parse(text.value());
  } catch (const json::parse_error& e) {
    // nlohmann reports the byte position; turn it into the line operators look at.
    return load_error{file.path,
                      line_of_offset(text.value(), e.byte > 0 ? e.byte - 1 : 0),
                      "JSON syntax error: " + valid_utf8(e.what())};
  } catch (const json::exception& e) {
    // A number too large for any C++ type (out_of_range 406) carries no position.
    return load_error{file.path, 0, "JSON value out of range: " + valid_utf8(e.what())};
  }
  const json* entities = &doc;
  if (doc.is_object()) {
    auto it = doc.find("entities");
    if (it == doc.end())
      return load_error{file.path, 0, "expected an array or {\"entities\": [...]}"};
    entities = &*it;
  }
  if (!entities->is_array())
    return load_error{file.path, 0, "expected an array of entities"};
  sanctions_list list;
  row_rejector rejector(list, options);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < entities->size(); ++i) {
    sanctioned_entity e;
    auto problem = read_entity((*entities)[i], list_name, e);
    if (problem.empty() && !seen.insert(e.id).second)
      problem = "duplicate id " + e.id;
    if (!problem.empty()) {
      if (auto err = rejector.reject(file.path, 0,
                                     "entities[" + std::to_string(i) + "]: " + problem))
        return *err;
      continue;
    }
    list.entities.push_back(std::move(e));
  }
  if (list.entities.empty())
    return load_error{file.path, 0, "no entries"};
  return list;
}

} // namespace kyb::screening

#include "actors/risk/country_risk.hpp"

#include <cctype>
#include <set>
#include <utility>

#include "actors/classification/classification_input.hpp"

namespace kyb::risk {

bool is_country_code(const std::string& code) {
  return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1])) &&
         classification::is_iso_country(code);
}

load_result<country_risk_table> country_risk_table::parse(std::string_view text) {
  auto read = read_reference_csv(text, {"country", "list", "as_of", "source"});
  auto problems = std::move(read.problems);
  country_risk_table table;
  std::set<std::pair<std::string, country_list>> seen;
  for (auto& row : read.rows) {
    const auto& code = row.cells[0];
    auto list = enum_named<country_list>(row.cells[1]);
    auto as_of = civil_date::parse(row.cells[2]);
    const auto& source = row.cells[3];
    size_t before = problems.size();
    auto fail = [&](std::string what) {
      problems.push_back({row.line, std::move(what)});
    };
    if (!is_country_code(code))
      fail("country '" + code + "' is not an ISO 3166-1 alpha-2 code in upper case");
    if (!list)
      fail("list '" + row.cells[1] +
           "' is not call_for_action, increased_monitoring or comprehensive_sanctions");
    if (!as_of)
      fail("as_of '" + row.cells[2] + "' is not a date written YYYY-MM-DD");
    if (source.empty())
      fail("source is empty");
    if (problems.size() != before)
      continue;
    if (!seen.emplace(code, *list).second) {
      fail("country " + code + " is already on list " + to_string(*list));
      continue;
    }
    if (table.rows_.empty() || table.as_of_ < *as_of)
      table.as_of_ = *as_of;
    table.rows_.push_back({code, *list, *as_of, source, row.line});
  }
  return finish_load(std::move(table), std::move(problems));
}

load_result<country_risk_table> country_risk_table::read(const std::string& path) {
  return load_reference_file<country_risk_table>(path);
}

std::vector<const country_listing*>
country_risk_table::listings_of(std::string_view country) const {
  std::vector<const country_listing*> out;
  if (country.size() != 2)
    return out;
  std::string up{static_cast<char>(std::toupper(static_cast<unsigned char>(country[0]))),
                 static_cast<char>(std::toupper(static_cast<unsigned char>(country[1])))};
  for (auto& r : rows_)
    if (r.country == up)
      out.push_back(&r);
  return out;
}

} // namespace kyb::risk

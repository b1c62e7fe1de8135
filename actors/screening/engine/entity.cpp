#include "actors/screening/engine/entity.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "runtime/base/text.hpp"

namespace kyb::screening {

namespace {

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool parse_digits(std::string_view s, int& out) {
  if (s.empty())
    return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

} // namespace

const char* to_string(entity_type t) noexcept {
  switch (t) {
  case entity_type::individual:
    return "individual";
  case entity_type::entity:
    return "entity";
  case entity_type::vessel:
    return "vessel";
  case entity_type::aircraft:
    return "aircraft";
  case entity_type::unknown:
    break;
  }
  return "unknown";
}

std::optional<entity_type> parse_entity_type(std::string_view text) {
  struct entry {
    const char* name;
    entity_type type;
  };
  static const entry table[] = {
      {"individual", entity_type::individual}, {"person", entity_type::individual},
      {"entity", entity_type::entity},         {"organization", entity_type::entity},
      {"organisation", entity_type::entity},   {"company", entity_type::entity},
      {"vessel", entity_type::vessel},         {"aircraft", entity_type::aircraft},
      {"unknown", entity_type::unknown},
  };
  for (auto& e : table)
    if (base::iequals(text, e.name))
      return e.type;
  return std::nullopt;
}

bool types_compatible(entity_type wanted, entity_type listed) noexcept {
  if (wanted == entity_type::unknown || listed == entity_type::unknown)
    return true;
  if (wanted == listed)
    return true;
  // A business may be listed as the owner of a vessel or aircraft name; only the
  // person / non-person line is a hard boundary.
  return wanted != entity_type::individual && listed != entity_type::individual;
}

std::string partial_date::to_string() const {
  if (!known())
    return {};
  char buf[16];
  if (month == 0)
    std::snprintf(buf, sizeof(buf), "%04d", year);
  else if (day == 0)
    std::snprintf(buf, sizeof(buf), "%04d-%02d", year, month);
  else
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<partial_date> parse_iso_partial_date(std::string_view text) {
  partial_date d;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10)
    return std::nullopt;
  if (!parse_digits(text.substr(0, 4), d.year) || d.year < 1000 || d.year > 2999)
    return std::nullopt;
  if (text.size() >= 7) {
    if (text[4] != '-' || !parse_digits(text.substr(5, 2), d.month) || d.month < 1 ||
        d.month > 12)
      return std::nullopt;
  }
  if (text.size() == 10) {
    if (text[7] != '-' || !parse_digits(text.substr(8, 2), d.day) || d.day < 1 ||
        d.day > days_in_month(d.year, d.month))
      return std::nullopt;
  }
  return d;
}

bool date_of_birth::compatible_with(const partial_date& d) const noexcept {
  if (!d.known() || !from.known())
    return true;
  int slack = approximate ? 1 : 0;
  if (to.known())
    return d.year >= from.year - slack && d.year <= to.year + slack;
  if (d.year < from.year - slack || d.year > from.year + slack)
    return false;
  if (approximate)
    return true;
  if (d.month != 0 && from.month != 0 && d.month != from.month)
    return false;
  if (d.day != 0 && from.day != 0 && d.day != from.day)
    return false;
  return true;
}

std::string date_of_birth::to_string() const {
  std::string s = approximate ? "circa " : "";
  s += from.to_string();
  if (to.known())
    s += " to " + to.to_string();
  return s;
}

std::string date_of_birth::years_to_string() const {
  std::string s = approximate ? "circa " : "";
  s += std::to_string(from.year);
  if (to.known())
    s += " to " + std::to_string(to.year);
  return s;
}

std::string birth_year_comparison(const partial_date& query,
                                  const std::vector<date_of_birth>& listed) {
  std::vector<std::string> years;
  bool compatible = false;
  int distance = -1;
  for (auto& d : listed) {
    if (!d.from.known())
      continue;
    auto y = d.years_to_string();
    if (std::find(years.begin(), years.end(), y) == years.end())
      years.push_back(y);
    compatible = compatible || d.compatible_with(query);
    int hi = d.to.known() ? d.to.year : d.from.year;
    int gap = std::max({0, d.from.year - query.year, query.year - hi});
    distance = distance < 0 ? gap : std::min(distance, gap);
  }
  if (years.empty())
    return "no date of birth listed";
  std::string listed_years;
  for (auto& y : years)
    listed_years += (listed_years.empty() ? "" : ", ") + y;
  std::string what;
  if (!query.known())
    what = "no year of birth to compare";
  else if (compatible)
    what = "year of birth matches";
  else if (distance == 0)
    what = "year of birth matches, month or day differs";
  else
    what = "year of birth differs by " + std::to_string(distance) +
           (distance == 1 ? " year" : " years");
  return what + " (listed: " + listed_years + ")";
}

void sanctioned_entity::add_country_code(const std::string& code) {
  if (code.empty())
    return;
  if (std::find(countries.begin(), countries.end(), code) == countries.end())
    countries.push_back(code);
}

} // namespace kyb::screening

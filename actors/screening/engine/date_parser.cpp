#include "actors/screening/engine/date_parser.hpp"

#include <string>
#include <vector>

#include "actors/screening/engine/string_util.hpp"

namespace kyb::screening {

namespace {

int month_of(std::string_view word) {
  static const char* const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3)
    return 0;
  auto w = to_lower_ascii(word);
  if (!w.empty() && w.back() == '.')
    w.pop_back();
  for (int i = 0; i < 12; ++i)
    if (w.compare(0, 3, names[i]) == 0)
      return i + 1;
  return 0;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ','))
      ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != ',')
      ++j;
    if (j > i)
      out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool year_of(std::string_view w, int& year) {
  unsigned long long v = 0;
  if (w.size() != 4 || !parse_uint(w, v) || v < 1000 || v > 2999)
    return false;
  year = static_cast<int>(v);
  return true;
}

/// One date: ISO, "12 Mar 1965", "Mar 1965" or "1965".
std::optional<partial_date> parse_single(std::string_view text) {
  text = trim(text);
  if (auto iso = parse_iso_partial_date(text))
    return iso;
  auto w = words(text);
  partial_date d;
  if (w.size() == 3) {
    unsigned long long day = 0;
    int month = month_of(w[1]);
    if (!parse_uint(w[0], day) || day < 1 || day > 31 || month == 0 ||
        !year_of(w[2], d.year))
      return std::nullopt;
    d.month = month;
    d.day = static_cast<int>(day);
    return d;
  }
  if (w.size() == 2) {
    int month = month_of(w[0]);
    if (month == 0 || !year_of(w[1], d.year))
      return std::nullopt;
    d.month = month;
    return d;
  }
  return std::nullopt;
}

std::string_view strip_prefix(std::string_view s, std::string_view p, bool& hit) {
  if (istarts_with(s, p)) {
    hit = true;
    return trim(s.substr(p.size()));
  }
  return s;
}

} // namespace

std::optional<date_of_birth> parse_list_date(std::string_view text) {
  text = trim(text);
  while (!text.empty() && text.back() == '.')
    text.remove_suffix(1);
  date_of_birth dob;
  bool approx = false;
  for (auto p :
       {"circa ", "approximately ", "approx. ", "approx ", "ca. ", "c. ", "about "})
    text = strip_prefix(text, p, approx);
  dob.approximate = approx;
  bool between = false;
  text = strip_prefix(text, "between ", between);
  for (std::string_view sep : {" to ", " and ", " - "}) {
    auto pos = text.find(sep);
    if (pos == std::string_view::npos)
      continue;
    auto a = parse_single(text.substr(0, pos));
    auto b = parse_single(text.substr(pos + sep.size()));
    if (!a || !b || b->year < a->year)
      return std::nullopt;
    dob.from = partial_date{a->year, 0, 0};
    dob.to = partial_date{b->year, 0, 0};
    return dob;
  }
  auto d = parse_single(text);
  if (!d)
    return std::nullopt;
  dob.from = *d;
  return dob;
}

} // namespace kyb::screening

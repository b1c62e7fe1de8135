#include "actors/risk/civil_date.hpp"

#include <cstdio>

namespace kyb::risk {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole proleptic
// Gregorian calendar, integer-only.
int64_t civil_date::days() const noexcept {
  int64_t y = year_ - (month_ <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = month_ > 2 ? month_ - 3 : month_ + 9;
  int64_t doy = (153 * mp + 2) / 5 + day_ - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

civil_date civil_date::from_days(int64_t z) noexcept {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return civil_date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

std::optional<civil_date> civil_date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p)
    for (size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      char c = text[i];
      if (c < '0' || c > '9')
        return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  if (parts[0] < 1 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31)
    return std::nullopt;
  // A day past the month's end rolls over; the round trip catches it.
  civil_date candidate{parts[0], parts[1], parts[2]};
  civil_date back = from_days(candidate.days());
  if (back.year_ != parts[0] || back.month_ != parts[1] || back.day_ != parts[2])
    return std::nullopt;
  return candidate;
}

std::string civil_date::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year_, month_, day_);
  return buf;
}

} // namespace kyb::risk

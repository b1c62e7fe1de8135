#include "actors/retention/retention_plan.hpp"

#include <algorithm>
#include <cstdio>

namespace kyb::actors {

namespace {

using days = std::chrono::duration<int64_t, std::ratio<86400>>;

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, UTC).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct civil {
  int64_t y;
  unsigned m;
  unsigned d;
};

civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : n[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

} // namespace

year_month month_of(std::chrono::system_clock::time_point t) {
  auto d = floor_div(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(),
      86400);
  auto c = civil_from_days(d);
  return {static_cast<int>(c.y), static_cast<int>(c.m)};
}

year_month add_months(year_month m, int n) {
  int64_t index = static_cast<int64_t>(m.year) * 12 + (m.month - 1) + n;
  return {static_cast<int>(floor_div(index, 12)),
          static_cast<int>(index - floor_div(index, 12) * 12) + 1};
}

std::string to_string(year_month m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", m.year, m.month);
  return buf;
}

std::string audit_partition_name(year_month m) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "audit_logs_%04d_%02d", m.year, m.month);
  return buf;
}

std::optional<year_month> audit_partition_month(const std::string& name) {
  static const std::string prefix = "audit_logs_";
  // audit_logs_YYYY_MM
  if (name.size() != prefix.size() + 7 || name.compare(0, prefix.size(), prefix) != 0 ||
      name[prefix.size() + 4] != '_')
    return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (name[i] < '0' || name[i] > '9')
        return std::nullopt;
      v = v * 10 + (name[i] - '0');
    }
    return v;
  };
  auto y = digits(prefix.size(), 4);
  auto m = digits(prefix.size() + 5, 2);
  if (!y || !m || *m < 1 || *m > 12)
    return std::nullopt;
  return year_month{*y, *m};
}

std::chrono::system_clock::time_point month_start(year_month m) {
  auto d = days_from_civil(m.year, static_cast<unsigned>(m.month), 1);
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(days{d})};
}

std::chrono::system_clock::time_point
months_before(std::chrono::system_clock::time_point t, int n) {
  auto since = t.time_since_epoch();
  auto day =
      floor_div(std::chrono::duration_cast<std::chrono::seconds>(since).count(), 86400);
  auto time_of_day =
      since - std::chrono::duration_cast<std::chrono::system_clock::duration>(days{day});
  auto c = civil_from_days(day);
  auto target = add_months({static_cast<int>(c.y), static_cast<int>(c.m)}, -n);
  auto last = days_in_month(target.year, static_cast<unsigned>(target.month));
  auto d = days_from_civil(target.year, static_cast<unsigned>(target.month),
                           std::min(c.d, last));
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(days{d}) +
      time_of_day};
}

retention_plan plan_retention(std::chrono::system_clock::time_point now,
                              const retention_policy& policy,
                              const std::vector<std::string>& attached) {
  retention_plan plan;
  auto current = month_of(now);
  std::vector<std::pair<year_month, std::string>> monthly;
  for (auto& name : attached) {
    if (auto m = audit_partition_month(name))
      monthly.emplace_back(*m, name);
    else
      plan.other_partitions.push_back(name);
  }
  std::sort(monthly.begin(), monthly.end());
  for (int i = 0; i <= policy.partitions_ahead; ++i) {
    auto m = add_months(current, i);
    plan.ensure.push_back(m);
    if (std::none_of(monthly.begin(), monthly.end(),
                     [m](const auto& p) { return p.first == m; }))
      plan.missing.push_back(m);
  }
  plan.audit_cutoff = add_months(current, -policy.audit_retention_months);
  for (auto& [m, name] : monthly)
    if (add_months(m, 1) < plan.audit_cutoff || add_months(m, 1) == plan.audit_cutoff)
      plan.retire.push_back(name);
  plan.usage_cutoff = months_before(now, policy.usage_retention_months);
  return plan;
}

} // namespace kyb::actors

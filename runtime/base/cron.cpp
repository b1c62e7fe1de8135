#include "runtime/base/cron.hpp"

#include <cstdlib>
#include <ctime>
#include <sstream>
#include <vector>

namespace kyb::base {

namespace {

bool to_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 4)
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  out = std::atoi(s.c_str());
  return true;
}

/// Sets the bits of one field; false (with `error`) when it is malformed.
template <size_t N>
bool parse_field(const std::string& text, int lo, int hi, const char* name,
                 std::bitset<N>& bits, bool& any, std::string& error) {
  any = text == "*";
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    auto slash = part.find('/');
    if (slash != std::string::npos) {
      if (!to_int(part.substr(slash + 1), step) || step == 0) {
        error = std::string(name) + ": bad step in '" + part + "'";
        return false;
      }
      part = part.substr(0, slash);
    }
    int from = lo;
    int to = hi;
    if (part != "*") {
      auto dash = part.find('-');
      if (dash == std::string::npos) {
        if (!to_int(part, from)) {
          error = std::string(name) + ": '" + part + "' is not a number";
          return false;
        }
        to = slash == std::string::npos ? from : hi;
      } else if (!to_int(part.substr(0, dash), from) ||
                 !to_int(part.substr(dash + 1), to)) {
        error = std::string(name) + ": bad range '" + part + "'";
        return false;
      }
    }
    if (from < lo || to > hi || from > to) {
      error = std::string(name) + ": '" + part + "' is outside " + std::to_string(lo) +
              "-" + std::to_string(hi);
      return false;
    }
    for (int v = from; v <= to; v += step)
      bits.set(static_cast<size_t>(v));
  }
  if (bits.none()) {
    error = std::string(name) + ": empty";
    return false;
  }
  return true;
}

} // namespace

std::optional<cron_schedule> cron_schedule::parse(const std::string& expr,
                                                  std::string& error) {
  std::stringstream in(expr);
  std::vector<std::string> f;
  std::string w;
  while (in >> w)
    f.push_back(w);
  if (f.size() != 5) {
    error = "a cron expression has 5 fields (minute hour day month weekday), got " +
            std::to_string(f.size());
    return std::nullopt;
  }
  cron_schedule s;
  bool any = false;
  if (!parse_field(f[0], 0, 59, "minute", s.minutes_, any, error) ||
      !parse_field(f[1], 0, 23, "hour", s.hours_, any, error) ||
      !parse_field(f[2], 1, 31, "day of month", s.mdays_, s.mday_any_, error) ||
      !parse_field(f[3], 1, 12, "month", s.months_, any, error) ||
      !parse_field(f[4], 0, 7, "day of week", s.wdays_, s.wday_any_, error))
    return std::nullopt;
  if (s.wdays_.test(7))
    s.wdays_.set(0);
  return s;
}

bool cron_schedule::matches_day(int mday, int month, int wday) const {
  if (!months_.test(static_cast<size_t>(month)))
    return false;
  bool m = mdays_.test(static_cast<size_t>(mday));
  bool d = wdays_.test(static_cast<size_t>(wday));
  if (mday_any_ && wday_any_)
    return true;
  if (mday_any_)
    return d;
  if (wday_any_)
    return m;
  return m || d;
}

std::chrono::system_clock::time_point
cron_schedule::next_after(std::chrono::system_clock::time_point after) const {
  using namespace std::chrono;
  auto t = system_clock::to_time_t(after);
  t = t - t % 60 + 60; // the next whole minute
  // At most ~4 years of days (Feb 29 schedules); each day checks its hours and minutes.
  for (int day = 0; day < 366 * 5; ++day) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (!matches_day(tm.tm_mday, tm.tm_mon + 1, tm.tm_wday)) {
      t += (24 - tm.tm_hour) * 3600 - tm.tm_min * 60; // next midnight
      continue;
    }
    for (int h = tm.tm_hour; h < 24; ++h) {
      if (!hours_.test(static_cast<size_t>(h)))
        continue;
      for (int m = h == tm.tm_hour ? tm.tm_min : 0; m < 60; ++m)
        if (minutes_.test(static_cast<size_t>(m)))
          return system_clock::from_time_t(t - tm.tm_hour * 3600 - tm.tm_min * 60 +
                                           h * 3600 + m * 60);
    }
    t += (24 - tm.tm_hour) * 3600 - tm.tm_min * 60;
  }
  return system_clock::time_point::max();
}

} // namespace kyb::base

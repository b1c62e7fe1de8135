// Cron expressions (minute hour day-of-month month day-of-week, UTC): parsing and the
// next time one fires. Fields take *, numbers, lists (1,15), ranges (1-5) and steps
// (*/15, 0-30/10); day-of-week 0-7 with 0 and 7 both Sunday. As in cron, when both
// day fields are restricted a day matches if either does.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>

namespace kyb::base {

class cron_schedule {
public:
  /// Parses `expr`; on failure returns nullopt and says why in `error`.
  static std::optional<cron_schedule> parse(const std::string& expr, std::string& error);

  /// The first minute strictly after `after` at which the schedule fires.
  std::chrono::system_clock::time_point
  next_after(std::chrono::system_clock::time_point after) const;

private:
  bool matches_day(int mday, int month, int wday) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> mdays_;
  std::bitset<13> months_;
  std::bitset<8> wdays_;
  bool mday_any_ = true;
  bool wday_any_ = true;
};

} // namespace kyb::base

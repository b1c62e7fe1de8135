// A calendar date (proleptic Gregorian, no time zone) and the day arithmetic the risk
// engine needs: parsing YYYY-MM-DD strictly and counting the days between two dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kyb::risk {

/// A valid calendar date. Obtain one through `parse` or `from_days`.
class civil_date {
public:
  /// The date written exactly YYYY-MM-DD (years 1..9999), or nullopt when the text is
  /// not a real calendar date ("2025-02-29" is refused).
  static std::optional<civil_date> parse(std::string_view text);

  /// The date `days` days after 1970-01-01 (negative: before).
  static civil_date from_days(int64_t days) noexcept;

  /// Days since 1970-01-01 (negative before it).
  int64_t days() const noexcept;

  int year() const noexcept { return year_; }
  int month() const noexcept { return month_; }
  int day() const noexcept { return day_; }

  /// YYYY-MM-DD.
  std::string to_string() const;

  friend bool operator==(const civil_date& a, const civil_date& b) noexcept {
    return a.days() == b.days();
  }
  friend bool operator!=(const civil_date& a, const civil_date& b) noexcept {
    return !(a == b);
  }
  friend bool operator<(const civil_date& a, const civil_date& b) noexcept {
    return a.days() < b.days();
  }

private:
  civil_date(int y, int m, int d) noexcept : year_(y), month_(m), day_(d) {}

  int year_;
  int month_;
  int day_;
};

} // namespace kyb::risk

// The country risk list: which jurisdictions are on the FATF "call for action" and
// "increased monitoring" lists or under comprehensive sanctions, each row dated and
// sourced. Loaded from a CSV file operators replace when the lists change (columns
// country, list, as_of, source); see config/risk/country_risk.csv.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/risk/civil_date.hpp"
#include "actors/risk/enum_names.hpp"
#include "actors/risk/reference_file.hpp"

namespace kyb::risk {

/// The lists a country can be on.
enum class country_list {
  call_for_action,        ///< FATF high-risk jurisdictions subject to a call for action.
  increased_monitoring,   ///< FATF jurisdictions under increased monitoring.
  comprehensive_sanctions ///< Country-wide (comprehensive) sanctions programmes.
};

template <>
struct enum_names<country_list> {
  static constexpr const char* names[] = {"call_for_action", "increased_monitoring",
                                          "comprehensive_sanctions"};
};

/// True for an assigned ISO 3166-1 alpha-2 code written in upper case ("IR").
bool is_country_code(const std::string& code);

/// One row of the file: a country on a list.
struct country_listing {
  std::string country; ///< ISO 3166-1 alpha-2, upper case.
  country_list list = country_list::call_for_action;
  civil_date as_of = civil_date::from_days(0); ///< Date of the publication transcribed.
  std::string source;                          ///< The publication.
  size_t line = 0;                             ///< Where it stands in the file.
};

/// The loaded list. Immutable; cheap to share by const reference.
class country_risk_table {
public:
  /// Parses the file's text. Every bad row is named by its line (unknown country
  /// code, unknown list, bad date, empty source, a country twice on one list), and any
  /// problem refuses the whole file.
  static load_result<country_risk_table> parse(std::string_view text);

  /// Reads and parses the file at `path`.
  static load_result<country_risk_table> read(const std::string& path);

  /// The rows for `country` (ISO alpha-2, any case), in file order; empty if unlisted.
  std::vector<const country_listing*> listings_of(std::string_view country) const;

  /// The latest as_of date in the file: what "not listed" is as of.
  civil_date as_of() const noexcept { return as_of_; }

  const std::vector<country_listing>& rows() const noexcept { return rows_; }

private:
  std::vector<country_listing> rows_;
  civil_date as_of_ = civil_date::from_days(0);
};

} // namespace kyb::risk

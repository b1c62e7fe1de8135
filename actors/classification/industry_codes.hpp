// The industry code systems read from the shipped data (test/data/industry/): MCC
// descriptions, NAICS 2022 titles (with the 2017 descriptions carried forward), SIC
// 1987 titles and the official SIC 1987 -> NAICS 2022 concordance.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "actors/classification/expected.hpp"

namespace kyb::classification {

/// One merchant category code and its descriptions.
struct mcc_entry {
  std::string code;                     ///< Four digits, "5812".
  std::string description;              ///< The edited (short) description.
  std::vector<std::string> other_texts; ///< Combined, USDA and IRS descriptions.
};

/// One row of the SIC 1987 -> NAICS 2022 concordance.
struct sic_naics_link {
  std::string sic;      ///< Four digits, "5812".
  std::string sic_note; ///< The concordance's SIC title with its note, lower-cased.
  std::string naics;    ///< Six digits, NAICS 2022.
};

/// Everything the crosswalk generator and the trainer read about the code systems.
struct industry_codes {
  std::vector<mcc_entry> mcc;                           ///< In file order.
  std::map<std::string, std::string> naics_title;       ///< NAICS 2022, 2..6 digits.
  std::map<std::string, std::string> naics_description; ///< 6-digit 2022 -> 2017 text.
  std::map<std::string, std::string> sic_title;         ///< 4-digit SIC (OSHA manual).
  std::map<std::string, std::string> sic_sec_title;     ///< 4-digit SIC (SEC list).
  std::vector<sic_naics_link> sic_to_naics;             ///< The concordance.

  /// The MCC entry for `code`, or nullptr.
  const mcc_entry* find_mcc(const std::string& code) const;

  /// The NAICS 2022 sector ("44-45") of a 6-digit code.
  static std::string naics_sector(const std::string& naics);

  /// Loads from `industry_dir` (test/data/industry) and adds the MCCs of
  /// `mcc_supplement_csv` (columns mcc,description; for codes newer than the list),
  /// which may be empty.
  static expected<industry_codes> load(const std::string& industry_dir,
                                       const std::string& mcc_supplement_csv);
};

} // namespace kyb::classification

// Generates the MCC <-> NAICS 2022 <-> SIC crosswalk. No authoritative public MCC
// crosswalk exists, so each MCC is linked to rows of the official SIC 1987 -> NAICS
// 2022 concordance by the text similarity (TF-IDF cosine over stemmed words) between
// the MCC's descriptions and the row's SIC title, SIC concordance note, NAICS title
// and NAICS description, plus a small bonus when the SIC number equals the MCC (many
// retail MCCs were numbered after SIC). A short, reviewed override list replaces the
// generated links of MCCs whose descriptions mislead the text match.
#pragma once

#include <string>
#include <vector>

#include "actors/classification/crosswalk.hpp"
#include "actors/classification/industry_codes.hpp"

namespace kyb::classification {

/// A reviewed link that replaces the generated ones of its MCC.
struct crosswalk_override {
  std::string mcc;     ///< Four digits.
  std::string naics;   ///< NAICS 2022, six digits.
  std::string sic;     ///< SIC 1987, four digits; (sic, naics) must be a concordance row.
  float weight = 1.0f; ///< Relative share among the MCC's overrides.
  std::string reason;  ///< Why the generated link was wrong.
};

/// Builds crosswalks from the industry code tables.
class crosswalk_builder {
public:
  /// Keeps a reference to `codes`, which must outlive the builder.
  explicit crosswalk_builder(const industry_codes& codes);

  /// Reads overrides (columns mcc,naics_2022,sic_1987,weight,reason).
  static expected<std::vector<crosswalk_override>>
  read_overrides(const std::string& path);

  /// The crosswalk for `mccs` (each must be in the code tables): up to
  /// `max_links` generated links per MCC, kept while their score is at least
  /// `keep_ratio` of the best, or the MCC's overrides. Fails when an override is not a
  /// concordance row or names an unknown code. An MCC that matches no concordance
  /// row is an error, unless `skipped` is given: then it is left out and listed there.
  expected<crosswalk> build(const std::vector<std::string>& mccs,
                            const std::vector<crosswalk_override>& overrides,
                            std::vector<std::string>* skipped = nullptr,
                            size_t max_links = 3, float keep_ratio = 0.8f) const;

  /// The stemmed content words of `text` the similarity uses.
  static std::vector<std::string> terms(const std::string& text);

  /// The stemmed term of one normalised word, or "" for a stop word or number.
  static std::string term_of(const std::string& word);

private:
  const industry_codes& codes_;
};

} // namespace kyb::classification

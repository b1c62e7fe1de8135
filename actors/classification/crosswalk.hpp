// The MCC <-> NAICS 2022 <-> SIC 1987 crosswalk the classifier answers through. Each
// entry links one MCC to one (NAICS, SIC) pair that the official SIC -> NAICS 2022
// concordance also links, so the three codes of an answer always agree. The table is a
// generated artifact (crosswalk_builder, tools/crosswalk_main.cpp), stored as CSV.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/classification/expected.hpp"

namespace kyb::classification {

/// One MCC -> (NAICS 2022, SIC) link.
struct crosswalk_entry {
  std::string mcc;             ///< Four digits.
  std::string mcc_description; ///< MCC description.
  std::string naics;           ///< Six-digit NAICS 2022 code.
  std::string naics_title;     ///< Its title.
  std::string sic;             ///< Four-digit SIC 1987 code.
  std::string sic_title;       ///< Its title.
  float weight = 1.0f;         ///< Share of the MCC's businesses this pair stands for.
  std::string method;          ///< "text" (generated) or "override" (reviewed by hand).
  float score = 0.0f;          ///< Text similarity behind a generated link.
};

/// An ordered table of crosswalk entries.
class crosswalk {
public:
  /// Reads the CSV written by to_csv(); data_not_found / data_malformed on failure.
  static expected<crosswalk> read_csv(const std::string& path);

  /// Parses CSV text (header mcc,mcc_description,naics_2022,naics_2022_title,
  /// sic_1987,sic_title,weight,method,score).
  static expected<crosswalk> parse_csv(const std::string& text);

  /// The CSV text, one entry per line, in entry order.
  std::string to_csv() const;

  /// Writes to_csv() to `path`.
  std::optional<error> write_csv(const std::string& path) const;

  /// Appends an entry.
  void add(crosswalk_entry entry) { entries_.push_back(std::move(entry)); }

  /// All entries.
  const std::vector<crosswalk_entry>& entries() const noexcept { return entries_; }

  /// Indexes of the entries of `mcc`, in order.
  std::vector<size_t> entries_for(const std::string& mcc) const;

  /// True when some entry links all three codes.
  bool links(const std::string& mcc, const std::string& naics,
             const std::string& sic) const;

  /// The distinct MCCs, sorted.
  std::vector<std::string> mccs() const;

private:
  std::vector<crosswalk_entry> entries_;
};

} // namespace kyb::classification

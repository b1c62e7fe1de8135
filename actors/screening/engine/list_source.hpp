// Where a list comes from and how strictly it is read: what configuration hands the
// loader, and what the loader hands each format parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// The list file formats the engine reads. See actors/screening/LIST_FORMATS.md.
enum class list_format {
  ofac_csv,     ///< OFAC legacy CSV: SDN (sdn/alt/add/sdn_comments) or non-SDN (cons_*).
  un_xml,       ///< UN Security Council consolidated list XML.
  us_csl_csv,   ///< US Consolidated Screening List CSV (trade.gov).
  eu_fsf_xml,   ///< EU consolidated financial sanctions list XML (FSF 1.1).
  uk_ofsi_csv,  ///< UK OFSI consolidated list CSV (ConList.csv).
  generic_csv,  ///< The documented generic CSV (for EU, UK and other lists).
  generic_json, ///< The documented generic JSON.
};

/// "ofac_csv", "un_xml", "us_csl_csv", "eu_fsf_xml", "uk_ofsi_csv", "generic_csv",
/// "generic_json".
const char* to_string(list_format f) noexcept;

/// Parses a format name as written in configuration; nullopt when unknown.
std::optional<list_format> parse_list_format(std::string_view text);

/// How tolerant a loader is.
struct load_options {
  /// Rows that are malformed (bad quoting, wrong field count, missing id or name) are
  /// skipped with a warning while at most this many; one more fails the whole list.
  /// 0 (the default) means any malformed row fails the list, so a truncated or damaged
  /// file never replaces a good index silently.
  size_t max_bad_rows = 0;
};

/// One configured list.
struct list_source {
  std::string name; ///< Unique list name, reported with every hit ("ofac_sdn").
  list_format format = list_format::generic_csv;
  std::string path; ///< Main file: sdn.csv / cons_prim.csv, the XML, CSV or JSON.
  /// OFAC only: alt.csv, add.csv, sdn_comments.csv (or their cons_ twins). Empty =
  /// not loaded; ids that do not join with `path` are skipped with a warning.
  std::string aliases_path;
  std::string addresses_path;
  std::string comments_path;
  load_options options;
};

/// A file's name and raw bytes, as handed to a format parser.
struct source_file {
  std::string path;
  std::string bytes;
};

} // namespace kyb::screening

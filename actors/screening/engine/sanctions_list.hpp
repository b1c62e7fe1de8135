// A loaded list: its entities, where they came from, and what the loader had to skip.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "actors/screening/engine/entity.hpp"

namespace kyb::screening {

/// Why a list (or one of its files) could not be loaded. Always names the file, and
/// the line when the problem is at a place in it (1-based; 0 = the file as a whole).
struct load_error {
  std::string file;
  size_t line = 0;
  std::string message;

  /// "path:line: message" (or "path: message" when line is 0).
  std::string to_string() const;
};

/// Something a loader skipped or could not interpret without failing the list: a row
/// rejected under `max_bad_rows`, an alias whose entity id does not exist...
struct load_warning {
  std::string file;
  size_t line = 0;
  std::string message;

  /// "path:line: message".
  std::string to_string() const;
};

/// What GET /v1/lists shows for one loaded list.
struct list_metadata {
  std::string name;   ///< Configured list name ("ofac_sdn").
  std::string format; ///< Loader used ("ofac_csv", "un_xml"...).
  /// "sha256:<hex>" over the bytes of every source file, in source order: equal
  /// versions mean equal input.
  std::string version;
  std::vector<std::string> source_paths;
  size_t entity_count = 0;
  size_t name_count = 0; ///< Primary names plus aliases.
  size_t warning_count = 0;
  std::chrono::system_clock::time_point loaded_at;
  std::chrono::microseconds load_duration{0};
};

/// One list, fully loaded and converted to the entity model.
struct sanctions_list {
  list_metadata metadata;
  std::vector<sanctioned_entity> entities;
  /// The first warnings (at most `max_kept_warnings`); metadata.warning_count has all.
  std::vector<load_warning> warnings;

  /// How many warnings a loader keeps verbatim.
  static constexpr size_t max_kept_warnings = 100;

  /// Records a warning (counted always, kept while under max_kept_warnings).
  void warn(std::string file, size_t line, std::string message);
};

} // namespace kyb::screening

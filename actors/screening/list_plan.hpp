// Which lists a node loads and where each file comes from, as the configuration says:
// a local path, or a publisher URL downloaded into node.data_dir; plus the generic lists
// an operator drops into a directory. Pure: reading and downloading happen elsewhere.
#pragma once

#include <string>
#include <vector>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"
#include "config/settings.hpp"

namespace kyb::actors {

/// One file of a planned list. `path` is where it is read; when `url` is set the file is
/// first downloaded from there into `path`.
struct planned_file {
  std::string path;
  std::string url;
};

/// One list to load.
struct planned_list {
  std::string name; ///< "ofac_sdn", "ofac_cons", "un", "us_csl" or a generic list's.
  /// Where its files come from: "configured" (its own path or URL options),
  /// "lists_dir" (screening.lists_dir), "official" (the publisher's official URLs,
  /// screening.sources = official) or "generic_dir".
  std::string origin = "configured";
  screening::list_format format = screening::list_format::generic_csv;
  /// The main file, then for OFAC the alias, address and comment files (an empty path
  /// means "not configured").
  std::vector<planned_file> files;

  /// The engine's description of this list, reading every file from its path.
  screening::list_source source(size_t max_bad_rows) const;
};

/// The configured lists. Generic lists are found in `generic_dir` at each reload.
struct list_plan {
  std::vector<planned_list> lists;
  std::string generic_dir;
  size_t max_bad_rows = 0;

  /// True when nothing at all is configured.
  bool empty() const { return lists.empty() && generic_dir.empty(); }
};

/// The plan of `cfg`; downloads go to `<data_dir>/screening/downloads/<list>/<file>`.
/// A built-in list takes its files from its own path or URL options; failing those,
/// from the standard file names in screening.lists_dir (the primary file must be there;
/// aux files found with it are used); failing those, with screening.sources = official,
/// from its publisher's official URLs (official_list_urls()).
list_plan make_list_plan(const config::screening_settings& cfg,
                         const std::string& data_dir);

/// The generic lists in `dir`: every `<name>.csv` (generic_csv) and `<name>.json`
/// (generic_json), sorted by name. Names are 1 to 64 of [a-z0-9_-] and must not be one
/// of the built-in list names; other files are ignored. Errors name the file.
screening::result<std::vector<planned_list>, screening::load_error>
scan_generic_dir(const std::string& dir);

/// The official download URLs of a built-in list's files (primary first), as published
/// by OFAC (sanctionslistservice.ofac.treas.gov), the UN Security Council
/// (scsanctions.un.org) and the US International Trade Administration (data.trade.gov).
std::vector<std::string> official_list_urls(const std::string& list);

/// True for the names of the built-in lists ("ofac_sdn", "ofac_cons", "un", "us_csl",
/// "eu_fsf", "uk_ofsi").
bool builtin_list_name(const std::string& name);

} // namespace kyb::actors

// Comparing one replicated table between two regions, the pure part: given each side's
// (id, row hash) pairs, which rows exist only on the source, only on the target, or
// differ. The region procedures read the hashes from both databases; this decides what
// they mean, so it is tested without a database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kyb::regions {

/// Row id -> hash of the whole row (as text), for one table on one side.
using row_hashes = std::map<std::string, std::string>;

/// What differs in one table between a source and its target.
struct table_diff {
  uint64_t source_rows = 0, target_rows = 0;
  std::vector<std::string> only_source; ///< ids missing on the target
  std::vector<std::string> only_target; ///< ids the source does not have
  std::vector<std::string> differ;      ///< ids on both sides with different rows
  /// No differing id and the same row count on both sides.
  bool equal() const;
  /// Every id that differs in some way: only_source, then only_target, then differ.
  std::vector<std::string> ids() const;
};

/// Compares all replicated rows of a table; the counts are the map sizes.
table_diff compare_rows(const row_hashes& source, const row_hashes& target);

/// Compares again only `ids` (read anew on each side, source first, then the target once
/// it applied everything up to that read): an id absent on both sides is gone on both and
/// no longer differs. The rows outside `ids` matched in `previous`, so they count alike
/// on both sides: the source count stays, the target count follows from what differs.
table_diff recompare_ids(const table_diff& previous, const std::vector<std::string>& ids,
                         const row_hashes& source, const row_hashes& target);

/// The first `limit` ids, as a JSON array (a report names a few, and counts them all).
nlohmann::json ids_json(const std::vector<std::string>& ids, size_t limit = 20);

/// {"only_source", "only_target", "differ": first ids, "counts": [n, n, n]}.
nlohmann::json differences_json(const table_diff& d, size_t limit = 20);

} // namespace kyb::regions

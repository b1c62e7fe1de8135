// Per-class quality on the name-variation benchmark (test/data/matching/
// name_variation_pairs_DERIVED.csv, made by gen-variation-pairs): every pair is scored
// with screening_index::compare() and counted as a match when the score reaches the
// threshold.
#pragma once

#include <string>
#include <vector>

#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/screening_index.hpp"
#include "actors/screening/tools/evaluation.hpp"

namespace kyb::screening::eval {

/// A pair the threshold decided wrongly.
struct variation_miss {
  std::string cls;
  int label = 0; ///< 1 = same party (a false negative), 0 = different (a false positive).
  std::string query, listed;
  double score = 0;
};

/// Counts of one class (or of all pairs): positives are tp + fn, negatives fp + tn.
struct variation_counts {
  std::string cls;
  confusion counts;
};

struct variation_report {
  std::string path;
  double threshold = 0;
  std::vector<variation_counts> classes; ///< In the order the file first names them.
  variation_counts all;
  std::vector<variation_miss> misses; ///< In file order.
};

/// Scores every pair of `csv_path` (header class,label,query,listed,origin) with
/// index.compare(query, listed); match = score >= threshold, a compare() error counts as
/// no match. Returns an error message when the file cannot be read or a row is bad.
result<variation_report, std::string> run_variation_pairs(const screening_index& index,
                                                          const std::string& csv_path,
                                                          double threshold);

/// A table with one row per class and "all", then up to `max_listed` misses per class.
std::string format(const variation_report& r, size_t max_listed);

} // namespace kyb::screening::eval

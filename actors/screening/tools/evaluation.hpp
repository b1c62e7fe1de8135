// Matching quality measured on the labelled sets in test/data/matching/: used by the
// screening-eval tool and locked by test/actors/screening/screening_quality_test.cpp.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/screening_index.hpp"

namespace kyb::screening::eval {

/// The lists the evaluation screens against, from the test data directory (test/data):
/// OFAC SDN 2024 with the 2025 aux files, OFAC non-SDN, UN, and the US CSL (a partial
/// copy whose last row is cut off, so one bad row is tolerated there and reported).
std::vector<list_source> full_sources(const std::string& data_dir);

/// OFAC SDN (2024 + aux) and UN only: the benchmark's load target.
std::vector<list_source> ofac_un_sources(const std::string& data_dir);

/// Reads a CSV file with a header (lines starting with '#' skipped) into rows of
/// column -> value. Returns an error message naming the file (and line) otherwise.
result<std::vector<std::map<std::string, std::string>>, std::string>
read_table(const std::string& path);

/// Query-level confusion counts.
struct confusion {
  size_t tp = 0, fp = 0, tn = 0, fn = 0;
  double precision() const;
  double recall() const;
  double f1() const;
  double false_positive_rate() const;
};

/// One cross-script pair from watchman's test set.
struct cross_script_pair {
  std::string query, expected, description;
  double watchman_min = 0; ///< The score watchman's embedding model is expected to reach.
  double score = 0;        ///< Our compare() score.
  bool match = false;      ///< score >= our threshold.
};

/// A negative name that raised a hit (for inspection).
struct false_hit {
  std::string query, list, entity_id, matched_name;
  double score = 0;
};

/// Everything the tool prints.
struct report {
  double threshold = 0;
  // UN typo pairs: name_perturbed screened against all lists; the hit must be the
  // UN entity that name_original names.
  size_t pairs = 0;
  size_t pairs_target_by_name = 0;  ///< Target found by equal normalised name.
  size_t pairs_target_fallback = 0; ///< Target = top UN hit of name_original itself.
  size_t pairs_no_target = 0;       ///< Neither: counted as misses.
  size_t pairs_recalled = 0;        ///< Target among the hits.
  size_t pairs_top1 = 0;            ///< A target has the best score (ties count).
  size_t pairs_compare_match = 0;   ///< compare(perturbed, original) >= threshold.
  std::vector<std::string> missed;  ///< "perturbed -> original" for misses.
  // Negatives.
  size_t negatives = 0;
  size_t negatives_with_hit = 0;
  std::vector<false_hit> false_hits;
  // US Congress members (not on sanctions lists): reported only.
  size_t congress = 0;
  size_t congress_with_hit = 0;
  std::vector<cross_script_pair> cross_script;
  confusion overall; ///< Positives = UN pairs, negatives = yente negatives.
  std::chrono::milliseconds screening_time{0};
};

/// Options of one evaluation run.
struct options {
  std::string data_dir;
  size_t negatives_limit = 0; ///< 0 = all 50,000; else every k-th row up to the limit.
  bool with_dates = false;    ///< Also pass date_of_birth (and nationality) to queries.
};

/// Runs every set against `index` (which must hold the lists of full_sources, with the
/// UN list named "un"). Returns an error message when a data file cannot be read.
result<report, std::string> run(const screening_index& index, const options& opts);

/// One hit with its explanation, on a few lines.
std::string describe(const screening_hit& hit);

/// Human-readable report.
std::string format(const report& r, size_t max_listed = 15);

} // namespace kyb::screening::eval

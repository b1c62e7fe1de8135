// Measures the classifier on labelled brands: k-fold cross-validation split by brand
// group (no brand in both training and test, gazetteer included), MCC top-1 and top-3
// accuracy, a reliability table of cross-fitted calibrated confidence, and two
// baselines scored on the same folds: the majority class, and naive Bayes (character
// trigrams of the name; words and character n-grams of name and description). Each is
// reported for a caller who sends only the name and for one who also describes the
// business.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "actors/classification/classifier.hpp"
#include "actors/classification/trainer.hpp"

namespace kyb::classification {

/// One bin of the reliability table.
struct reliability_bin {
  float low = 0.0f;             ///< Inclusive lower confidence bound.
  float high = 0.0f;            ///< Exclusive upper bound (1.0 inclusive for the last).
  uint32_t count = 0;           ///< Predictions in the bin.
  float mean_confidence = 0.0f; ///< Their mean confidence.
  float accuracy = 0.0f;        ///< Share of them that were right.
};

/// Top-1 / top-3 accuracy of one method.
struct accuracy_pair {
  float top1 = 0.0f;
  float top3 = 0.0f;
};

/// What was measured for one kind of caller (input_mode).
struct mode_report {
  input_mode mode = input_mode::name_only;
  /// The classifier: examples, top-1/top-3, NAICS and SIC, confident share, calibration.
  mode_summary summary;
  accuracy_pair majority; ///< Majority-class baseline.
  /// Naive Bayes baseline: character trigrams of the name (name_only); words and
  /// character 3-5-grams of the name and description (described).
  accuracy_pair baseline_nb;
  std::vector<reliability_bin> reliability; ///< Ten bins of width 0.1.
  /// The most frequent errors: (true MCC, predicted MCC, count), most frequent first.
  std::vector<std::tuple<std::string, std::string, uint32_t>> confusions;
  /// Every wrong top-1: (row index in the scored rows, predicted MCC).
  std::vector<std::pair<uint32_t, std::string>> errors;
};

/// What evaluate() measured.
struct evaluation_report {
  uint32_t folds = 0;             ///< k.
  uint32_t brand_groups = 0;      ///< Distinct brand groups among the rows scored.
  std::vector<mode_report> modes; ///< name_only first, then described when scored.
  uint32_t gazetteer_hits = 0;    ///< Held-out rows the training gazetteer knew.
  double seconds = 0.0;           ///< Wall time.

  /// The report of `mode`, or nullptr when it was not scored.
  const mode_report* of(input_mode mode) const;
};

/// Evaluation settings.
struct evaluation_options {
  uint32_t folds = 5; ///< k.
  /// Use only brand groups whose assign_folds(..., subset_denominator) fold is 0:
  /// a deterministic 1/n sample of brands (1 = all rows). For fast tests.
  uint32_t subset_denominator = 1;
  /// The callers to score: every row as name_only, rows with a description also as
  /// described.
  std::vector<input_mode> modes = {input_mode::name_only, input_mode::described};
};

/// Runs the cross-validation described above.
expected<evaluation_report> evaluate(const trainer& t,
                                     const std::vector<labelled_brand>& rows,
                                     const evaluation_options& options);

/// Scores a trained classifier (and baselines trained on `train_rows`) on
/// `test_rows`, e.g. a held-out brand file, in both modes: top-k, reliability with the
/// model's own calibration, gazetteer included as in production.
expected<evaluation_report>
evaluate_holdout(const trainer& t, const classifier& clf,
                 const std::vector<labelled_brand>& train_rows,
                 const std::vector<labelled_brand>& test_rows);

/// Human-readable report: accuracy table with ratios to the baselines, reliability
/// table, the confidence >= 0.8 line.
std::string format_report(const evaluation_report& report);

} // namespace kyb::classification

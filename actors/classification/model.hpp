// The trained classification model and its file format.
//
// File layout (all integers little-endian, floats IEEE-754 binary32):
//   magic "KYBCLSMD" (8 bytes) | u32 format version | u64 payload size | payload |
//   u32 CRC-32 (IEEE 802.3) of every byte before it.
// The payload is a sequence of sections (strings are u32 length + bytes, arrays are
// u32 count + elements): header (model version, training digest), feature options,
// training options, classes, linear model tables, calibration, crosswalk links,
// sector titles, NAICS/SIC refiner index, gazetteer index, evaluation summary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/classification/calibrator.hpp"
#include "actors/classification/expected.hpp"
#include "actors/classification/feature_extractor.hpp"
#include "actors/classification/linear_model.hpp"

namespace kyb::classification {

/// One output class: an MCC.
struct model_class {
  std::string mcc;         ///< Four digits.
  std::string description; ///< MCC description.
};

/// One crosswalk link of a class, with the titles the answer shows.
struct model_link {
  uint16_t cls = 0;        ///< Index into model::classes.
  std::string naics;       ///< NAICS 2022, six digits.
  std::string naics_title; ///< Its title.
  std::string sic;         ///< SIC 1987, four digits.
  std::string sic_title;   ///< Its title.
  float weight = 1.0f;     ///< Prior share within the class (sums to 1 per class).
};

/// A sorted multimap from a 64-bit key to (target, value) postings.
struct posting_index {
  std::vector<uint64_t> keys;    ///< Sorted, unique.
  std::vector<uint32_t> offsets; ///< keys.size() + 1 entries.
  std::vector<uint32_t> target;  ///< Posting target (link or class index).
  std::vector<float> value;      ///< Posting value.

  /// Index of `key` in keys, or -1.
  int64_t find(uint64_t key) const;

  /// Builds from unsorted (key, target, value) triples; equal (key, target) values add.
  static posting_index
  build(std::vector<std::pair<uint64_t, std::pair<uint32_t, float>>> items);
};

/// Out-of-fold figures of one kind of caller (labelled_data.hpp input_mode).
struct mode_summary {
  uint32_t examples = 0;           ///< Labelled rows evaluated.
  float top1 = 0.0f;               ///< MCC top-1 accuracy.
  float top3 = 0.0f;               ///< MCC top-3 accuracy.
  float naics = 0.0f;              ///< Primary NAICS among the true MCC's links.
  float sic = 0.0f;                ///< Primary SIC among the true MCC's links.
  uint32_t confident = 0;          ///< Predictions with confidence >= 0.8.
  float confident_accuracy = 0.0f; ///< Accuracy among those.
  float calibration_error = 0.0f;  ///< Expected calibration error (ten bins).
};

/// Out-of-fold figures measured when the model was trained.
struct evaluation_summary {
  uint32_t folds = 0;     ///< Cross-validation folds (split by brand).
  mode_summary name_only; ///< Callers who send the name (and cuisine) only.
  mode_summary described; ///< Callers who also describe the business.
};

/// Everything the classifier needs at run time.
struct model {
  std::string version;         ///< "mcc-lr-2.<digest>", reported with every answer.
  std::string training_digest; ///< FNV-1a of the training inputs, hex.
  feature_options features;    ///< How features are made.
  lr_options lr_settings;      ///< How the linear model was trained.
  std::vector<model_class> classes;
  linear_model lr;
  calibrator calibration;
  std::vector<model_link> links;                            ///< Grouped by class.
  std::vector<std::pair<std::string, std::string>> sectors; ///< NAICS sector -> title.
  posting_index refiner;         ///< Stemmed term hash -> (link, idf).
  posting_index gazetteer;       ///< Known name hash -> (class, share).
  float gazetteer_weight = 0.8f; ///< Weight of a gazetteer hit against the model.
  evaluation_summary evaluation;
};

/// CRC-32 (IEEE 802.3, reflected, as zlib) of `data`.
uint32_t crc32(std::string_view data);

/// The model file bytes.
std::string serialize_model(const model& m);

/// Parses model file bytes; every error is one of the model_* codes.
expected<model> parse_model(std::string_view bytes);

/// Reads and parses a model file; model_not_found if it cannot be opened.
expected<model> read_model_file(const std::string& path);

/// Writes serialize_model(m) to `path` (via a temporary file and rename).
std::optional<error> write_model_file(const model& m, const std::string& path);

/// The current file format version.
constexpr uint32_t model_format_version = 3;

} // namespace kyb::classification

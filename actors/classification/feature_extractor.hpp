// Maps normalised tokens to hashed, weighted features: words, word bigrams, character
// n-grams of each word (with ^ and $ boundary marks), character 1..n-grams of
// unsegmented runs (Han, kana, Thai, ...) and the country. Each feature remembers the
// token that produced it, which is how the classifier reports evidence terms.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

/// How features are made. Stored in the model file so training and serving agree.
struct feature_options {
  uint8_t char_min_n = 3;    ///< Shortest character n-gram of a spaced word.
  uint8_t char_max_n = 5;    ///< Longest character n-gram of a spaced word.
  uint8_t unseg_max_n = 2;   ///< Longest character n-gram of an unsegmented run.
  bool word_unigrams = true; ///< Emit whole words.
  bool word_bigrams = true;  ///< Emit adjacent word pairs (within one field).
  std::array<float, input_field_count> field_weight = {1.0f, 1.0f, 1.0f, 0.5f};
  float country_weight = 1.0f;         ///< Weight of the country feature.
  uint32_t max_tokens_per_field = 400; ///< Tokens read per field (website text is long).
};

/// One hashed feature of a document.
struct feature {
  uint64_t hash = 0;   ///< 64-bit FNV-1a of the feature's kind and text.
  float weight = 0.0f; ///< Field weight (the largest if several fields produce it).
  int32_t token = -1;  ///< Index of the producing token, -1 for the country.
};

/// Stateless apart from its options; safe to share between threads.
class feature_extractor {
public:
  /// Uses `options` for every call.
  explicit feature_extractor(const feature_options& options = {});

  /// Appends the deduplicated features of `tokens` and `country` (ISO alpha-2, any
  /// case, may be empty) to `out`, sorted by hash.
  void extract(const std::vector<token>& tokens, std::string_view country,
               std::vector<feature>& out) const;

  /// Hash of a whole word as extract() computes it (used by the NAICS/SIC refiner).
  static uint64_t word_hash(std::string_view word);

  /// Hash of a country feature ("us" or "US").
  static uint64_t country_hash(std::string_view country);

  /// The options in use.
  const feature_options& options() const noexcept { return options_; }

private:
  feature_options options_;
};

} // namespace kyb::classification

// Maps normalised tokens to hashed, weighted features: words, word bigrams, character
// n-grams of each word (with ^ and $ boundary marks), character 1..n-grams of
// unsegmented runs (Han, kana, Thai, ...) and the country. For a whole business it
// adds the romanised form of non-Latin words and "shape" features of the name (word
// count, script, digits, capitals, "&", possessive 's, script per country), which
// carry the evidence left when a brand name has no category word. (Whether a
// description or DBA is given is deliberately not a feature: in the labelled brands
// only restaurants have one, and callers who send one must not look like restaurants.)
// Each feature remembers the token that produced it, which is how the classifier
// reports evidence terms.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/classification/classification_input.hpp"
#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

/// How features are made. Stored in the model file so training and serving agree.
struct feature_options {
  uint8_t char_min_n = 3;    ///< Shortest character n-gram of a spaced word.
  uint8_t char_max_n = 5;    ///< Longest character n-gram of a spaced word.
  uint8_t unseg_max_n = 2;   ///< Longest character n-gram of an unsegmented run.
  bool word_unigrams = true; ///< Emit whole words.
  bool word_bigrams = true;  ///< Emit adjacent word pairs (within one field).
  /// Per field (name, DBA, description, website text): a description says what a
  /// business does more plainly than a name does.
  std::array<float, input_field_count> field_weight = {1.0f, 1.0f, 1.5f, 0.5f};
  float country_weight = 1.0f;         ///< Weight of the country feature.
  uint32_t max_tokens_per_field = 400; ///< Tokens read per field (website text is long).
  bool transliterate = true;  ///< extract_business(): add romanised non-Latin words.
  bool shape_features = true; ///< extract_business(): add the name's shape features.
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

  /// Every feature of one business, as training and serving both compute them: the
  /// tokens of its four fields (appended to `tokens`, which evidence indexes into),
  /// their extract() features, the romanised words, the shape features, and one
  /// feature per entry of `countries` (ISO alpha-2, any case) sharing country_weight.
  /// `out` is cleared, then filled sorted by hash and deduplicated.
  void extract_business(const classification_input& input,
                        const std::vector<std::string>& countries,
                        std::vector<token>& tokens, std::vector<feature>& out) const;

  /// Hash of a whole word as extract() computes it (used by the NAICS/SIC refiner).
  static uint64_t word_hash(std::string_view word);

  /// Hash of a country feature ("us" or "US").
  static uint64_t country_hash(std::string_view country);

  /// The options in use.
  const feature_options& options() const noexcept { return options_; }

private:
  void append_text_features(const std::vector<token>& tokens,
                            std::vector<feature>& out) const;

  feature_options options_;
};

} // namespace kyb::classification

// Multinomial naive Bayes over hashed sparse features, stored sparsely: for each
// feature only the classes that saw it carry a value, every other class uses its
// per-class "unseen" log probability. Scoring a document costs one hash probe per
// feature plus its posting list.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/classification/expected.hpp"
#include "actors/classification/feature_extractor.hpp"
#include "actors/classification/feature_index.hpp"

namespace kyb::classification {

/// Training hyper-parameters; stored in the model for the record.
struct nb_options {
  float alpha = 0.3f;       ///< Additive (Lidstone) smoothing per feature.
  float prior_power = 1.0f; ///< Exponent on the class prior (0 = uniform prior).
  uint32_t min_df = 2;      ///< Features seen in fewer documents are dropped.
};

/// The trained tables. Exposed for serialisation; from_parts() validates them.
struct nb_parts {
  uint32_t num_classes = 0;
  std::vector<float> prior;         ///< [class] log prior (times prior_power).
  std::vector<float> unseen;        ///< [class] log P(feature not seen with class).
  std::vector<uint64_t> hashes;     ///< Sorted feature hashes.
  std::vector<uint32_t> offsets;    ///< [feature] start in the postings, size+1.
  std::vector<uint16_t> post_class; ///< Posting: class index.
  std::vector<float> post_value;    ///< Posting: log P(f|c) - unseen[c].
};

/// A trainable, then read-only, naive Bayes scorer.
class naive_bayes {
public:
  naive_bayes() = default;

  /// Starts training for `num_classes` classes, discarding previous state.
  void begin(uint32_t num_classes);

  /// Adds one document of class `cls` with weight `doc_weight` (features deduplicated).
  void add(const std::vector<feature>& features, uint16_t cls, float doc_weight);

  /// Turns the counts into log probabilities; scoring is possible afterwards.
  void finalize(const nb_options& options);

  /// Rebuilds a scorer from stored tables; model_malformed if they are inconsistent.
  static expected<naive_bayes> from_parts(nb_parts parts);

  /// The tables, for serialisation.
  const nb_parts& parts() const noexcept { return parts_; }

  /// Number of classes.
  uint32_t num_classes() const noexcept { return parts_.num_classes; }

  /// Number of features kept.
  size_t num_features() const noexcept { return parts_.hashes.size(); }

  /// Slot of a feature hash, or -1 if the feature is not in the vocabulary.
  int32_t find(uint64_t hash) const;

  /// Joint log score per class into `scores` (resized); `slots`, if given, receives
  /// find() of each feature in order.
  void score(const std::vector<feature>& features, std::vector<float>& scores,
             std::vector<int32_t>* slots = nullptr) const;

  /// log P(feature in `slot` | cls); `slot` must be valid.
  float log_likelihood(int32_t slot, uint16_t cls) const;

  /// Weighted mean over classes of log P(f | c) with weights `q` (sum 1);
  /// `mean_unseen` must be the q-weighted mean of the unseen terms (mean_unseen(q)).
  float mean_log_likelihood(int32_t slot, const std::vector<float>& q,
                            float mean_unseen) const;

  /// The q-weighted mean of the per-class unseen log probabilities.
  float mean_unseen(const std::vector<float>& q) const;

private:
  void build_index();

  struct count {
    uint64_t hash;
    uint32_t doc;
    uint16_t cls;
    float weight;
  };

  nb_parts parts_;
  feature_index index_; ///< hash -> row of parts_.hashes
  // training state
  std::vector<count> counts_;
  std::vector<double> class_docs_;
  uint32_t docs_ = 0;
};

} // namespace kyb::classification

// Multinomial logistic regression over hashed sparse features (a softmax over all
// classes), trained deterministically by shuffled stochastic gradient descent with a
// per-feature AdaGrad step and L2 decay. Each document's feature vector is scaled to
// unit L2 norm, so a long code description and a two-word brand name weigh alike.
//
// Sparse by construction: a feature has a weight only for the classes it was seen with
// in training (every other class keeps weight 0), and after training weights smaller
// than `prune` in magnitude are dropped, which costs no measurable accuracy and keeps
// the model a few MB. Scoring a document costs one hash probe per feature plus its
// postings.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/classification/expected.hpp"
#include "actors/classification/feature_extractor.hpp"
#include "actors/classification/feature_index.hpp"

namespace kyb::classification {

/// Training hyper-parameters; stored in the model for the record.
struct lr_options {
  uint32_t epochs = 10;             ///< Passes over the training documents.
  float learning_rate = 1.0f;       ///< AdaGrad base step of the feature weights.
  float bias_learning_rate = 0.05f; ///< Constant step of the class biases.
  float l2 = 1e-5f;                 ///< L2 decay, applied to the weights a step touches.
  float prune = 0.1f;               ///< Smallest |weight| kept in the tables.
  uint64_t seed = 42;               ///< Shuffling seed (splitmix64).
};

/// The trained tables. Exposed for serialisation; from_parts() validates them.
struct lr_parts {
  uint32_t num_classes = 0;
  std::vector<float> bias;          ///< [class] bias.
  std::vector<uint64_t> hashes;     ///< Sorted feature hashes.
  std::vector<uint32_t> offsets;    ///< [feature] start in the postings, size+1.
  std::vector<uint16_t> post_class; ///< Posting: class index.
  std::vector<float> post_value;    ///< Posting: weight.
};

/// A trainable, then read-only, linear scorer.
class linear_model {
public:
  linear_model() = default;

  /// Starts training for `num_classes` classes, discarding previous state.
  void begin(uint32_t num_classes);

  /// Adds one document of class `cls` with weight `doc_weight`.
  void add(const std::vector<feature>& features, uint16_t cls, float doc_weight);

  /// Trains on the documents added; scoring is possible afterwards. Deterministic:
  /// the same documents in the same order give bit-identical tables.
  void finalize(const lr_options& options);

  /// Rebuilds a scorer from stored tables; model_malformed if they are inconsistent.
  static expected<linear_model> from_parts(lr_parts parts);

  /// The tables, for serialisation.
  const lr_parts& parts() const noexcept { return parts_; }

  /// Number of classes.
  uint32_t num_classes() const noexcept { return parts_.num_classes; }

  /// Number of features kept.
  size_t num_features() const noexcept { return parts_.hashes.size(); }

  /// Slot of a feature hash, or -1 if the feature has no stored weight.
  int32_t find(uint64_t hash) const;

  /// 1 / L2 norm of the feature weights of a document (0 for an empty one): the
  /// factor every feature weight is multiplied by before scoring.
  static float input_scale(const std::vector<feature>& features);

  /// Class scores (logits) into `scores` (resized); `slots`, if given, receives find()
  /// of each feature in order.
  void score(const std::vector<feature>& features, std::vector<float>& scores,
             std::vector<int32_t>* slots = nullptr) const;

  /// The stored weight of the feature in `slot` (valid) for `cls` (0 when pruned) minus
  /// its mean over the classes weighted by `q` (sum 1): one pass over its postings.
  float margin(int32_t slot, uint16_t cls, const std::vector<float>& q) const;

private:
  void build_index();

  struct document {
    size_t begin, end; // range in features_
    uint16_t cls;
    float weight;
  };

  lr_parts parts_;
  feature_index index_; ///< hash -> row of parts_.hashes
  // training state
  std::vector<feature> features_;
  std::vector<document> docs_;
};

} // namespace kyb::classification

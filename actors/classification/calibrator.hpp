// Turns raw class scores into calibrated probabilities: temperature scaling of the
// softmax (fitted by minimum log loss) followed by isotonic regression of the top
// class's probability against being right (pool-adjacent-violators), both fitted on
// out-of-fold predictions so the confidence is measured on brands the model never saw.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/classification/expected.hpp"

namespace kyb::classification {

/// The fitted parameters, for serialisation.
struct calibration_parts {
  float temperature = 1.0f;  ///< Softmax temperature (> 0).
  std::vector<float> knot_x; ///< Isotonic knots: tempered top probability, ascending.
  std::vector<float> knot_y; ///< Isotonic knots: P(right), non-decreasing.
};

/// Maps scores to calibrated confidences. Default-constructed it is the identity on
/// softmax probabilities.
class calibrator {
public:
  calibrator() = default;

  /// Fits on `scores` (row-major, `num_classes` per example) and the true class of
  /// each example. Deterministic.
  static calibrator fit(const std::vector<float>& scores, uint32_t num_classes,
                        const std::vector<uint16_t>& labels);

  /// Cross-fitted confidence of the top class of each example: for every fold, a
  /// calibrator fitted on the other folds' examples only. This is how calibration is
  /// validated: no example's label is used to calibrate its own confidence.
  static std::vector<float> cross_fit(const std::vector<float>& scores,
                                      uint32_t num_classes,
                                      const std::vector<uint16_t>& labels,
                                      const std::vector<uint32_t>& folds, uint32_t k);

  /// Rebuilds from stored parameters; model_malformed if they are invalid.
  static expected<calibrator> from_parts(calibration_parts parts);

  /// The parameters.
  const calibration_parts& parts() const noexcept { return parts_; }

  /// softmax(scores / temperature) into `probs`.
  void probabilities(const float* scores, uint32_t num_classes,
                     std::vector<float>& probs) const;

  /// Calibrated P(right) of a top class whose tempered probability is `p_top`.
  float confidence(float p_top) const;

  /// Rescales tempered `probs` in place so the top class (index `top`) carries
  /// confidence(probs[top]) and the others share the rest in proportion (never above
  /// the top class).
  void calibrate(std::vector<float>& probs, uint32_t top) const;

private:
  calibration_parts parts_;
};

} // namespace kyb::classification

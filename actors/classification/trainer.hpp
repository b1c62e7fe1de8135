// Trains the classification model, deterministically: the same data, crosswalk and
// options give a byte-identical model file. Evidence comes from the labelled brands
// and from the code texts (each MCC's descriptions, and the NAICS and SIC titles and
// descriptions of its crosswalk links, as short extra documents of that MCC), fitted
// by multinomial logistic regression. Confidence is calibrated on out-of-fold
// predictions of a k-fold split by brand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/classification/classifier.hpp"
#include "actors/classification/crosswalk.hpp"
#include "actors/classification/industry_codes.hpp"
#include "actors/classification/labelled_data.hpp"
#include "actors/classification/model.hpp"

namespace kyb::classification {

/// Training settings.
struct trainer_options {
  feature_options features;          ///< Feature extraction.
  lr_options lr;                     ///< Logistic regression training.
  float mcc_text_weight = 1.0f;      ///< Weight of an MCC's edited description document.
  float mcc_other_text_share = 0.5f; ///< Its other descriptions, relative to that.
  float code_text_weight = 0.5f;     ///< Weight of a linked NAICS or SIC title document.
  float link_text_share = 0.5f;      ///< A link's full NAICS/SIC text, relative to that.
  uint32_t calibration_folds = 5;    ///< Folds for the out-of-fold calibration.
  bool gazetteer = true;             ///< Store the known-merchant gazetteer.
  float gazetteer_weight = 0.8f;     ///< Weight of a gazetteer hit.
  /// Each labelled brand with a description is learnt twice: as a caller who knows
  /// only its name would send it (weight 1) and with its description (this weight), so
  /// the one model serves both callers.
  float described_weight = 1.5f;
  /// And a third time from its description and country alone (this weight), so that
  /// the description's words must carry the label without the name's help.
  float description_only_weight = 0.5f;
};

/// Out-of-fold raw scores of labelled rows.
struct out_of_fold {
  uint32_t num_classes = 0;
  std::vector<uint32_t> rows;    ///< Row index of each example.
  std::vector<uint16_t> labels;  ///< True class of each example.
  std::vector<uint32_t> folds;   ///< Fold of each example.
  std::vector<input_mode> modes; ///< What the caller sent for each example.
  /// Whether the answer's primary NAICS (SIC) is one of the true MCC's crosswalk links.
  std::vector<uint8_t> naics_right, sic_right;
  std::vector<float> scores;   ///< Row-major raw scores, num_classes per example.
  uint32_t gazetteer_hits = 0; ///< Held-out rows whose name the fold's gazetteer knew.
};

/// Rank of class `truth` among `nc` scores (0 = top), ties broken towards lower indexes.
uint32_t rank_of(const float* scores, uint32_t nc, uint32_t truth);

/// The figures of the examples of `mode` in `oof`, with `confidence` the calibrated
/// confidence of each example's top class (calibrator::cross_fit()).
mode_summary summarize(const out_of_fold& oof, const std::vector<float>& confidence,
                       input_mode mode);

/// Builds models from labelled brands, code texts and a crosswalk.
class trainer {
public:
  /// The classes are the crosswalk's MCCs. `codes` and `links` must outlive the
  /// trainer.
  trainer(const industry_codes& codes, const crosswalk& links, trainer_options options);

  /// The full model: out-of-fold calibration and evaluation summary, then a fit on
  /// all rows. Fails when a label has no crosswalk entry.
  expected<model> train(const std::vector<labelled_brand>& rows) const;

  /// An uncalibrated model fitted on the rows where `include[i]` is true (all rows
  /// when `include` is empty).
  expected<model> fit(const std::vector<labelled_brand>& rows,
                      const std::vector<bool>& include) const;

  /// Raw scores of every row of `rows` whose fold is in [0, k), each from a model fitted
  /// without that row's fold, once per mode of `modes` (a row without a description is
  /// scored only as name_only). Rows with `subset[i] == false` are neither trained on
  /// nor scored (all rows when `subset` is empty).
  expected<out_of_fold> cross_validate(const std::vector<labelled_brand>& rows,
                                       const std::vector<uint32_t>& folds, uint32_t k,
                                       const std::vector<bool>& subset = {},
                                       const std::vector<input_mode>& modes = {
                                           input_mode::name_only}) const;

  /// The class index of `mcc`, or -1.
  int class_of(const std::string& mcc) const;

  /// Whether `answer`'s primary NAICS and SIC are among the crosswalk links of `mcc`
  /// (the true MCC): how NAICS and SIC are scored where only MCC labels exist.
  std::pair<bool, bool> code_hits(const std::string& mcc,
                                  const classification_result& answer) const;

  /// The MCC of class index `cls`.
  const std::string& class_name(uint32_t cls) const { return classes_.at(cls); }

  /// The options.
  const trainer_options& options() const noexcept { return options_; }

private:
  struct document {
    std::vector<feature> features;
    uint16_t cls;
    float weight;
  };

  std::vector<feature> brand_features(const labelled_brand& row, input_mode mode) const;

  const industry_codes& codes_;
  const crosswalk& links_;
  trainer_options options_;
  std::vector<std::string> classes_;
  std::vector<document> code_documents_;
};

} // namespace kyb::classification

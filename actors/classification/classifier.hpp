// The industry classifier: loads a trained model file and classifies one business
// into an MCC (primary and alternates), a NAICS 2022 code with its sector, and a SIC
// code, each with a calibrated confidence, plus the evidence terms and the model
// version. Pure computation: no actors, no network. Thread-safe after load (classify
// is const and keeps its scratch space on the stack).
#pragma once

#include <string>
#include <vector>

#include "actors/classification/classification_input.hpp"
#include "actors/classification/expected.hpp"
#include "actors/classification/model.hpp"
#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

/// A code with its title and confidence (probability of being right, 0..1).
struct code_prediction {
  std::string code;        ///< "5812", "722511", "44-45", "5812".
  std::string title;       ///< Human-readable title.
  float confidence = 0.0f; ///< Calibrated probability.
};

/// An MCC prediction with the NAICS and SIC codes the crosswalk links it to.
struct mcc_prediction {
  std::string code;        ///< Four-digit MCC.
  std::string title;       ///< MCC description.
  float confidence = 0.0f; ///< Calibrated probability.
  std::string naics;       ///< Best linked NAICS 2022 code for this input.
  std::string sic;         ///< SIC code linked with that NAICS code.
};

/// One input term that pushed the decision towards the primary MCC.
struct evidence_term {
  std::string term;        ///< Normalised token ("pizza"), or "country:IT".
  input_field field;       ///< Where it was found (country evidence reports `name`).
  bool is_country = false; ///< True for the country feature.
  float weight = 0.0f;     ///< Log-likelihood ratio contributed (larger = stronger).
};

/// The full answer for one business.
struct classification_result {
  std::string model_version;                  ///< model::version.
  mcc_prediction mcc;                         ///< Primary MCC.
  std::vector<mcc_prediction> mcc_alternates; ///< Up to four, by confidence.
  code_prediction naics;                      ///< NAICS 2022, six digits.
  code_prediction naics_sector;               ///< Its two-digit sector ("44-45").
  code_prediction sic;                        ///< SIC 1987, four digits.
  std::vector<evidence_term> evidence;        ///< Strongest first, at most eight.
  bool known_merchant = false; ///< The name matched the gazetteer of labelled brands.
  /// The primary MCC's confidence is below classifier::review_below: a person should
  /// choose among it and the alternates.
  bool needs_review = false;
};

/// Hash under which the gazetteer stores a name's text_normalizer::compact_key().
uint64_t gazetteer_key_hash(const std::string& compact_key);

/// Hash under which the refiner stores a crosswalk_builder::term_of() term.
uint64_t refiner_term_hash(const std::string& term);

/// Read-only classifier over one model.
class classifier {
public:
  /// Loads and validates a model file. Missing or corrupt files give model_* errors.
  static expected<classifier> load(const std::string& path);

  /// Wraps an in-memory model (trainer and tests).
  static expected<classifier> from_model(model m);

  /// Validates `input` (input errors map to HTTP 400) and classifies it.
  expected<classification_result> classify(const classification_input& input) const;

  /// classify() of an input that already passed validate_input(input, limits).
  classification_result classify_valid(const classification_input& input) const;

  /// Raw class scores (logits) of a (valid) input, before calibration and without the
  /// gazetteer: what cross-validation measures.
  void raw_scores(const classification_input& input, std::vector<float>& scores) const;

  /// Calibrated class probabilities (gazetteer included when `use_gazetteer`).
  void probabilities(const classification_input& input, bool use_gazetteer,
                     std::vector<float>& probs, bool* known_merchant = nullptr) const;

  /// The model.
  const model& get_model() const noexcept { return model_; }

  /// The model version string.
  const std::string& version() const noexcept { return model_.version; }

  /// Input size limits applied by classify().
  input_limits limits;

  /// Answers whose primary MCC confidence is below this say needs_review (0: never).
  float review_below = 0.5f;

private:
  explicit classifier(model m);

  void features_of(const classification_input& input, std::vector<token>& tokens,
                   std::vector<feature>& features) const;
  bool gazetteer_lookup(const classification_input& input,
                        std::vector<float>& dist) const;

  model model_;
  feature_extractor extractor_;
  std::vector<std::vector<uint32_t>> class_links_; // links per class
  std::vector<float> log_link_weight_;             // log(links[i].weight)
  // Per link: its NAICS code, SIC code and NAICS sector as small ids (equal codes, equal
  // ids), so that a classification compares numbers, not strings.
  std::vector<uint32_t> link_naics_, link_sic_, link_sector_;
  std::vector<std::string> sector_titles_; // by sector id ("" when none)
};

} // namespace kyb::classification

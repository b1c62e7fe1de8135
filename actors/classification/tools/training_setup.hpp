// Shared by the classification tools: load the shipped data and the trainer options
// from command-line arguments.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "actors/classification/crosswalk.hpp"
#include "actors/classification/industry_codes.hpp"
#include "actors/classification/labelled_data.hpp"
#include "actors/classification/tools/tool_args.hpp"
#include "actors/classification/trainer.hpp"

namespace kyb::classification::tools {

/// Everything a tool trains from.
struct training_setup {
  industry_codes codes;
  crosswalk links;
  std::vector<labelled_brand> brands;
  trainer_options options;
};

/// Options understood by every tool that trains (defaults = the shipped model's).
constexpr const char* training_usage =
    "  --data DIR            the data directory, test/data (required)\n"
    "  --crosswalk CSV       generated crosswalk (required)\n"
    "  --supplement CSV      extra MCC descriptions (model/mcc_supplement.csv)\n"
    "  --labelled CSV        labelled brands (default "
    "DIR/labeled/nsi_brands_mcc_dev.csv)\n"
    "  --epochs N --learning-rate X --l2 X --prune X --mcc-text-weight X\n"
    "  --code-text-weight X --char-min N --char-max N --country-weight X\n"
    "  --transliterate 0|1 --shape 0|1 --calibration-folds N\n"
    "  --described-weight X --description-weight X --description-only-weight X\n";

/// Loads data and options; prints the error and returns nullptr on failure.
inline std::unique_ptr<training_setup>
load_setup(const std::map<std::string, std::string>& a) {
  auto fail = [](const error& e) {
    std::fprintf(stderr, "error: %s\n", e.to_string().c_str());
    return nullptr;
  };
  const auto data = arg(a, "data", "");
  const auto xw_path = arg(a, "crosswalk", "");
  if (data.empty() || xw_path.empty()) {
    std::fprintf(stderr, "error: --data and --crosswalk are required\n");
    return nullptr;
  }
  auto setup = std::make_unique<training_setup>();
  auto codes = industry_codes::load(data + "/industry", arg(a, "supplement", ""));
  if (!codes)
    return fail(codes.err());
  setup->codes = std::move(*codes);
  auto xw = crosswalk::read_csv(xw_path);
  if (!xw)
    return fail(xw.err());
  setup->links = std::move(*xw);
  auto brands =
      load_labelled_brands(arg(a, "labelled", data + "/labeled/nsi_brands_mcc_dev.csv"));
  if (!brands)
    return fail(brands.err());
  setup->brands = std::move(*brands);
  auto& o = setup->options;
  auto num = [&](const char* key, double fallback) {
    auto v = arg(a, key, "");
    return v.empty() ? fallback : std::strtod(v.c_str(), nullptr);
  };
  o.lr.epochs = static_cast<uint32_t>(num("epochs", o.lr.epochs));
  o.lr.learning_rate = static_cast<float>(num("learning-rate", o.lr.learning_rate));
  o.lr.l2 = static_cast<float>(num("l2", o.lr.l2));
  o.lr.prune = static_cast<float>(num("prune", o.lr.prune));
  o.features.transliterate = num("transliterate", o.features.transliterate ? 1 : 0) != 0;
  o.features.shape_features = num("shape", o.features.shape_features ? 1 : 0) != 0;
  o.mcc_text_weight = static_cast<float>(num("mcc-text-weight", o.mcc_text_weight));
  o.code_text_weight = static_cast<float>(num("code-text-weight", o.code_text_weight));
  o.features.char_min_n = static_cast<uint8_t>(num("char-min", o.features.char_min_n));
  o.features.char_max_n = static_cast<uint8_t>(num("char-max", o.features.char_max_n));
  o.features.country_weight =
      static_cast<float>(num("country-weight", o.features.country_weight));
  o.calibration_folds =
      static_cast<uint32_t>(num("calibration-folds", o.calibration_folds));
  o.described_weight = static_cast<float>(num("described-weight", o.described_weight));
  o.description_only_weight =
      static_cast<float>(num("description-only-weight", o.description_only_weight));
  auto& fw = o.features.field_weight;
  fw[static_cast<size_t>(input_field::description)] = static_cast<float>(
      num("description-weight", fw[static_cast<size_t>(input_field::description)]));
  return setup;
}

} // namespace kyb::classification::tools

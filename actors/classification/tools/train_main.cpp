// classification-train: trains the industry classification model from the shipped
// data and writes the model file. Deterministic: same inputs, same bytes.
#include <chrono>
#include <cstdio>

#include "actors/classification/model.hpp"
#include "actors/classification/tools/training_setup.hpp"

using namespace kyb::classification;

int main(int argc, char** argv) {
  std::string usage =
      "usage: classification-train --data DIR --crosswalk CSV --out MODEL [options]\n";
  usage += tools::training_usage;
  std::map<std::string, std::string> args;
  if (!tools::parse_args(argc, argv, usage.c_str(), args))
    return 2;
  const auto out = tools::arg(args, "out", "");
  if (out.empty()) {
    std::fprintf(stderr, "%s", usage.c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto setup = tools::load_setup(args);
  if (!setup)
    return 1;
  trainer t(setup->codes, setup->links, setup->options);
  auto m = t.train(setup->brands);
  if (!m) {
    std::fprintf(stderr, "error: %s\n", m.err().to_string().c_str());
    return 1;
  }
  if (auto err = write_model_file(*m, out)) {
    std::fprintf(stderr, "error: %s\n", err->to_string().c_str());
    return 1;
  }
  const auto& e = m->evaluation;
  std::printf("model %s: %zu classes, %zu features, %zu links, %zu gazetteer names\n",
              m->version.c_str(), m->classes.size(), m->lr.num_features(),
              m->links.size(), m->gazetteer.keys.size());
  for (auto mode : {input_mode::name_only, input_mode::described}) {
    const auto& s = mode == input_mode::described ? e.described : e.name_only;
    std::printf("out-of-fold %s (%u folds by brand, %u rows): top-1 %.4f, top-3 %.4f, "
                "NAICS %.4f, SIC %.4f, confidence>=0.8: %u rows, %.4f right, "
                "calibration error %.4f\n",
                mode_name(mode), e.folds, s.examples, s.top1, s.top3, s.naics, s.sic,
                s.confident, s.confident_accuracy, s.calibration_error);
  }
  std::printf("temperature %.3f\n", m->calibration.parts().temperature);
  std::printf(
      "wrote %s (%.1f s)\n", out.c_str(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

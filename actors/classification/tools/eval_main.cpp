// classification-eval: k-fold cross-validation of the classifier split by brand, with
// the majority-class and character-trigram naive Bayes baselines in the same run; or,
// with --holdout, a trained model scored on a separate brand file.
#include <cstdio>
#include <fstream>

#include "actors/classification/evaluation.hpp"
#include "actors/classification/tools/training_setup.hpp"
#include "runtime/base/csv_reader.hpp"

using namespace kyb::classification;

int main(int argc, char** argv) {
  std::string usage =
      "usage: classification-eval --data DIR --crosswalk CSV [--folds K]\n"
      "         [--subset N] [--holdout CSV [--model MODEL]] [options]\n"
      "  --folds K      cross-validation folds (default 5)\n"
      "  --subset N     use a deterministic 1/N of the brand groups\n"
      "  --holdout CSV  score brands of CSV (same columns as the labelled\n"
      "                 file) with MODEL, or with a model trained here on\n"
      "                 the labelled file when --model is not given\n"
      "  --errors CSV   write every wrong top-1 (mode, nsi_id, truth, predicted,\n"
      "                 brand, name, cuisine, description) to CSV\n";
  usage += tools::training_usage;
  std::map<std::string, std::string> args;
  if (!tools::parse_args(argc, argv, usage.c_str(), args))
    return 2;
  auto setup = tools::load_setup(args);
  if (!setup)
    return 1;
  trainer t(setup->codes, setup->links, setup->options);
  expected<evaluation_report> report = error{errc::invalid_argument, "not run"};
  std::vector<labelled_brand> holdout_rows;
  if (auto holdout = tools::arg(args, "holdout", ""); !holdout.empty()) {
    auto test_rows = load_labelled_brands(holdout);
    if (!test_rows) {
      std::fprintf(stderr, "error: %s\n", test_rows.err().to_string().c_str());
      return 1;
    }
    holdout_rows = *test_rows;
    expected<classifier> clf = error{errc::invalid_argument, "no model"};
    if (auto path = tools::arg(args, "model", ""); !path.empty()) {
      clf = classifier::load(path);
    } else {
      auto m = t.train(setup->brands);
      if (!m) {
        std::fprintf(stderr, "error: %s\n", m.err().to_string().c_str());
        return 1;
      }
      clf = classifier::from_model(std::move(*m));
    }
    if (!clf) {
      std::fprintf(stderr, "error: %s\n", clf.err().to_string().c_str());
      return 1;
    }
    std::printf("model %s\n", clf->version().c_str());
    report = evaluate_holdout(t, *clf, setup->brands, *test_rows);
  } else {
    evaluation_options opts;
    opts.folds = static_cast<uint32_t>(std::stoul(tools::arg(args, "folds", "5")));
    opts.subset_denominator =
        static_cast<uint32_t>(std::stoul(tools::arg(args, "subset", "1")));
    report = evaluate(t, setup->brands, opts);
  }
  if (!report) {
    std::fprintf(stderr, "error: %s\n", report.err().to_string().c_str());
    return 1;
  }
  std::printf("%s", format_report(*report).c_str());
  if (auto path = tools::arg(args, "errors", ""); !path.empty()) {
    const auto& rows = holdout_rows.empty() ? setup->brands : holdout_rows;
    std::ofstream out(path);
    out << "mode,nsi_id,truth,predicted,brand,name,cuisine,description\n";
    for (const auto& m : report->modes)
      for (const auto& [i, predicted] : m.errors) {
        const auto& r = rows.at(i);
        out << mode_name(m.mode) << ',' << kyb::base::csv_field(r.nsi_id) << ',' << r.mcc
            << ',' << predicted << ',' << kyb::base::csv_field(r.brand) << ','
            << kyb::base::csv_field(r.name) << ',' << kyb::base::csv_field(r.cuisine)
            << ',' << kyb::base::csv_field(r.description) << '\n';
      }
    if (!out) {
      std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}

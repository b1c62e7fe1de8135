#include "actors/classification/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>

#include "actors/classification/naive_bayes.hpp"

namespace kyb::classification {

namespace {

std::vector<feature> trigram_features(const std::string& name) {
  const std::string padded = " " + text_normalizer::normalize(name) + " ";
  std::vector<uint32_t> starts;
  for (size_t i = 0; i < padded.size(); ++i)
    if ((static_cast<unsigned char>(padded[i]) & 0xC0) != 0x80)
      starts.push_back(static_cast<uint32_t>(i));
  starts.push_back(static_cast<uint32_t>(padded.size()));
  std::vector<feature> out;
  for (size_t i = 0; i + 3 < starts.size(); ++i) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t b = starts[i]; b < starts[i + 3]; ++b)
      h = (h ^ static_cast<unsigned char>(padded[b])) * 1099511628211ULL;
    out.push_back(feature{h, 1.0f, -1});
  }
  std::sort(out.begin(), out.end(),
            [](const feature& a, const feature& b) { return a.hash < b.hash; });
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const feature& a, const feature& b) { return a.hash == b.hash; }),
      out.end());
  return out;
}

// Words and character 3-5-grams of the names and the description (no shape, no
// country): the described caller's naive Bayes baseline.
std::vector<feature> described_features(const classification_input& in) {
  feature_options o;
  o.transliterate = false;
  o.shape_features = false;
  classification_input text = in;
  text.country.clear();
  std::vector<token> toks;
  std::vector<feature> out;
  feature_extractor(o).extract_business(text, {}, toks, out);
  return out;
}

std::vector<feature> baseline_features(const labelled_brand& row, input_mode mode) {
  auto in = to_input(row, mode);
  return mode == input_mode::described ? described_features(in)
                                       : trigram_features(in.legal_name);
}

// Hit counters of the two baselines.
struct baseline_hits {
  uint32_t maj1 = 0, maj3 = 0, nb1 = 0, nb3 = 0;
};

// The two baselines for callers of `mode`, trained on `train` (every training row as
// that caller would send it), scored on `test`.
void score_baselines(const trainer& t, const std::vector<labelled_brand>& rows,
                     const std::vector<size_t>& train, const std::vector<size_t>& test,
                     const std::vector<labelled_brand>& test_rows, uint32_t nc,
                     input_mode mode, baseline_hits& hits) {
  std::vector<float> counts(nc, 0.0f);
  naive_bayes nb;
  nb.begin(nc);
  for (auto i : train) {
    auto cls = static_cast<uint16_t>(t.class_of(rows[i].mcc));
    counts[cls] += 1.0f;
    nb.add(baseline_features(rows[i], mode), cls, 1.0f);
  }
  nb.finalize(nb_options{0.1f, 1.0f, 1});
  std::vector<float> scores;
  for (auto i : test) {
    const auto& row = test_rows[i];
    if (mode == input_mode::described && row.description.empty())
      continue;
    const auto truth = static_cast<uint32_t>(t.class_of(row.mcc));
    const uint32_t r_maj = rank_of(counts.data(), nc, truth);
    hits.maj1 += r_maj == 0;
    hits.maj3 += r_maj < 3;
    nb.score(baseline_features(row, mode), scores);
    const uint32_t r_nb = rank_of(scores.data(), nc, truth);
    hits.nb1 += r_nb == 0;
    hits.nb3 += r_nb < 3;
  }
}

void fill_reliability(mode_report& rep, const std::vector<float>& conf,
                      const std::vector<bool>& right) {
  rep.reliability.clear();
  for (int b = 0; b < 10; ++b)
    rep.reliability.push_back(reliability_bin{b / 10.0f, (b + 1) / 10.0f, 0, 0.0f, 0.0f});
  for (size_t i = 0; i < conf.size(); ++i) {
    auto b = std::clamp(static_cast<int>(conf[i] * 10.0f), 0, 9);
    auto& bin = rep.reliability[static_cast<size_t>(b)];
    ++bin.count;
    bin.mean_confidence += conf[i];
    bin.accuracy += right[i] ? 1.0f : 0.0f;
  }
  for (auto& bin : rep.reliability)
    if (bin.count) {
      bin.mean_confidence /= static_cast<float>(bin.count);
      bin.accuracy /= static_cast<float>(bin.count);
    }
}

float ratio(uint32_t n, uint32_t d) {
  return d ? static_cast<float>(n) / static_cast<float>(d) : 0.0f;
}

// The ten most frequent (truth, prediction) errors of `count`.
void set_confusions(mode_report& m, const trainer& t,
                    const std::map<std::pair<uint32_t, uint32_t>, uint32_t>& count) {
  std::vector<std::pair<uint32_t, std::pair<uint32_t, uint32_t>>> order;
  for (const auto& [pair, n] : count)
    order.push_back({n, pair});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t i = 0; i < order.size() && i < 10; ++i)
    m.confusions.emplace_back(t.class_name(order[i].second.first),
                              t.class_name(order[i].second.second), order[i].first);
}

// The classifier's figures for callers of `mode`: summary, reliability, errors.
mode_report report_mode(const trainer& t, const out_of_fold& oof,
                        const std::vector<float>& conf, input_mode mode) {
  const uint32_t nc = oof.num_classes;
  mode_report m;
  m.mode = mode;
  m.summary = summarize(oof, conf, mode);
  std::vector<float> mode_conf;
  std::vector<bool> right;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> errors;
  for (size_t i = 0; i < oof.labels.size(); ++i) {
    if (oof.modes[i] != mode)
      continue;
    const float* s = oof.scores.data() + i * nc;
    const uint32_t r = rank_of(s, nc, oof.labels[i]);
    if (r != 0) {
      const auto predicted = static_cast<uint32_t>(std::max_element(s, s + nc) - s);
      ++errors[{oof.labels[i], predicted}];
      m.errors.emplace_back(oof.rows[i], t.class_name(predicted));
    }
    right.push_back(r == 0);
    mode_conf.push_back(conf[i]);
  }
  fill_reliability(m, mode_conf, right);
  set_confusions(m, t, errors);
  return m;
}

void set_baselines(mode_report& m, const baseline_hits& h) {
  m.majority = {ratio(h.maj1, m.summary.examples), ratio(h.maj3, m.summary.examples)};
  m.baseline_nb = {ratio(h.nb1, m.summary.examples), ratio(h.nb3, m.summary.examples)};
}

} // namespace

expected<evaluation_report> evaluate(const trainer& t,
                                     const std::vector<labelled_brand>& rows,
                                     const evaluation_options& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.folds < 2 || options.subset_denominator == 0)
    return error{errc::invalid_argument, "need at least 2 folds and a positive subset"};
  const auto groups = brand_groups(rows);
  const auto folds = assign_folds(rows, groups, options.folds);
  std::vector<bool> subset(rows.size(), true);
  if (options.subset_denominator > 1) {
    // A different hash order than the folds: deal groups to n buckets, keep bucket 0.
    std::vector<labelled_brand> salted(rows);
    for (auto& r : salted)
      r.nsi_id = "subset:" + r.nsi_id;
    const auto buckets = assign_folds(salted, groups, options.subset_denominator);
    for (size_t i = 0; i < rows.size(); ++i)
      subset[i] = buckets[i] == 0;
  }
  auto oof = t.cross_validate(rows, folds, options.folds, subset, options.modes);
  if (!oof)
    return oof.err();
  const uint32_t nc = oof->num_classes;
  evaluation_report rep;
  rep.folds = options.folds;
  rep.gazetteer_hits = oof->gazetteer_hits;
  std::set<uint32_t> seen_groups;
  for (auto r : oof->rows)
    seen_groups.insert(groups[r]);
  rep.brand_groups = static_cast<uint32_t>(seen_groups.size());
  // Confidence cross-fitted over every example of every mode, as the model's own
  // calibrator is fitted.
  const auto conf =
      calibrator::cross_fit(oof->scores, nc, oof->labels, oof->folds, options.folds);
  for (auto mode : options.modes) {
    auto m = report_mode(t, *oof, conf, mode);
    // Baselines on the same folds.
    baseline_hits hits;
    for (uint32_t f = 0; f < options.folds; ++f) {
      std::vector<size_t> train, test;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!subset[i])
          continue;
        (folds[i] == f ? test : train).push_back(i);
      }
      score_baselines(t, rows, train, test, rows, nc, mode, hits);
    }
    set_baselines(m, hits);
    rep.modes.push_back(std::move(m));
  }
  rep.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

expected<evaluation_report>
evaluate_holdout(const trainer& t, const classifier& clf,
                 const std::vector<labelled_brand>& train_rows,
                 const std::vector<labelled_brand>& test_rows) {
  const auto start = std::chrono::steady_clock::now();
  const auto nc = static_cast<uint32_t>(clf.get_model().classes.size());
  evaluation_report rep;
  rep.folds = 1;
  for (const auto& row : test_rows)
    if (t.class_of(row.mcc) < 0)
      return error{errc::data_malformed, "holdout label " + row.mcc + " is not a class"};
  std::vector<size_t> test(test_rows.size());
  std::iota(test.begin(), test.end(), size_t{0});
  std::vector<size_t> train(train_rows.size());
  std::iota(train.begin(), train.end(), size_t{0});
  // The held-out answers as "scores" (calibrated probabilities, gazetteer included).
  out_of_fold answers;
  answers.num_classes = nc;
  std::vector<float> conf;
  std::vector<float> probs;
  for (auto mode : {input_mode::name_only, input_mode::described})
    for (size_t i = 0; i < test_rows.size(); ++i) {
      const auto& row = test_rows[i];
      if (mode == input_mode::described && row.description.empty())
        continue;
      const auto input = to_input(row, mode);
      bool known = false;
      clf.probabilities(input, true, probs, &known);
      if (mode == input_mode::name_only)
        rep.gazetteer_hits += known;
      auto [naics, sic] = t.code_hits(row.mcc, clf.classify_valid(input));
      answers.rows.push_back(static_cast<uint32_t>(i));
      answers.labels.push_back(static_cast<uint16_t>(t.class_of(row.mcc)));
      answers.folds.push_back(0);
      answers.modes.push_back(mode);
      answers.naics_right.push_back(naics);
      answers.sic_right.push_back(sic);
      answers.scores.insert(answers.scores.end(), probs.begin(), probs.end());
      conf.push_back(*std::max_element(probs.begin(), probs.end()));
    }
  for (auto mode : {input_mode::name_only, input_mode::described}) {
    auto m = report_mode(t, answers, conf, mode);
    if (m.summary.examples == 0)
      continue;
    baseline_hits hits;
    score_baselines(t, train_rows, train, test, test_rows, nc, mode, hits);
    set_baselines(m, hits);
    rep.modes.push_back(std::move(m));
  }
  const auto test_groups = brand_groups(test_rows);
  rep.brand_groups = static_cast<uint32_t>(
      std::set<uint32_t>(test_groups.begin(), test_groups.end()).size());
  rep.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

const mode_report* evaluation_report::of(input_mode mode) const {
  for (const auto& m : modes)
    if (m.mode == mode)
      return &m;
  return nullptr;
}

std::string format_report(const evaluation_report& r) {
  std::string out;
  char line[256];
  if (r.folds == 1)
    std::snprintf(line, sizeof(line), "held-out evaluation: %u brand groups (%.1f s)\n",
                  r.brand_groups, r.seconds);
  else
    std::snprintf(line, sizeof(line),
                  "%u-fold cross-validation split by brand: %u brand groups (%.1f s)\n",
                  r.folds, r.brand_groups, r.seconds);
  out += line;
  for (const auto& m : r.modes) {
    const bool described = m.mode == input_mode::described;
    std::snprintf(line, sizeof(line), "\n== %s: %u rows (%s)\n", mode_name(m.mode),
                  m.summary.examples,
                  described ? "name, cuisine, country and the brand's description"
                            : "name, cuisine and country");
    out += line;
    out += "method                                top-1    top-3   model top-1 ratio\n";
    auto row = [&](const char* name, const accuracy_pair& a) {
      std::snprintf(
          line, sizeof(line), "%-36s  %.4f   %.4f   %s\n", name, a.top1, a.top3,
          a.top1 > 0
              ? (std::to_string(m.summary.top1 / a.top1).substr(0, 5) + "x").c_str()
              : "-");
      out += line;
    };
    row("model (logistic regression)", {m.summary.top1, m.summary.top3});
    row("baseline: majority class", m.majority);
    row(described ? "baseline: word+char NB name+description"
                  : "baseline: char-trigram NB name",
        m.baseline_nb);
    out += "reliability (calibrated confidence of the primary MCC";
    out += r.folds == 1 ? ")\n" : ", cross-fitted on the other folds)\n";
    out += "confidence     count   mean conf   accuracy\n";
    for (const auto& b : m.reliability) {
      std::snprintf(line, sizeof(line), "[%.1f, %.1f%c   %6u   %.3f       %s\n", b.low,
                    b.high, b.high >= 1.0f ? ']' : ')', b.count, b.mean_confidence,
                    b.count ? std::to_string(b.accuracy).substr(0, 5).c_str() : "-");
      out += line;
    }
    std::snprintf(line, sizeof(line),
                  "confidence >= 0.8: %u predictions (%.1f%% of rows), %.4f right\n"
                  "expected calibration error: %.4f\n",
                  m.summary.confident,
                  m.summary.examples ? 100.0 * m.summary.confident / m.summary.examples
                                     : 0.0,
                  m.summary.confident_accuracy, m.summary.calibration_error);
    out += line;
    std::snprintf(line, sizeof(line),
                  "NAICS among the true MCC's crosswalk links: %.4f; SIC: %.4f\n",
                  m.summary.naics, m.summary.sic);
    out += line;
    if (!m.confusions.empty())
      out += "most frequent errors (true -> predicted: count):";
    for (const auto& [truth, predicted, n] : m.confusions) {
      std::snprintf(line, sizeof(line), " %s->%s: %u", truth.c_str(), predicted.c_str(),
                    n);
      out += line;
    }
    out += "\n";
  }
  std::snprintf(line, sizeof(line),
                "\ngazetteer hits on held-out rows: %u (training-fold gazetteer; %s)\n",
                r.gazetteer_hits,
                r.folds == 1 ? "included in the scores" : "not used for the scores");
  out += line;
  return out;
}

} // namespace kyb::classification

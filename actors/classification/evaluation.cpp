#include "actors/classification/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>

#include "actors/classification/naive_bayes.hpp"

namespace kyb::classification {

namespace {

// Rank of the true class among scores (0 = top), ties broken towards lower indexes.
uint32_t rank_of(const float* s, uint32_t nc, uint32_t truth) {
  uint32_t better = 0;
  for (uint32_t c = 0; c < nc; ++c)
    if (s[c] > s[truth] || (s[c] == s[truth] && c < truth))
      ++better;
  return better;
}

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

// The two baselines, trained on `train`, scored on `test`; adds hits to the counters.
void score_baselines(const trainer& t, const std::vector<labelled_brand>& rows,
                     const std::vector<size_t>& train, const std::vector<size_t>& test,
                     const std::vector<labelled_brand>& test_rows, uint32_t nc,
                     uint32_t& maj1, uint32_t& maj3, uint32_t& tri1, uint32_t& tri3) {
  std::vector<float> counts(nc, 0.0f);
  naive_bayes nb;
  nb.begin(nc);
  for (auto i : train) {
    auto cls = static_cast<uint16_t>(t.class_of(rows[i].mcc));
    counts[cls] += 1.0f;
    nb.add(trigram_features(to_input(rows[i]).legal_name), cls, 1.0f);
  }
  nb.finalize(nb_options{1.0f, 1.0f, 1});
  std::vector<float> scores;
  for (auto i : test) {
    const auto& row = test_rows[i];
    const auto truth = static_cast<uint32_t>(t.class_of(row.mcc));
    const uint32_t r_maj = rank_of(counts.data(), nc, truth);
    maj1 += r_maj == 0;
    maj3 += r_maj < 3;
    nb.score(trigram_features(to_input(row).legal_name), scores);
    const uint32_t r_tri = rank_of(scores.data(), nc, truth);
    tri1 += r_tri == 0;
    tri3 += r_tri < 3;
  }
}

void fill_reliability(evaluation_report& rep, const std::vector<float>& conf,
                      const std::vector<bool>& right) {
  rep.reliability.clear();
  for (int b = 0; b < 10; ++b)
    rep.reliability.push_back(reliability_bin{b / 10.0f, (b + 1) / 10.0f, 0, 0.0f, 0.0f});
  uint32_t confident_right = 0;
  for (size_t i = 0; i < conf.size(); ++i) {
    auto b = std::min(static_cast<int>(conf[i] * 10.0f), 9);
    auto& bin = rep.reliability[static_cast<size_t>(b)];
    ++bin.count;
    bin.mean_confidence += conf[i];
    bin.accuracy += right[i] ? 1.0f : 0.0f;
    if (conf[i] >= 0.8f) {
      ++rep.confident;
      confident_right += right[i];
    }
  }
  float ece = 0.0f;
  for (auto& bin : rep.reliability)
    if (bin.count) {
      bin.mean_confidence /= static_cast<float>(bin.count);
      bin.accuracy /= static_cast<float>(bin.count);
      ece +=
          static_cast<float>(bin.count) * std::fabs(bin.accuracy - bin.mean_confidence);
    }
  rep.expected_calibration_error =
      conf.empty() ? 0.0f : ece / static_cast<float>(conf.size());
  rep.confident_accuracy = rep.confident ? static_cast<float>(confident_right) /
                                               static_cast<float>(rep.confident)
                                         : 0.0f;
}

float ratio(uint32_t n, uint32_t d) {
  return d ? static_cast<float>(n) / static_cast<float>(d) : 0.0f;
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
  auto oof = t.cross_validate(rows, folds, options.folds, subset);
  if (!oof)
    return oof.err();
  const uint32_t nc = oof->num_classes;
  evaluation_report rep;
  rep.folds = options.folds;
  rep.examples = static_cast<uint32_t>(oof->labels.size());
  rep.gazetteer_hits = oof->gazetteer_hits;
  std::set<uint32_t> seen_groups;
  for (auto r : oof->rows)
    seen_groups.insert(groups[r]);
  rep.brand_groups = static_cast<uint32_t>(seen_groups.size());
  uint32_t top1 = 0, top3 = 0;
  std::vector<bool> right(rep.examples);
  for (size_t i = 0; i < rep.examples; ++i) {
    const uint32_t r = rank_of(oof->scores.data() + i * nc, nc, oof->labels[i]);
    top1 += r == 0;
    top3 += r < 3;
    right[i] = r == 0;
  }
  rep.model = {ratio(top1, rep.examples), ratio(top3, rep.examples)};
  const auto conf =
      calibrator::cross_fit(oof->scores, nc, oof->labels, oof->folds, options.folds);
  fill_reliability(rep, conf, right);
  // Baselines on the same folds.
  uint32_t maj1 = 0, maj3 = 0, tri1 = 0, tri3 = 0;
  for (uint32_t f = 0; f < options.folds; ++f) {
    std::vector<size_t> train, test;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!subset[i])
        continue;
      (folds[i] == f ? test : train).push_back(i);
    }
    score_baselines(t, rows, train, test, rows, nc, maj1, maj3, tri1, tri3);
  }
  rep.majority = {ratio(maj1, rep.examples), ratio(maj3, rep.examples)};
  rep.trigram_nb = {ratio(tri1, rep.examples), ratio(tri3, rep.examples)};
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
  std::vector<float> conf;
  std::vector<bool> right;
  std::vector<float> probs;
  uint32_t top1 = 0, top3 = 0;
  std::vector<size_t> test;
  for (size_t i = 0; i < test_rows.size(); ++i) {
    const auto truth = t.class_of(test_rows[i].mcc);
    if (truth < 0)
      return error{errc::data_malformed,
                   "holdout label " + test_rows[i].mcc + " is not a class"};
    bool known = false;
    clf.probabilities(to_input(test_rows[i]), true, probs, &known);
    rep.gazetteer_hits += known;
    const uint32_t r = rank_of(probs.data(), nc, static_cast<uint32_t>(truth));
    top1 += r == 0;
    top3 += r < 3;
    right.push_back(r == 0);
    conf.push_back(*std::max_element(probs.begin(), probs.end()));
    test.push_back(i);
  }
  rep.examples = static_cast<uint32_t>(test.size());
  const auto test_groups = brand_groups(test_rows);
  rep.brand_groups = static_cast<uint32_t>(
      std::set<uint32_t>(test_groups.begin(), test_groups.end()).size());
  rep.model = {ratio(top1, rep.examples), ratio(top3, rep.examples)};
  fill_reliability(rep, conf, right);
  std::vector<size_t> train(train_rows.size());
  std::iota(train.begin(), train.end(), size_t{0});
  uint32_t maj1 = 0, maj3 = 0, tri1 = 0, tri3 = 0;
  score_baselines(t, train_rows, train, test, test_rows, nc, maj1, maj3, tri1, tri3);
  rep.majority = {ratio(maj1, rep.examples), ratio(maj3, rep.examples)};
  rep.trigram_nb = {ratio(tri1, rep.examples), ratio(tri3, rep.examples)};
  rep.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

std::string format_report(const evaluation_report& r) {
  std::string out;
  char line[256];
  std::snprintf(
      line, sizeof(line),
      "%u-fold cross-validation split by brand: %u rows, %u brand groups (%.1f s)\n",
      r.folds, r.examples, r.brand_groups, r.seconds);
  out += r.folds == 1 ? "held-out evaluation: " + std::to_string(r.examples) + " rows\n"
                      : line;
  out += "\nmethod                          top-1    top-3   top-1 ratio to model\n";
  auto row = [&](const char* name, const accuracy_pair& a) {
    std::snprintf(line, sizeof(line), "%-30s  %.4f   %.4f   %s\n", name, a.top1, a.top3,
                  a.top1 > 0
                      ? (std::to_string(r.model.top1 / a.top1).substr(0, 5) + "x").c_str()
                      : "-");
    out += line;
  };
  row("model (logistic regression)", r.model);
  row("baseline: majority class", r.majority);
  row("baseline: char-trigram NB name", r.trigram_nb);
  out += "\nreliability (calibrated confidence of the primary MCC";
  out += r.folds == 1 ? ")\n" : ", cross-fitted on the other folds)\n";
  out += "confidence     count   mean conf   accuracy\n";
  for (const auto& b : r.reliability) {
    std::snprintf(line, sizeof(line), "[%.1f, %.1f%c   %6u   %.3f       %s\n", b.low,
                  b.high, b.high >= 1.0f ? ']' : ')', b.count, b.mean_confidence,
                  b.count ? std::to_string(b.accuracy).substr(0, 5).c_str() : "-");
    out += line;
  }
  std::snprintf(
      line, sizeof(line),
      "confidence >= 0.8: %u predictions (%.1f%% of rows), %.4f right (target >= 0.80)\n"
      "expected calibration error: %.4f\n",
      r.confident, r.examples ? 100.0 * r.confident / r.examples : 0.0,
      r.confident_accuracy, r.expected_calibration_error);
  out += line;
  std::snprintf(line, sizeof(line),
                "gazetteer hits on held-out rows: %u (training-fold gazetteer; %s)\n",
                r.gazetteer_hits,
                r.folds == 1 ? "included in the scores" : "not used for the scores");
  out += line;
  return out;
}

} // namespace kyb::classification

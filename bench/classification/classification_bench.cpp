// classification-bench: latency of one classification on one core, model load time
// and the memory the loaded model takes (RSS delta), with a ratio against a baseline
// measured in the same run on the same inputs: raw_scores(), i.e. normalisation,
// features and the logistic-regression scoring alone, which shows what calibration, the
// gazetteer, the NAICS/SIC refinement and the evidence cost on top.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "actors/classification/classifier.hpp"
#include "actors/classification/labelled_data.hpp"

using namespace kyb::classification;
using clock_type = std::chrono::steady_clock;

namespace {

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: classification-bench MODEL LABELLED_CSV [rounds]\n");
    return 2;
  }
  const std::string model_path = argv[1];
  const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  // A realistic full request: name, DBA, description and some website text.
  classification_input full{
      "Blue Lantern Coffee Roasters Ltd", "Blue Lantern",
      "Specialty coffee roaster and espresso bar",
      "Welcome to Blue Lantern. We roast single-origin beans and serve "
      "espresso, pour-over, pastries and sandwiches every morning. Order "
      "beans online, free delivery over 30 pounds.",
      "GB"};

  const long rss_before = rss_kib();
  const auto t0 = clock_type::now();
  auto clf = classifier::load(model_path);
  const auto t1 = clock_type::now();
  if (!clf) {
    std::fprintf(stderr, "error: %s\n", clf.err().to_string().c_str());
    return 1;
  }
  const long rss_after = rss_kib();
  std::ifstream f(model_path, std::ios::binary | std::ios::ate);
  const auto file_bytes = static_cast<long>(f.tellg());

  auto rows = load_labelled_brands(argv[2]);
  if (!rows) {
    std::fprintf(stderr, "error: %s\n", rows.err().to_string().c_str());
    return 1;
  }
  std::vector<classification_input> inputs;
  for (const auto& r : *rows)
    inputs.push_back(to_input(r));

  // Interleaved, so both see the same cache and frequency conditions.
  std::vector<double> lat_full, lat_raw;
  std::vector<float> scores;
  size_t sink = 0;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& in : inputs) {
      const auto a = clock_type::now();
      auto r = clf->classify(in);
      const auto b = clock_type::now();
      sink += r ? r->mcc.code.size() : 0;
      lat_full.push_back(std::chrono::duration<double, std::micro>(b - a).count());
      const auto c = clock_type::now();
      clf->raw_scores(in, scores);
      const auto d = clock_type::now();
      sink += scores.size();
      lat_raw.push_back(std::chrono::duration<double, std::micro>(d - c).count());
    }
  }
  std::vector<double> lat_rich;
  for (int i = 0; i < 2000; ++i) {
    const auto a = clock_type::now();
    auto r = clf->classify(full);
    const auto b = clock_type::now();
    sink += r ? r->evidence.size() : 0;
    lat_rich.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }

  const double p50 = percentile(lat_full, 0.5), p99 = percentile(lat_full, 0.99);
  const double raw50 = percentile(lat_raw, 0.5);
  std::printf("model %s: file %.2f MB, %zu classes, %zu features\n",
              clf->version().c_str(), file_bytes / 1048576.0,
              clf->get_model().classes.size(), clf->get_model().lr.num_features());
  std::printf("load time: %.1f ms; RSS delta after load: %.1f MB\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(),
              (rss_after - rss_before) / 1024.0);
  std::printf("classify() over %zu labelled inputs x %d rounds, one thread:\n",
              inputs.size(), rounds);
  std::printf("  p50 %.1f us, p90 %.1f us, p99 %.1f us (target p50 <= 50 us: %s)\n", p50,
              percentile(lat_full, 0.9), p99, p50 <= 50.0 ? "met" : "MISSED");
  std::printf("  baseline raw_scores() (features + scoring only): p50 %.1f us; "
              "classify/baseline = %.2fx\n",
              raw50, p50 / raw50);
  std::printf(
      "classify() of a full request with website text: p50 %.1f us, p99 %.1f us\n",
      percentile(lat_rich, 0.5), percentile(lat_rich, 0.99));
  std::printf("(checksum %zu)\n", sink);
  return 0;
}

// screening-eval: loads the test copies of the lists (test/data) and prints precision,
// recall, F1 and the false-positive rate of the default threshold on the labelled
// matching sets.
//
//   build-screening/actors/screening/tools/screening-eval [--data DIR]
//       [--negatives N] [--with-dates] [--threshold T] [--list N]
//       [--query NAME]...   (screen names and print hits with explanations)
//       [--compare A B]...  (score one pair and explain it)
//       [--pairs FILE]      (name-variation pairs; default
//                            <data>/matching/name_variation_pairs_DERIVED.csv)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/tools/evaluation.hpp"
#include "actors/screening/tools/variation_pairs.hpp"

using namespace kyb::screening;

int main(int argc, char** argv) {
  eval::options opts;
  opts.data_dir = KYB_TEST_DATA;
  match_options match;
  size_t listed = 15;
  std::vector<std::string> queries;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string variation_pairs;
  for (int i = 1; i < argc; ++i) {
    auto arg = std::string(argv[i]);
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--data")
      opts.data_dir = value();
    else if (arg == "--negatives")
      opts.negatives_limit = std::strtoul(value(), nullptr, 10);
    else if (arg == "--with-dates")
      opts.with_dates = true;
    else if (arg == "--threshold")
      match.threshold = std::atof(value());
    else if (arg == "--list")
      listed = std::strtoul(value(), nullptr, 10);
    else if (arg == "--query")
      queries.push_back(value());
    else if (arg == "--compare") {
      std::string a = value();
      pairs.emplace_back(a, value());
    } else if (arg == "--pairs") {
      variation_pairs = value();
    } else {
      std::fprintf(stderr,
                   "usage: %s [--data DIR] [--negatives N] [--with-dates] "
                   "[--threshold T] [--list N] [--query NAME]... [--compare A B]... "
                   "[--pairs FILE]\n",
                   argv[0]);
      return 2;
    }
  }
  auto started = std::chrono::steady_clock::now();
  auto lists = load_lists(eval::full_sources(opts.data_dir));
  if (!lists) {
    std::fprintf(stderr, "load failed: %s\n", lists.error().to_string().c_str());
    return 1;
  }
  for (auto& l : lists.value()) {
    std::printf("list %-13s %6zu entities %6zu names  %5zu warnings  %s\n",
                l.metadata.name.c_str(), l.metadata.entity_count, l.metadata.name_count,
                l.metadata.warning_count, l.metadata.version.substr(0, 23).c_str());
    for (size_t i = 0; i < l.warnings.size() && i < 3; ++i)
      std::printf("    warning: %s\n", l.warnings[i].to_string().c_str());
  }
  auto index = screening_index::build(std::move(lists.value()), match);
  if (!index) {
    std::fprintf(stderr, "index failed: %s\n", index.error().to_string().c_str());
    return 1;
  }
  auto loaded = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  auto& st = index.value()->statistics();
  std::printf("index: %zu entities, %zu names, %zu terms; load + index %lld ms\n\n",
              st.entities, st.names, st.terms, static_cast<long long>(loaded.count()));
  for (auto& [a, b] : pairs) {
    auto c = index.value()->compare(a, b);
    if (!c) {
      std::printf("%s / %s: %s\n", a.c_str(), b.c_str(), c.error().message.c_str());
      continue;
    }
    screening_hit h;
    h.primary_name = h.matched_name = b;
    h.score = c->score;
    h.explanation = c->explanation;
    std::printf("%s / %s: %s\n%s", a.c_str(), b.c_str(), c->match ? "match" : "no match",
                eval::describe(h).c_str());
  }
  if (!pairs.empty() && queries.empty())
    return 0;
  if (!queries.empty()) {
    for (auto& name : queries) {
      screening_query q;
      q.name = name;
      auto r = index.value()->screen(q);
      if (!r) {
        std::printf("%s: %s\n", name.c_str(), r.error().message.c_str());
        continue;
      }
      std::printf("%s: %zu hits (%zu names scored)\n", name.c_str(), r->hits.size(),
                  r->candidates_scored);
      for (size_t i = 0; i < r->hits.size() && i < listed; ++i)
        std::printf("%s\n", eval::describe(r->hits[i]).c_str());
    }
    return 0;
  }
  auto rep = eval::run(*index.value(), opts);
  if (!rep) {
    std::fprintf(stderr, "evaluation failed: %s\n", rep.error().c_str());
    return 1;
  }
  std::printf("%s", eval::format(rep.value(), listed).c_str());
  std::printf("\nevaluation took %lld ms\n",
              static_cast<long long>(rep->screening_time.count()));
  if (variation_pairs.empty())
    variation_pairs = opts.data_dir + "/matching/name_variation_pairs_DERIVED.csv";
  auto variations = eval::run_variation_pairs(*index.value(), variation_pairs,
                                              index.value()->options().threshold);
  if (!variations) {
    std::fprintf(stderr, "variation pairs failed: %s\n", variations.error().c_str());
    return 1;
  }
  std::printf("%s", eval::format(variations.value(), listed).c_str());
  return 0;
}

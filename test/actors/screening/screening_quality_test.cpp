// Locks the matching quality screening-eval measures, with a small margin, so a change
// that costs recall or raises false positives fails here. Runs the full sets (all
// 50,000 negatives against all lists): a few seconds, under a minute with sanitizers.
#define BOOST_TEST_MODULE screening_quality
#include <boost/test/unit_test.hpp>

#include <map>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/tools/evaluation.hpp"
#include "actors/screening/tools/variation_pairs.hpp"

using namespace kyb::screening;

namespace {

const screening_index& index() {
  static const std::shared_ptr<const screening_index> i = [] {
    auto index = screening_index::load(eval::full_sources(KYB_TEST_DATA));
    BOOST_REQUIRE_MESSAGE(index, (index ? "" : index.error().to_string()));
    return index.value();
  }();
  return *i;
}

const eval::report& report() {
  static const eval::report r = [] {
    eval::options opts;
    opts.data_dir = KYB_TEST_DATA;
    auto rep = eval::run(index(), opts);
    BOOST_REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
    BOOST_TEST_MESSAGE(eval::format(rep.value(), 5));
    return rep.value();
  }();
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(default_threshold_is_the_documented_one) {
  BOOST_TEST(report().threshold == 0.80);
}

// Achieved: 679 of 683 (0.9941; the floor is 0.99): 3 misses are names no
// longer on the UN list.
BOOST_AUTO_TEST_CASE(un_typo_pairs_recall) {
  auto& r = report();
  BOOST_TEST(r.pairs == 683u);
  BOOST_TEST(r.pairs_target_by_name == 680u);
  BOOST_TEST(r.pairs_recalled >= 677u);      // issue floor: recall >= 0.99 (677)
  BOOST_TEST(r.pairs_top1 >= 675u);          // achieved 678
  BOOST_TEST(r.pairs_compare_match >= 678u); // achieved 681
}

// Achieved: 79 of 50,000 (0.158 %); the limit is 0.2 % (100). A third are names
// written in Han or Hangul that, romanised, spell out a listed person's name.
BOOST_AUTO_TEST_CASE(negatives_rarely_hit) {
  auto& r = report();
  BOOST_TEST(r.negatives == 50000u);
  BOOST_TEST(r.negatives_with_hit <= 90u);
  BOOST_TEST(r.congress == 1254u);
  BOOST_TEST(r.congress_with_hit <= 7u); // achieved 6
}

BOOST_AUTO_TEST_CASE(overall_precision_recall_f1) {
  auto& c = report().overall;
  BOOST_TEST(c.recall() >= 0.991);               // achieved 0.9941
  BOOST_TEST(c.precision() >= 0.880);            // achieved 0.8958
  BOOST_TEST(c.f1() >= 0.935);                   // achieved 0.9424
  BOOST_TEST(c.false_positive_rate() <= 0.0018); // achieved 0.0016
}

// Cyrillic, Greek, Hangul, Arabic and Hebrew through our tables (list-style spellings,
// common Arabic and Hebrew name words), Han, Thai and the rest through ICU. Out of
// reach: สมชาย (below), 金正恩 (ICU gives the Mandarin reading "jin zheng en", the list
// the Korean "Kim Jong Un") and the two Japanese names (ICU reads kanji as Mandarin too).
BOOST_AUTO_TEST_CASE(cross_script_pairs) {
  auto& r = report();
  BOOST_TEST(r.cross_script.size() == 22u);
  size_t matched = 0;
  for (auto& p : r.cross_script) {
    matched += p.match;
    // สมชาย romanises to "smchay", only phonetically "Somchai": never a match alone.
    bool reachable = p.query != "金正恩" && p.query != "山田太郎" &&
                     p.query != "田中花子" && p.query != "สมชาย";
    if (reachable)
      BOOST_TEST(p.match, p.query << " / " << p.expected << " scored " << p.score);
  }
  BOOST_TEST(matched >= 18u); // issue target 18 of 22; achieved 18
}

// The name-variation benchmark (test/data/matching/name_variation_pairs_DERIVED.csv, 593
// pairs in nine classes made from the test lists by gen-variation-pairs). Issue targets:
// precision >= 0.92 and recall >= 0.88 overall. Achieved (threshold 0.80): precision
// 0.9736, recall 0.9022; per class in the comments.
BOOST_AUTO_TEST_CASE(name_variation_pairs_per_class) {
  auto rep = eval::run_variation_pairs(
      index(), std::string(KYB_TEST_DATA) + "/matching/name_variation_pairs_DERIVED.csv",
      index().options().threshold);
  BOOST_REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  BOOST_TEST_MESSAGE(eval::format(rep.value(), 3));
  auto& all = rep->all.counts;
  BOOST_TEST(all.tp + all.fn + all.fp + all.tn >= 400u);
  BOOST_TEST(all.precision() >= 0.95); // achieved 0.9736
  BOOST_TEST(all.recall() >= 0.89);    // achieved 0.9022
  // Least recall per class (achieved in brackets); every class at least 25 positives
  // and 15 hard negatives, and precision >= 0.9 in each.
  const std::map<std::string, double> least_recall = {
      {"initials", 0.95},     // 1.00
      {"nickname", 0.95},     // 1.00
      {"title", 0.95},        // 1.00
      {"number", 0.93},       // 0.979
      {"split_join", 0.95},   // 1.00
      {"abbreviation", 0.93}, // 0.975
      {"phonetic", 0.55},     // 0.60: real alias pairs two or more edits apart
      {"reorder", 0.88},      // 0.925
      {"script", 0.58},       // 0.625: Arabic and Persian names letter by letter
  };
  BOOST_TEST(rep->classes.size() == least_recall.size());
  for (auto& c : rep->classes) {
    auto it = least_recall.find(c.cls);
    BOOST_TEST_REQUIRE((it != least_recall.end()), "unexpected class " << c.cls);
    BOOST_TEST(c.counts.tp + c.counts.fn >= 25u, c.cls);
    BOOST_TEST(c.counts.fp + c.counts.tn >= 15u, c.cls);
    BOOST_TEST(c.counts.recall() >= it->second, c.cls << " recall " << c.counts.recall());
    BOOST_TEST(c.counts.precision() >= 0.9,
               c.cls << " precision " << c.counts.precision());
  }
}

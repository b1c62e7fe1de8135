// Locks the matching quality screening-eval measures, with a small margin, so a change
// that costs recall or raises false positives fails here. Runs the full sets (all
// 50,000 negatives against all lists): a few seconds, under a minute with sanitizers.
#define BOOST_TEST_MODULE screening_quality
#include <boost/test/unit_test.hpp>

#include "actors/screening/list_loader.hpp"
#include "actors/screening/tools/evaluation.hpp"

using namespace kyb::screening;

namespace {

const eval::report& report() {
  static const eval::report r = [] {
    auto index = screening_index::load(eval::full_sources(KYB_TEST_DATA));
    BOOST_REQUIRE_MESSAGE(index, (index ? "" : index.error().to_string()));
    eval::options opts;
    opts.data_dir = KYB_TEST_DATA;
    auto rep = eval::run(*index.value(), opts);
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

// Achieved: 680 of 683 (0.9956); the 3 misses are names no longer on the UN list.
BOOST_AUTO_TEST_CASE(un_typo_pairs_recall) {
  auto& r = report();
  BOOST_TEST(r.pairs == 683u);
  BOOST_TEST(r.pairs_target_by_name == 680u);
  BOOST_TEST(r.pairs_recalled >= 677u);      // issue target: recall >= 0.98 (670)
  BOOST_TEST(r.pairs_top1 >= 676u);          // achieved 679
  BOOST_TEST(r.pairs_compare_match >= 678u); // achieved 682
}

// Achieved: 99 of 50,000 (0.198 %); the limit is 0.2 % (100). Most hits are
// names written in Han or Hangul that, romanised, are a listed person's name.
BOOST_AUTO_TEST_CASE(negatives_rarely_hit) {
  auto& r = report();
  BOOST_TEST(r.negatives == 50000u);
  BOOST_TEST(r.negatives_with_hit <= 100u);
  BOOST_TEST(r.congress == 1254u);
  BOOST_TEST(r.congress_with_hit <= 6u); // achieved 5
}

BOOST_AUTO_TEST_CASE(overall_precision_recall_f1) {
  auto& c = report().overall;
  BOOST_TEST(c.recall() >= 0.991);              // achieved 0.9956
  BOOST_TEST(c.precision() >= 0.870);           // achieved 0.8729
  BOOST_TEST(c.f1() >= 0.928);                  // achieved 0.9302
  BOOST_TEST(c.false_positive_rate() <= 0.002); // achieved 0.00198
}

// Cyrillic, Greek, Hangul, Arabic and Hebrew through our tables (list-style spellings,
// common Arabic and Hebrew name words), Han, Thai and the rest through ICU. Out of
// reach: 金正恩 (ICU gives the Mandarin reading "jin zheng en", the list the Korean
// "Kim Jong Un") and the two Japanese names (ICU reads kanji as Mandarin too).
BOOST_AUTO_TEST_CASE(cross_script_pairs) {
  auto& r = report();
  BOOST_TEST(r.cross_script.size() == 22u);
  size_t matched = 0;
  for (auto& p : r.cross_script) {
    matched += p.match;
    bool reachable =
        p.query != "金正恩" && p.query != "山田太郎" && p.query != "田中花子";
    if (reachable)
      BOOST_TEST(p.match, p.query << " / " << p.expected << " scored " << p.score);
  }
  BOOST_TEST(matched >= 18u); // issue target 18 of 22; achieved 19
}

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

// Achieved: 74 of 50,000 (0.148 %); the target is at most 1 % (500).
BOOST_AUTO_TEST_CASE(negatives_rarely_hit) {
  auto& r = report();
  BOOST_TEST(r.negatives == 50000u);
  BOOST_TEST(r.negatives_with_hit <= 90u);
  BOOST_TEST(r.congress == 1254u);
  BOOST_TEST(r.congress_with_hit <= 5u); // achieved 3
}

BOOST_AUTO_TEST_CASE(overall_precision_recall_f1) {
  auto& c = report().overall;
  BOOST_TEST(c.recall() >= 0.991);               // achieved 0.9956
  BOOST_TEST(c.precision() >= 0.885);            // achieved 0.9019
  BOOST_TEST(c.f1() >= 0.935);                   // achieved 0.9464
  BOOST_TEST(c.false_positive_rate() <= 0.0018); // achieved 0.0015
}

// Cyrillic and Greek transliterate, Arabic and Hebrew partly, Hangul syllables
// romanise; Han, kana and Thai have no transliteration (they match only exactly).
BOOST_AUTO_TEST_CASE(cross_script_pairs) {
  auto& r = report();
  BOOST_TEST(r.cross_script.size() == 22u);
  size_t matched = 0;
  for (auto& p : r.cross_script) {
    matched += p.match;
    if (p.expected == "Vladimir Putin" || p.expected == "Ivan Ivanov" ||
        p.expected == "Dmitry Medvedev" || p.expected == "Alexander Petrov" ||
        p.expected == "Nikolaos" || p.expected == "Moshe")
      BOOST_TEST(p.match, p.query << " / " << p.expected << " scored " << p.score);
  }
  BOOST_TEST(matched >= 7u); // achieved 7
}

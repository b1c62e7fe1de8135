#define BOOST_TEST_MODULE classification_calibration
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "actors/classification/calibrator.hpp"

using namespace kyb::classification;

namespace {

// Synthetic 4-class problem where raw scores are three times too sharp: the true
// class is right with probability p, and the raw top score claims p^(1/3)-like odds.
struct synthetic {
  std::vector<float> scores;
  std::vector<uint16_t> labels;
  std::vector<uint32_t> folds;
};

synthetic make(size_t n) {
  synthetic s;
  uint64_t state = 42;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (size_t i = 0; i < n; ++i) {
    const double margin = 3.0 * uniform(); // true log-odds of the top class
    const double p_top = 1.0 / (1.0 + 3.0 * std::exp(-margin));
    const bool right = uniform() < p_top;
    const uint16_t top = static_cast<uint16_t>(i % 4);
    const uint16_t label =
        right ? top : static_cast<uint16_t>((top + 1 + (i / 4) % 3) % 4);
    for (uint16_t c = 0; c < 4; ++c)
      s.scores.push_back(c == top ? static_cast<float>(3.0 * margin) : 0.0f);
    s.labels.push_back(label);
    s.folds.push_back(static_cast<uint32_t>(i % 5));
  }
  return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(temperature_undoes_overconfidence) {
  const auto s = make(4000);
  const auto cal = calibrator::fit(s.scores, 4, s.labels);
  BOOST_TEST(cal.parts().temperature > 2.0f);
  BOOST_TEST(cal.parts().temperature < 4.5f);
}

BOOST_AUTO_TEST_CASE(isotonic_map_is_monotone_and_bounded) {
  const auto s = make(4000);
  const auto cal = calibrator::fit(s.scores, 4, s.labels);
  const auto& p = cal.parts();
  BOOST_REQUIRE(!p.knot_x.empty());
  for (size_t i = 1; i < p.knot_x.size(); ++i) {
    BOOST_TEST(p.knot_x[i] > p.knot_x[i - 1]);
    BOOST_TEST(p.knot_y[i] >= p.knot_y[i - 1]);
  }
  float last = -1.0f;
  for (float x = 0.0f; x <= 1.0f; x += 0.01f) {
    const float y = cal.confidence(x);
    BOOST_TEST(y >= last);
    BOOST_TEST(y >= 0.0f);
    BOOST_TEST(y <= 1.0f);
    last = y;
  }
}

BOOST_AUTO_TEST_CASE(cross_fitted_confidence_is_reliable) {
  const auto s = make(6000);
  const auto conf = calibrator::cross_fit(s.scores, 4, s.labels, s.folds, 5);
  // Within every band, the share right is close to the mean confidence.
  for (float lo : {0.3f, 0.5f, 0.7f}) {
    double sum_conf = 0, right = 0, n = 0;
    for (size_t i = 0; i < conf.size(); ++i) {
      if (conf[i] < lo || conf[i] >= lo + 0.2f)
        continue;
      const float* sc = s.scores.data() + i * 4;
      const auto top = static_cast<uint16_t>(std::max_element(sc, sc + 4) - sc);
      sum_conf += conf[i];
      right += top == s.labels[i];
      ++n;
    }
    BOOST_REQUIRE(n > 100);
    BOOST_TEST(std::fabs(right / n - sum_conf / n) < 0.05, "band " << lo);
  }
}

BOOST_AUTO_TEST_CASE(calibrate_keeps_the_order_and_the_mass) {
  const auto s = make(2000);
  const auto cal = calibrator::fit(s.scores, 4, s.labels);
  std::vector<float> probs;
  const float scores[4] = {4.0f, 2.0f, 1.0f, 0.0f};
  cal.probabilities(scores, 4, probs);
  float total = 0;
  for (float p : probs)
    total += p;
  BOOST_TEST(total == 1.0f, boost::test_tools::tolerance(1e-5f));
  const float expected_top = cal.confidence(probs[0]);
  cal.calibrate(probs, 0);
  BOOST_TEST(probs[0] == expected_top);
  BOOST_TEST(probs[1] <= probs[0]);
  BOOST_TEST(probs[2] <= probs[1]);
  total = 0;
  for (float p : probs)
    total += p;
  BOOST_TEST(total <= 1.0001f);
}

BOOST_AUTO_TEST_CASE(invalid_parameters_are_refused) {
  BOOST_TEST(!calibrator::from_parts({0.0f, {}, {}}));
  BOOST_TEST(!calibrator::from_parts({1.0f, {0.5f, 0.4f}, {0.1f, 0.2f}}));
  BOOST_TEST(!calibrator::from_parts({1.0f, {0.4f, 0.5f}, {0.3f, 0.2f}}));
  BOOST_TEST(!calibrator::from_parts({1.0f, {0.4f}, {1.5f}}));
  BOOST_TEST(bool(calibrator::from_parts({1.5f, {0.2f, 0.6f}, {0.3f, 0.7f}})));
}

BOOST_AUTO_TEST_CASE(a_lone_wrong_lowest_score_does_not_raise_the_floor) {
  // The lowest-scored example alone forms the first isotonic block; shrunk towards
  // 1/2 it reads 1/3. That must not lift every later block to 1/3 when the examples
  // above it are right only 10% of the time.
  std::vector<float> scores;
  std::vector<uint16_t> labels;
  auto add = [&](float margin, bool right) {
    scores.push_back(margin);
    scores.push_back(0.0f);
    labels.push_back(right ? 0 : 1);
  };
  add(0.01f, false);
  for (int i = 0; i < 1000; ++i)
    add(0.5f + 0.001f * static_cast<float>(i), i % 10 == 0);
  const auto cal = calibrator::fit(scores, 2, labels);
  std::vector<float> probs;
  const float mid[2] = {1.0f, 0.0f};
  cal.probabilities(mid, 2, probs);
  BOOST_TEST(cal.confidence(probs[0]) < 0.2f);
  BOOST_TEST(cal.confidence(probs[0]) > 0.05f);
}

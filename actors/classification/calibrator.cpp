#include "actors/classification/calibrator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kyb::classification {

namespace {

// Mean negative log likelihood of the labels under softmax(scores / t).
double log_loss(const std::vector<float>& scores, uint32_t nc,
                const std::vector<uint16_t>& labels, double t) {
  double total = 0.0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const float* s = scores.data() + i * nc;
    double mx = *std::max_element(s, s + nc);
    double z = 0.0;
    for (uint32_t c = 0; c < nc; ++c)
      z += std::exp((s[c] - mx) / t);
    total += std::log(z) - (s[labels[i]] - mx) / t;
  }
  return total / static_cast<double>(std::max<size_t>(labels.size(), 1));
}

} // namespace

calibrator calibrator::fit(const std::vector<float>& scores, uint32_t nc,
                           const std::vector<uint16_t>& labels) {
  calibrator cal;
  if (labels.empty() || nc == 0)
    return cal;
  // Golden-section search for the temperature on a log scale.
  double lo = std::log(0.02), hi = std::log(50.0);
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  double fa = log_loss(scores, nc, labels, std::exp(a));
  double fb = log_loss(scores, nc, labels, std::exp(b));
  for (int it = 0; it < 60; ++it) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = log_loss(scores, nc, labels, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = log_loss(scores, nc, labels, std::exp(b));
    }
  }
  cal.parts_.temperature = static_cast<float>(std::exp((lo + hi) / 2.0));
  // Isotonic regression of "top class is right" on the tempered top probability.
  std::vector<std::pair<float, float>> points;
  points.reserve(labels.size());
  std::vector<float> probs;
  for (size_t i = 0; i < labels.size(); ++i) {
    cal.probabilities(scores.data() + i * nc, nc, probs);
    auto top = static_cast<uint32_t>(std::max_element(probs.begin(), probs.end()) -
                                     probs.begin());
    points.emplace_back(probs[top], top == labels[i] ? 1.0f : 0.0f);
  }
  std::sort(points.begin(), points.end());
  struct block {
    double sum_x, n;      // the scores pooled
    float min_x, max_x;   // their range
    double sum_y, weight; // the value: sum_y / weight
  };
  // Pool-adjacent-violators over blocks (already ordered by score).
  auto pool = [](std::vector<block>& blocks, const block& b) {
    blocks.push_back(b);
    while (blocks.size() > 1) {
      auto& last = blocks[blocks.size() - 1];
      auto& prev = blocks[blocks.size() - 2];
      if (prev.sum_y / prev.weight < last.sum_y / last.weight)
        break;
      prev.sum_x += last.sum_x;
      prev.n += last.n;
      prev.max_x = last.max_x;
      prev.sum_y += last.sum_y;
      prev.weight += last.weight;
      blocks.pop_back();
    }
  };
  std::vector<block> raw;
  for (const auto& [x, y] : points)
    pool(raw, block{x, 1.0, x, x, y, 1.0});
  // A light Laplace shrink keeps tiny blocks off 0 and 1; shrinking can break the
  // order (a one-point block at 0 becomes 1/3), so the shrunk values are pooled again,
  // weighted by their size, rather than forced up to a running maximum.
  std::vector<block> blocks;
  for (auto b : raw) {
    const double value = (b.sum_y + 1.0) / (b.weight + 2.0);
    b.sum_y = value * b.n;
    b.weight = b.n;
    pool(blocks, b);
  }
  // Knots at block centres, piecewise linear between them.
  for (const auto& bl : blocks) {
    const auto x = static_cast<float>(bl.sum_x / bl.n);
    const auto y = static_cast<float>(std::min(1.0, std::max(0.0, bl.sum_y / bl.weight)));
    if (!cal.parts_.knot_x.empty() && x <= cal.parts_.knot_x.back()) {
      cal.parts_.knot_y.back() = std::max(cal.parts_.knot_y.back(), y);
      continue;
    }
    cal.parts_.knot_x.push_back(x);
    cal.parts_.knot_y.push_back(y);
  }
  return cal;
}

std::vector<float> calibrator::cross_fit(const std::vector<float>& scores, uint32_t nc,
                                         const std::vector<uint16_t>& labels,
                                         const std::vector<uint32_t>& folds, uint32_t k) {
  std::vector<float> out(labels.size(), 0.0f);
  std::vector<float> probs;
  for (uint32_t f = 0; f < k; ++f) {
    std::vector<float> train_scores;
    std::vector<uint16_t> train_labels;
    for (size_t i = 0; i < labels.size(); ++i)
      if (folds[i] != f) {
        train_scores.insert(train_scores.end(),
                            scores.begin() + static_cast<std::ptrdiff_t>(i * nc),
                            scores.begin() + static_cast<std::ptrdiff_t>((i + 1) * nc));
        train_labels.push_back(labels[i]);
      }
    const auto cal = fit(train_scores, nc, train_labels);
    for (size_t i = 0; i < labels.size(); ++i)
      if (folds[i] == f) {
        cal.probabilities(scores.data() + i * nc, nc, probs);
        out[i] = cal.confidence(*std::max_element(probs.begin(), probs.end()));
      }
  }
  return out;
}

expected<calibrator> calibrator::from_parts(calibration_parts parts) {
  if (!(parts.temperature > 0.0f) || !std::isfinite(parts.temperature))
    return error{errc::model_malformed, "calibration temperature must be positive"};
  if (parts.knot_x.size() != parts.knot_y.size())
    return error{errc::model_malformed, "calibration knots differ in count"};
  for (size_t i = 0; i < parts.knot_x.size(); ++i) {
    if (!(parts.knot_y[i] >= 0.0f && parts.knot_y[i] <= 1.0f))
      return error{errc::model_malformed, "calibration value outside [0,1]"};
    if (i > 0 &&
        (parts.knot_x[i] <= parts.knot_x[i - 1] || parts.knot_y[i] < parts.knot_y[i - 1]))
      return error{errc::model_malformed, "calibration knots are not monotone"};
  }
  calibrator cal;
  cal.parts_ = std::move(parts);
  return cal;
}

void calibrator::probabilities(const float* scores, uint32_t nc,
                               std::vector<float>& probs) const {
  probs.resize(nc);
  if (nc == 0)
    return;
  const float mx = *std::max_element(scores, scores + nc);
  const float inv_t = 1.0f / parts_.temperature;
  double z = 0.0;
  for (uint32_t c = 0; c < nc; ++c) {
    probs[c] = std::exp((scores[c] - mx) * inv_t);
    z += probs[c];
  }
  const auto inv_z = static_cast<float>(1.0 / z);
  for (auto& p : probs)
    p *= inv_z;
}

float calibrator::confidence(float p) const {
  const auto& xs = parts_.knot_x;
  const auto& ys = parts_.knot_y;
  if (xs.empty())
    return p;
  if (p <= xs.front())
    return ys.front();
  if (p >= xs.back())
    return ys.back();
  auto it = std::upper_bound(xs.begin(), xs.end(), p);
  size_t i = static_cast<size_t>(it - xs.begin());
  float t = (p - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

void calibrator::calibrate(std::vector<float>& probs, uint32_t top) const {
  if (top >= probs.size())
    return;
  const float p_top = probs[top];
  const float conf = confidence(p_top);
  const float rest = 1.0f - p_top;
  const float scale = rest > 1e-9f ? (1.0f - conf) / rest : 0.0f;
  for (uint32_t c = 0; c < probs.size(); ++c)
    probs[c] = c == top ? conf : std::min(probs[c] * scale, conf);
}

} // namespace kyb::classification

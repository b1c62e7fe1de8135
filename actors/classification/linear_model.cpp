#include "actors/classification/linear_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kyb::classification {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A training document as dense feature indexes and unit-norm values.
struct sparse_row {
  std::vector<std::pair<uint32_t, float>> x;
  uint16_t cls;
  float weight;
};

} // namespace

void linear_model::begin(uint32_t num_classes) {
  parts_ = lr_parts{};
  parts_.num_classes = num_classes;
  features_.clear();
  docs_.clear();
  index_.clear();
}

void linear_model::add(const std::vector<feature>& features, uint16_t cls,
                       float doc_weight) {
  if (cls >= parts_.num_classes || doc_weight <= 0.0f)
    return;
  const size_t begin = features_.size();
  features_.insert(features_.end(), features.begin(), features.end());
  docs_.push_back(document{begin, features_.size(), cls, doc_weight});
}

void linear_model::finalize(const lr_options& options) {
  const uint32_t nc = parts_.num_classes;
  if (nc == 0) {
    parts_.offsets.assign(1, 0);
    return;
  }
  // Vocabulary: every feature of every document, in hash order.
  std::vector<uint64_t> vocab;
  vocab.reserve(features_.size());
  for (const auto& f : features_)
    vocab.push_back(f.hash);
  std::sort(vocab.begin(), vocab.end());
  vocab.erase(std::unique(vocab.begin(), vocab.end()), vocab.end());
  const auto nf = static_cast<uint32_t>(vocab.size());

  std::vector<sparse_row> rows;
  rows.reserve(docs_.size());
  std::vector<double> class_weight(nc, 0.0);
  double total_weight = 0.0;
  for (const auto& d : docs_) {
    sparse_row r{{}, d.cls, d.weight};
    const std::vector<feature> fs(features_.begin() +
                                      static_cast<std::ptrdiff_t>(d.begin),
                                  features_.begin() + static_cast<std::ptrdiff_t>(d.end));
    const float scale = input_scale(fs);
    for (const auto& f : fs) {
      const auto idx = static_cast<uint32_t>(
          std::lower_bound(vocab.begin(), vocab.end(), f.hash) - vocab.begin());
      r.x.emplace_back(idx, f.weight * scale);
    }
    class_weight[d.cls] += d.weight;
    total_weight += d.weight;
    rows.push_back(std::move(r));
  }
  features_.clear();
  features_.shrink_to_fit();
  docs_.clear();

  // Support: a feature carries a weight only for the classes it was seen with (the
  // other classes share the implicit weight 0). As accurate as a dense weight matrix
  // on this data, and ~60x less work and memory.
  std::vector<std::pair<uint32_t, uint16_t>> pairs;
  for (const auto& r : rows)
    for (const auto& x : r.x)
      pairs.emplace_back(x.first, r.cls);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<uint32_t> support_offset(static_cast<size_t>(nf) + 1, 0);
  std::vector<uint16_t> support_class;
  support_class.reserve(pairs.size());
  for (const auto& [f, c] : pairs) {
    ++support_offset[static_cast<size_t>(f) + 1];
    support_class.push_back(c);
  }
  std::partial_sum(support_offset.begin(), support_offset.end(), support_offset.begin());
  pairs.clear();
  pairs.shrink_to_fit();

  // Shuffled SGD; the bias starts at the log class prior.
  std::vector<float> w(support_class.size(), 0.0f);
  std::vector<float> bias(nc);
  for (uint32_t c = 0; c < nc; ++c)
    bias[c] = static_cast<float>(
        std::log((class_weight[c] + 0.1) / std::max(total_weight, 1e-9)));
  std::vector<float> sum_sq(nf, 0.0f); // AdaGrad accumulator per feature
  std::vector<uint32_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0u);
  uint64_t state = options.seed;
  std::vector<float> z(nc);
  // Raw pointers in the hot loop: debug and sanitizer builds (which retrain the model
  // in the tests) would otherwise spend their time in operator[].
  float* const zp = z.data();
  float* const bp = bias.data();
  float* const wp = w.data();
  float* const sp = sum_sq.data();
  const uint32_t* const so = support_offset.data();
  const uint16_t* const sc = support_class.data();
  for (uint32_t epoch = 0; epoch < options.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[splitmix64(state) % i]);
    for (auto ri : order) {
      const auto& r = rows[ri];
      const auto* x = r.x.data();
      const size_t nx = r.x.size();
      for (uint32_t c = 0; c < nc; ++c)
        zp[c] = bp[c];
      for (size_t j = 0; j < nx; ++j)
        for (uint32_t k = so[x[j].first]; k < so[x[j].first + 1]; ++k)
          zp[sc[k]] += x[j].second * wp[k];
      float mx = zp[0];
      for (uint32_t c = 1; c < nc; ++c)
        mx = zp[c] > mx ? zp[c] : mx;
      double total = 0.0;
      for (uint32_t c = 0; c < nc; ++c) {
        zp[c] = std::exp(zp[c] - mx);
        total += zp[c];
      }
      // z becomes the gradient of the log loss w.r.t. the logits: p - [c == label].
      const auto inv = static_cast<float>(1.0 / total);
      const float bias_step = options.bias_learning_rate * r.weight;
      float grad_sq = 0.0f;
      for (uint32_t c = 0; c < nc; ++c) {
        float g = zp[c] * inv;
        if (c == r.cls)
          g -= 1.0f;
        zp[c] = g;
        grad_sq += g * g;
        bp[c] -= bias_step * g;
      }
      for (size_t j = 0; j < nx; ++j) {
        const uint32_t f = x[j].first;
        const float g = r.weight * x[j].second;
        sp[f] += g * g * grad_sq;
        const float step = options.learning_rate / std::sqrt(1.0f + sp[f]);
        const float decay = options.l2;
        for (uint32_t k = so[f]; k < so[f + 1]; ++k)
          wp[k] -= step * (g * zp[sc[k]] + decay * wp[k]);
      }
    }
  }

  // Sparse tables: the weights of at least `prune` in magnitude.
  parts_.bias = std::move(bias);
  parts_.offsets.push_back(0);
  for (uint32_t f = 0; f < nf; ++f) {
    const size_t before = parts_.post_class.size();
    for (uint32_t k = support_offset[f]; k < support_offset[f + 1]; ++k) {
      if (std::fabs(w[k]) < options.prune)
        continue;
      parts_.post_class.push_back(support_class[k]);
      parts_.post_value.push_back(w[k]);
    }
    if (parts_.post_class.size() == before)
      continue;
    parts_.hashes.push_back(vocab[f]);
    parts_.offsets.push_back(static_cast<uint32_t>(parts_.post_class.size()));
  }
  build_index();
}

expected<linear_model> linear_model::from_parts(lr_parts parts) {
  const auto nc = parts.num_classes;
  if (nc == 0 || parts.bias.size() != nc)
    return error{errc::model_malformed, "linear model class tables have the wrong size"};
  if (auto e = check_postings("linear model", nc, parts.hashes, parts.offsets,
                              parts.post_class, parts.post_value.size()))
    return *e;
  for (auto v : parts.bias)
    if (!std::isfinite(v))
      return error{errc::model_malformed, "linear model bias is not finite"};
  for (auto v : parts.post_value)
    if (!std::isfinite(v))
      return error{errc::model_malformed, "linear model weight is not finite"};
  linear_model lm;
  lm.parts_ = std::move(parts);
  lm.build_index();
  return lm;
}

void linear_model::build_index() {
  index_.build(parts_.hashes);
}

int32_t linear_model::find(uint64_t hash) const {
  return index_.find(parts_.hashes, hash);
}

float linear_model::input_scale(const std::vector<feature>& features) {
  double sq = 0.0;
  for (const auto& f : features)
    sq += static_cast<double>(f.weight) * f.weight;
  return sq > 0.0 ? static_cast<float>(1.0 / std::sqrt(sq)) : 0.0f;
}

void linear_model::score(const std::vector<feature>& features, std::vector<float>& scores,
                         std::vector<int32_t>* slots) const {
  scores.assign(parts_.bias.begin(), parts_.bias.end());
  if (slots)
    slots->clear();
  const float scale = input_scale(features);
  thread_local std::vector<int32_t> own_slots;
  auto& found = slots ? *slots : own_slots;
  index_.find_all(parts_.hashes, features, found);
  for (const auto slot : found)
    if (slot >= 0)
      __builtin_prefetch(&parts_.offsets[static_cast<size_t>(slot)]);
  for (size_t i = 0; i < features.size(); ++i) {
    const int32_t slot = found[i];
    if (slot < 0)
      continue;
    const float x = features[i].weight * scale;
    const uint32_t begin = parts_.offsets[static_cast<size_t>(slot)];
    const uint32_t end = parts_.offsets[static_cast<size_t>(slot) + 1];
    for (uint32_t k = begin; k < end; ++k)
      scores[parts_.post_class[k]] += x * parts_.post_value[k];
  }
}

float linear_model::margin(int32_t slot, uint16_t cls,
                           const std::vector<float>& q) const {
  float own = 0.0f, mean = 0.0f;
  const uint32_t begin = parts_.offsets[static_cast<size_t>(slot)];
  const uint32_t end = parts_.offsets[static_cast<size_t>(slot) + 1];
  for (uint32_t k = begin; k < end; ++k) {
    const uint16_t c = parts_.post_class[k];
    if (c == cls)
      own = parts_.post_value[k];
    mean += q[c] * parts_.post_value[k];
  }
  return own - mean;
}

} // namespace kyb::classification

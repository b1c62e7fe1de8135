#include "actors/classification/naive_bayes.hpp"

#include <algorithm>
#include <cmath>

namespace kyb::classification {

void naive_bayes::begin(uint32_t num_classes) {
  parts_ = nb_parts{};
  parts_.num_classes = num_classes;
  counts_.clear();
  class_docs_.assign(num_classes, 0.0);
  docs_ = 0;
  index_.clear();
}

void naive_bayes::add(const std::vector<feature>& features, uint16_t cls,
                      float doc_weight) {
  if (cls >= parts_.num_classes || doc_weight <= 0.0f)
    return;
  for (const auto& f : features)
    counts_.push_back(count{f.hash, docs_, cls, f.weight * doc_weight});
  class_docs_[cls] += doc_weight;
  ++docs_;
}

void naive_bayes::finalize(const nb_options& options) {
  const uint32_t nc = parts_.num_classes;
  std::sort(counts_.begin(), counts_.end(), [](const count& a, const count& b) {
    if (a.hash != b.hash)
      return a.hash < b.hash;
    if (a.cls != b.cls)
      return a.cls < b.cls;
    return a.doc < b.doc;
  });
  std::vector<double> class_total(nc, 0.0);
  std::vector<std::pair<uint16_t, double>> postings;
  std::vector<double> values;
  parts_.offsets.push_back(0);
  for (size_t i = 0; i < counts_.size();) {
    size_t j = i;
    uint32_t df = 0;
    uint32_t last_doc = UINT32_MAX;
    while (j < counts_.size() && counts_[j].hash == counts_[i].hash) {
      if (counts_[j].doc != last_doc) {
        ++df;
        last_doc = counts_[j].doc;
      }
      ++j;
    }
    if (df >= options.min_df) {
      parts_.hashes.push_back(counts_[i].hash);
      for (size_t k = i; k < j;) {
        size_t m = k;
        double sum = 0.0;
        while (m < j && counts_[m].cls == counts_[k].cls)
          sum += counts_[m++].weight;
        parts_.post_class.push_back(counts_[k].cls);
        values.push_back(sum);
        class_total[counts_[k].cls] += sum;
        k = m;
      }
      parts_.offsets.push_back(static_cast<uint32_t>(parts_.post_class.size()));
    }
    i = j;
  }
  const double alpha = options.alpha;
  const double vocab = static_cast<double>(parts_.hashes.size());
  parts_.unseen.resize(nc);
  parts_.prior.resize(nc);
  double total_docs = 0.0;
  for (auto d : class_docs_)
    total_docs += d;
  for (uint32_t c = 0; c < nc; ++c) {
    parts_.unseen[c] =
        static_cast<float>(std::log(alpha / (class_total[c] + alpha * vocab)));
    parts_.prior[c] = static_cast<float>(
        options.prior_power * std::log((class_docs_[c] + 1.0) / (total_docs + nc)));
  }
  parts_.post_value.resize(values.size());
  for (size_t k = 0; k < values.size(); ++k)
    parts_.post_value[k] = static_cast<float>(std::log((values[k] + alpha) / alpha));
  counts_.clear();
  counts_.shrink_to_fit();
  class_docs_.clear();
  build_index();
}

expected<naive_bayes> naive_bayes::from_parts(nb_parts parts) {
  const auto nc = parts.num_classes;
  if (nc == 0 || parts.prior.size() != nc || parts.unseen.size() != nc)
    return error{errc::model_malformed, "naive Bayes class tables have the wrong size"};
  if (auto e = check_postings("naive Bayes", nc, parts.hashes, parts.offsets,
                              parts.post_class, parts.post_value.size()))
    return *e;
  for (auto v : parts.prior)
    if (!std::isfinite(v))
      return error{errc::model_malformed, "naive Bayes prior is not finite"};
  naive_bayes nb;
  nb.parts_ = std::move(parts);
  nb.build_index();
  return nb;
}

void naive_bayes::build_index() {
  index_.build(parts_.hashes);
}

int32_t naive_bayes::find(uint64_t hash) const {
  return index_.find(parts_.hashes, hash);
}

void naive_bayes::score(const std::vector<feature>& features, std::vector<float>& scores,
                        std::vector<int32_t>* slots) const {
  const uint32_t nc = parts_.num_classes;
  scores.assign(parts_.prior.begin(), parts_.prior.end());
  if (slots)
    slots->clear();
  float total_weight = 0.0f;
  for (const auto& f : features) {
    int32_t slot = find(f.hash);
    if (slots)
      slots->push_back(slot);
    if (slot < 0)
      continue;
    total_weight += f.weight;
    const uint32_t begin = parts_.offsets[static_cast<size_t>(slot)];
    const uint32_t end = parts_.offsets[static_cast<size_t>(slot) + 1];
    for (uint32_t k = begin; k < end; ++k)
      scores[parts_.post_class[k]] += f.weight * parts_.post_value[k];
  }
  for (uint32_t c = 0; c < nc; ++c)
    scores[c] += total_weight * parts_.unseen[c];
}

float naive_bayes::log_likelihood(int32_t slot, uint16_t cls) const {
  float value = parts_.unseen[cls];
  const uint32_t begin = parts_.offsets[static_cast<size_t>(slot)];
  const uint32_t end = parts_.offsets[static_cast<size_t>(slot) + 1];
  for (uint32_t k = begin; k < end; ++k)
    if (parts_.post_class[k] == cls)
      return value + parts_.post_value[k];
  return value;
}

float naive_bayes::mean_unseen(const std::vector<float>& q) const {
  float value = 0.0f;
  for (uint32_t c = 0; c < parts_.num_classes; ++c)
    value += q[c] * parts_.unseen[c];
  return value;
}

float naive_bayes::mean_log_likelihood(int32_t slot, const std::vector<float>& q,
                                       float mean_unseen) const {
  float value = mean_unseen;
  const uint32_t begin = parts_.offsets[static_cast<size_t>(slot)];
  const uint32_t end = parts_.offsets[static_cast<size_t>(slot) + 1];
  for (uint32_t k = begin; k < end; ++k)
    value += q[parts_.post_class[k]] * parts_.post_value[k];
  return value;
}

} // namespace kyb::classification

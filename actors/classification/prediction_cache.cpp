#include "actors/classification/prediction_cache.hpp"

#include "runtime/base/crypto.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/text.hpp"

namespace kyb::actors {

namespace {

/// kyb_ml_model_inference_duration_seconds of the model `version` (buckets in seconds,
/// 10 ms to 2 s, as the seed names them).
base::histogram& inference_histogram(const std::string& version) {
  return base::metrics_registry::global()
      .histogram("kyb_ml_model_inference_duration_seconds", "ML model inference time",
                 {"model_name", "model_version"}, {0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0})
      .with({"industry", version});
}

} // namespace

prediction_cache::prediction_cache(runtime::cache_registry& registry) {
  for (auto& s : shards_)
    s = std::make_unique<shard>(registry);
}

std::string prediction_cache::key_of(const classification::classification_input& in) {
  std::string key;
  key.reserve(in.legal_name.size() + in.dba_name.size() + in.description.size() +
              in.country.size() + 96);
  base::append_length_prefixed(key, in.legal_name);
  base::append_length_prefixed(key, in.dba_name);
  base::append_length_prefixed(key, in.description);
  base::append_length_prefixed(key, in.country);
  if (!in.website_text.empty())
    base::append_length_prefixed(key, base::sha256_hex(in.website_text));
  return key;
}

prediction_cache::shard& prediction_cache::shard_of(const std::string& key) {
  return *shards_[std::hash<std::string>{}(key) % shard_count];
}

prediction_cache::value_ptr prediction_cache::get(const std::string& key,
                                                  clock::time_point now) {
  auto& s = shard_of(key);
  std::lock_guard<std::mutex> lock(s.mutex);
  auto found = s.entries.get(key, now);
  if (!found.value || found.refresh_due)
    return nullptr;
  return *found.value;
}

void prediction_cache::put(const std::string& key, value_ptr value,
                           clock::time_point now) {
  auto& s = shard_of(key);
  std::lock_guard<std::mutex> lock(s.mutex);
  s.entries.put(key, std::move(value), now);
}

prediction_cache::value_ptr
classify_through(const classification::classifier& model, prediction_cache& cache,
                 const classification::classification_input& in, bool* made) {
  using clock = prediction_cache::clock;
  const auto key = prediction_cache::key_of(in);
  if (auto hit = cache.get(key, clock::now()))
    return hit;
  static thread_local std::string version;
  static thread_local base::histogram* inference = nullptr;
  if (!inference || version != model.version()) {
    version = model.version();
    inference = &inference_histogram(version);
  }
  const auto t0 = clock::now();
  auto fresh = std::make_shared<cached_prediction>();
  fresh->result = model.classify_valid(in);
  const auto t1 = clock::now();
  inference->Observe(std::chrono::duration<double>(t1 - t0).count());
  cache.put(key, fresh, t1);
  if (made)
    *made = true;
  return fresh;
}

} // namespace kyb::actors

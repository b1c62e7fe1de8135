// The node's prediction cache (cache type model_predictions, 1 h): the classification of
// an input by the node's one model, shared by every thread that classifies — the HTTP
// workers, which classify a short input where they parsed it, and the classification
// pool, which takes the long ones and the business actors' requests. Identical inputs
// meet the same entry whichever thread asks; the answer is rendered once, by its first
// reader, and kept beside it.
//
// Thread-safe: the entries are spread over shards by a hash of the input, each a
// runtime::ttl_cache behind its own mutex (node budget, hit/miss/eviction counters and
// refresh-ahead as every cache of the platform has them).
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "actors/classification/business_classification.hpp"
#include "actors/classification/classifier.hpp"
#include "runtime/cache/ttl_cache.hpp"

namespace kyb::actors {

/// One cached classification, immutable once made.
struct cached_prediction {
  classification::classification_result result;
  /// Its JSON, made by the first HTTP reader (net/classification_json.hpp).
  mutable rendered_once rendered;
};

class prediction_cache {
public:
  using clock = std::chrono::steady_clock;
  using value_ptr = std::shared_ptr<const cached_prediction>;

  explicit prediction_cache(
      runtime::cache_registry& registry = runtime::cache_registry::global());

  /// The cached classification of the input whose key_of() is `key`, unless none is
  /// cached or it is due for a refresh (a refresh of a deterministic model's prediction
  /// is the same inference: the caller classifies again and put()s it). Records a hit or
  /// a miss.
  value_ptr get(const std::string& key, clock::time_point now);

  /// Caches `value` as the classification of the input whose key_of() is `key` (made at
  /// `now`).
  void put(const std::string& key, value_ptr value, clock::time_point now);

  /// The cache key of `in`: every field the classifier reads, exactly (length-prefixed),
  /// with the website text, which may be long, as its SHA-256. The model is the node's
  /// one model: a new model comes with a restart and an empty cache.
  static std::string key_of(const classification::classification_input& in);

private:
  struct shard {
    std::mutex mutex;
    runtime::ttl_cache<value_ptr> entries;
    explicit shard(runtime::cache_registry& r)
        : entries(runtime::cache_type::model_predictions, r,
                  runtime::cache_scope::shared) {}
  };
  shard& shard_of(const std::string& key);

  static constexpr size_t shard_count = 16;
  std::array<std::unique_ptr<shard>, shard_count> shards_;
};

/// The result `model` gives `in` (valid input), through `cache`: from it when cached and
/// fresh, else classified now (`*made` set, if given), timed into
/// kyb_ml_model_inference_duration_seconds and cached.
prediction_cache::value_ptr
classify_through(const classification::classifier& model, prediction_cache& cache,
                 const classification::classification_input& in, bool* made = nullptr);

} // namespace kyb::actors

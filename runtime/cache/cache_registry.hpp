// The node's cache types, their policies (TTL, bounds) and their statistics. Every
// actor-local cache (runtime/cache/ttl_cache.hpp) belongs to one type and records here,
// so a node knows its hit rate per type and bounds its entries per type.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config/settings.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::runtime {

/// The cache types, each with its own TTL and node budget.
enum class cache_type : uint8_t {
  classification,
  risk_assessment,
  website_analysis,
  business_registry,
  sanctions_screening,
  model_predictions,
  sessions,
};

constexpr size_t cache_type_count = 7;

/// "classification", "risk_assessment", ... (the `cache_type` label of the metrics).
const char* to_string(cache_type t) noexcept;

struct cache_policy {
  std::chrono::milliseconds ttl{0};
  double hot_accesses_per_hour = 60; ///< access rate counted as access_frequency 1
  size_t max_per_actor = 64;
  size_t max_per_node = 1000000;
};

/// Counters of one cache type on this node: Prometheus series recorded where the
/// decisions are made (in ttl_cache).
struct cache_counters {
  base::counter* hits = nullptr;
  base::counter* misses = nullptr;
  base::counter* refreshes = nullptr; ///< proactive refreshes started
  base::counter* refresh_failures = nullptr;
  base::counter* evictions = nullptr;   ///< dropped by the size bounds
  base::counter* expirations = nullptr; ///< dropped at their TTL
  std::atomic<int64_t> entries{0};

  double hit_rate() const noexcept;
};

/// Node-wide policies and statistics, one per cache type.
class cache_registry {
public:
  /// The registry of this process (what /metrics and `kybctl caches` show).
  static cache_registry& global();

  cache_registry();

  /// Sets every policy from the configuration.
  void configure(const config::cache_settings& cfg);
  void set_policy(cache_type t, cache_policy p);
  const cache_policy& policy(cache_type t) const noexcept;
  cache_counters& counters(cache_type t) noexcept;
  const cache_counters& counters(cache_type t) const noexcept;

  /// Takes one entry of the node's budget for `t`; false when the node is full.
  bool reserve(cache_type t) noexcept;
  /// Gives back `n` entries of the budget.
  void release(cache_type t, size_t n = 1) noexcept;

  /// Sets the gauges kyb_cache_hit_rate_ratio{cache_type} and
  /// kyb_cache_entries{cache_type}; the counters kyb_cache_hits_total,
  /// kyb_cache_misses_total, kyb_cache_refreshes_total{outcome},
  /// kyb_cache_evictions_total and kyb_cache_expirations_total are live.
  void export_metrics() const;

  /// Every cache's counters and TTL by cache type, as `kybctl caches` shows them:
  /// {"<type>": {entries, hits, misses, hit_rate, refreshes, refresh_failures,
  /// evictions, ttl_ms}}.
  nlohmann::json statistics() const;

private:
  std::array<cache_policy, cache_type_count> policies_;
  std::array<cache_counters, cache_type_count> counters_;
};

} // namespace kyb::runtime

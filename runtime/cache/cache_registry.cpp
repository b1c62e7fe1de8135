#include "runtime/cache/cache_registry.hpp"

#include <nlohmann/json.hpp>

#include "runtime/base/metrics.hpp"

namespace kyb::runtime {

namespace {

constexpr const char* names[cache_type_count] = {
    "classification",      "risk_assessment",   "website_analysis", "business_registry",
    "sanctions_screening", "model_predictions", "sessions"};

size_t index(cache_type t) noexcept {
  return static_cast<size_t>(t);
}

} // namespace

const char* to_string(cache_type t) noexcept {
  return names[index(t)];
}

double cache_counters::hit_rate() const noexcept {
  auto h = hits->Value();
  auto m = misses->Value();
  return h + m == 0 ? 0.0 : h / (h + m);
}

cache_registry& cache_registry::global() {
  static cache_registry instance;
  static bool exported = [] {
    base::metrics_registry::global().on_collect([] { instance.export_metrics(); });
    return true;
  }();
  (void)exported;
  return instance;
}

cache_registry::cache_registry() {
  auto& m = base::metrics_registry::global();
  auto& hits = m.counter("kyb_cache_hits_total", "Cache lookups answered from the cache",
                         {"cache_type"});
  auto& misses = m.counter("kyb_cache_misses_total", "Cache lookups that found nothing",
                           {"cache_type"});
  auto& refreshes = m.counter("kyb_cache_refreshes_total",
                              "Proactive refreshes of cached entries by outcome",
                              {"cache_type", "outcome"});
  auto& evictions = m.counter("kyb_cache_evictions_total",
                              "Entries dropped by the size bounds", {"cache_type"});
  auto& expirations = m.counter("kyb_cache_expirations_total",
                                "Entries dropped at their TTL", {"cache_type"});
  for (size_t i = 0; i < cache_type_count; ++i) {
    auto& c = counters_[i];
    c.hits = &hits.with({names[i]});
    c.misses = &misses.with({names[i]});
    c.refreshes = &refreshes.with({names[i], "started"});
    c.refresh_failures = &refreshes.with({names[i], "failed"});
    c.evictions = &evictions.with({names[i]});
    c.expirations = &expirations.with({names[i]});
  }
  // Each type's TTL until configure() sets the configured ones (cache.*_ttl).
  using std::chrono::hours;
  policies_[index(cache_type::classification)].ttl = hours(24 * 7);
  policies_[index(cache_type::risk_assessment)].ttl = hours(24);
  policies_[index(cache_type::website_analysis)].ttl = hours(24 * 7);
  policies_[index(cache_type::business_registry)].ttl = hours(24 * 30);
  policies_[index(cache_type::sanctions_screening)].ttl = hours(24);
  policies_[index(cache_type::model_predictions)].ttl = hours(1);
  policies_[index(cache_type::sessions)].ttl = hours(24);
}

void cache_registry::configure(const config::cache_settings& cfg) {
  auto set = [&](cache_type t, std::chrono::milliseconds ttl) {
    cache_policy p;
    p.ttl = ttl;
    p.hot_accesses_per_hour = cfg.hot_accesses_per_hour;
    p.max_per_actor = cfg.max_entries_per_actor;
    p.max_per_node = cfg.max_entries_per_node;
    set_policy(t, p);
  };
  set(cache_type::classification, cfg.classification_ttl);
  set(cache_type::risk_assessment, cfg.risk_assessment_ttl);
  set(cache_type::website_analysis, cfg.website_analysis_ttl);
  set(cache_type::business_registry, cfg.business_registry_ttl);
  set(cache_type::sanctions_screening, cfg.sanctions_screening_ttl);
  set(cache_type::model_predictions, cfg.model_predictions_ttl);
  set(cache_type::sessions, cfg.sessions_ttl);
}

void cache_registry::set_policy(cache_type t, cache_policy p) {
  policies_[index(t)] = p;
}

const cache_policy& cache_registry::policy(cache_type t) const noexcept {
  return policies_[index(t)];
}

cache_counters& cache_registry::counters(cache_type t) noexcept {
  return counters_[index(t)];
}

const cache_counters& cache_registry::counters(cache_type t) const noexcept {
  return counters_[index(t)];
}

bool cache_registry::reserve(cache_type t) noexcept {
  auto& c = counters_[index(t)];
  auto limit = static_cast<int64_t>(policies_[index(t)].max_per_node);
  auto cur = c.entries.load(std::memory_order_relaxed);
  while (cur < limit)
    if (c.entries.compare_exchange_weak(cur, cur + 1, std::memory_order_relaxed))
      return true;
  return false;
}

void cache_registry::release(cache_type t, size_t n) noexcept {
  counters_[index(t)].entries.fetch_sub(static_cast<int64_t>(n),
                                        std::memory_order_relaxed);
}

void cache_registry::export_metrics() const {
  auto& m = base::metrics_registry::global();
  auto& rate =
      m.gauge("kyb_cache_hit_rate_ratio", "Cache hit rate by cache type", {"cache_type"});
  auto& entries =
      m.gauge("kyb_cache_entries", "Cached entries on this node", {"cache_type"});
  for (size_t i = 0; i < cache_type_count; ++i) {
    rate.with({names[i]}).Set(counters_[i].hit_rate());
    entries.with({names[i]}).Set(static_cast<double>(counters_[i].entries.load()));
  }
}

nlohmann::json cache_registry::statistics() const {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < cache_type_count; ++i) {
    auto t = static_cast<cache_type>(i);
    auto& c = counters(t);
    out[to_string(t)] = {{"entries", c.entries.load()},
                         {"hits", c.hits->Value()},
                         {"misses", c.misses->Value()},
                         {"hit_rate", c.hit_rate()},
                         {"refreshes", c.refreshes->Value()},
                         {"refresh_failures", c.refresh_failures->Value()},
                         {"evictions", c.evictions->Value()},
                         {"ttl_ms", policy(t).ttl.count()}};
  }
  return out;
}

} // namespace kyb::runtime

// The one cache mechanism of the platform: an actor-local map. Each entry lives for its
// type's TTL. An entry read when its age passes ttl * (0.8 - 0.2 * access_frequency)
// (60-80 % of the TTL, earlier for hot keys) is still served, and the reader is told to
// refresh it in the background; a refresh that fails keeps the old value serving until
// the TTL, after which the lookup reports the error. Bounded per actor (LRU, O(1)) and
// per node (a budget per cache type). A shared cache (one per node, held by a service
// actor such as the classification actor's prediction cache) is bounded by the node
// budget alone.
//
// Not thread-safe: an actor owns its caches. Time is passed in, so tests use their own
// clock.
#pragma once

#include <algorithm>
#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "runtime/cache/cache_registry.hpp"

namespace kyb::runtime {

/// What a lookup found.
template <class V>
struct cache_lookup {
  const V* value = nullptr; ///< the cached value, or nullptr on a miss
  bool refresh_due = false; ///< serve `value`, and refresh it now (once per entry)
  std::chrono::steady_clock::time_point stored_at{}; ///< when `value` was stored
  std::optional<std::string> error; ///< on a miss: the last refresh failed before the TTL
};

/// Whose bound applies: one actor's (`max_per_actor`, within the node's budget), or a
/// node-wide shared cache's (the node's budget only).
enum class cache_scope : uint8_t { actor, shared };

template <class V>
class ttl_cache {
public:
  using clock = std::chrono::steady_clock;

  explicit ttl_cache(cache_type type, cache_registry& registry = cache_registry::global(),
                     cache_scope scope = cache_scope::actor)
      : type_(type), scope_(scope), registry_(&registry) {}

  ttl_cache(const ttl_cache&) = delete;
  ttl_cache& operator=(const ttl_cache&) = delete;
  ttl_cache(ttl_cache&& other) noexcept
      : type_(other.type_), scope_(other.scope_), registry_(other.registry_),
        entries_(std::move(other.entries_)), lru_(std::move(other.lru_)) {
    other.entries_.clear();
    other.lru_.clear();
  }

  ~ttl_cache() { clear(); }

  /// Looks `key` up at time `now`, recording a hit or a miss.
  cache_lookup<V> get(const std::string& key, clock::time_point now) {
    auto& c = registry_->counters(type_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      c.misses->Increment();
      return {};
    }
    auto& e = it->second;
    auto ttl = registry_->policy(type_).ttl;
    if (now - e.stored_at >= ttl) {
      cache_lookup<V> out;
      out.error = e.error; // a failed refresh surfaces once the old value expired
      c.expirations->Increment();
      c.misses->Increment();
      erase(it);
      return out;
    }
    c.hits->Increment();
    ++e.accesses;
    touch(e);
    cache_lookup<V> out;
    out.value = &e.value;
    out.stored_at = e.stored_at;
    if (!e.refreshing && now - e.stored_at > refresh_threshold(e, now)) {
      e.refreshing = true;
      out.refresh_due = true;
      c.refreshes->Increment();
    }
    return out;
  }

  /// Stores (or replaces) `key`. A replacement keeps the entry's access history, so a
  /// hot key stays hot across refreshes. False when it was not stored: the node's budget
  /// for the type is spent and this cache has nothing of its own to give up.
  bool put(const std::string& key, V value, clock::time_point now) {
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      auto& e = it->second;
      e.value = std::move(value);
      e.stored_at = now;
      e.refreshing = false;
      e.error.reset();
      touch(e);
      return true;
    }
    auto& policy = registry_->policy(type_);
    if (scope_ == cache_scope::actor && entries_.size() >= policy.max_per_actor)
      evict_lru();
    if (!registry_->reserve(type_)) {
      // The node is full for this type: make room here, or do not cache.
      if (entries_.empty() || (evict_lru(), !registry_->reserve(type_))) {
        registry_->counters(type_).evictions->Increment();
        return false;
      }
    }
    auto added = entries_.emplace(key, entry{}).first;
    auto& e = added->second;
    e.value = std::move(value);
    e.stored_at = now;
    e.first_seen = now;
    lru_.push_front(&added->first);
    e.lru = lru_.begin();
    return true;
  }

  /// A background refresh failed: keep serving the old value until its TTL.
  void refresh_failed(const std::string& key, std::string error) {
    registry_->counters(type_).refresh_failures->Increment();
    auto it = entries_.find(key);
    if (it == entries_.end())
      return;
    it->second.refreshing = false; // a later read may try again
    it->second.error = std::move(error);
  }

  /// Drops `key` (its inputs changed).
  void invalidate(const std::string& key) {
    auto it = entries_.find(key);
    if (it != entries_.end())
      erase(it);
  }

  /// Drops everything (e.g. the entity changed in a way that touches every entry).
  void clear() {
    if (!entries_.empty())
      registry_->release(type_, entries_.size());
    entries_.clear();
    lru_.clear();
  }

  /// The age below which no read asks for a refresh, however often the entry is read
  /// (the refresh threshold of the hottest entry).
  clock::duration fresh_for() const {
    auto ttl = std::chrono::duration_cast<clock::duration>(registry_->policy(type_).ttl);
    return std::chrono::duration_cast<clock::duration>(ttl * 0.6);
  }

  size_t size() const noexcept { return entries_.size(); }
  cache_type type() const noexcept { return type_; }

  /// The access frequency in [0, 1] of `key` now (for tests and the admin console).
  double access_frequency(const std::string& key, clock::time_point now) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? 0.0 : frequency(it->second, now);
  }

private:
  /// Least recently used last; holds pointers to the map's keys (stable in an
  /// unordered_map until their element is erased).
  using lru_list = std::list<const std::string*>;

  struct entry {
    V value;
    clock::time_point stored_at;
    clock::time_point first_seen;
    typename lru_list::iterator lru;
    uint64_t accesses = 0;
    bool refreshing = false;
    std::optional<std::string> error;
  };

  using map_type = std::unordered_map<std::string, entry>;

  /// Accesses per hour over the entry's life (at least one hour), relative to the
  /// policy's hot rate.
  double frequency(const entry& e, clock::time_point now) const {
    double hours =
        std::chrono::duration<double, std::ratio<3600>>(now - e.first_seen).count();
    double rate = static_cast<double>(e.accesses) / std::max(hours, 1.0);
    return std::min(1.0, rate / registry_->policy(type_).hot_accesses_per_hour);
  }

  /// The age from which a read asks for a background refresh:
  /// ttl * (0.8 - 0.2 * access_frequency).
  clock::duration refresh_threshold(const entry& e, clock::time_point now) const {
    auto ttl = std::chrono::duration_cast<clock::duration>(registry_->policy(type_).ttl);
    double factor = 0.8 - 0.2 * frequency(e, now);
    return std::chrono::duration_cast<clock::duration>(ttl * factor);
  }

  void touch(entry& e) { lru_.splice(lru_.begin(), lru_, e.lru); }

  void erase(typename map_type::iterator it) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
    registry_->release(type_);
  }

  void evict_lru() {
    if (lru_.empty())
      return;
    erase(entries_.find(*lru_.back()));
    registry_->counters(type_).evictions->Increment();
  }

  cache_type type_;
  cache_scope scope_;
  cache_registry* registry_;
  map_type entries_;
  lru_list lru_;
};

} // namespace kyb::runtime

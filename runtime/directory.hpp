// Finds the actor that serves an entity (a tenant, a business) by kind and id, and
// activates it when none is live. Callers only ever address entities through here, so
// placement can change (another node, a restart) without changing them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/base/uuid.hpp"

namespace kyb::runtime {

/// Kinds are small numbers assigned by the layer that defines the entities.
using entity_kind = uint8_t;

class directory {
public:
  /// Spawns the actor for one entity on this node. The actor loads its own state.
  using factory = std::function<caf::actor(caf::actor_system& sys, const base::uuid& id)>;

  explicit directory(caf::actor_system& sys);
  directory(const directory&) = delete;
  directory& operator=(const directory&) = delete;

  /// Registers how entities of `kind` are made. Call before the first resolve.
  void register_kind(entity_kind kind, std::string name, factory make);

  /// The live actor for (kind, id), activating one if there is none. Thread-safe and
  /// non-blocking (a short lock); returns an invalid handle for an unknown kind.
  /// An actor found here may still stop before a message reaches it (passivation):
  /// callers retry once on `request_receiver_down`.
  caf::actor resolve(entity_kind kind, const base::uuid& id);

  /// The live actor for (kind, id) if any, without activating one.
  caf::actor find(entity_kind kind, const base::uuid& id) const;

  /// Live entity actors on this node, in total and for one kind.
  size_t live_count() const noexcept;
  size_t live_count(entity_kind kind) const;
  /// Activations since start.
  uint64_t activations() const noexcept { return activations_.load(); }

  /// Asks every live entity actor to exit (node shutdown).
  void stop_all();

  /// Names of the registered kinds (for metrics labels and the admin console).
  std::string kind_name(entity_kind kind) const;

private:
  struct key {
    entity_kind kind;
    base::uuid id;
    friend bool operator==(const key& a, const key& b) {
      return a.kind == b.kind && a.id == b.id;
    }
  };
  struct key_hash {
    size_t operator()(const key& k) const noexcept {
      return std::hash<base::uuid>{}(k.id) * 31 + k.kind;
    }
  };
  struct shard {
    mutable std::mutex mtx;
    std::unordered_map<key, caf::actor, key_hash> live;
  };
  static constexpr size_t shard_count = 64;

  shard& shard_for(const key& k) { return shards_[key_hash{}(k) % shard_count]; }
  const shard& shard_for(const key& k) const {
    return shards_[key_hash{}(k) % shard_count];
  }
  void forget(const key& k, const caf::actor_addr& who);

  caf::actor_system& sys_;
  std::array<factory, 256> factories_;
  std::array<std::string, 256> names_;
  std::array<shard, shard_count> shards_;
  std::atomic<size_t> live_{0};
  std::array<std::atomic<size_t>, 256> live_by_kind_{};
  std::atomic<uint64_t> activations_{0};
};

} // namespace kyb::runtime

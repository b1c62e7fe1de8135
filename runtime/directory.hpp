// Finds the actor that serves an entity (a tenant, a business) by kind and id. The
// entity lives on the node that owns its shard (runtime/cluster/placement): on this node
// the directory activates it on demand; on another node the directory hands out a local
// proxy that forwards to that node's entity router. Callers never know the difference.
//
// The directory also passivates: entities idle for actors.passivate_after, and the least
// recently used ones when the node holds more than actors.max_live_per_node, get a
// passivate message and stop once their work is done.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/message.hpp>

#include "runtime/base/metrics.hpp"
#include "runtime/base/uuid.hpp"
#include "runtime/cluster/entity_router.hpp"
#include "runtime/cluster/placement.hpp"

namespace kyb::runtime {

/// Kinds are small numbers assigned by the layer that defines the entities.
using entity_kind = uint8_t;

/// A kind the runtime itself defines: a trivial entity that answers pings, used by
/// failover drills to see when a shard is served again.
constexpr entity_kind probe_entity = 255;

class directory {
public:
  /// Spawns the actor for one entity on this node. The actor loads its own state.
  using factory = std::function<caf::actor(caf::actor_system& sys, const base::uuid& id)>;

  /// `shards`: the cluster's shard count (fixed for the cluster's lifetime).
  directory(caf::actor_system& sys, uint32_t shards);
  directory(const directory&) = delete;
  directory& operator=(const directory&) = delete;

  /// Registers how entities of `kind` are made, and how a proxy relays their answers
  /// (make_relay<answer types...>()). Call before the first resolve.
  void register_kind(entity_kind kind, std::string name, factory make, relay_maker relay);

  /// Entities restart on demand (their next message activates them again): each kind is
  /// its own shard supervisor with this intensity. More abnormal stops than
  /// `max_crashes` within `within` call `escalate` (the node's root supervisor decides).
  void set_crash_policy(size_t max_crashes, std::chrono::milliseconds within,
                        std::function<void(const std::string& why)> escalate);

  /// Makes placement decisions follow `p` (without one, every entity is local).
  void set_placement(std::shared_ptr<placement> p) { placement_ = std::move(p); }

  /// The actor serving (kind, id): a local entity (activated if needed) when this node
  /// owns its shard, else a proxy to the owner. Invalid when no node can serve it now
  /// (this node lost its quorum, or the kind is unknown). Thread-safe, non-blocking.
  /// A handle may still stop before a message reaches it (passivation, a move):
  /// callers retry once on `request_receiver_down`.
  caf::actor resolve(entity_kind kind, const base::uuid& id);

  /// Publishes what a local entity's plain reads answer now (a business's masked view),
  /// so that a reader on this node answers them without a message to the entity
  /// (published()). Held weakly: it lives while the entity or a cache holds it. Ignored
  /// unless `who` is the live local entity of (kind, id). The entity withdraws it
  /// (unpublish) before its state changes or while its state is not known.
  void publish(entity_kind kind, const base::uuid& id, const caf::actor_addr& who,
               std::weak_ptr<const void> snapshot);
  void unpublish(entity_kind kind, const base::uuid& id, const caf::actor_addr& who);

  /// The snapshot (kind, id) published, when this node owns its shard and serves, the
  /// entity is live here and the snapshot still alive; a use of the entity, as a
  /// resolve() is (passivation). When another node owns it: the copy of its snapshot
  /// this node holds under a read lease (keep_copy), while the lease runs and that node
  /// still owns it. Null otherwise: ask the entity.
  std::shared_ptr<const void> published(entity_kind kind, const base::uuid& id);

  /// How a message to an entity of one kind is answered from its published snapshot:
  /// the answer, or none when the entity must answer it.
  using published_reader = std::function<std::optional<caf::message>(
      const caf::message& msg, std::shared_ptr<const void> snapshot)>;
  /// The snapshot in such an answer, for another node to keep as a copy (null: none).
  using snapshot_of_answer =
      std::function<std::shared_ptr<const void>(const caf::message& answer)>;
  void set_published_reader(entity_kind kind, published_reader reader,
                            snapshot_of_answer copy_of = {});

  /// An answer from a published snapshot; `leased`: a read lease was granted on it
  /// (read_lease() long from now), so the asking node may keep it as a copy.
  struct published_answer {
    caf::message answer;
    bool leased = false;
  };
  /// The answer to `msg` for (kind, id) from its published snapshot, if the kind's
  /// reader gives one (the entity router answers other nodes' reads with it, without a
  /// message to the entity). With a read lease set and a kind that makes copies, the
  /// answer is leased while the snapshot is still the published one.
  std::optional<published_answer>
  answer_from_published(entity_kind kind, const base::uuid& id, const caf::message& msg);

  /// Read leases (cluster.read_lease): another node keeps a leased answer as a copy and
  /// answers its own plain reads with it for this long, counted from when it sent the
  /// request (so it ends before the lease here does). A write waits until every lease
  /// granted on the state it changes ran out (withdraw_for_write). Zero: no copies.
  void set_read_lease(std::chrono::nanoseconds lease) { read_lease_ns_ = lease.count(); }
  std::chrono::nanoseconds read_lease() const noexcept {
    return std::chrono::nanoseconds(read_lease_ns_);
  }

  /// For a write of a local entity (`who`, live for (kind, id)): withdraws its
  /// published snapshot (no lease is granted from now until it publishes again, after
  /// the write) and returns when the last copy another node may hold runs out: the
  /// latest lease granted on (kind, id), which outlives passivation, and a read lease
  /// after this node's last placement change (copies leased by a previous owner). Answer
  /// the write only after that time.
  std::chrono::steady_clock::time_point
  withdraw_for_write(entity_kind kind, const base::uuid& id, const caf::actor_addr& who);

  /// Keeps the snapshot in `answer`, leased by `owner`, as this node's copy of (kind, id)
  /// until `until` (published() answers with it meanwhile); not with no read lease here.
  void keep_copy(entity_kind kind, const base::uuid& id, const std::string& owner,
                 const caf::message& answer, std::chrono::steady_clock::time_point until);

  /// The local entity for (kind, id), activated if needed, only if this node owns its
  /// shard (the entity router uses this for messages from other nodes).
  caf::actor resolve_local(entity_kind kind, const base::uuid& id);

  /// The shard of (kind, id).
  uint32_t shard_of(entity_kind kind, const base::uuid& id) const noexcept;
  uint32_t shards() const noexcept { return shards_; }

  /// Follows a new placement: local entities of shards this node no longer owns are
  /// passivated; proxies to owners that changed are stopped.
  void rebalance();

  /// Passivates entities idle for `idle_after`, then the least recently used while more
  /// than `max_live` are live. Returns how many were asked to passivate.
  size_t sweep(std::chrono::milliseconds idle_after, size_t max_live);

  /// Asks every live entity and proxy to stop (node shutdown, lost quorum).
  void stop_all();

  /// Live local entities, in total and for one kind (proxies not counted).
  size_t live_count() const noexcept { return live_.load(); }
  size_t live_count(entity_kind kind) const { return live_by_kind_[kind].load(); }
  size_t proxy_count() const noexcept { return proxies_.load(); }
  uint64_t activations() const noexcept { return activations_.load(); }
  uint64_t passivations() const noexcept { return passivations_.load(); }

  /// Up to `limit` live local entities of `kind` (for the admin console).
  std::vector<base::uuid> sample(entity_kind kind, size_t limit) const;

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
  struct entry {
    caf::actor hdl;
    bool proxy = false;
    std::string owner;                   ///< for proxies: the node they forward to
    int64_t last_used = 0;               ///< steady clock, nanoseconds
    std::weak_ptr<const void> published; ///< see publish()
  };
  using live_map = std::unordered_map<key, entry, key_hash>;
  /// A copy of another node's published snapshot, under a read lease.
  struct copy {
    std::shared_ptr<const void> snapshot;
    std::string owner; ///< the node that leased it
    int64_t until = 0; ///< steady clock, nanoseconds
  };
  struct shard {
    mutable std::mutex mtx;
    live_map live;
    /// Local entities: the end (steady ns) of the latest read lease granted on each,
    /// kept until it passed (sweep()), passivation or not.
    std::unordered_map<key, int64_t, key_hash> leases;
    /// Remote entities: the copies this node holds (dropped when they ran out).
    std::unordered_map<key, copy, key_hash> copies;
  };
  static constexpr size_t shard_count = 64;

  shard& bucket_for(const key& k) { return buckets_[key_hash{}(k) % shard_count]; }
  const shard& bucket_for(const key& k) const {
    return buckets_[key_hash{}(k) % shard_count];
  }
  caf::actor activate_locked(shard& s, const key& k, int64_t now);
  /// The snapshot the live local entity of `k` published (null: none), marked as a use.
  std::shared_ptr<const void> local_snapshot_locked(shard& s, const key& k, int64_t now);
  caf::actor proxy_locked(shard& s, const key& k, const member_info& owner, int64_t now);
  /// Makes the directory forget `hdl` when it stops (call without a bucket lock).
  void watch(const key& k, const caf::actor& hdl, bool proxy);
  /// Asks the entry's actor to passivate and removes it; returns its handle, to be
  /// dropped only after `s.mtx` is released.
  caf::actor retire(shard& s, live_map::iterator it);
  void forget(const key& k, const caf::actor_addr& who, bool proxy,
              const caf::error& reason);
  static int64_t now_ns();

  caf::actor_system& sys_;
  uint32_t shards_;
  std::shared_ptr<placement> placement_;
  std::array<factory, 256> factories_;
  std::array<relay_maker, 256> relays_;
  std::array<published_reader, 256> readers_;
  std::array<snapshot_of_answer, 256> copiers_;
  std::atomic<int64_t> read_lease_ns_{0};
  /// Steady ns of this node's last placement change (and of its start).
  std::atomic<int64_t> placement_changed_ns_;
  std::array<std::string, 256> names_;
  std::array<shard, shard_count> buckets_;
  std::atomic<size_t> live_{0};
  std::atomic<size_t> proxies_{0};
  std::array<std::atomic<size_t>, 256> live_by_kind_{};
  std::atomic<uint64_t> activations_{0};
  std::atomic<uint64_t> passivations_{0};
  std::array<base::counter*, 256> activation_counter_{};
  std::array<base::counter*, 256> passivation_counter_{};
  std::array<base::counter*, 256> crash_counter_{};
  std::array<base::counter*, 256> lease_counter_{};
  std::array<base::counter*, 256> copy_read_counter_{};
  std::mutex crash_mtx_;
  std::array<std::vector<int64_t>, 256> recent_crashes_; ///< steady ns, per kind
  size_t max_crashes_ = 20;
  std::chrono::milliseconds crash_window_{10000};
  std::function<void(const std::string&)> escalate_;
};

} // namespace kyb::runtime

// The cluster agent of a node: membership (join, gossip, failure detection through CAF
// monitors with middleman heartbeats, graceful leave), the quorum rule that decides
// whether this node may own shards, the placement it publishes on every change, and the
// admin console (nodes, shards, actors, caches, drain, failover drills) that `kybctl`
// talks to. Published on the node's cluster port.
//
// Quorum: a node serves only while it sees a strict majority of the members it last
// served with (ties go to the side holding the lowest node id). A node that was cut off
// (killed network, SIGSTOP) therefore stops owning shards on its own, and keeps trying
// to join again; the shard leases fence any write it still attempts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <nlohmann/json.hpp>

#include "runtime/cluster/lease_manager.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/supervision/actor_slot.hpp"

namespace kyb::runtime {

class directory;

struct cluster_config {
  member_info self;                                    ///< id, host, port, http, region
  std::vector<std::pair<std::string, uint16_t>> seeds; ///< cluster endpoints to join
  uint32_t shards = 256;
  uint32_t vnodes = 128;
  std::chrono::milliseconds rejoin_interval{1000};
  std::chrono::milliseconds bootstrap_timeout{
      2000}; ///< first seed forms the cluster after
  std::chrono::milliseconds passivate_after{120000};
  size_t max_live = 2000000;
  bool tls = false; ///< connect through caf::openssl
};

/// What the agent needs from the rest of the node.
struct cluster_hooks {
  directory* dir = nullptr;
  std::shared_ptr<placement> places;
  std::shared_ptr<actor_slot<lease_manager_actor>> leases;
  /// This node's cache statistics as JSON (for `kybctl caches`).
  std::function<nlohmann::json()> caches;
  /// Starts a graceful shutdown of this node (after it left the cluster).
  std::function<void()> shutdown;
  /// The node's root supervisor (set once the tree is up), for `drill crash-child`.
  std::shared_ptr<actor_slot<caf::actor>> supervisor;
  /// The node's admin gateway (admin_gateway.hpp), set once it runs: the one sender
  /// whose operator commands the agent takes (peers only relay).
  std::shared_ptr<actor_slot<caf::actor>> admin_gateway;
  /// The region controller (regions/), which answers the admin commands named
  /// region-* and drill-region-*; unset on a single-region node.
  caf::actor regions;
};

/// Spawns the agent; it joins (or forms) the cluster on its own.
caf::actor spawn_cluster_agent(caf::actor_system& sys, cluster_config cfg,
                               cluster_hooks hooks);

/// A fresh random incarnation id for this process.
std::string make_incarnation();

} // namespace kyb::runtime

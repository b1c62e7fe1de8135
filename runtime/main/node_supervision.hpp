// kyb-node's supervision tree, the service actors it holds, and the drain that ends the
// node's serving. Built from the parts main() made (connections, leases, membership,
// services, HTTP brokers) as plain data before anything is spawned, so that its shape
// and restart policies can be tested without a running node.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/platform.hpp"
#include "actors/website/website_analysis.hpp"
#include "net/http_services.hpp"
#include "runtime/cluster/lease_manager.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/supervision/actor_slot.hpp"
#include "runtime/supervision/node_shutdown.hpp"
#include "runtime/supervision/supervisor.hpp"

namespace kyb::node {

/// One service actor of the "services" supervisor: its name in the tree, how it starts
/// (the first time and after a crash), and the slot where others find it.
struct service_entry {
  std::string name;
  std::function<caf::actor(caf::actor_system&)> spawn;
  std::function<caf::actor()> current;          ///< reads the slot
  std::function<void(const caf::actor&)> place; ///< writes the slot
};

/// What the service actors are made from.
struct service_inputs {
  actors::platform_ptr platform;
  int latest_migration = 0; ///< the schema version readiness reports
  /// The industry model; null: no classification service.
  std::shared_ptr<const classification::classifier> industry_model;
  /// The website engine (its phrase tables); null: no website service.
  std::shared_ptr<const website::website_engine> website_engine;
};

/// The services table: one entry per service actor of `svc`. Makes `svc`'s slots (empty
/// until start_services) and sets its classification_model_version.
std::vector<service_entry> service_table(net::http_services& svc,
                                         const service_inputs& in);

/// Spawns every service of `table` in `sys`, in order, into its slot.
void start_services(caf::actor_system& sys, const std::vector<service_entry>& table);

/// An HTTP broker under the "http" supervisor (an API worker, or the metrics listener).
struct broker_entry {
  std::string name; ///< "http-0", ..., "metrics"
  std::shared_ptr<runtime::actor_slot<caf::actor>> slot;
  /// Starts it again on a fresh socket, in the actor system it belongs to.
  std::function<caf::actor(caf::actor_system&)> restart;
};

/// The running actors the tree adopts at its first start, and how each starts again.
struct tree_inputs {
  /// The PostgreSQL connection actors, and how the pool makes connection i again.
  std::vector<caf::actor> connections;
  std::function<caf::actor(size_t index)> respawn_connection;
  /// The shard lease manager's slot, and how it is made again.
  std::shared_ptr<runtime::actor_slot<runtime::lease_manager_actor>> leases;
  std::function<runtime::lease_manager_actor(caf::actor_system&)> spawn_leases;
  /// Membership: peers hold these handles, so they are never restarted in place.
  caf::actor agent;
  caf::actor router;
  std::vector<service_entry> services;
  std::vector<broker_entry> brokers;
  /// Ends the node (a crash-only restart by its orchestrator): the root's escalation,
  /// and any attempt to restart a membership actor.
  std::function<void(const std::string& why)> escalate;
};

/// One supervisor below the root, with its children.
struct branch {
  runtime::supervisor_options options;
  std::vector<runtime::child_spec> children;
};

/// The whole tree, not yet spawned.
struct supervision_tree {
  runtime::supervisor_options root;
  std::vector<branch> branches;
};

/// The node's tree:
///   root (one-for-one, 10 in 60 s; escalates to the node)
///     persistence (one-for-one, 5 in 10 s): the PostgreSQL connection actors
///     cluster (one-for-all, 3 in 30 s): the shard lease manager
///     membership (no restarts): the cluster agent and the entity router
///     services (one-for-one, 5 in 10 s): the services table
///     http (one-for-one, 5 in 10 s): the HTTP brokers, each on a fresh socket
/// Every child adopts its running actor at the first start.
supervision_tree build_supervision_tree(tree_inputs in);

/// Spawns `tree` in `sys`; the root supervisor.
caf::actor spawn_supervision_tree(caf::actor_system& sys, supervision_tree tree);

/// What drain() stops, in order.
struct drain_targets {
  std::vector<std::shared_ptr<runtime::actor_slot<caf::actor>>> brokers;
  std::chrono::milliseconds http_drain_timeout{0};
  net::service_slot<actors::usage_actor> usage;
  caf::actor agent;
  std::shared_ptr<runtime::placement> places;
  std::string node_id;
};

/// Ends serving: each broker stops accepting and finishes its in-flight requests, the
/// usage counters are written, and the node leaves the cluster on purpose (peers take
/// its shards over at once). Names each step to `shutdown`.
void drain(caf::actor_system& sys, runtime::node_shutdown& shutdown,
           const drain_targets& targets);

} // namespace kyb::node

// Supervisor trees. A supervisor starts its children, watches them, and restarts them
// when they crash: one-for-one (only the child that crashed) or one-for-all (every child,
// in order). Children are transient: one that stops normally (or is shut down) is not
// restarted. More than max_restarts within `within` and it gives up and stops itself
// with errc::internal ("escalated"), so its own supervisor decides — the root escalates
// to the node (a crash-only node is restarted by its orchestrator).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

namespace kyb::runtime {

enum class restart_strategy { one_for_one, one_for_all };

struct child_spec {
  std::string name;
  /// Starts the child (again). Must return a valid actor.
  std::function<caf::actor(caf::actor_system&)> start;
  /// Told the handle of every (re)started child, e.g. to update where others find it.
  std::function<void(const caf::actor&)> started;
};

struct supervisor_options {
  std::string name = "supervisor";
  restart_strategy strategy = restart_strategy::one_for_one;
  size_t max_restarts = 5;
  std::chrono::milliseconds within{10000};
  /// Called when this supervisor escalates (the root's last word).
  std::function<void(const std::string& why)> escalated;
};

/// (children_atom) -> std::vector<std::pair<std::string, caf::actor>>: the live children.
using children_atom = caf::atom_constant<caf::atom("children")>;
/// (restarts_atom) -> uint64_t: restarts so far.
using restarts_atom = caf::atom_constant<caf::atom("restarts")>;
/// (crash_atom, std::vector<std::string> path) -> std::string: a failure drill. Kills
/// the child at `path` (names from this supervisor down, e.g. {"services", "audit"})
/// as a crash would, so that its supervisor handles it; answers what it killed.
using crash_atom = caf::atom_constant<caf::atom("crash")>;

/// Starts a supervisor over `children` (started in order).
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_options opts,
                            std::vector<child_spec> children);

/// A child spec for a supervisor as a child of another supervisor.
child_spec supervisor_child(supervisor_options opts, std::vector<child_spec> children);

} // namespace kyb::runtime

// What kyb-node checks and loads before any actor system exists, and the parts of its
// wiring that are plain data: the secrets the settings must hold, the reference data
// (industry model, website phrase tables, risk lists), the entity kinds the directory
// spawns, and the cluster configuration. main() calls them in order; every failure
// names the configuration key it comes from, so a bad start says what to fix.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <nlohmann/json_fwd.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/classification/classifier.hpp"
#include "actors/platform.hpp"
#include "actors/risk/risk_reference.hpp"
#include "actors/website/website_analysis.hpp"
#include "config/settings.hpp"
#include "runtime/cluster/cluster_agent.hpp"
#include "runtime/directory.hpp"

namespace kyb::node {

/// A start that cannot go on: the key to fix and what is wrong with it.
struct start_problem {
  std::string key;
  std::string message;
};

/// The secrets of security.*, decoded.
struct node_secrets {
  std::string tax_id_key;      ///< 32 raw bytes (AES-256-GCM of tax ids)
  std::string tax_id_hmac_key; ///< 32 raw bytes (the tax ids' lookup hash)
  std::shared_ptr<const actors::audit_keyring> audit_keys;
};

/// What config::load cannot check alone: database.url is set; unless cluster.insecure,
/// the cluster's certificate, key and CA are set and readable; the tax id keys are
/// base64 of 32 bytes; the audit keyring parses. Reads files, opens no connection.
std::variant<node_secrets, start_problem> check_settings(const config::settings& s);

/// Read-only data every node shares between its actors.
struct reference_data {
  /// Null when classification.model_path is empty (classification answers 503).
  std::shared_ptr<const classification::classifier> industry_model;
  std::shared_ptr<const website::website_engine> website_engine;
  std::shared_ptr<risk::risk_reference_holder> risk_reference;
};

/// Loads the industry model (classification.model_path, with its review_below), the
/// built-in website phrase tables and the risk reference (risk.*, the built-in copies
/// when unset). A configured file that is missing or bad stops the start.
std::variant<reference_data, start_problem>
load_reference_data(const config::settings& s);

/// Registers the entity kinds this node hosts (tenant, business, verification, probe)
/// with their spawn functions and the reply types a remote request may relay.
void register_entity_kinds(runtime::directory& dir, const actors::platform_ptr& platform,
                           const std::string& node_id);

/// The cluster agent's configuration from cluster.* and actors.*; `self` carries this
/// node's identity, HTTP endpoint and entity router. The seeds are the ones
/// config::load parsed.
runtime::cluster_config cluster_config_of(const config::settings& s,
                                          const std::string& http_listen,
                                          const std::string& incarnation,
                                          caf::actor router);

/// Writes the bootstrap operator key to `path` with mode 0600, making its directories.
bool write_key_file(const std::string& path, const std::string& key);

/// Asks the platform tenant for the platform-operator key, made on the first start of
/// the US write region: a new key is written to security.bootstrap_key_file and shown
/// once on a terminal (never to a log). False when it could not be ensured.
bool ensure_operator_key(caf::actor_system& sys, runtime::directory& directory,
                         const actors::platform& platform,
                         const config::settings& settings);

/// "host:port" of each seed, for logs.
std::vector<std::string> seed_names(const config::settings& s);

} // namespace kyb::node

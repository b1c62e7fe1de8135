// What every actor of the platform needs from the node it runs on: configuration, the
// database pool, Redis, the entity directory and the data-protection keys. Built once by
// the node at start and shared read-only.
#pragma once

#include <memory>
#include <string>

#include "actors/audit/audit_chain.hpp"
#include "actors/risk/risk_monitor.hpp"
#include "actors/risk/risk_reference.hpp"
#include "config/settings.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/redis_client.hpp"
#include "regions/routing.hpp"
#include "runtime/base/uuid.hpp"
#include "runtime/cache/clock_ring.hpp"
#include "runtime/cluster/lease_manager.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/directory.hpp"
#include "runtime/supervision/actor_slot.hpp"

namespace kyb::actors {

/// Entity kinds placed through the directory.
enum entity : runtime::entity_kind {
  tenant_entity = 1,
  business_entity = 2,
  verification_entity = 3,
};

struct verification_services;
struct business_view_data;

/// The node's most recently read business views (cache.business_views of them).
using business_view_ring = runtime::clock_ring<const business_view_data>;

struct platform {
  config::settings settings;
  persistence::pg_pool db;
  persistence::redis_client redis;
  runtime::directory* directory = nullptr;
  /// This node's shard leases: the fencing tokens entity writes carry (supervised: the
  /// slot always holds the live instance).
  std::shared_ptr<runtime::actor_slot<runtime::lease_manager_actor>> leases;
  std::string tax_id_key;      ///< 32 raw bytes (AES-256-GCM)
  std::string tax_id_hmac_key; ///< raw bytes (HMAC-SHA256)
  /// The audit chain's keys (security.audit_key and audit_previous_keys): the audit
  /// writer signs with the current one, verification checks with all of them.
  std::shared_ptr<const audit_keyring> audit_keys;
  /// The platform's own tenant (operator keys, operator audit chain): the nil id.
  base::uuid platform_tenant;
  /// Which region serves what (regions/); a single-region view when not configured.
  std::shared_ptr<regions::routing> routing;
  /// The cluster's membership (where requests for other regions are forwarded).
  std::shared_ptr<runtime::placement> places;
  /// The risk engine's reference data and default rules (reloadable).
  std::shared_ptr<risk::risk_reference_holder> risk;
  /// Re-assesses businesses in the background when what they were assessed on changed
  /// (supervised: the slot always holds the live instance; empty until services start).
  std::shared_ptr<runtime::actor_slot<risk_monitor_actor>> risk_monitor;
  /// The services a verification's steps call (actors/verification/).
  std::shared_ptr<verification_services> verification;
  /// Keeps the rendered views of the businesses read most recently; a loaded business
  /// actor keeps only its packed record and a weak reference to its view. Null: nothing
  /// is kept (each read makes its view).
  std::shared_ptr<business_view_ring> business_views;

  /// True when this node may write rows of tenants of `residency` ("us", "eu").
  bool writes_here(std::string_view residency) const {
    return !routing || routing->current()->writes_here(residency);
  }
};

using platform_ptr = std::shared_ptr<const platform>;

/// The keyed hash stored for exact tax id lookup (hex).
std::string tax_id_lookup_hash(const platform& p, const std::string& normalized_tax_id);

} // namespace kyb::actors

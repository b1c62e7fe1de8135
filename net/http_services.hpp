// Everything an HTTP broker needs besides its socket: the router, the platform (config,
// directory, data-protection keys) and the node's service actors. Built once by the
// node and shared, read-only, by all of its HTTP workers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/business/business_query_actor.hpp"
#include "actors/cache/cache_warmer_actor.hpp"
#include "actors/classification/classification_actor.hpp"
#include "actors/health/readiness_actor.hpp"
#include "actors/idempotency/idempotency_actor.hpp"
#include "actors/import/import_actor.hpp"
#include "actors/platform.hpp"
#include "actors/registry/business_registry.hpp"
#include "actors/retention/retention_actor.hpp"
#include "actors/screening/screening_actor.hpp"
#include "actors/tenant/tenant_metrics_actor.hpp"
#include "actors/usage/usage_actor.hpp"
#include "actors/verification/verification_actor.hpp"
#include "actors/webhooks/webhook_actor.hpp"
#include "actors/website/business_website.hpp"
#include "net/address_limiter.hpp"
#include "net/region_forwarder.hpp"
#include "net/router.hpp"
#include "runtime/supervision/actor_slot.hpp"

namespace kyb::net {

/// A service actor under the node's supervisor: the slot always holds the live instance
/// (read it per request; never keep the handle).
template <class Handle>
using service_slot = std::shared_ptr<runtime::actor_slot<Handle>>;

struct http_services {
  actors::platform_ptr platform;
  std::shared_ptr<const router> routes;
  service_slot<actors::business_query_actor> business_query;
  service_slot<actors::audit_actor> audit;
  service_slot<actors::usage_actor> usage;
  service_slot<actors::idempotency_actor> idempotency;
  service_slot<actors::readiness_actor> readiness;
  /// Sanctions screening: lists, screenings, reloads (actors/screening/).
  service_slot<actors::screening_actor> screening;
  /// Industry classification (actors/classification/); null when no model is configured.
  service_slot<actors::classification_actor> classification;
  /// Its model's version (loaded at start: it changes only with a restart).
  std::string classification_model_version;
  /// The model itself and the node's prediction cache, which the pool shares: an HTTP
  /// worker classifies a short input where it parsed it (no message, no other thread).
  std::shared_ptr<const classification::classifier> classification_model;
  std::shared_ptr<actors::prediction_cache> predictions;
  /// Website analysis (net/website_service.hpp): fetches and analyses sites.
  service_slot<actors::website_actor> website;
  /// Registry lookups (net/registry_service.hpp): GLEIF, Companies House, SEC EDGAR,
  /// OpenCorporates.
  service_slot<actors::registry_actor> registry;
  /// Resumes unfinished verifications of this node's shards (actors/verification/).
  service_slot<actors::verification_resumer_actor> verification_resumer;
  /// Webhook endpoints, deliveries and their dispatcher (actors/webhooks/), and the
  /// sender that POSTs (net/webhook_sender.hpp).
  service_slot<actors::webhook_actor> webhooks;
  service_slot<actors::webhook_sender_actor> webhook_sender;
  /// Cache warming (actors/cache/).
  service_slot<actors::cache_warmer_actor> warmer;
  /// Retention: audit partitions, exports, usage rows (actors/retention/).
  service_slot<actors::retention_actor> retention;
  /// Background risk re-assessment and the risk reference data's reloads
  /// (actors/risk/risk_monitor_actor.hpp; the platform holds the same slot).
  service_slot<actors::risk_monitor_actor> risk_monitor;
  /// The tenants' business metrics (MRR, churn, active tenants), read from the database
  /// on a timer (actors/tenant/tenant_metrics_actor.hpp).
  service_slot<actors::tenant_metrics_actor> tenant_metrics;
  /// Spawns the actor of one bulk upload in the node's core actor system.
  std::function<actors::import_actor()> spawn_import;
  /// The OpenAPI document served at /openapi.json.
  std::shared_ptr<const std::string> openapi;
  /// Proves requests this node's request relay hands to its HTTP port as forwarded
  /// (net/region_forwarder); null on a single-region node.
  forward_seal_ptr forward_seal;
  /// Sends requests to another region's request relay (net/region_forwarder); null on
  /// a single-region node.
  caf::actor relay_sender;
  /// Open connections per client address over all of the node's workers.
  std::shared_ptr<address_limiter> per_address;
};

using services_ptr = std::shared_ptr<const http_services>;

} // namespace kyb::net

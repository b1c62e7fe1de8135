#include "runtime/main/node_supervision.hpp"

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/business/business_query_actor.hpp"
#include "actors/cache/cache_warmer_actor.hpp"
#include "actors/classification/classification_actor.hpp"
#include "actors/health/readiness_actor.hpp"
#include "actors/idempotency/idempotency_actor.hpp"
#include "actors/messages.hpp"
#include "actors/retention/retention_actor.hpp"
#include "actors/risk/risk_monitor_actor.hpp"
#include "actors/screening/screening_actor.hpp"
#include "actors/tenant/tenant_metrics_actor.hpp"
#include "actors/usage/usage_actor.hpp"
#include "actors/verification/verification_services.hpp"
#include "net/http_broker.hpp"
#include "net/list_downloader.hpp"
#include "net/registry_service.hpp"
#include "net/webhook_sender.hpp"
#include "net/website_service.hpp"
#include "runtime/cluster/cluster_types.hpp"

namespace kyb::node {

namespace {

using child_start = std::function<caf::actor(caf::actor_system&)>;

/// A child that runs already: the first start adopts it, later starts restart it.
child_start adopt(caf::actor existing, child_start restart) {
  auto first = std::make_shared<bool>(true);
  return [existing, restart, first](caf::actor_system& sys) {
    if (*first) {
      *first = false;
      return existing;
    }
    return restart(sys);
  };
}

/// The table entry of a service whose slot is `slot` (made here unless the platform made
/// it already) and that `spawn` starts.
template <class Handle, class Spawn>
service_entry service(std::string name, net::service_slot<Handle>& slot, Spawn spawn) {
  if (!slot)
    slot = std::make_shared<runtime::actor_slot<Handle>>();
  return service_entry{
      std::move(name),
      [spawn](caf::actor_system& sys) { return caf::actor_cast<caf::actor>(spawn(sys)); },
      [slot] { return caf::actor_cast<caf::actor>(slot->get()); },
      [slot](const caf::actor& a) { slot->set(caf::actor_cast<Handle>(a)); }};
}

/// The spawn function of a service that needs the platform alone.
template <class Handle>
auto on_platform(Handle (*spawn)(caf::actor_system&, actors::platform_ptr),
                 actors::platform_ptr platform) {
  return [spawn, platform](caf::actor_system& sys) { return spawn(sys, platform); };
}

runtime::supervisor_options options(std::string name, runtime::restart_strategy strategy,
                                    size_t max_restarts, std::chrono::seconds within) {
  runtime::supervisor_options o;
  o.name = std::move(name);
  o.strategy = strategy;
  o.max_restarts = max_restarts;
  o.within = within;
  return o;
}

} // namespace

std::vector<service_entry> service_table(net::http_services& svc,
                                         const service_inputs& in) {
  auto platform = in.platform;
  // Verifications call the screening, classification, website and registry services
  // through the platform: the same slots as the HTTP handlers' (a service not run here
  // keeps no slot in `svc`, and an empty one in the platform).
  if (platform && platform->verification) {
    auto& steps = *platform->verification;
    svc.screening = steps.screening;
    if (in.industry_model) {
      svc.classification = steps.classification;
      steps.classification_model_version = in.industry_model->version();
    }
    if (in.website_engine)
      svc.website = steps.website;
    svc.registry = steps.registry;
  }
  std::vector<service_entry> table = {
      service("business-query", svc.business_query,
              on_platform(actors::spawn_business_query_actor, platform)),
      service("audit", svc.audit, on_platform(actors::spawn_audit_actor, platform)),
      service("usage", svc.usage, on_platform(actors::spawn_usage_actor, platform)),
      service("idempotency", svc.idempotency,
              on_platform(actors::spawn_idempotency_actor, platform)),
      service("readiness", svc.readiness,
              [platform, migration = in.latest_migration](caf::actor_system& sys) {
                return actors::spawn_readiness_actor(sys, platform, migration);
              }),
      // A restarted screening actor loads its lists again.
      service("screening", svc.screening,
              [platform](caf::actor_system& sys) {
                return actors::spawn_screening_actor(
                    sys, platform,
                    net::spawn_list_downloader(sys, platform->settings.screening));
              }),
  };
  if (in.industry_model) {
    svc.classification_model_version = in.industry_model->version();
    svc.classification_model = in.industry_model;
    svc.predictions = std::make_shared<actors::prediction_cache>();
  }
  // Warms caches on a schedule, after the model loaded, after bulk imports, on demand.
  table.push_back(service(
      "cache-warmer", svc.warmer,
      [platform, version = svc.classification_model_version](caf::actor_system& sys) {
        return actors::spawn_cache_warmer(sys, platform, version);
      }));
  // Re-assesses risk in the background; business actors find it through the platform.
  svc.risk_monitor = platform ? platform->risk_monitor : nullptr;
  table.push_back(service("risk-monitor", svc.risk_monitor,
                          on_platform(actors::spawn_risk_monitor, platform)));
  if (in.industry_model)
    table.push_back(service(
        "classification", svc.classification,
        [model = in.industry_model, predictions = svc.predictions,
         workers = platform ? platform->settings.classification.workers
                            : size_t{0}](caf::actor_system& sys) {
          return actors::spawn_classification_actor(sys, model, predictions, workers);
        }));
  // Website analysis; it asks the classification service (when one runs) for the MCC a
  // site's text suggests.
  if (in.website_engine)
    table.push_back(
        service("website", svc.website,
                [engine = in.website_engine, platform,
                 classification = svc.classification](caf::actor_system& sys) {
                  net::website_service_parts parts;
                  parts.engine = engine;
                  parts.client = net::outbound_client::process();
                  parts.settings = platform->settings.website;
                  parts.classification = classification;
                  return net::spawn_website_service(sys, std::move(parts));
                }));
  // Registry lookups.
  if (platform)
    table.push_back(service("registry", svc.registry, [platform](caf::actor_system& sys) {
      net::registry_service_parts parts;
      parts.client = net::outbound_client::process();
      parts.settings = platform->settings.registry;
      return net::spawn_registry_service(sys, std::move(parts));
    }));
  // Webhooks: the sender (the outbound client's SSRF rules), and the service that
  // manages endpoints and dispatches deliveries through it.
  if (platform) {
    table.push_back(
        service("webhook-sender", svc.webhook_sender, [platform](caf::actor_system& sys) {
          return net::spawn_webhook_sender(sys, net::outbound_client::process(),
                                           platform->settings.webhooks);
        }));
    table.push_back(
        service("webhooks", svc.webhooks,
                [platform, sender = svc.webhook_sender](caf::actor_system& sys) {
                  return actors::spawn_webhook_actor(sys, platform,
                                                     [sender] { return sender->get(); });
                }));
  }
  // Retention: partitions ahead, old audit months exported and detached, old usage
  // rows deleted (one node per database at a time).
  if (platform)
    table.push_back(service("retention", svc.retention,
                            on_platform(actors::spawn_retention_actor, platform)));
  // The tenants' business metrics, from the database on a timer.
  if (platform)
    table.push_back(service("tenant-metrics", svc.tenant_metrics,
                            on_platform(actors::spawn_tenant_metrics_actor, platform)));
  // Resumes the verifications of this node's shards that no actor runs.
  if (platform)
    table.push_back(service("verification-resumer", svc.verification_resumer,
                            on_platform(actors::spawn_verification_resumer, platform)));
  return table;
}

void start_services(caf::actor_system& sys, const std::vector<service_entry>& table) {
  for (auto& s : table)
    s.place(s.spawn(sys));
}

supervision_tree build_supervision_tree(tree_inputs in) {
  using runtime::restart_strategy;
  using std::chrono::seconds;
  supervision_tree tree;
  tree.root = options("root", restart_strategy::one_for_one, 10, seconds(60));
  tree.root.escalated = in.escalate;

  branch persistence{
      options("persistence", restart_strategy::one_for_one, 5, seconds(10)), {}};
  for (size_t i = 0; i < in.connections.size(); ++i)
    persistence.children.push_back(
        {"pg-" + std::to_string(i),
         adopt(in.connections[i], [respawn = in.respawn_connection,
                                   i](caf::actor_system&) { return respawn(i); }),
         {}});

  branch cluster{options("cluster", restart_strategy::one_for_all, 3, seconds(30)), {}};
  cluster.children.push_back(
      {"lease-manager",
       adopt(caf::actor_cast<caf::actor>(in.leases->get()),
             [spawn = in.spawn_leases](caf::actor_system& sys) {
               return caf::actor_cast<caf::actor>(spawn(sys));
             }),
       [leases = in.leases](const caf::actor& a) {
         leases->set(caf::actor_cast<runtime::lease_manager_actor>(a));
         caf::anon_send(leases->get(), runtime::rebalance_atom::value);
       }});

  // Peers hold the membership actors' handles: losing one escalates straight to the
  // node (a crash-only restart) instead of starting it again in place.
  auto never = [escalate = in.escalate](caf::actor_system&) {
    escalate("a membership actor stopped; peers hold its handle, so the node restarts");
    return caf::actor{};
  };
  branch membership{options("membership", restart_strategy::one_for_one, 0, seconds(1)),
                    {{"cluster-agent", adopt(in.agent, never), {}},
                     {"entity-router", adopt(in.router, never), {}}}};

  branch services{options("services", restart_strategy::one_for_one, 5, seconds(10)), {}};
  for (auto& s : in.services)
    services.children.push_back({s.name, adopt(s.current(), s.spawn), s.place});

  branch http{options("http", restart_strategy::one_for_one, 5, seconds(10)), {}};
  for (auto& b : in.brokers)
    http.children.push_back({b.name, adopt(b.slot->get(), b.restart),
                             [slot = b.slot](const caf::actor& a) { slot->set(a); }});

  tree.branches = {std::move(persistence), std::move(cluster), std::move(membership),
                   std::move(services), std::move(http)};
  return tree;
}

caf::actor spawn_supervision_tree(caf::actor_system& sys, supervision_tree tree) {
  std::vector<runtime::child_spec> children;
  for (auto& b : tree.branches)
    children.push_back(
        runtime::supervisor_child(std::move(b.options), std::move(b.children)));
  return runtime::spawn_supervisor(sys, std::move(tree.root), std::move(children));
}

void drain(caf::actor_system& sys, runtime::node_shutdown& shutdown,
           const drain_targets& targets) {
  {
    caf::scoped_actor self{sys};
    for (size_t i = 0; i < targets.brokers.size(); ++i) {
      shutdown.step("draining HTTP broker http-" + std::to_string(i));
      self->request(targets.brokers[i]->get(),
                    targets.http_drain_timeout + std::chrono::seconds(2),
                    net::drain_atom::value)
          .receive([](caf::unit_t) {}, [](const caf::error&) {});
    }
    shutdown.step("flushing usage counters");
    self->request(targets.usage->get(), std::chrono::seconds(5),
                  actors::flush_atom::value)
        .receive([](actors::ok_atom) {}, [](const caf::error&) {});
  }
  // Leave the cluster on purpose: peers take this node's shards over at once.
  shutdown.step("leaving the cluster");
  caf::scoped_actor self{sys};
  self->request(targets.agent, std::chrono::seconds(5), runtime::admin_atom::value,
                std::string("local-nodes"), std::vector<std::string>{})
      .receive([](const std::string&) {}, [](const caf::error&) {});
  auto view = targets.places->current();
  for (auto& [id, m] : view->members)
    if (id != targets.node_id)
      caf::anon_send(m.agent, runtime::leave_atom::value, targets.node_id);
}

} // namespace kyb::node

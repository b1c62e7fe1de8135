// kyb-node: one node of the KYB platform. Reads the configuration, migrates the
// database, wires the actor systems (one core system with the entity and service actors,
// plus one per extra HTTP worker), serves the API until SIGINT/SIGTERM, then drains.
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/audit/audit_writer.hpp"
#include "actors/import/import_actor.hpp"
#include "actors/messages.hpp"
#include "actors/verification/verification_services.hpp"
#include "config/config.hpp"
#include "config/host_port.hpp"
#include "net/http_broker.hpp"
#include "net/openapi.hpp"
#include "net/outbound_client.hpp"
#include "net/region_forwarder.hpp"
#include "net/routes.hpp"
#include "persistence/io_watcher.hpp"
#include "persistence/migrator.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/queries.hpp"
#include "persistence/redis_client.hpp"
#include "persistence/register_types.hpp"
#include "persistence/statement_catalog.hpp"
#include "regions/region_controller.hpp"
#include "regions/routing.hpp"
#include "runtime/base/log.hpp"
#include "runtime/cache/cache_registry.hpp"
#include "runtime/cluster/admin_gateway.hpp"
#include "runtime/cluster/certificate_expiry.hpp"
#include "runtime/cluster/cluster_agent.hpp"
#include "runtime/cluster/cluster_types.hpp"
#include "runtime/cluster/entity_router.hpp"
#include "runtime/cluster/lease_manager.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/cluster/tls_roles.hpp"
#include "runtime/directory.hpp"
#include "runtime/error.hpp"
#include "runtime/main/node_startup.hpp"
#include "runtime/main/node_supervision.hpp"
#include "runtime/supervision/actor_slot.hpp"
#include "runtime/supervision/node_shutdown.hpp"
#include "runtime/supervision/supervisor.hpp"

using namespace kyb;

namespace {

int usage(const char* argv0) {
  std::fprintf(
      stderr,
      "usage: %s [--config FILE] [--print-defaults]\n"
      "  --config FILE      read FILE (INI); KYB_* environment variables override it\n"
      "  --print-defaults   list every option with its default and exit\n",
      argv0);
  return 2;
}

/// A configuration problem found after parsing, naming the key.
std::string config_problem(const std::string& key, const std::string& message) {
  return "configuration error: " + key + " (env " + config::env_name(key) +
         "): " + message;
}

/// A configuration problem found before the actor system exists: name the key and stop.
int config_fail(const std::string& key, const std::string& message) {
  std::fprintf(stderr, "%s\n", config_problem(key, message).c_str());
  return 2;
}

/// A start that fails once the core actor system runs ends the process at once (see
/// node_shutdown::fail_start): returning from main would wait for its actors for ever.
[[noreturn]] void start_failed(int code, const std::string& message) {
  runtime::node_shutdown::fail_start(code, message);
}

/// A configured endpoint as logs and errors name it ("[::1]:8080" for IPv6).
std::string endpoint(const std::string& host, uint16_t port) {
  return config::to_string(config::host_port{host, port});
}

/// Builds an actor system configuration for this node.
void configure(caf::actor_system_config& cfg, size_t scheduler_threads,
               const std::string& policy,
               const config::cluster_settings* cluster = nullptr) {
  cfg.load<caf::io::middleman>();
  if (cluster && !cluster->insecure) {
    cfg.load<caf::openssl::manager>();
    cfg.set("openssl.certificate", cluster->tls_certificate);
    cfg.set("openssl.key", cluster->tls_key);
    cfg.set("openssl.cafile", cluster->tls_ca);
  }
  if (cluster) {
    // Heartbeats are off in CAF by default: without them a hung peer is never noticed.
    cfg.set("middleman.heartbeat-interval", caf::timespan{cluster->heartbeat_interval});
    cfg.set("middleman.connection-timeout", caf::timespan{cluster->connection_timeout});
  }
  // CAF's automatic connections open a plaintext listener on a random port of every
  // interface. The cluster agent connects to each member's cluster endpoint itself.
  cfg.set("middleman.enable-automatic-connections", false);
  runtime::register_types(cfg);
  persistence::register_types(cfg);
  actors::register_types(cfg);
  cfg.set("scheduler.max-threads", scheduler_threads);
  cfg.set("scheduler.policy",
          policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
  cfg.set("middleman.workers", size_t{0});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("logger.console", caf::atom("none"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
}

} // namespace

int main(int argc, char** argv) {
  // -- signals: handled by sigwait below, never by a handler ---------------------------
  // Blocked before any thread exists (the logger's is made by the first log line): a
  // process-directed SIGTERM goes to a thread that does not block it, and its default
  // action would end the node at once, without the drain.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // inherited by every thread made below
  // Bounds the shutdown once it begins. Declared before the actor systems: destroyed
  // after them, so that their destruction (which waits for actors) is bounded too.
  runtime::node_shutdown shutdown(signals);
  shutdown.watch_start(); // a signal during the start ends it at once

  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--print-defaults") {
      for (auto& o : config::documented_options())
        std::printf("%-34s %-26s %s\n", o.key.c_str(),
                    o.default_value.empty() ? "\"\"" : o.default_value.c_str(),
                    o.help.c_str());
      return 0;
    } else {
      return usage(argv[0]);
    }
  }

  // -- configuration -------------------------------------------------------------------
  auto loaded = config::load(config_path, config::process_environment());
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error->to_string().c_str());
    return 2;
  }
  auto settings = *loaded.value;
  auto checked = node::check_settings(settings);
  if (auto* p = std::get_if<node::start_problem>(&checked))
    return config_fail(p->key, p->message);
  auto secrets = std::get<node::node_secrets>(std::move(checked));
  base::logger::global().set_level(base::parse_log_level(settings.log.level));
  if (settings.cluster.insecure)
    base::log_warn("cluster.insecure",
                   {{"detail", "cluster.insecure is on: cluster and admin traffic is "
                               "plaintext and unauthenticated; anyone who reaches "
                               "cluster.listen or cluster.admin_listen runs this node"}});
  else {
    // Who may connect where (tls_roles.hpp): nodes to the cluster port, operators'
    // consoles to the admin port; connecting out, only to nodes.
    runtime::accept_roles(settings.cluster.listen_port, runtime::role_node, "cluster");
    runtime::accept_roles(settings.cluster.admin_port, runtime::role_admin, "admin");
    runtime::connect_roles(runtime::role_node);
    runtime::export_certificate_expiry(
        {{"cluster", settings.cluster.tls_certificate}, {"ca", settings.cluster.tls_ca}});
  }
  runtime::cache_registry::global().configure(settings.cache);
  // The one outbound HTTP client of this process (list downloads, the region relay,
  // website analysis, registry lookups), made from outbound.* before any user.
  net::outbound_client::process(net::outbound_options_from(settings.outbound));
  if (settings.outbound.allow_private)
    base::log_warn(
        "outbound.allow_private",
        {{"detail", "outbound.allow_private is on: tenant-chosen URLs may reach "
                    "loopback, private, link-local and cloud metadata "
                    "addresses of this node's network (tests and local "
                    "fixtures only)"}});
  auto http_listen = endpoint(settings.http.listen_host, settings.http.listen_port);
  base::log_info("node.starting", {{"node", settings.node.id},
                                   {"region", settings.node.region},
                                   {"listen", http_listen},
                                   {"audit_key_id", secrets.audit_keys->current_id()}});

  // -- the metrics listener's socket: taken before anything starts, so that a port in
  // use (a second node on this host with the same metrics.listen) stops the start here.
  int metrics_fd = -1;
  if (!settings.metrics.listen_host.empty()) {
    std::string err;
    metrics_fd = net::open_listen_socket(settings.metrics.listen_host,
                                         settings.metrics.listen_port, err, false);
    if (metrics_fd < 0)
      return config_fail("metrics.listen",
                         err + " (give each node on a host its own, or 'off')");
  }

  // -- database schema -----------------------------------------------------------------
  persistence::migrator_options mopts;
  mopts.connect_timeout = settings.database.connect_timeout;
  persistence::migrator migrator(settings.database.migration_url.empty()
                                     ? settings.database.url
                                     : settings.database.migration_url,
                                 persistence::embedded_migrations(), mopts);
  auto applied = migrator.run();
  if (!applied) {
    base::log_error("node.migration_failed",
                    {{"error", kyb::detail_of(applied.error())}});
    base::logger::global().flush();
    std::fprintf(stderr, "migration failed: %s\n",
                 kyb::detail_of(applied.error()).c_str());
    return 1;
  }
  int latest_migration =
      migrator.migrations().empty() ? 0 : migrator.migrations().back().version;
  base::log_info("node.migrated",
                 {{"applied", *applied}, {"schema_version", latest_migration}});

  // -- reference data: the industry model, website tables, risk lists ------------------
  // Loaded once, before any actor system (a failed start must not wait on actors), and
  // shared read-only.
  auto loaded_reference = node::load_reference_data(settings);
  if (auto* p = std::get_if<node::start_problem>(&loaded_reference))
    return config_fail(p->key, p->message);
  auto reference = std::get<node::reference_data>(std::move(loaded_reference));
  auto industry_model = reference.industry_model;

  // -- the core actor system -----------------------------------------------------------
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int workers =
      settings.http.workers > 0 ? settings.http.workers : static_cast<int>(cores);
  caf::actor_system_config core_cfg;
  auto threads = settings.runtime.scheduler_threads > 0
                     ? static_cast<size_t>(settings.runtime.scheduler_threads)
                     : size_t{cores};
  configure(core_cfg, threads, settings.runtime.scheduler_policy, &settings.cluster);
  caf::actor_system core(core_cfg);

  auto watcher = persistence::io_watcher::make();
  if (!watcher)
    start_failed(1, "cannot start the I/O watcher: " + kyb::detail_of(watcher.error()));
  auto catalog = std::make_shared<persistence::statement_catalog>();
  for (auto& q : persistence::platform_queries())
    catalog->add(q.name, q.sql);
  auto audit_ring = secrets.audit_keys;
  auto pool = persistence::pg_pool::spawn(
      core, settings.database, catalog, *watcher, "kyb-" + settings.node.id,
      std::make_shared<actors::audit_writer>(audit_ring));
  auto redis = persistence::redis_client::spawn(core, settings.redis, *watcher);
  if (!redis)
    start_failed(2, config_problem("redis.url", kyb::detail_of(redis.error())));
  if (!pool.wait_connected(1, settings.database.connect_timeout))
    start_failed(1, "cannot connect to PostgreSQL at database.url within " +
                        std::to_string(settings.database.connect_timeout.count()) +
                        " ms");
  if (!redis->wait_connected(settings.redis.timeout))
    base::log_warn(
        "node.redis_unreachable",
        {{"detail", "serving without Idempotency-Key support until Redis is back"}});

  // -- the cluster: placement, leases, entity routing, membership ----------------------
  auto incarnation = runtime::make_incarnation();
  auto places = std::make_shared<runtime::placement>(
      std::make_shared<const runtime::placement_view>(
          settings.node.id, 0, std::map<std::string, runtime::member_info>{}, false,
          static_cast<uint32_t>(settings.cluster.shards),
          static_cast<uint32_t>(settings.cluster.vnodes)));
  runtime::directory directory(core, static_cast<uint32_t>(settings.cluster.shards));
  directory.set_placement(places);
  directory.set_read_lease(settings.cluster.read_lease);
  auto leases = std::make_shared<runtime::actor_slot<runtime::lease_manager_actor>>(
      runtime::spawn_lease_manager(core, places, pool, settings.node.id, incarnation));
  auto router = runtime::spawn_entity_router(core, &directory);

  auto plat = std::make_shared<actors::platform>();
  plat->settings = settings;
  plat->db = pool;
  plat->redis = *redis;
  plat->directory = &directory;
  plat->leases = leases;
  plat->tax_id_key = secrets.tax_id_key;
  plat->tax_id_hmac_key = secrets.tax_id_hmac_key;
  plat->audit_keys = audit_ring;
  plat->places = places;
  plat->risk = reference.risk_reference;
  plat->risk_monitor =
      std::make_shared<runtime::actor_slot<actors::risk_monitor_actor>>();
  plat->verification = std::make_shared<actors::verification_services>();
  plat->business_views =
      std::make_shared<actors::business_view_ring>(settings.cache.business_views);
  {
    // How full the ring of rendered views is, and how often it drops one.
    auto& registry = base::metrics_registry::global();
    auto& kept = registry
                     .gauge("kyb_business_views_kept",
                            "Rendered business views the node keeps for the next read")
                     .with({});
    auto& capacity = registry
                         .gauge("kyb_business_views_capacity",
                                "The views it may keep (cache.business_views)")
                         .with({});
    auto& dropped =
        registry
            .untyped("kyb_business_views_evictions_total",
                     "Rendered business views dropped to make room for others")
            .with({});
    registry.on_collect([ring = plat->business_views, &kept, &capacity, &dropped] {
      kept.Set(static_cast<double>(ring->size()));
      capacity.Set(static_cast<double>(ring->capacity()));
      dropped.Set(static_cast<double>(ring->evictions()));
    });
  }
  auto region_list = regions::configured_regions(settings);
  {
    auto view = std::make_shared<regions::routing_view>();
    view->self = settings.node.region;
    view->multi_region = !region_list.empty();
    view->table.us_write = settings.regions.us_primary;
    plat->routing = std::make_shared<regions::routing>(view);
  }
  actors::platform_ptr platform = plat;
  // Chains last written before the audit key existed get a keyed row now, so that every
  // chain ends in one (the verifier requires it).
  if (auto sealed = actors::seal_unkeyed_chains(core, *plat); !sealed)
    base::log_warn("audit.seal_failed", {{"error", kyb::detail_of(sealed.error())}});
  else if (*sealed > 0)
    base::log_info("audit.chains_sealed", {{"chains", *sealed}});
  node::register_entity_kinds(directory, platform, settings.node.id);

  auto ccfg = node::cluster_config_of(settings, http_listen, incarnation, router);
  // Regions: requests another region's node forwards here arrive over the cluster
  // channel; the relay hands them to this node's HTTP port with a proof of its own.
  net::forward_seal_ptr forward_seal;
  if (!region_list.empty()) {
    forward_seal = std::make_shared<const net::forward_seal>();
    net::relay_config relay;
    relay.local_http = ccfg.self.http;
    relay.timeout = settings.regions.forward_timeout;
    relay.max_request_bytes = settings.http.max_body_bytes;
    relay.max_response_bytes = settings.http.max_body_bytes * 4;
    relay.workers = settings.regions.forward_workers;
    relay.seal = forward_seal;
    ccfg.self.relay = net::spawn_region_relay(core, std::move(relay));
  }
  runtime::cluster_hooks hooks;
  hooks.dir = &directory;
  hooks.places = places;
  hooks.leases = leases;
  hooks.caches = [] { return runtime::cache_registry::global().statistics(); };
  // (a quorum loss during the shutdown needs no second signal: that one ends at once)
  hooks.shutdown = [&shutdown] {
    if (!shutdown.begun())
      ::kill(::getpid(), SIGTERM);
  };
  auto root_slot = std::make_shared<runtime::actor_slot<caf::actor>>();
  hooks.supervisor = root_slot;
  auto gateway_slot = std::make_shared<runtime::actor_slot<caf::actor>>();
  hooks.admin_gateway = gateway_slot;
  if (!region_list.empty()) {
    // Regions: the region replica actors and the routing they decide.
    regions::controller_config rcfg;
    rcfg.node_id = settings.node.id;
    rcfg.self_region = settings.node.region;
    rcfg.data_dir = settings.node.data_dir;
    rcfg.regions = region_list;
    rcfg.groups = regions::seed_table_groups();
    rcfg.settings = settings.regions;
    regions::controller_hooks rhooks;
    rhooks.routes = platform->routing;
    rhooks.places = places;
    rhooks.on_switch = [&directory] { directory.stop_all(); };
    hooks.regions = regions::spawn_region_controller(core, rcfg, rhooks);
  }
  auto region_controller = hooks.regions; // outside the supervision tree: stopped below
  auto agent = runtime::spawn_cluster_agent(core, ccfg, hooks);
  auto publish = [&settings](caf::actor_system& sys, caf::actor who,
                             const std::string& host, uint16_t port) {
    return settings.cluster.insecure
               ? sys.middleman().publish(who, port, host.c_str(), true)
               : caf::openssl::publish(who, port, host.c_str(), true);
  };
  auto published =
      publish(core, agent, settings.cluster.listen_host, settings.cluster.listen_port);
  if (!published)
    start_failed(
        2, config_problem(
               "cluster.listen",
               endpoint(settings.cluster.listen_host, settings.cluster.listen_port) +
                   ": cannot listen: " + core.render(published.error())));
  // The admin endpoint: an actor system of its own whose only actor is the gateway, so
  // a console reaches nothing else of the node (admin_gateway.hpp).
  caf::actor_system_config admin_cfg;
  configure(admin_cfg, 1, settings.runtime.scheduler_policy, &settings.cluster);
  auto admin_system = std::make_unique<caf::actor_system>(admin_cfg);
  auto admin_gateway = runtime::spawn_admin_gateway(*admin_system, agent);
  gateway_slot->set(admin_gateway);
  auto admin_published =
      publish(*admin_system, admin_gateway, settings.cluster.admin_host,
              settings.cluster.admin_port);
  if (!admin_published)
    start_failed(
        2, config_problem(
               "cluster.admin_listen",
               endpoint(settings.cluster.admin_host, settings.cluster.admin_port) +
                   ": cannot listen: " + admin_system->render(admin_published.error())));
  // Serve only once this node is part of a cluster that holds a quorum.
  auto join_deadline = std::chrono::steady_clock::now() + settings.cluster.join_timeout;
  if (!places->current()->serving)
    base::log_info("node.joining", {{"seeds", node::seed_names(settings)}});
  while (!places->current()->serving) {
    if (std::chrono::steady_clock::now() > join_deadline) {
      base::log_error("node.join_failed", {{"seeds", node::seed_names(settings)}});
      start_failed(1, "could not join a cluster through cluster.seeds within " +
                          std::to_string(settings.cluster.join_timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  auto svc = std::make_shared<net::http_services>();
  svc->platform = platform;
  svc->routes = std::make_shared<net::router>(net::make_api_router());
  // The service actors, under the "services" supervisor.
  auto services = node::service_table(
      *svc, {platform, latest_migration, industry_model, reference.website_engine});
  node::start_services(core, services);
  // Bulk uploads: one import actor each, in the core system (its work is validation,
  // sealing and database batches, not I/O); a completed one fires the warming event.
  svc->spawn_import = [&core, platform, warmer = svc->warmer] {
    return actors::spawn_import_actor(
        core, platform, [warmer](std::vector<base::uuid> ids) {
          caf::anon_send(warmer->get(), actors::warm_atom::value, std::string("import"),
                         std::move(ids));
        });
  };
  svc->openapi = std::make_shared<std::string>(net::openapi_document());
  svc->per_address =
      std::make_shared<net::address_limiter>(settings.http.max_connections_per_ip);
  if (!region_list.empty()) {
    svc->forward_seal = forward_seal;
    svc->relay_sender = net::spawn_relay_sender(core, settings.regions.forward_timeout);
    // Serve once the routing is known (read from the regions' databases): a returning
    // old primary must learn that it is fenced before it takes a request.
    auto deadline = std::chrono::steady_clock::now() + settings.cluster.join_timeout;
    while (platform->routing->current()->table.epoch == 0) {
      if (std::chrono::steady_clock::now() > deadline)
        start_failed(1, "the regions' routing could not be read within " +
                            std::to_string(settings.cluster.join_timeout.count()) +
                            " ms");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    base::log_info("node.regions",
                   {{"region", settings.node.region},
                    {"us_write", platform->routing->current()->table.us_write},
                    {"epoch", platform->routing->current()->table.epoch}});
  }

  // -- the platform-operator key: made on the first start, shown once ------------------
  // (in the US write region: it replicates to the others with the tenants' keys)
  if (platform->writes_here("us") &&
      !node::ensure_operator_key(core, directory, *platform, settings))
    start_failed(1, "the platform-operator key could not be ensured");

  // Requests are served from the next step on: from here a signal waits for the sigwait
  // below (a pending one is kept), which drains.
  shutdown.serving();

  // -- HTTP workers: each in an actor system of its own ---------------------------------
  // Never in the core system: its multiplexer carries the cluster's traffic (BASP), and
  // a worker there shared one thread between parsing, rendering and writing the API's
  // requests and (de)serializing every message to and from the other nodes.
  std::vector<std::unique_ptr<caf::actor_system_config>> http_cfgs;
  std::vector<std::unique_ptr<caf::actor_system>> http_systems;
  std::vector<node::broker_entry> brokers; // supervised under "http", drained in order
  auto start_broker = [&settings, svc](caf::actor_system& sys, int i) -> caf::actor {
    std::string err;
    int fd = net::open_listen_socket(settings.http.listen_host, settings.http.listen_port,
                                     err);
    if (fd < 0) {
      base::log_error("http.listen_failed", {{"worker", i}, {"error", err}});
      return {};
    }
    return net::spawn_http_broker(sys, fd, svc, i);
  };
  for (int i = 0; i < workers; ++i) {
    auto cfg = std::make_unique<caf::actor_system_config>();
    configure(*cfg, 1, settings.runtime.scheduler_policy);
    http_systems.push_back(std::make_unique<caf::actor_system>(*cfg));
    http_cfgs.push_back(std::move(cfg));
    caf::actor_system* sys = http_systems.back().get();
    auto b = start_broker(*sys, i);
    if (!b) {
      auto why = http_listen + ": cannot listen (see http.listen_failed)";
      start_failed(2, config_problem("http.listen", why));
    }
    // A restarted worker listens again in its own actor system, on a fresh socket.
    brokers.push_back(
        {"http-" + std::to_string(i),
         std::make_shared<runtime::actor_slot<caf::actor>>(b),
         [start_broker, sys, i](caf::actor_system&) { return start_broker(*sys, i); }});
  }

  // -- the metrics listener: /metrics and /metrics/business, apart from the API --------
  // One broker in the core system, on its own socket (metrics.listen), with a route
  // table of the metrics alone; drained and supervised with the API's brokers.
  auto metrics_svc = std::make_shared<net::http_services>(*svc);
  metrics_svc->routes = std::make_shared<net::router>(net::make_metrics_router());
  auto start_metrics_broker = [&settings, metrics_svc,
                               workers](caf::actor_system& sys) -> caf::actor {
    std::string err;
    int fd = net::open_listen_socket(settings.metrics.listen_host,
                                     settings.metrics.listen_port, err, false);
    if (fd < 0) {
      base::log_error("metrics.listen_failed", {{"error", err}});
      return {};
    }
    return net::spawn_http_broker(sys, fd, metrics_svc, workers);
  };
  if (metrics_fd >= 0)
    brokers.push_back(
        {"metrics",
         std::make_shared<runtime::actor_slot<caf::actor>>(
             net::spawn_http_broker(core, metrics_fd, metrics_svc, workers)),
         start_metrics_broker});

  // -- supervision: the node's supervisor tree (node_supervision.hpp) ------------------
  // Entity actors restart on demand through the directory, each kind with an intensity
  // (set_crash_policy). The root escalates to the node: it stops with exit code 70 and
  // its orchestrator restarts it (crash-only).
  std::atomic<int> exit_code{0};
  std::atomic<bool> escalated{false};
  auto escalate_node = [&exit_code, &escalated, &shutdown](const std::string& why) {
    base::log_error("node.escalated", {{"why", why}});
    exit_code = 70;
    // One signal only: escalations come in bursts (both membership children at once),
    // and a second signal during the shutdown would end it at once.
    if (!escalated.exchange(true) && !shutdown.begun())
      ::kill(::getpid(), SIGTERM);
  };
  directory.set_crash_policy(20, std::chrono::seconds(10), escalate_node);
  node::tree_inputs tree;
  for (auto& c : pool.connections())
    tree.connections.push_back(caf::actor_cast<caf::actor>(c));
  tree.respawn_connection = [pool](size_t i) mutable {
    return caf::actor_cast<caf::actor>(pool.respawn(i));
  };
  tree.leases = leases;
  tree.spawn_leases = [places, pool, node = settings.node.id,
                       incarnation](caf::actor_system& sys) {
    return runtime::spawn_lease_manager(sys, places, pool, node, incarnation);
  };
  tree.agent = agent;
  tree.router = router;
  tree.services = services;
  tree.brokers = brokers;
  tree.escalate = escalate_node;
  auto root = node::spawn_supervision_tree(core, node::build_supervision_tree(tree));
  root_slot->set(root);
  // A model was loaded: warm the classifications it serves.
  if (industry_model)
    caf::anon_send(svc->warmer->get(), actors::warm_atom::value,
                   std::string("model_load"), std::vector<base::uuid>{});

  base::log_info("node.serving",
                 {{"node", settings.node.id},
                  {"http_workers", workers},
                  {"metrics", settings.metrics.listen_host.empty()
                                  ? std::string("off")
                                  : endpoint(settings.metrics.listen_host,
                                             settings.metrics.listen_port)},
                  {"listen", http_listen}});
  std::fprintf(stderr, "kyb-node %s serving on %s:%u with %d HTTP workers\n",
               settings.node.id.c_str(), settings.http.listen_host.c_str(),
               settings.http.listen_port, workers);

  int sig = 0;
  sigwait(&signals, &sig);
  base::log_info("node.stopping", {{"signal", sig}});
  // From here the process ends within node.drain_timeout, whatever a step waits for (a
  // request that never finishes, an actor that never stops); a second signal ends it
  // at once.
  shutdown.begin(settings.node.drain_timeout, exit_code != 0 ? exit_code.load() : 1);

  // -- drain: stop accepting, finish in-flight requests, write pending usage, leave ----
  node::drain_targets drained;
  for (auto& b : brokers)
    drained.brokers.push_back(b.slot);
  drained.http_drain_timeout = settings.http.drain_timeout;
  drained.usage = svc->usage;
  drained.agent = agent;
  drained.places = places;
  drained.node_id = settings.node.id;
  node::drain(core, shutdown, drained);
  // No more operator commands: the admin endpoint goes first.
  caf::anon_send_exit(admin_gateway, caf::exit_reason::user_shutdown);
  admin_system.reset();
  // Stopping the root stops the tree (children are not restarted while it stops).
  shutdown.step("stopping the supervisor tree");
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  // The region controller takes its linked replica actors with it.
  if (region_controller)
    caf::anon_send_exit(region_controller, caf::exit_reason::user_shutdown);
  for (auto& relay : {ccfg.self.relay, svc->relay_sender})
    if (relay)
      caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  directory.stop_all();
  pool.stop();
  redis->stop();
  shutdown.step("waiting for the core actors to stop");
  core.await_all_actors_done(); // entities unregister from the directory before it goes
  shutdown.step("stopping the HTTP worker systems");
  http_systems.clear(); // after the core: no late answer targets a dead system
  base::log_info("node.stopped",
                 {{"node", settings.node.id}, {"exit_code", exit_code.load()}});
  base::logger::global().flush();
  // The core system's destruction is still watched (`shutdown` is destroyed after it).
  shutdown.step("stopping the core actor system");
  return exit_code;
}

// kyb-node: one node of the KYB platform. Reads the configuration, migrates the
// database, wires the actor systems (one core system with the entity and service actors,
// plus one per extra HTTP worker), serves the API until SIGINT/SIGTERM, then drains.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/business/business_actor.hpp"
#include "actors/business/business_query_actor.hpp"
#include "actors/health/readiness_actor.hpp"
#include "actors/idempotency/idempotency_actor.hpp"
#include "actors/messages.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "actors/usage/usage_actor.hpp"
#include "config/config.hpp"
#include "net/http_broker.hpp"
#include "net/openapi.hpp"
#include "net/routes.hpp"
#include "persistence/io_watcher.hpp"
#include "persistence/migrator.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/queries.hpp"
#include "persistence/redis_client.hpp"
#include "persistence/register_types.hpp"
#include "persistence/statement_catalog.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/cache/cache_registry.hpp"
#include "runtime/directory.hpp"
#include "runtime/error.hpp"

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

/// A configuration problem found after parsing: name the key and stop.
int config_fail(const std::string& key, const std::string& message) {
  std::fprintf(stderr, "configuration error: %s (env %s): %s\n", key.c_str(),
               config::env_name(key).c_str(), message.c_str());
  return 2;
}

std::optional<std::string> decode_key(const std::string& b64) {
  auto raw = base::base64_decode(b64);
  if (!raw || raw->size() != 32)
    return std::nullopt;
  return raw;
}

/// Builds an actor system configuration for this node.
void configure(caf::actor_system_config& cfg, size_t scheduler_threads,
               const std::string& policy) {
  cfg.load<caf::io::middleman>();
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

/// Writes the bootstrap operator key to `path` with mode 0600, creating directories.
bool write_key_file(const std::string& path, const std::string& key) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path.substr(0, slash);
    std::string partial;
    for (size_t i = 0; i <= dir.size(); ++i)
      if (i == dir.size() || dir[i] == '/') {
        partial = dir.substr(0, i);
        if (!partial.empty())
          ::mkdir(partial.c_str(), 0700);
      }
  }
  auto old = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  ::umask(old);
  if (!out)
    return false;
  out << key << "\n";
  out.close();
  ::chmod(path.c_str(), 0600);
  return static_cast<bool>(out);
}

} // namespace

int main(int argc, char** argv) {
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
  if (settings.database.url.empty())
    return config_fail("database.url", "must be set (postgresql://user@host:port/db)");
  auto tax_key = decode_key(settings.security.tax_id_key);
  if (!tax_key)
    return config_fail("security.tax_id_key", "must be base64 of exactly 32 random bytes "
                                              "(openssl rand -base64 32)");
  auto hmac_key = decode_key(settings.security.tax_id_hmac_key);
  if (!hmac_key)
    return config_fail("security.tax_id_hmac_key",
                       "must be base64 of exactly 32 random bytes "
                       "(openssl rand -base64 32)");
  base::logger::global().set_level(base::parse_log_level(settings.log.level));
  runtime::cache_registry::global().configure(settings.cache);
  base::log_info("node.starting",
                 {{"node", settings.node.id},
                  {"region", settings.node.region},
                  {"listen", settings.http.listen_host + ":" +
                                 std::to_string(settings.http.listen_port)}});

  // -- database schema -----------------------------------------------------------------
  persistence::migrator_options mopts;
  mopts.connect_timeout = settings.database.connect_timeout;
  persistence::migrator migrator(settings.database.url,
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

  // -- signals: handled by sigwait below, never by a handler ---------------------------
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr); // inherited by every thread made below

  // -- the core actor system -----------------------------------------------------------
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int workers =
      settings.http.workers > 0 ? settings.http.workers : static_cast<int>(cores);
  caf::actor_system_config core_cfg;
  auto threads = settings.runtime.scheduler_threads > 0
                     ? static_cast<size_t>(settings.runtime.scheduler_threads)
                     : size_t{cores};
  configure(core_cfg, threads, settings.runtime.scheduler_policy);
  caf::actor_system core(core_cfg);

  auto watcher = persistence::io_watcher::make();
  if (!watcher) {
    std::fprintf(stderr, "cannot start the I/O watcher: %s\n",
                 kyb::detail_of(watcher.error()).c_str());
    return 1;
  }
  auto catalog = std::make_shared<persistence::statement_catalog>();
  for (auto& q : persistence::platform_queries())
    catalog->add(q.name, q.sql);
  auto pool = persistence::pg_pool::spawn(core, settings.database, catalog, *watcher,
                                          "kyb-" + settings.node.id);
  auto redis = persistence::redis_client::spawn(core, settings.redis, *watcher);
  if (!redis)
    return config_fail("redis.url", kyb::detail_of(redis.error()));
  if (!pool.wait_connected(1, settings.database.connect_timeout)) {
    std::fprintf(stderr, "cannot connect to PostgreSQL at database.url within %lld ms\n",
                 static_cast<long long>(settings.database.connect_timeout.count()));
    return 1;
  }
  if (!redis->wait_connected(settings.redis.timeout))
    base::log_warn(
        "node.redis_unreachable",
        {{"detail", "serving without Idempotency-Key support until Redis is back"}});

  runtime::directory directory(core);
  auto plat = std::make_shared<actors::platform>();
  plat->settings = settings;
  plat->db = pool;
  plat->redis = *redis;
  plat->directory = &directory;
  plat->tax_id_key = *tax_key;
  plat->tax_id_hmac_key = *hmac_key;
  actors::platform_ptr platform = plat;
  directory.register_kind(actors::tenant_entity, "tenant",
                          [platform](caf::actor_system& sys, const base::uuid& id) {
                            return caf::actor_cast<caf::actor>(
                                actors::spawn_tenant_actor(sys, platform, id));
                          });
  directory.register_kind(actors::business_entity, "business",
                          [platform](caf::actor_system& sys, const base::uuid& id) {
                            return caf::actor_cast<caf::actor>(
                                actors::spawn_business_actor(sys, platform, id));
                          });

  auto svc = std::make_shared<net::http_services>();
  svc->platform = platform;
  svc->routes = std::make_shared<net::router>(net::make_api_router());
  svc->business_query = actors::spawn_business_query_actor(core, platform);
  svc->audit = actors::spawn_audit_actor(core, platform);
  svc->usage = actors::spawn_usage_actor(core, platform);
  svc->idempotency = actors::spawn_idempotency_actor(core, platform);
  svc->readiness = actors::spawn_readiness_actor(core, platform, latest_migration);
  svc->openapi = std::make_shared<std::string>(net::openapi_document());

  // -- the platform-operator key: made on the first start, shown once ------------------
  {
    caf::scoped_actor self{core};
    auto platform_tenant = caf::actor_cast<actors::tenant_actor>(
        directory.resolve(actors::tenant_entity, platform->platform_tenant));
    bool done = false;
    self->request(platform_tenant, settings.database.connect_timeout,
                  actors::ensure_operator_atom::value)
        .receive(
            [&](const std::string& key) {
              done = true;
              if (key.empty())
                return;
              auto& path = settings.security.bootstrap_key_file;
              if (!write_key_file(path, key)) {
                std::fprintf(stderr, "cannot write the operator key to %s\n",
                             path.c_str());
                return;
              }
              std::printf(
                  "\nA platform-operator API key was created (shown once, also in %s):\n"
                  "  %s\n\n",
                  path.c_str(), key.c_str());
              std::fflush(stdout);
            },
            [&](const caf::error& err) {
              std::fprintf(stderr, "cannot ensure an operator key: %s\n",
                           kyb::detail_of(err).c_str());
            });
    if (!done)
      return 1;
  }

  // -- HTTP workers: worker 0 in the core system, the others in systems of their own ---
  std::vector<std::unique_ptr<caf::actor_system_config>> http_cfgs;
  std::vector<std::unique_ptr<caf::actor_system>> http_systems;
  std::vector<caf::actor> brokers;
  for (int i = 0; i < workers; ++i) {
    std::string err;
    int fd = net::open_listen_socket(settings.http.listen_host, settings.http.listen_port,
                                     err);
    if (fd < 0)
      return config_fail("http.listen", err);
    caf::actor_system* sys = &core;
    if (i > 0) {
      auto cfg = std::make_unique<caf::actor_system_config>();
      configure(*cfg, 1, settings.runtime.scheduler_policy);
      http_systems.push_back(std::make_unique<caf::actor_system>(*cfg));
      http_cfgs.push_back(std::move(cfg));
      sys = http_systems.back().get();
    }
    brokers.push_back(net::spawn_http_broker(*sys, fd, svc, i));
  }
  base::log_info("node.serving",
                 {{"node", settings.node.id},
                  {"http_workers", workers},
                  {"listen", settings.http.listen_host + ":" +
                                 std::to_string(settings.http.listen_port)}});
  std::fprintf(stderr, "kyb-node %s serving on %s:%u with %d HTTP workers\n",
               settings.node.id.c_str(), settings.http.listen_host.c_str(),
               settings.http.listen_port, workers);

  int sig = 0;
  sigwait(&signals, &sig);
  base::log_info("node.stopping", {{"signal", sig}});

  // -- drain: stop accepting, finish in-flight requests, write pending usage -----------
  {
    caf::scoped_actor self{core};
    for (auto& b : brokers)
      self->request(b, settings.http.drain_timeout + std::chrono::seconds(2),
                    net::drain_atom::value)
          .receive([](caf::unit_t) {}, [](const caf::error&) {});
    self->request(svc->usage, std::chrono::seconds(5), actors::flush_atom::value)
        .receive([](actors::ok_atom) {}, [](const caf::error&) {});
  }
  directory.stop_all();
  for (auto hdl :
       {caf::actor_cast<caf::actor>(svc->business_query),
        caf::actor_cast<caf::actor>(svc->audit), caf::actor_cast<caf::actor>(svc->usage),
        caf::actor_cast<caf::actor>(svc->idempotency),
        caf::actor_cast<caf::actor>(svc->readiness)})
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  pool.stop();
  redis->stop();
  core.await_all_actors_done(); // entities unregister from the directory before it goes
  http_systems.clear();         // after the core: no late answer targets a dead system
  base::log_info("node.stopped", {{"node", settings.node.id}});
  base::logger::global().flush();
  return 0;
}

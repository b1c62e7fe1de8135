// Memory per live business actor: activates N business actors through the directory
// (as requests would) and reports the resident-set growth per actor, against the same
// number of the smallest possible CAF actors spawned in the same run (the baseline).
//
//   actor_memory_bench [N=1000000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>

#include "actors/business/business_actor.hpp"
#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "runtime/cluster/cluster_types.hpp"
#include "runtime/directory.hpp"

using namespace kyb;

namespace {

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long v = 0;
      in >> v;
      return v;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

caf::behavior tiny(caf::event_based_actor*, int) {
  return {[](int x) { return x; }};
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  caf::actor_system_config cfg;
  runtime::register_types(cfg);
  actors::register_types(cfg);
  cfg.set("scheduler.max-threads", size_t{2});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys(cfg);

  // Baseline: the smallest actors CAF makes.
  std::vector<caf::actor> baseline;
  baseline.reserve(n);
  auto before_tiny = rss_kib();
  for (size_t i = 0; i < n; ++i)
    baseline.push_back(sys.spawn(tiny, 0));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto tiny_kib = rss_kib() - before_tiny;

  // Business actors, activated through the directory as the request path does (they
  // load their state on their first message; activation itself costs this much).
  runtime::directory dir(sys, 256);
  auto plat = std::make_shared<actors::platform>();
  plat->directory = &dir;
  actors::platform_ptr p = plat;
  dir.register_kind(
      actors::business_entity, "business",
      [p](caf::actor_system& s, const base::uuid& id) {
        return caf::actor_cast<caf::actor>(actors::spawn_business_actor(s, p, id));
      },
      runtime::make_relay<actors::business_view>());
  auto before = rss_kib();
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i)
    dir.resolve(actors::business_entity, base::uuid::make_v7());
  auto secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto business_kib = rss_kib() - before;

  double per_tiny = 1024.0 * tiny_kib / n;
  double per_business = 1024.0 * business_kib / n;
  std::printf("live actors:                 %zu business + %zu baseline\n",
              dir.live_count(), n);
  std::printf("baseline (smallest actor):   %7.0f bytes each\n", per_tiny);
  std::printf(
      "business actor + directory:  %7.0f bytes each (%.2f KiB; target <= 2 KiB)\n",
      per_business, per_business / 1024.0);
  std::printf("ratio business/baseline:     %7.2f\n", per_business / per_tiny);
  std::printf("activation rate:             %7.0f per second\n", n / secs);
  std::fflush(stdout);
  // Stopping them: the business actors (the directory's stop_all), then the baseline.
  auto t1 = std::chrono::steady_clock::now();
  dir.stop_all();
  while (dir.live_count() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto t2 = std::chrono::steady_clock::now();
  for (auto& a : baseline)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  baseline.clear();
  sys.await_all_actors_done();
  auto t3 = std::chrono::steady_clock::now();
  std::printf("stopped in:                  %7.1f s business, %.1f s baseline\n",
              std::chrono::duration<double>(t2 - t1).count(),
              std::chrono::duration<double>(t3 - t2).count());
  return 0;
}

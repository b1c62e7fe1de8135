// The directory on one node: activation on demand, one instance per entity, passivation
// of idle and least recently used entities, and re-activation on the next message.
#define BOOST_TEST_MODULE directory
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/cluster/cluster_types.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/directory.hpp"
#include "test/support/eventually.hpp"

using namespace kyb::runtime;
using kyb::test::eventually;
using namespace std::chrono_literals;
using who_atom = caf::atom_constant<caf::atom("who")>;

namespace {

std::atomic<int> spawned{0};

caf::behavior entity(caf::event_based_actor* self, kyb::base::uuid id) {
  ++spawned;
  return {
      [id](who_atom) { return id.to_string(); },
      [self](passivate_atom) { self->quit(); },
  };
}

struct fixture {
  fixture() : sys(config()), dir(sys, 64) {
    dir.register_kind(
        7, "thing",
        [](caf::actor_system& s, const kyb::base::uuid& id) {
          return s.spawn(entity, id);
        },
        make_relay<std::string>());
  }
  static caf::actor_system_config& config() {
    static caf::actor_system_config cfg;
    static bool once = [] {
      register_types(cfg);
      return true;
    }();
    (void)once;
    return cfg;
  }
  std::string ask(const caf::actor& a) {
    caf::scoped_actor self{sys};
    std::string out;
    self->request(a, 5s, who_atom::value)
        .receive([&](std::string& s) { out = s; }, [](caf::error&) {});
    return out;
  }
  caf::actor_system sys;
  directory dir;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(dir_suite, fixture)

BOOST_AUTO_TEST_CASE(one_instance_per_entity_activated_on_demand) {
  spawned = 0;
  auto id = kyb::base::uuid::make_v7();
  auto a = dir.resolve(7, id);
  auto b = dir.resolve(7, id);
  BOOST_TEST((a == b));
  BOOST_TEST(eventually([] { return spawned == 1; }));
  BOOST_TEST(ask(a) == id.to_string());
  BOOST_TEST(dir.live_count() == 1u);
  BOOST_TEST(!dir.resolve(8, id)); // unknown kind
  // Many threads resolving the same entity still make one instance: every resolve hands
  // out the same actor, and once both have answered, two were ever started.
  auto other = kyb::base::uuid::make_v7();
  std::mutex mtx;
  std::set<caf::actor> handles;
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&] {
      for (int k = 0; k < 100; ++k) {
        auto hdl = dir.resolve(7, other);
        std::lock_guard<std::mutex> guard(mtx);
        handles.insert(hdl);
      }
    });
  for (auto& t : ts)
    t.join();
  BOOST_REQUIRE_EQUAL(handles.size(), 1u);
  BOOST_TEST(ask(*handles.begin()) == other.to_string());
  BOOST_TEST(dir.live_count() == 2u);
  BOOST_TEST(spawned == 2);
  dir.stop_all();
  BOOST_TEST(eventually([&] { return dir.live_count() == 0u; }));
}

BOOST_AUTO_TEST_CASE(published_snapshots_are_read_only_from_their_live_entity) {
  auto id = kyb::base::uuid::make_v7();
  auto snapshot = std::make_shared<const std::string>("view 1");
  BOOST_TEST(!dir.published(7, id)); // nothing live
  auto a = dir.resolve(7, id);
  BOOST_TEST(!dir.published(7, id)); // live, nothing published
  // Only the entity itself publishes: another actor's snapshot is ignored.
  auto stranger = sys.spawn(entity, kyb::base::uuid::make_v7());
  dir.publish(7, id, stranger.address(), std::weak_ptr<const void>(snapshot));
  BOOST_TEST(!dir.published(7, id));
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(snapshot));
  auto got = dir.published(7, id);
  BOOST_REQUIRE(got);
  BOOST_TEST(*std::static_pointer_cast<const std::string>(got) == "view 1");
  got.reset();
  // Reading it is a use: read until 200 ms passed since the resolve (its last use
  // otherwise), the entity has not been idle for 100 ms.
  auto t0 = std::chrono::steady_clock::now();
  bool read = true;
  BOOST_TEST(eventually([&] {
    read = read && dir.published(7, id) != nullptr;
    return std::chrono::steady_clock::now() - t0 > 200ms;
  }));
  BOOST_TEST(read);
  BOOST_TEST(dir.sweep(100ms, 1000) == 0u);
  dir.unpublish(7, id, stranger.address()); // not its entity: no effect
  BOOST_TEST(dir.published(7, id) != nullptr);
  dir.unpublish(7, id, a.address());
  BOOST_TEST(!dir.published(7, id));
  // Held weakly: once nothing else holds the snapshot, it is not read.
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(snapshot));
  BOOST_TEST(dir.published(7, id) != nullptr);
  snapshot.reset();
  BOOST_TEST(!dir.published(7, id));
  // A passivated entity's snapshot goes with it.
  auto kept = std::make_shared<const std::string>("view 2");
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(kept));
  BOOST_TEST(eventually([&] { return dir.sweep(1ms, 1000) == 1u; }));
  BOOST_TEST(!dir.published(7, id));
  anon_send_exit(stranger, caf::exit_reason::user_shutdown);
  dir.stop_all();
}

BOOST_AUTO_TEST_CASE(idle_entities_passivate_and_come_back) {
  auto id = kyb::base::uuid::make_v7();
  auto first = dir.resolve(7, id);
  BOOST_TEST(dir.sweep(1h, 1000) == 0u); // not idle yet
  // Swept as soon as it has been idle for 10 ms (a sweep before that passivates nothing).
  BOOST_TEST(eventually([&] { return dir.sweep(10ms, 1000) == 1u; }));
  BOOST_TEST(eventually([&] { return dir.live_count() == 0u; }));
  BOOST_TEST(dir.passivations() >= 1u);
  auto again = dir.resolve(7, id);
  BOOST_TEST((again != first));
  BOOST_TEST(ask(again) == id.to_string());
  dir.stop_all();
}

BOOST_AUTO_TEST_CASE(least_recently_used_go_first_over_the_bound) {
  std::vector<kyb::base::uuid> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(kyb::base::uuid::make_v7());
    dir.resolve(7, ids.back()); // each later than the one before (steady clock, in ns)
  }
  dir.resolve(7, ids[0]); // now the most recently used
  BOOST_TEST(eventually([&] { return dir.live_count() == 10u; }));
  BOOST_TEST(dir.sweep(1h, 6) == 4u);
  BOOST_TEST(eventually([&] { return dir.live_count() == 6u; }));
  auto left = dir.sample(7, 100);
  std::set<std::string> alive;
  for (auto& u : left)
    alive.insert(u.to_string());
  BOOST_TEST(alive.count(ids[0].to_string()) == 1u);
  BOOST_TEST(alive.count(ids[1].to_string()) == 0u);
  BOOST_TEST(alive.count(ids[9].to_string()) == 1u);
  dir.stop_all();
}

BOOST_AUTO_TEST_SUITE_END()

// The directory on one node: activation on demand, one instance per entity, passivation
// of idle and least recently used entities, and re-activation on the next message;
// published snapshots, the read leases granted on them and the copies another node keeps.
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
#include "runtime/cluster/entity_router.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/cluster/placement.hpp"
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

/// Plain reads of kind 7 (who_atom) answered with the published string, and the copy a
/// leased answer makes.
void read_strings(directory& d) {
  d.set_published_reader(
      7,
      [](const caf::message& msg,
         std::shared_ptr<const void> snapshot) -> std::optional<caf::message> {
        if (!msg.match_elements<who_atom>())
          return std::nullopt;
        return caf::make_message(*std::static_pointer_cast<const std::string>(snapshot));
      },
      [](const caf::message& answer) -> std::shared_ptr<const void> {
        if (!answer.match_elements<std::string>())
          return nullptr;
        return std::make_shared<const std::string>(answer.get_as<std::string>(0));
      });
}

BOOST_AUTO_TEST_CASE(read_leases_are_granted_on_the_published_snapshot_and_outlive_it) {
  read_strings(dir);
  auto id = kyb::base::uuid::make_v7();
  auto a = dir.resolve(7, id);
  auto snapshot = std::make_shared<const std::string>("v1");
  auto read = caf::make_message(who_atom::value);
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(snapshot));
  // Without a read lease: answered, not leased, and a write waits for nothing.
  auto plain = dir.answer_from_published(7, id, read);
  BOOST_REQUIRE(plain);
  BOOST_TEST(!plain->leased);
  BOOST_TEST(plain->answer.get_as<std::string>(0) == "v1");
  BOOST_TEST(
      (dir.withdraw_for_write(7, id, a.address()) <= std::chrono::steady_clock::now()));
  BOOST_TEST(!dir.answer_from_published(7, id, read)); // withdrawn
  dir.set_read_lease(300ms);
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(snapshot));
  // A message that is no plain read is the entity's: no answer, no lease.
  BOOST_TEST(!dir.answer_from_published(7, id, caf::make_message(passivate_atom::value)));
  BOOST_TEST(
      (dir.withdraw_for_write(7, id, a.address()) <= std::chrono::steady_clock::now()));
  dir.publish(7, id, a.address(), std::weak_ptr<const void>(snapshot));
  auto t0 = std::chrono::steady_clock::now();
  auto leased = dir.answer_from_published(7, id, read);
  auto t1 = std::chrono::steady_clock::now();
  BOOST_REQUIRE(leased);
  BOOST_TEST(leased->leased);
  // The write waits until the lease runs out; withdrawn, nothing more is leased.
  auto until = dir.withdraw_for_write(7, id, a.address());
  BOOST_TEST((until >= t0 + 300ms));
  BOOST_TEST((until <= t1 + 300ms));
  BOOST_TEST(!dir.answer_from_published(7, id, read));
  // The lease outlives the entity: passivated and activated again, a write still waits.
  BOOST_TEST(eventually([&] { return dir.sweep(1ms, 1000) == 1u; }));
  auto b = dir.resolve(7, id);
  BOOST_TEST((dir.withdraw_for_write(7, id, b.address()) == until));
  // Once it ran out, it is forgotten.
  BOOST_TEST(eventually([&] { return std::chrono::steady_clock::now() > until; }));
  dir.sweep(1h, 1000);
  BOOST_TEST(
      (dir.withdraw_for_write(7, id, b.address()) <= std::chrono::steady_clock::now()));
  dir.stop_all();
}

BOOST_AUTO_TEST_CASE(a_leased_answer_is_the_asking_nodes_copy_while_its_owner_owns_it) {
  // Two nodes' directories in one process, each with its router: node-b owns the entity.
  directory other(sys, 64);
  other.register_kind(
      7, "thing",
      [](caf::actor_system& s, const kyb::base::uuid& id) { return s.spawn(entity, id); },
      make_relay<std::string>());
  read_strings(dir);
  read_strings(other);
  auto router_a = spawn_entity_router(sys, &dir);
  auto router_b = spawn_entity_router(sys, &other);
  std::map<std::string, member_info> members;
  members["node-a"].id = "node-a";
  members["node-a"].router = router_a;
  members["node-b"].id = "node-b";
  members["node-b"].router = router_b;
  auto view_a =
      std::make_shared<const placement_view>("node-a", 1, members, true, 64, 16);
  auto places_a = std::make_shared<placement>(view_a);
  dir.set_placement(places_a);
  other.set_placement(std::make_shared<placement>(
      std::make_shared<const placement_view>("node-b", 1, members, true, 64, 16)));
  dir.set_read_lease(300ms);
  other.set_read_lease(300ms);
  kyb::base::uuid id;
  do
    id = kyb::base::uuid::make_v7();
  while (view_a->owner(dir.shard_of(7, id)) != "node-b");
  auto live = other.resolve(7, id);
  auto snapshot = std::make_shared<const std::string>("v1");
  other.publish(7, id, live.address(), std::weak_ptr<const void>(snapshot));
  BOOST_TEST(!dir.published(7, id)); // no copy yet
  auto proxy = dir.resolve(7, id);
  auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST(ask(proxy) == "v1"); // node-b's router answered from the snapshot, leased
  auto copy = dir.published(7, id);
  BOOST_REQUIRE(copy);
  BOOST_TEST(*std::static_pointer_cast<const std::string>(copy) == "v1");
  // node-b's next write waits for it.
  auto until = other.withdraw_for_write(7, id, live.address());
  BOOST_TEST((until >= t0 + 300ms));
  // The copy runs out; withdrawn, the entity itself answers, and nothing is copied.
  BOOST_TEST(eventually([&] { return !dir.published(7, id); }));
  BOOST_TEST(ask(proxy) == id.to_string());
  BOOST_TEST(!dir.published(7, id));
  // A copy made by a node that no longer owns the entity is not answered.
  other.publish(7, id, live.address(), std::weak_ptr<const void>(snapshot));
  BOOST_TEST(ask(proxy) == "v1");
  BOOST_TEST(dir.published(7, id) != nullptr);
  members.erase("node-b");
  places_a->publish(
      std::make_shared<const placement_view>("node-a", 2, members, true, 64, 16));
  BOOST_TEST(!dir.published(7, id));
  dir.stop_all();
  other.stop_all();
  anon_send_exit(router_a, caf::exit_reason::user_shutdown);
  anon_send_exit(router_b, caf::exit_reason::user_shutdown);
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

// Supervisor trees in one actor system: crash children, see restarts; exceed the
// intensity, see the escalation reach the parent.
#define BOOST_TEST_MODULE supervisor
#include <boost/test/unit_test.hpp>

#include <atomic>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/cluster/cluster_types.hpp"
#include "runtime/supervision/supervisor.hpp"
#include "test/support/eventually.hpp"

using namespace kyb::runtime;
using kyb::test::eventually;
using namespace std::chrono_literals;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using echo_atom = caf::atom_constant<caf::atom("echo")>;

namespace {

caf::behavior worker(caf::event_based_actor* self, std::string name) {
  return {
      [self](crash_atom) { self->quit(caf::exit_reason::kill); },
      [name](echo_atom) { return name; },
  };
}

child_spec worker_spec(const std::string& name, std::atomic<int>* starts) {
  child_spec spec;
  spec.name = name;
  spec.start = [name](caf::actor_system& sys) { return sys.spawn(worker, name); };
  spec.started = [starts](const caf::actor&) { ++*starts; };
  return spec;
}

struct fixture {
  fixture() : sys(cfg_init()) {}
  static caf::actor_system_config& cfg_init() {
    static caf::actor_system_config cfg;
    static bool once = [] {
      register_types(cfg);
      return true;
    }();
    (void)once;
    return cfg;
  }
  caf::actor_system sys;

  /// The children of `sup`, in start order; fails the test if it does not answer or
  /// does not have `n` of them.
  std::vector<std::pair<std::string, caf::actor>> children(const caf::actor& sup,
                                                           size_t n) {
    caf::scoped_actor self{sys};
    std::vector<std::pair<std::string, caf::actor>> out;
    caf::error failed;
    self->request(sup, 5s, children_atom::value)
        .receive([&](std::vector<std::pair<std::string, caf::actor>>& xs) { out = xs; },
                 [&](caf::error& err) { failed = std::move(err); });
    BOOST_REQUIRE_MESSAGE(!failed, "children: " << sys.render(failed));
    BOOST_REQUIRE_EQUAL(out.size(), n);
    return out;
  }

  /// The first child of the first child of `sup` (a worker under a nested supervisor).
  caf::actor grandchild(const caf::actor& sup) {
    return children(children(sup, 1)[0].second, 1)[0].second;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(supervision, fixture)

BOOST_AUTO_TEST_CASE(one_for_one_restarts_only_the_crashed_child) {
  std::atomic<int> a{0}, b{0};
  supervisor_options opts;
  opts.name = "s1";
  auto sup = spawn_supervisor(sys, opts, {worker_spec("a", &a), worker_spec("b", &b)});
  BOOST_TEST(eventually([&] { return a == 1 && b == 1; }));
  auto before = children(sup, 2);
  caf::anon_send(before[0].second, crash_atom::value);
  BOOST_TEST(eventually([&] { return a == 2; }));
  BOOST_TEST(b == 1);
  auto after = children(sup, 2);
  BOOST_TEST((after[0].second != before[0].second));
  BOOST_TEST((after[1].second == before[1].second));
  caf::scoped_actor self{sys};
  std::string answer;
  self->request(after[0].second, 5s, echo_atom::value)
      .receive([&](std::string& s) { answer = s; }, [](caf::error&) {});
  BOOST_TEST(answer == "a");
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(one_for_all_restarts_every_child) {
  std::atomic<int> a{0}, b{0};
  supervisor_options opts;
  opts.name = "s2";
  opts.strategy = restart_strategy::one_for_all;
  auto sup = spawn_supervisor(sys, opts, {worker_spec("a", &a), worker_spec("b", &b)});
  BOOST_TEST(eventually([&] { return a == 1 && b == 1; }));
  caf::anon_send(children(sup, 2)[1].second, crash_atom::value);
  BOOST_TEST(eventually([&] { return a == 2 && b == 2; }));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(exceeding_the_intensity_escalates_to_the_parent) {
  std::atomic<int> a{0};
  std::atomic<int> inner_starts{0};
  std::atomic<bool> root_escalated{false};
  supervisor_options inner;
  inner.name = "inner";
  inner.max_restarts = 2;
  inner.within = 60s;
  auto inner_spec = supervisor_child(inner, {worker_spec("a", &a)});
  inner_spec.started = [&](const caf::actor&) { ++inner_starts; };
  supervisor_options root;
  root.name = "root";
  root.max_restarts = 1;
  root.within = 60s;
  root.escalated = [&](const std::string&) { root_escalated = true; };
  auto sup = spawn_supervisor(sys, root, {inner_spec});
  BOOST_TEST(eventually([&] { return inner_starts == 1 && a == 1; }));
  // Two crashes: within the inner supervisor's intensity, restarted in place.
  for (int i = 0; i < 2; ++i) {
    caf::anon_send(grandchild(sup), crash_atom::value);
    BOOST_REQUIRE(eventually([&, want = i + 2] { return a == want; }));
  }
  BOOST_TEST(inner_starts == 1);
  // The third exceeds it: the inner supervisor escalates, the root restarts it.
  caf::anon_send(grandchild(sup), crash_atom::value);
  BOOST_REQUIRE(eventually([&] { return inner_starts == 2 && a == 4; }));
  BOOST_TEST(!root_escalated);
  // Exceed the inner one again: the root's own intensity (1) is now exceeded.
  for (int i = 0; i < 2; ++i) {
    caf::anon_send(grandchild(sup), crash_atom::value);
    BOOST_REQUIRE(eventually([&, want = i + 5] { return a == want; }));
  }
  BOOST_TEST(!root_escalated);
  caf::anon_send(grandchild(sup), crash_atom::value);
  BOOST_TEST(eventually([&] { return root_escalated.load(); }));
}

BOOST_AUTO_TEST_SUITE_END()

// kyb-node's supervision tree (runtime/main/node_supervision.hpp): which services exist,
// which supervisor holds each child, every supervisor's restart strategy and limits, and
// that the spawned tree adopts the running actors, restarts a crashed service in place
// and escalates a lost membership actor to the node. A change of the tree's shape fails
// here.
#define BOOST_TEST_MODULE node_supervision
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <map>
#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "runtime/cluster/cluster_types.hpp"
#include "runtime/main/node_supervision.hpp"
#include "test/support/eventually.hpp"

using namespace kyb;
using namespace std::chrono_literals;
using runtime::restart_strategy;

namespace {

// (an argument: CAF 0.17 spawns a function without arguments through a null tuple)
caf::behavior idle(caf::event_based_actor*, int) {
  return {[](int) {}};
}

caf::actor_system_config& system_config() {
  static caf::actor_system_config cfg;
  static bool once = [] {
    runtime::register_types(cfg);
    return true;
  }();
  (void)once;
  return cfg;
}

std::vector<std::string> names(const std::vector<runtime::child_spec>& children) {
  std::vector<std::string> out;
  for (auto& c : children)
    out.push_back(c.name);
  return out;
}

struct fixture {
  std::atomic<int> escalations{0};
  std::atomic<int> respawned_connection{-1};
  std::mutex mtx;
  std::string last_escalation;

  ~fixture() {
    std::lock_guard<std::mutex> guard(mtx);
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  caf::actor idle_actor() { // also called by supervisors restarting a child
    auto a = sys.spawn(idle, 0);
    std::lock_guard<std::mutex> guard(mtx);
    spawned.push_back(a);
    return a;
  }

  node::broker_entry broker(std::string name) {
    return {std::move(name),
            std::make_shared<runtime::actor_slot<caf::actor>>(idle_actor()),
            [this](caf::actor_system&) { return idle_actor(); }};
  }

  /// A service entry over an idle actor (a real actor that answers nothing), its slot a
  /// plain holder.
  node::service_entry service(std::string name) {
    auto slot = std::make_shared<runtime::actor_slot<caf::actor>>(idle_actor());
    return {std::move(name), [this](caf::actor_system&) { return idle_actor(); },
            [slot] { return slot->get(); },
            [slot](const caf::actor& a) { slot->set(a); }};
  }

  /// The node's tree over idle actors: two connections, the node's services table
  /// (no classification model), two API workers and the metrics listener.
  node::tree_inputs inputs(std::vector<node::service_entry> services) {
    node::tree_inputs in;
    in.connections = {idle_actor(), idle_actor()};
    in.respawn_connection = [this](size_t i) {
      respawned_connection = static_cast<int>(i);
      return idle_actor();
    };
    in.leases = std::make_shared<runtime::actor_slot<runtime::lease_manager_actor>>();
    in.spawn_leases = [](caf::actor_system&) { return runtime::lease_manager_actor{}; };
    in.agent = idle_actor();
    in.router = idle_actor();
    in.services = std::move(services);
    in.brokers = {broker("http-0"), broker("http-1"), broker("metrics")};
    in.escalate = [this](const std::string& why) {
      std::lock_guard<std::mutex> guard(mtx);
      last_escalation = why;
      ++escalations;
    };
    return in;
  }

  std::vector<std::pair<std::string, caf::actor>> children(const caf::actor& sup) {
    caf::scoped_actor self{sys};
    std::vector<std::pair<std::string, caf::actor>> out;
    self->request(sup, 5s, runtime::children_atom::value)
        .receive([&](std::vector<std::pair<std::string, caf::actor>>& xs) { out = xs; },
                 [](caf::error&) {});
    return out;
  }

  caf::actor child(const caf::actor& sup, const std::string& name) {
    for (auto& [n, a] : children(sup))
      if (n == name)
        return a;
    return {};
  }

  std::vector<caf::actor> spawned;
  // Last, so it is destroyed first: its destructor waits for the supervisors, which may
  // still restart children (idle_actor) or escalate (the inputs' lambdas) meanwhile, and
  // those write the members above (they were freed before it: heap-use-after-free).
  caf::actor_system sys{system_config()};
};

const std::vector<std::string> services_without_model = {
    "business-query", "audit",     "usage",        "idempotency",
    "readiness",      "screening", "cache-warmer", "risk-monitor"};

} // namespace

BOOST_AUTO_TEST_CASE(the_services_table_lists_every_service_actor) {
  net::http_services svc;
  auto table = node::service_table(svc, {nullptr, 7, nullptr, nullptr});
  std::vector<std::string> got;
  for (auto& s : table)
    got.push_back(s.name);
  BOOST_TEST(got == services_without_model, boost::test_tools::per_element());
  // The table makes the slots the HTTP handlers read; none holds an actor before
  // start_services, and without a model there is no classification service.
  BOOST_REQUIRE(svc.business_query && svc.audit && svc.usage && svc.idempotency &&
                svc.readiness && svc.screening && svc.warmer);
  BOOST_TEST(!svc.audit->get());
  BOOST_TEST(!svc.classification);
  BOOST_TEST(svc.classification_model_version.empty());
  for (auto& s : table)
    BOOST_TEST(!s.current(), s.name << " holds an actor before it started");
}

BOOST_FIXTURE_TEST_CASE(the_tree_has_its_shape_and_restart_policies, fixture) {
  net::http_services svc;
  auto tree = node::build_supervision_tree(
      inputs(node::service_table(svc, {nullptr, 7, nullptr, nullptr})));

  BOOST_TEST(tree.root.name == "root");
  BOOST_TEST((tree.root.strategy == restart_strategy::one_for_one));
  BOOST_TEST(tree.root.max_restarts == 10u);
  BOOST_TEST(tree.root.within.count() == 60000);
  BOOST_TEST(static_cast<bool>(tree.root.escalated)); // the root escalates to the node

  struct expected_branch {
    std::string name;
    restart_strategy strategy;
    size_t max_restarts;
    std::chrono::milliseconds within;
    std::vector<std::string> children;
  };
  std::vector<expected_branch> expected = {
      {"persistence", restart_strategy::one_for_one, 5, 10s, {"pg-0", "pg-1"}},
      {"cluster", restart_strategy::one_for_all, 3, 30s, {"lease-manager"}},
      {"membership",
       restart_strategy::one_for_one,
       0,
       1s,
       {"cluster-agent", "entity-router"}},
      {"services", restart_strategy::one_for_one, 5, 10s, services_without_model},
      {"http", restart_strategy::one_for_one, 5, 10s, {"http-0", "http-1", "metrics"}},
  };
  BOOST_REQUIRE(tree.branches.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    auto& got = tree.branches[i];
    auto& want = expected[i];
    BOOST_TEST_CONTEXT("branch " << want.name) {
      BOOST_TEST(got.options.name == want.name);
      BOOST_TEST((got.options.strategy == want.strategy));
      BOOST_TEST(got.options.max_restarts == want.max_restarts);
      BOOST_TEST(got.options.within.count() == want.within.count());
      BOOST_TEST(names(got.children) == want.children, boost::test_tools::per_element());
      // Only the root escalates to the node itself; a branch escalates to the root.
      BOOST_TEST(!got.options.escalated);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(children_adopt_running_actors_and_restart_their_own_way,
                        fixture) {
  auto in = inputs({service("audit")});
  auto connection = in.connections[1];
  auto agent = in.agent;
  auto audit = in.services[0].current();
  auto tree = node::build_supervision_tree(in);
  auto& pg = tree.branches[0].children[1];
  auto& membership = tree.branches[2].children[0];
  auto& services = tree.branches[3].children[0];
  // First start: the running actor is adopted, nothing is spawned or respawned.
  BOOST_TEST((pg.start(sys) == connection));
  BOOST_TEST((membership.start(sys) == agent));
  BOOST_TEST((services.start(sys) == audit));
  BOOST_TEST(respawned_connection == -1);
  // A restart: the pool makes that connection again, a service is spawned again.
  BOOST_TEST(static_cast<bool>(pg.start(sys)));
  BOOST_TEST(respawned_connection == 1);
  auto again = services.start(sys);
  BOOST_TEST(static_cast<bool>(again));
  BOOST_TEST((again != audit));
  // A membership actor is never started again: peers hold its handle; the node goes.
  BOOST_TEST(escalations == 0);
  BOOST_TEST(!membership.start(sys));
  BOOST_TEST(escalations == 1);
}

BOOST_FIXTURE_TEST_CASE(a_crashed_service_restarts_into_its_slot, fixture) {
  auto in = inputs({service("audit"), service("usage")});
  auto audit_before = in.services[0].current();
  auto usage_before = in.services[1].current();
  auto slot_of_audit = in.services[0].current;
  auto root = node::spawn_supervision_tree(sys, node::build_supervision_tree(in));
  std::vector<std::string> got;
  for (auto& [name, a] : children(root))
    got.push_back(name);
  std::vector<std::string> branches = {"persistence", "cluster", "membership", "services",
                                       "http"};
  BOOST_TEST(got == branches, boost::test_tools::per_element());

  caf::scoped_actor self{sys};
  std::string killed;
  self->request(root, 5s, runtime::crash_atom::value,
                std::vector<std::string>{"services", "audit"})
      .receive([&](std::string& what) { killed = what; }, [](caf::error&) {});
  BOOST_TEST(!killed.empty());
  BOOST_TEST(test::eventually([&] {
    auto now = slot_of_audit();
    return now && now != audit_before;
  }));
  BOOST_TEST((child(child(root, "services"), "usage") == usage_before));
  BOOST_TEST(escalations == 0);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_lost_membership_actor_escalates_to_the_node, fixture) {
  auto root = node::spawn_supervision_tree(sys, node::build_supervision_tree(inputs({})));
  BOOST_REQUIRE(test::eventually([&] { return children(root).size() == 5u; }));
  caf::scoped_actor self{sys};
  self->request(root, 5s, runtime::crash_atom::value,
                std::vector<std::string>{"membership", "entity-router"})
      .receive([](std::string&) {}, [](caf::error&) {});
  BOOST_TEST(test::eventually([&] { return escalations > 0; }));
  {
    std::lock_guard<std::mutex> guard(mtx);
    BOOST_TEST(!last_escalation.empty());
  }
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
}

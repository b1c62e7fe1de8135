// Who waits for whom among a node's region procedures: the node's own wait their turn
// and are never dropped; an operator's command waits behind the node's own but is
// refused behind another operator's. No database: the starts are recorded.
#define BOOST_TEST_MODULE procedure_queue
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "regions/procedure_queue.hpp"

using namespace kyb::regions;
using admission = procedure_queue::admission;

namespace {

struct fixture {
  procedure_queue q;
  std::vector<std::string> started;
  admission admit(const std::string& name, procedure_origin origin) {
    return q.admit(name, origin, [this, name] { started.push_back(name); });
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(an_idle_node_starts_at_once, fixture) {
  BOOST_TEST(!q.busy());
  BOOST_TEST((admit("check", procedure_origin::operator_command) == admission::started));
  BOOST_TEST(q.busy());
  BOOST_TEST(q.running() == "check");
  BOOST_TEST(started == std::vector<std::string>{"check"});
  q.finish();
  BOOST_TEST(!q.busy());
  BOOST_TEST(q.running().empty());
}

BOOST_FIXTURE_TEST_CASE(an_operator_command_waits_behind_the_nodes_own, fixture) {
  // The failed-over region answers again: the node fences it; the operator's failback,
  // sent as soon as the fence shows in the database, runs right after.
  admit("fence us-east-1", procedure_origin::node);
  BOOST_TEST((admit("failback of us-east-1", procedure_origin::operator_command) ==
              admission::waits));
  BOOST_TEST(q.waiting() == 1u);
  BOOST_TEST(started == std::vector<std::string>{"fence us-east-1"});
  q.finish();
  BOOST_TEST(q.running() == "failback of us-east-1");
  BOOST_TEST(
      (started == std::vector<std::string>{"fence us-east-1", "failback of us-east-1"}));
  q.finish();
  BOOST_TEST(!q.busy());
}

BOOST_FIXTURE_TEST_CASE(an_operator_command_is_refused_behind_another_operators,
                        fixture) {
  admit("failover of us-east-1", procedure_origin::operator_command);
  BOOST_TEST((admit("check", procedure_origin::operator_command) == admission::refused));
  BOOST_TEST(q.waiting() == 0u);
  // Also when the other operator's command only waits.
  q.finish();
  admit("ensure", procedure_origin::node);
  BOOST_TEST((admit("check", procedure_origin::operator_command) == admission::waits));
  BOOST_TEST((admit("failback of us-east-1", procedure_origin::operator_command) ==
              admission::refused));
  BOOST_TEST((started == std::vector<std::string>{"failover of us-east-1", "ensure"}));
}

BOOST_FIXTURE_TEST_CASE(the_nodes_own_wait_behind_anything_in_order, fixture) {
  admit("failback of us-east-1", procedure_origin::operator_command);
  BOOST_TEST((admit("fence us-east-1", procedure_origin::node) == admission::waits));
  BOOST_TEST((admit("ensure", procedure_origin::node) == admission::waits));
  q.finish();
  q.finish();
  q.finish();
  BOOST_TEST((started == std::vector<std::string>{"failback of us-east-1",
                                                  "fence us-east-1", "ensure"}));
  BOOST_TEST(!q.busy());
}

BOOST_FIXTURE_TEST_CASE(the_wait_is_bounded, fixture) {
  admit("check", procedure_origin::operator_command);
  for (size_t i = 0; i < procedure_queue::max_waiting; ++i)
    BOOST_TEST((admit("fence " + std::to_string(i), procedure_origin::node) ==
                admission::waits));
  BOOST_TEST((admit("one too many", procedure_origin::node) == admission::refused));
  BOOST_TEST(q.waiting() == procedure_queue::max_waiting);
  BOOST_TEST(started.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(finishing_an_idle_queue_changes_nothing, fixture) {
  q.finish();
  BOOST_TEST(!q.busy());
  BOOST_TEST(started.empty());
}

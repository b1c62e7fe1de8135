// The entity lifecycle's rules (actors/entity/entity_lifecycle.hpp) and the tenant's
// lease bookkeeping (actors/tenant/auth_leases.hpp), driven directly: the load and the
// writes end when the test says so, time is the test's.
#define BOOST_TEST_MODULE entity_lifecycle
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/entity/entity_lifecycle.hpp"
#include "actors/tenant/auth_leases.hpp"

using namespace kyb::actors;
using namespace std::chrono;
using phase = entity_lifecycle::phase;

namespace {

/// A lifecycle whose hooks write what happens into `log`.
struct fixture {
  std::vector<std::string> log;
  bool busy = false;
  entity_lifecycle life{
      {[this] { log.push_back("load"); },
       [this](const caf::error& err) { log.push_back(err ? "stop: failed" : "stop"); },
       [this] { return busy; }}};

  void read(const std::string& name) {
    life.when_ready(
        false, [this, name] { log.push_back(name); },
        [this, name] { log.push_back(name + " unavailable"); });
  }

  /// A write that takes the slot when it runs (and keeps it until end_write()).
  void write(const std::string& name) {
    life.when_ready(
        true,
        [this, name] {
          life.begin_write();
          log.push_back(name);
        },
        [this, name] { log.push_back(name + " unavailable"); });
  }

  std::vector<std::string> take() {
    auto out = std::move(log);
    log.clear();
    return out;
  }
};

using strings = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_CASE(first_work_loads_and_waits_for_the_state, fixture) {
  read("get 1");
  read("get 2");
  BOOST_TEST(take() == strings({"load"}));
  BOOST_TEST((life.current() == phase::loading));
  life.load_succeeded();
  BOOST_TEST(take() == strings({"get 1", "get 2"}));
  read("get 3"); // loaded, nothing queued: at once
  BOOST_TEST(take() == strings({"get 3"}));
}

BOOST_FIXTURE_TEST_CASE(writes_run_one_at_a_time_in_arrival_order, fixture) {
  write("update 1");
  read("get 2");
  write("update 3");
  read("get 4");
  life.load_succeeded();
  // The first write holds the slot: what came after it waits, in order.
  BOOST_TEST(take() == strings({"load", "update 1"}));
  BOOST_TEST(life.writing());
  life.end_write();
  BOOST_TEST(take() == strings({"get 2", "update 3"}));
  // Queued behind a write, a read waits too (read-your-writes in arrival order).
  read("get 5");
  BOOST_TEST(take().empty());
  life.end_write();
  BOOST_TEST(take() == strings({"get 4", "get 5"}));
  BOOST_TEST(!life.writing());
}

BOOST_FIXTURE_TEST_CASE(a_read_during_a_write_runs_on_the_committed_state, fixture) {
  read("get 1");
  life.load_succeeded();
  write("update 2");
  read("get 3"); // nothing queued: no need to wait for the write
  BOOST_TEST(take() == strings({"load", "get 1", "update 2", "get 3"}));
  write("update 4"); // the slot is taken: waits
  BOOST_TEST(take().empty());
  life.end_write();
  BOOST_TEST(take() == strings({"update 4"}));
}

BOOST_FIXTURE_TEST_CASE(a_failed_load_answers_everything_unavailable_and_stops, fixture) {
  read("get 1");
  write("update 2");
  life.load_failed(make_error(kyb::errc::unavailable, "database down"));
  BOOST_TEST(take() == strings({"load", "get 1 unavailable", "update 2 unavailable",
                                "stop: failed"}));
  BOOST_TEST((life.current() == phase::unloaded));
}

BOOST_FIXTURE_TEST_CASE(an_unknown_outcome_reads_the_state_again_first, fixture) {
  read("get 1");
  life.load_succeeded();
  write("update 2");
  read("get 3");
  BOOST_TEST(take() == strings({"load", "get 1", "update 2", "get 3"}));
  write("update 4");
  life.end_write_unknown(); // connection lost: did update 2 commit?
  BOOST_TEST(take() == strings({"load"}));
  BOOST_TEST((life.current() == phase::loading));
  life.load_succeeded();
  BOOST_TEST(take() == strings({"update 4"}));
  life.end_write();
  // With nothing queued, an unknown outcome reads again on the next work only.
  write("update 5");
  life.end_write_unknown();
  BOOST_TEST(take() == strings({"update 5"}));
  BOOST_TEST((life.current() == phase::unloaded));
}

BOOST_FIXTURE_TEST_CASE(a_create_needs_no_load_and_holds_everything_back, fixture) {
  life.begin_create();
  read("get 1"); // no load while the create is in flight: it would race the insert
  write("update 2");
  BOOST_TEST(take().empty());
  life.end_create(true);
  BOOST_TEST(take() == strings({"get 1", "update 2"}));
  life.end_write();
}

BOOST_FIXTURE_TEST_CASE(a_failed_create_reads_the_state_before_queued_work, fixture) {
  life.begin_create();
  read("get 1");
  life.end_create(false);
  BOOST_TEST(take() == strings({"load"}));
  life.load_succeeded();
  BOOST_TEST(take() == strings({"get 1"}));
}

BOOST_FIXTURE_TEST_CASE(a_create_on_a_state_read_as_absent_is_a_write, fixture) {
  read("get 1");
  life.load_succeeded();
  life.begin_write();
  read("get 2"); // runs on the absent state, as before the create commits
  life.end_create(false);
  BOOST_TEST(life.loaded()); // a clean failure keeps what was read
  BOOST_TEST(take() == strings({"load", "get 1", "get 2"}));
}

BOOST_FIXTURE_TEST_CASE(passivation_waits_until_nothing_is_in_hand, fixture) {
  write("update 1");
  life.passivate(); // loading: not yet
  BOOST_TEST(take() == strings({"load"}));
  life.load_succeeded();
  read("get 2");
  busy = true; // e.g. a revocation waiting for its key's leases
  life.end_write();
  BOOST_TEST(take() == strings({"update 1", "get 2"}));
  busy = false;
  life.stop_if_idle();
  BOOST_TEST(take() == strings({"stop"}));
}

BOOST_FIXTURE_TEST_CASE(forget_makes_the_next_work_read_again, fixture) {
  read("get 1");
  life.load_succeeded();
  life.forget();
  read("get 2");
  BOOST_TEST(take() == strings({"load", "get 1", "load"}));
  life.load_succeeded();
  BOOST_TEST(take() == strings({"get 2"}));
}

BOOST_AUTO_TEST_CASE(a_revocation_waits_for_every_lease_on_its_key) {
  auto t0 = auth_leases::clock::time_point{} + hours(1);
  auth_leases leases(t0, milliseconds(200));
  auto key = kyb::base::uuid::make_v7();
  auto other = kyb::base::uuid::make_v7();
  // An earlier instance of the actor may have leased any key until t0 + 200 ms.
  BOOST_TEST((leases.runs_out(key) == t0 + milliseconds(200)));
  leases.granted(key, t0 + milliseconds(500));
  leases.granted(key, t0 + milliseconds(300)); // an older grant never shortens it
  leases.granted(other, t0 + milliseconds(900));
  BOOST_TEST((leases.runs_out(key) == t0 + milliseconds(700)));
  std::vector<std::string> answered;
  BOOST_TEST(leases.after(leases.runs_out(key), t0 + milliseconds(600),
                          [&] { answered.push_back("revoked"); }));
  BOOST_TEST(leases.waiting());
  leases.wake(t0 + milliseconds(699));
  BOOST_TEST(answered.empty());
  leases.wake(t0 + milliseconds(700));
  BOOST_TEST(answered == strings({"revoked"}));
  BOOST_TEST(!leases.waiting());
  // Once the leases ran out the answer is immediate and nothing is kept.
  BOOST_TEST(!leases.after(leases.runs_out(key), t0 + milliseconds(800),
                           [&] { answered.push_back("again"); }));
  BOOST_TEST(answered == strings({"revoked", "again"}));
}

// The entity lifecycle and the tenant's lease bookkeeping inside an actor on CAF's
// deterministic scheduler (caf/test/dsl.hpp, CAF 0.17): the actor below is wired like the
// tenant and business actors (hooks, write slot, a revocation answered by a delayed
// message once its key's leases ran out), and the test decides when the load and each
// write end and when time moves. No store is involved: the test ends loads and writes
// itself, where the real actors wait for PostgreSQL.
#define CAF_SUITE entity_lifecycle_actor
#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/entity/entity_lifecycle.hpp"
#include "actors/tenant/auth_leases.hpp"

using namespace kyb::actors;
using namespace std::chrono;

namespace {

using read_atom = caf::atom_constant<caf::atom("read")>;
using write_atom = caf::atom_constant<caf::atom("write")>;
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using grant_atom = caf::atom_constant<caf::atom("grant")>;
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using failed_atom = caf::atom_constant<caf::atom("failed")>;

using journal = std::shared_ptr<std::vector<std::string>>;

constexpr milliseconds lease_time{200};

struct entity_state {
  entity_lifecycle life;
  std::optional<auth_leases> leases;
  kyb::base::uuid key = kyb::base::uuid::make_v7();
};

caf::behavior entity(caf::stateful_actor<entity_state>* self, journal log) {
  auto& st = self->state;
  st.leases.emplace(self->clock().now(), lease_time);
  st.life = entity_lifecycle({[log] { log->push_back("load"); },
                              [self, log](const caf::error& err) {
                                log->push_back(err ? "stop: failed" : "stop");
                                self->quit(err);
                              },
                              [self] { return self->state.leases->waiting(); }});
  return {
      [self, log](read_atom, int n) {
        self->state.life.when_ready(
            false, [log, n] { log->push_back("read " + std::to_string(n)); },
            [log, n] { log->push_back("read " + std::to_string(n) + " unavailable"); });
      },
      [self, log](write_atom, int n) {
        self->state.life.when_ready(
            true,
            [self, log, n] {
              self->state.life.begin_write();
              log->push_back("write " + std::to_string(n));
            },
            [log, n] { log->push_back("write " + std::to_string(n) + " unavailable"); });
      },
      [self](loaded_atom) { self->state.life.load_succeeded(); },
      [self](failed_atom) {
        self->state.life.load_failed(make_error(kyb::errc::unavailable, "database down"));
      },
      [self, log](commit_atom) {
        log->push_back("commit");
        self->state.life.end_write();
      },
      [self](grant_atom) {
        auto& st = self->state;
        st.leases->granted(st.key, self->clock().now());
      },
      // As the tenant's revocation: the write commits, the answer waits for the leases.
      [self, log](revoke_atom) {
        auto& st = self->state;
        auto now = self->clock().now();
        auto until = st.leases->runs_out(st.key);
        if (st.leases->after(until, now, [log] { log->push_back("revoked"); }))
          self->delayed_send(self, until - now, wake_atom::value);
      },
      [self](wake_atom) {
        self->state.leases->wake(self->clock().now());
        self->state.life.stop_if_idle();
      },
      [self](passivate_atom) { self->state.life.passivate(); },
  };
}

struct fixture : test_coordinator_fixture<> {
  journal log = std::make_shared<std::vector<std::string>>();
  caf::actor e = sys.spawn(entity, log);

  std::vector<std::string> take() {
    auto out = std::move(*log);
    log->clear();
    return out;
  }
};

using strings = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(entity_lifecycle_actor_tests, fixture)

CAF_TEST(writes are serialized in arrival order) {
  self->send(e, write_atom::value, 1);
  self->send(e, read_atom::value, 2);
  self->send(e, write_atom::value, 3);
  expect((write_atom, int), from(self).to(e).with(_, 1));
  expect((read_atom, int), from(self).to(e).with(_, 2));
  expect((write_atom, int), from(self).to(e).with(_, 3));
  CAF_CHECK_EQUAL(take(), strings({"load"}));
  self->send(e, loaded_atom::value);
  run();
  CAF_CHECK_EQUAL(take(), strings({"write 1"}));
  self->send(e, read_atom::value, 4); // queued behind the write: waits
  run();
  CAF_CHECK(take().empty());
  self->send(e, commit_atom::value);
  run();
  CAF_CHECK_EQUAL(take(), strings({"commit", "read 2", "write 3"}));
  self->send(e, commit_atom::value);
  run();
  CAF_CHECK_EQUAL(take(), strings({"commit", "read 4"}));
}

CAF_TEST(a revocation answers once the leases ran out and holds passivation) {
  self->send(e, read_atom::value, 1);
  self->send(e, loaded_atom::value);
  sched.run(); // messages only: run() would also fire timers early
  // Leases an earlier instance granted run out 200 ms after this one started.
  advance_time(milliseconds(150));
  self->send(e, grant_atom::value); // until 350 ms
  self->send(e, revoke_atom::value);
  self->send(e, passivate_atom::value);
  sched.run();
  CAF_CHECK_EQUAL(take(), strings({"load", "read 1"}));
  advance_time(milliseconds(199));
  sched.run();
  CAF_CHECK(take().empty()); // still leased, and the waiting answer keeps it alive
  // The test clock charges a microsecond per message handled: the revocation came a
  // few microseconds after 150 ms, so its leases run out a little after 350 ms.
  CAF_CHECK_EQUAL(advance_time(milliseconds(2)), 1u); // the wake-up is due
  sched.run();
  CAF_CHECK_EQUAL(take(), strings({"revoked", "stop"}));
}

CAF_TEST(a failed load answers unavailable and stops) {
  self->send(e, write_atom::value, 1);
  self->send(e, read_atom::value, 2);
  self->send(e, failed_atom::value);
  run();
  CAF_CHECK_EQUAL(take(), strings({"load", "write 1 unavailable", "read 2 unavailable",
                                   "stop: failed"}));
}

CAF_TEST_FIXTURE_SCOPE_END()

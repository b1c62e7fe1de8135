#include "actors/health/readiness_actor.hpp"

#include <chrono>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "persistence/redis_reply.hpp"

namespace kyb::actors {

namespace {

using clock = std::chrono::steady_clock;

struct readiness_state {
  static inline const char* name = "kyb.readiness";
  platform_ptr p;
  int expected = 0;
  readiness last;
  clock::time_point last_at{};
  bool probing = false;
  std::vector<caf::typed_response_promise<readiness>> waiting;
};

using self_ptr = readiness_actor::stateful_pointer<readiness_state>;

constexpr auto cache_for = std::chrono::milliseconds(500);

/// Collects the two probes' answers and delivers when both are in.
struct probe {
  readiness result;
  int outstanding = 2;
};

void deliver(self_ptr self, std::shared_ptr<probe> pr) {
  if (--pr->outstanding > 0)
    return;
  auto& st = self->state;
  pr->result.ready = true;
  for (auto& c : pr->result.checks)
    pr->result.ready = pr->result.ready && c.ok;
  st.last = pr->result;
  st.last_at = clock::now();
  st.probing = false;
  for (auto& rp : st.waiting)
    rp.deliver(st.last);
  st.waiting.clear();
}

void start_probe(self_ptr self) {
  auto& st = self->state;
  st.probing = true;
  auto pr = std::make_shared<probe>();
  auto timeout = std::chrono::milliseconds(1000);
  pg_batch batch;
  add(batch, persistence::q::migrations_latest, {});
  self->request(st.p->db.pick(), timeout, std::move(batch))
      .then(
          [self, pr](std::vector<pg_rows>& rows) {
            auto& st = self->state;
            pr->result.checks.push_back({"postgresql", true, "reachable"});
            int applied =
                std::stoi(col(rows.at(0).rows.at(0), row_columns(rows.at(0))["latest"]));
            bool ok = applied >= st.expected;
            pr->result.checks.push_back(
                {"migrations", ok,
                 ok ? "schema at version " + std::to_string(applied)
                    : "schema at version " + std::to_string(applied) +
                          ", this build needs " + std::to_string(st.expected)});
            deliver(self, pr);
          },
          [self, pr](caf::error& err) {
            pr->result.checks.push_back({"postgresql", false, detail_of(err)});
            pr->result.checks.push_back(
                {"migrations", false, "unknown: PostgreSQL unreachable"});
            deliver(self, pr);
          });
  self->request(st.p->redis.actor(), timeout, std::vector<std::string>{"PING"})
      .then(
          [self, pr](persistence::redis_reply& r) {
            bool ok = r.is("PONG");
            pr->result.checks.push_back(
                {"redis", ok, ok ? "reachable" : "unexpected reply"});
            deliver(self, pr);
          },
          [self, pr](caf::error& err) {
            pr->result.checks.push_back({"redis", false, detail_of(err)});
            deliver(self, pr);
          });
}

} // namespace

readiness_actor spawn_readiness_actor(caf::actor_system& sys, platform_ptr p,
                                      int expected_migration) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         int expected_migration) -> readiness_actor::behavior_type {
        self->state.p = p;
        self->state.expected = expected_migration;
        return {
            [self](health_atom) -> caf::result<readiness> {
              auto& st = self->state;
              if (!st.probing && st.last_at != clock::time_point{} &&
                  clock::now() - st.last_at < cache_for)
                return st.last;
              auto rp = self->make_response_promise<readiness>();
              st.waiting.push_back(rp);
              if (!st.probing)
                start_probe(self);
              return rp;
            },
        };
      },
      p, expected_migration);
}

} // namespace kyb::actors

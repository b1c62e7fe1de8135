#include "actors/usage/usage_actor.hpp"

#include <map>
#include <tuple>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;

using usage_key =
    std::tuple<base::uuid, std::string, std::string, std::string, uint16_t, int64_t>;

struct usage_state {
  static inline const char* name = "kyb.usage";
  platform_ptr p;
  std::map<usage_key, usage_sample> pending;
  bool flushing = false;
  std::vector<caf::typed_response_promise<ok_atom>> waiters;
};

using self_ptr = usage_actor::stateful_pointer<usage_state>;

/// Bound on distinct pending rows: a database outage must not grow memory without end.
constexpr size_t max_pending = 100000;

std::string minute_text(int64_t minute) {
  std::time_t t = static_cast<std::time_t>(minute);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void merge(usage_state& st, const usage_sample& s) {
  usage_key k{s.tenant_id, s.region, s.endpoint, s.method, s.status, s.minute};
  auto it = st.pending.find(k);
  if (it == st.pending.end()) {
    if (st.pending.size() >= max_pending) {
      base::log_warn("usage.dropped", {{"reason", "too many pending rows"}});
      return;
    }
    st.pending.emplace(k, s);
  } else {
    it->second.count += s.count;
    it->second.duration_seconds += s.duration_seconds;
  }
}

void flush(self_ptr self) {
  auto& st = self->state;
  if (st.flushing)
    return;
  if (st.pending.empty()) {
    for (auto& w : st.waiters)
      w.deliver(ok_atom::value);
    st.waiters.clear();
    return;
  }
  auto rows = std::move(st.pending);
  st.pending.clear();
  pg_batch batch;
  for (auto& [k, s] : rows)
    add(batch, q::usage_insert,
        {val(base::uuid::make_v7()), val(s.tenant_id), val(s.region),
         val(st.p->settings.node.id), val(s.endpoint), val(s.method),
         val(std::to_string(s.status)), val(std::to_string(s.count)),
         val_num(s.duration_seconds), val(minute_text(s.minute))});
  st.flushing = true;
  auto waiters = std::move(st.waiters);
  st.waiters.clear();
  run_batch(
      self, *st.p, std::move(batch),
      [self, waiters](std::vector<pg_rows>&) mutable {
        self->state.flushing = false;
        for (auto& w : waiters)
          w.deliver(ok_atom::value);
        if (!self->state.waiters.empty())
          flush(self); // asked for while this flush ran
      },
      [self, rows, waiters](caf::error& err) mutable {
        auto& st = self->state;
        st.flushing = false;
        base::log_warn("usage.flush_failed",
                       {{"error", detail_of(err)}, {"rows", rows.size()}});
        // Keep the counts for the next flush.
        for (auto& [k, s] : rows)
          merge(st, s);
        for (auto& w : waiters)
          w.deliver(err);
      });
}

} // namespace

usage_actor spawn_usage_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p) -> usage_actor::behavior_type {
        self->state.p = p;
        self->delayed_send(self, p->settings.api.usage_flush_interval, tick_atom::value);
        return {
            [self](record_atom, const std::vector<usage_sample>& samples) {
              for (auto& s : samples)
                merge(self->state, s);
            },
            [self](list_atom, const request_meta& meta, const std::string& from,
                   const std::string& to) -> caf::result<std::vector<usage_row>> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading usage needs the 'read' scope");
              auto rp = self->make_response_promise<std::vector<usage_row>>();
              pg_batch batch;
              add(batch, q::usage_summary, {val(meta.who.tenant_id), val(from), val(to)});
              run_batch(
                  self, *self->state.p, std::move(batch),
                  [rp](std::vector<pg_rows>& res) mutable {
                    std::vector<usage_row> out;
                    row_columns c(res.at(0));
                    for (auto& row : res.at(0).rows)
                      out.push_back(usage_row{
                          col(row, c["endpoint"]), col(row, c["method"]),
                          static_cast<uint16_t>(std::stoi(col(row, c["status_code"]))),
                          std::stoull(col(row, c["requests"])),
                          opt_double(row, c["avg_duration_seconds"]).value_or(0)});
                    rp.deliver(std::move(out));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self](flush_atom) -> caf::result<ok_atom> {
              auto rp = self->make_response_promise<ok_atom>();
              self->state.waiters.push_back(rp);
              flush(self);
              return rp;
            },
            [self](tick_atom) {
              self->delayed_send(self, self->state.p->settings.api.usage_flush_interval,
                                 tick_atom::value);
              flush(self);
            },
        };
      },
      p);
}

} // namespace kyb::actors

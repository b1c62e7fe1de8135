#include "actors/cache/cache_warmer_actor.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/business/business_actor.hpp"
#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/cron.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using clock = std::chrono::steady_clock;

struct warmer_state {
  static inline const char* name = "kyb.cache_warmer";
  platform_ptr p;
  std::string model_version; ///< "" without a model
  std::optional<base::cron_schedule> schedule;
};

using self_ptr = cache_warmer_actor::stateful_pointer<warmer_state>;

void count_run(const warm_report& r) {
  static auto& runs = base::metrics_registry::global().counter(
      "kyb_cache_warm_runs_total", "Cache warming runs by trigger", {"trigger"});
  static auto& warmed = base::metrics_registry::global().counter(
      "kyb_cache_warmed_total",
      "What cache warming loaded: businesses activated, classifications cached",
      {"trigger", "what"});
  runs.with({r.trigger}).Increment();
  warmed.with({r.trigger, "business"}).Increment(static_cast<double>(r.warmed));
  warmed.with({r.trigger, "classification"})
      .Increment(static_cast<double>(r.classifications));
}

void arm(self_ptr self) {
  auto& st = self->state;
  if (!st.schedule)
    return;
  auto now = std::chrono::system_clock::now();
  auto next = st.schedule->next_after(now);
  if (next == std::chrono::system_clock::time_point::max())
    return;
  self->delayed_send(self, next - now, tick_atom::value);
}

/// Asks each business to warm, then answers with the report.
void warm_all(self_ptr self, std::shared_ptr<warm_report> report,
              std::vector<base::uuid> ids, caf::typed_response_promise<warm_report> rp,
              clock::time_point t0) {
  auto& st = self->state;
  report->requested = static_cast<int64_t>(ids.size());
  auto pending = std::make_shared<size_t>(ids.size());
  auto done = [self, report, rp, t0]() mutable {
    report->ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    count_run(*report);
    base::log_info("cache.warmed", {{"trigger", report->trigger},
                                    {"requested", report->requested},
                                    {"warmed", report->warmed},
                                    {"classifications", report->classifications},
                                    {"ms", report->ms}});
    rp.deliver(*report);
  };
  if (ids.empty()) {
    done();
    return;
  }
  auto timeout = st.p->settings.http.request_timeout;
  for (auto& id : ids) {
    auto target = st.p->directory->resolve(business_entity, id);
    auto step = [pending, done]() mutable {
      if (--*pending == 0)
        done();
    };
    if (!target) {
      step();
      continue;
    }
    self->request(caf::actor_cast<business_actor>(target), timeout, warm_atom::value,
                  st.model_version)
        .then(
            [report, step](int32_t outcome) mutable {
              if (outcome >= 1)
                ++report->warmed;
              if (outcome == 2)
                ++report->classifications;
              step();
            },
            [step](caf::error&) mutable { step(); });
  }
}

} // namespace

void register_cache_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<warm_report>("kyb::warm_report");
  cfg.add_message_type<std::vector<base::uuid>>("kyb::uuids");
}

cache_warmer_actor spawn_cache_warmer(caf::actor_system& sys, platform_ptr p,
                                      std::string model_version) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         std::string model_version) -> cache_warmer_actor::behavior_type {
        auto& st = self->state;
        st.p = std::move(p);
        st.model_version = std::move(model_version);
        const auto& expr = st.p->settings.cache.warm_schedule;
        if (!expr.empty()) {
          std::string error;
          st.schedule = base::cron_schedule::parse(expr, error);
          if (!st.schedule)
            base::log_error("cache.warm_schedule_invalid", {{"error", error}});
        }
        arm(self);
        return {
            [self](warm_atom, const std::string& trigger,
                   std::vector<base::uuid>& ids) -> caf::result<warm_report> {
              auto& st = self->state;
              auto rp = self->make_response_promise<warm_report>();
              auto report = std::make_shared<warm_report>();
              report->trigger = trigger;
              auto t0 = clock::now();
              auto limit = st.p->settings.cache.warm_max_businesses;
              if (ids.size() > limit)
                ids.resize(limit);
              if (!ids.empty() || limit == 0) {
                warm_all(self, report, std::move(ids), rp, t0);
                return rp;
              }
              pg_batch batch;
              add(batch, q::classified_by_top_codes,
                  {val(std::to_string(st.p->settings.cache.warm_top_codes)),
                   val(std::to_string(limit))});
              run_batch(
                  self, *st.p, std::move(batch),
                  [self, report, rp, t0](std::vector<pg_rows>& res) mutable {
                    std::vector<base::uuid> popular;
                    row_columns c(res.at(0));
                    for (auto& row : res.at(0).rows)
                      popular.push_back(uuid_col(row, c["business_id"]));
                    warm_all(self, report, std::move(popular), rp, t0);
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self](tick_atom) {
              caf::anon_send(caf::actor_cast<cache_warmer_actor>(self), warm_atom::value,
                             std::string("schedule"), std::vector<base::uuid>{});
              arm(self);
            },
        };
      },
      std::move(p), std::move(model_version));
}

} // namespace kyb::actors

#include "actors/risk/risk_monitor_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>

#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/risk/business_risk.hpp"
#include "actors/risk/risk_messages.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using steady = std::chrono::steady_clock;

constexpr auto tick_period = std::chrono::milliseconds(100);
constexpr int64_t sweep_page = 500;
/// The longest wait for one re-assessment (it may screen and classify nothing: it
/// reads what is stored).
constexpr auto assess_timeout = std::chrono::seconds(30);

struct queued_business {
  base::uuid id;
  base::uuid tenant;
  std::string region;
};

/// A re-assessment of every assessed business of a tenant (nil: all), page by page.
struct sweep {
  base::uuid tenant;
  base::uuid after; ///< The last id read (nil: from the start).
  bool fetching = false;
};

struct monitor_metrics {
  base::counter* reassessed;
  base::counter* unchanged;
  base::counter* skipped;
  base::counter* failed;
  base::gauge* pending;
};

monitor_metrics make_metrics() {
  auto& reg = base::metrics_registry::global();
  auto& outcomes = reg.counter(
      "kyb_risk_reassessments_total",
      "Background re-assessments by outcome (reassessed: a new assessment written; "
      "unchanged: nothing it reads had changed; skipped: never assessed, deleted or "
      "written in another region; failed)",
      {"outcome"});
  auto& pending = reg.gauge("kyb_risk_reassessments_pending",
                            "Businesses waiting for a background re-assessment", {});
  return {&outcomes.with({"reassessed"}), &outcomes.with({"unchanged"}),
          &outcomes.with({"skipped"}), &outcomes.with({"failed"}), &pending.with({})};
}

struct monitor_state {
  static inline const char* name = "kyb.risk_monitor";
  platform_ptr p;
  std::deque<queued_business> queue;
  std::set<base::uuid> queued;  ///< The ids in `queue`.
  std::set<base::uuid> running; ///< Being re-assessed now.
  std::set<base::uuid> requeue; ///< Changed again while running: once more after.
  std::deque<sweep> sweeps;
  double tokens = 1;
  steady::time_point last_tick = steady::now();
  bool ticking = false;
  risk_monitor_status status;
  monitor_metrics metrics = make_metrics();
};

using self_ptr = risk_monitor_actor::stateful_pointer<monitor_state>;

void update_pending(monitor_state& st) {
  st.status.queued = st.queue.size();
  st.status.in_flight = st.running.size();
  st.metrics.pending->Set(static_cast<double>(st.queue.size() + st.running.size()));
}

void ensure_ticking(self_ptr self) {
  auto& st = self->state;
  if (st.ticking)
    return;
  st.ticking = true;
  st.last_tick = steady::now();
  self->delayed_send(self, tick_period, tick_atom::value);
}

void enqueue(self_ptr self, queued_business b) {
  auto& st = self->state;
  if (st.running.count(b.id)) {
    st.requeue.insert(b.id);
    return;
  }
  if (!st.queued.insert(b.id).second)
    return;
  st.queue.push_back(std::move(b));
  update_pending(st);
  ensure_ticking(self);
}

void finished(self_ptr self, const queued_business& b, uint64_t risk_monitor_status::*n,
              base::counter* metric) {
  auto& st = self->state;
  st.running.erase(b.id);
  ++(st.status.*n);
  metric->Increment();
  if (st.requeue.erase(b.id))
    enqueue(self, b);
  update_pending(st);
}

void reassess(self_ptr self, queued_business b, int attempt) {
  auto& st = self->state;
  // A business is written in the write region of its tenant's residency; a replica's
  // rows are re-assessed there and arrive here by replication.
  if (!st.p->writes_here(b.region)) {
    finished(self, b, &risk_monitor_status::skipped, st.metrics.skipped);
    return;
  }
  auto target = st.p->directory->resolve(business_entity, b.id);
  if (!target) {
    finished(self, b, &risk_monitor_status::failed, st.metrics.failed);
    return;
  }
  request_meta meta;
  meta.who.tenant_id = b.tenant;
  meta.who.region = b.region;
  meta.who.scopes = scope_read | scope_write;
  meta.request_id = "risk-monitor";
  risk_request req;
  req.assessment_type = "monitoring";
  self->request(target, assess_timeout, assess_atom::value, meta, req)
      .then(
          [self, b](business_risk& r) {
            auto& st = self->state;
            if (r.cached)
              finished(self, b, &risk_monitor_status::unchanged, st.metrics.unchanged);
            else
              finished(self, b, &risk_monitor_status::reassessed, st.metrics.reassessed);
          },
          [self, b, attempt](caf::error& err) {
            auto& st = self->state;
            if (err == caf::sec::request_receiver_down && attempt == 0) {
              reassess(self, b, 1); // passivated in between: once more
              return;
            }
            if (code_of(err) == errc::not_found) {
              finished(self, b, &risk_monitor_status::skipped, st.metrics.skipped);
              return;
            }
            base::log_warn("risk.reassessment_failed", {{"business_id", b.id.to_string()},
                                                        {"error", detail_of(err)}});
            finished(self, b, &risk_monitor_status::failed, st.metrics.failed);
          });
}

void fetch_sweep_page(self_ptr self) {
  auto& st = self->state;
  if (st.sweeps.empty() || st.sweeps.front().fetching)
    return;
  auto& s = st.sweeps.front();
  s.fetching = true;
  pg_batch batch;
  add(batch, q::risk_assessed_businesses,
      {s.tenant.is_nil() ? null_value() : val(s.tenant), val(s.after),
       val_int(sweep_page)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        auto& s = st.sweeps.front();
        s.fetching = false;
        auto& rows = res.at(0).rows;
        row_columns c(res.at(0));
        for (auto& row : rows) {
          queued_business b{uuid_col(row, c["id"]), uuid_col(row, c["tenant_id"]),
                            col(row, c["region"])};
          s.after = b.id;
          enqueue(self, std::move(b));
        }
        if (static_cast<int64_t>(rows.size()) < sweep_page)
          st.sweeps.pop_front();
        ensure_ticking(self);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        st.sweeps.front().fetching = false; // tried again on the next tick
        base::log_warn("risk.reassessment_sweep_failed", {{"error", detail_of(err)}});
        ensure_ticking(self);
      });
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  st.ticking = false;
  auto now = steady::now();
  const auto& cfg = st.p->settings.risk;
  auto limit = std::max<size_t>(1, cfg.monitor_concurrency);
  double dt = std::chrono::duration<double>(now - st.last_tick).count();
  st.last_tick = now;
  st.tokens = std::min(static_cast<double>(limit),
                       st.tokens + dt * std::max(0.01, cfg.monitor_rate));
  while (!st.queue.empty() && st.running.size() < limit && st.tokens >= 1) {
    auto b = std::move(st.queue.front());
    st.queue.pop_front();
    st.queued.erase(b.id);
    st.running.insert(b.id);
    st.tokens -= 1;
    reassess(self, std::move(b), 0);
  }
  // Read the next page of a sweep when the queue runs low.
  if (st.queue.size() < static_cast<size_t>(sweep_page) && !st.sweeps.empty())
    fetch_sweep_page(self);
  update_pending(st);
  if (!st.queue.empty() || !st.running.empty() || !st.sweeps.empty())
    ensure_ticking(self);
}

bool files_configured(const config::risk_settings& cfg) {
  return !cfg.rules_path.empty() || !cfg.country_risk_path.empty() ||
         !cfg.mcc_tiers_path.empty();
}

/// Reads the configured files; a new version replaces the serving one and sweeps every
/// tenant. Returns the problems, "" when the data serving is the files' (new or not).
std::string reload_reference(self_ptr self) {
  auto& st = self->state;
  const auto& cfg = st.p->settings.risk;
  auto loaded = risk::load_risk_reference(
      {cfg.rules_path, cfg.country_risk_path, cfg.mcc_tiers_path});
  if (!loaded.reference) {
    base::log_warn("risk.reference_reload_failed", {{"error", loaded.error}});
    return loaded.error;
  }
  auto serving = st.p->risk->current();
  if (serving && serving->version == loaded.reference->version)
    return "";
  base::log_info("risk.reference_reloaded",
                 {{"from", serving ? serving->version : std::string()},
                  {"to", loaded.reference->version}});
  st.p->risk->replace(loaded.reference);
  st.status.reference_version = loaded.reference->version;
  st.sweeps.push_back({base::uuid{}, base::uuid{}, false});
  ensure_ticking(self);
  return "";
}

void schedule_refresh(self_ptr self) {
  const auto& cfg = self->state.p->settings.risk;
  if (cfg.refresh_interval.count() > 0 && files_configured(cfg))
    self->delayed_send(self, cfg.refresh_interval, refresh_atom::value);
}

} // namespace

risk_monitor_actor spawn_risk_monitor(caf::actor_system& sys, platform_ptr p) {
  auto fn = [](self_ptr self, platform_ptr p) -> risk_monitor_actor::behavior_type {
    auto& st = self->state;
    st.p = std::move(p);
    if (auto ref = st.p->risk->current())
      st.status.reference_version = ref->version;
    schedule_refresh(self);
    return {
        [self](monitor_atom, const base::uuid& id, const base::uuid& tenant,
               const std::string& region) {
          enqueue(self, {id, tenant, region});
        },
        [self](reassess_atom, const base::uuid& tenant) {
          auto& st = self->state;
          // A sweep of every tenant covers any tenant's; one per tenant is enough.
          for (auto& s : st.sweeps)
            if (s.tenant.is_nil() || s.tenant == tenant)
              if (!s.fetching && s.after.is_nil())
                return;
          st.sweeps.push_back({tenant, base::uuid{}, false});
          ensure_ticking(self);
        },
        [self](reload_atom) -> caf::result<risk_monitor_status> {
          auto problems = reload_reference(self);
          if (!problems.empty())
            return make_error(errc::unprocessable, "the risk reference files were not "
                                                   "loaded; the data serving stays: " +
                                                       problems);
          return self->state.status;
        },
        [self](progress_atom) { return self->state.status; },
        [self](tick_atom) { on_tick(self); },
        [self](refresh_atom) {
          reload_reference(self);
          schedule_refresh(self);
        },
    };
  };
  return sys.spawn(fn, std::move(p));
}

} // namespace kyb::actors

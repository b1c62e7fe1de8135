#include "actors/screening/monitor_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "actors/screening/business_screening.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using steady = std::chrono::steady_clock;

/// Businesses fetched per tenant and page.
constexpr size_t page_size = 100;
/// The pacing timer's period.
constexpr auto tick_period = std::chrono::milliseconds(50);
/// How often a running run records its progress (its heartbeat).
constexpr auto heartbeat_period = std::chrono::seconds(5);
/// Longest a business may take to re-screen before it counts as failed.
constexpr auto screen_timeout = std::chrono::seconds(60);

/// One tenant's share of a run.
struct tenant_run {
  base::uuid id;
  std::string region;
  uint64_t total = 0;
  uint64_t screened = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
  uint64_t new_hits = 0;
  std::string cursor_created_at = "infinity";
  base::uuid cursor_id;
  std::deque<base::uuid> queue; ///< Fetched, not yet dispatched.
  bool exhausted = false;       ///< No more pages.
  bool fetching = false;
};

struct monitor_metrics {
  base::gauge* running = nullptr;
  base::gauge* pending = nullptr;
  base::counter* screened = nullptr;
  base::counter* failed = nullptr;
  base::counter* skipped = nullptr;
  base::counter* new_hits = nullptr;

  monitor_metrics() {
    auto& m = base::metrics_registry::global();
    running = &m.gauge("kyb_screening_monitor_running",
                       "1 while stored businesses are re-screened after a list change")
                   .with({});
    pending = &m.gauge("kyb_screening_monitor_pending_businesses",
                       "Businesses of the running monitoring run not yet re-screened")
                   .with({});
    auto& done = m.counter("kyb_screening_monitor_businesses_total",
                           "Businesses re-screened by ongoing monitoring, by outcome",
                           {"outcome"});
    screened = &done.with({"screened"});
    failed = &done.with({"failed"});
    skipped = &done.with({"skipped"});
    new_hits = &m.counter("kyb_screening_monitor_new_hits_total",
                          "New hits found by ongoing monitoring")
                    .with({});
  }
};

struct monitor_state {
  static inline const char* name = "kyb.screening_monitor";

  platform_ptr p;
  monitor_metrics metrics;
  uint64_t epoch = 0; ///< Replies and ticks of an older run carry an older epoch.
  monitor_job job;
  base::uuid run_id;
  std::string status = "idle";
  std::string started_at;
  std::string finished_at;
  std::vector<tenant_run> tenants;
  std::unordered_map<base::uuid, size_t> by_id;
  size_t next_tenant = 0;
  size_t in_flight = 0;
  double tokens = 0;
  steady::time_point last_tick;
  steady::time_point last_heartbeat;
  /// Totals of the latest run when another node ran it (or before this node started).
  monitor_progress recorded;
};

using self_ptr = monitor_actor::stateful_pointer<monitor_state>;

monitor_progress totals(const monitor_state& st) {
  monitor_progress p;
  p.status = st.status;
  p.generation = st.job.generation;
  p.changed_lists = st.job.changed_lists;
  p.started_at = st.started_at;
  p.finished_at = st.finished_at;
  for (auto& t : st.tenants) {
    p.businesses_total += t.total;
    p.businesses_screened += t.screened;
    p.businesses_failed += t.failed;
    p.businesses_skipped += t.skipped;
    p.new_hits += t.new_hits;
  }
  return p;
}

void update_pending(monitor_state& st) {
  auto p = totals(st);
  auto done = p.businesses_screened + p.businesses_failed + p.businesses_skipped;
  st.metrics.pending->Set(st.status == "running" && p.businesses_total > done
                              ? static_cast<double>(p.businesses_total - done)
                              : 0.0);
}

void record_run(self_ptr self) {
  auto& st = self->state;
  if (st.run_id.is_nil())
    return;
  auto p = totals(st);
  pg_batch batch;
  add(batch, q::screening_monitor_update,
      {val(st.run_id), val(st.status), val(std::to_string(p.businesses_total)),
       val(std::to_string(p.businesses_screened)),
       val(std::to_string(p.businesses_failed)),
       val(std::to_string(p.businesses_skipped)), val(std::to_string(p.new_hits))});
  run_batch(
      self, *st.p, std::move(batch), [](std::vector<pg_rows>&) {},
      [](caf::error& err) {
        base::log_warn("screening.monitor_record_failed", {{"error", detail_of(err)}});
      });
}

void finish(self_ptr self) {
  auto& st = self->state;
  st.status = "done";
  st.finished_at = base::utc_timestamp();
  st.metrics.running->Set(0);
  update_pending(st);
  record_run(self);
  auto p = totals(st);
  base::log_info("screening.monitor_done", {{"generation", st.job.generation},
                                            {"businesses", p.businesses_total},
                                            {"screened", p.businesses_screened},
                                            {"failed", p.businesses_failed},
                                            {"skipped", p.businesses_skipped},
                                            {"new_hits", p.new_hits}});
}

void fetch_page(self_ptr self, size_t ti) {
  auto& st = self->state;
  auto& t = st.tenants[ti];
  t.fetching = true;
  pg_batch batch;
  add(batch, q::screening_monitor_page,
      {val(t.id), val(t.cursor_created_at),
       val(t.cursor_id.is_nil() ? std::string("ffffffff-ffff-ffff-ffff-ffffffffffff")
                                : t.cursor_id.to_string()),
       val(std::to_string(page_size))});
  auto epoch = st.epoch;
  run_batch(
      self, *st.p, std::move(batch),
      [self, epoch, ti](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (epoch != st.epoch)
          return;
        auto& t = st.tenants[ti];
        t.fetching = false;
        auto& rows = res.at(0).rows;
        row_columns c(res.at(0));
        for (auto& row : rows)
          t.queue.push_back(uuid_col(row, c["id"]));
        if (!rows.empty()) {
          t.cursor_created_at = col(rows.back(), c["created_at"]);
          t.cursor_id = uuid_col(rows.back(), c["id"]);
        }
        if (rows.size() < page_size)
          t.exhausted = true;
      },
      [self, epoch, ti](caf::error& err) {
        auto& st = self->state;
        if (epoch != st.epoch)
          return;
        // Retried on a later tick.
        st.tenants[ti].fetching = false;
        base::log_warn("screening.monitor_page_failed", {{"error", detail_of(err)}});
      });
}

void screen_business(self_ptr self, size_t ti, base::uuid id, int attempt);

enum class outcome { screened, skipped, failed };

void screened(self_ptr self, uint64_t epoch, size_t ti, outcome o, uint64_t new_hits) {
  auto& st = self->state;
  if (epoch != st.epoch)
    return;
  auto& t = st.tenants[ti];
  --st.in_flight;
  auto& m = st.metrics;
  switch (o) {
  case outcome::screened:
    ++t.screened;
    t.new_hits += new_hits;
    m.screened->Increment();
    m.new_hits->Increment(static_cast<double>(new_hits));
    break;
  case outcome::skipped:
    ++t.skipped;
    m.skipped->Increment();
    break;
  case outcome::failed:
    ++t.failed;
    m.failed->Increment();
    break;
  }
  update_pending(st);
}

void screen_business(self_ptr self, size_t ti, base::uuid id, int attempt) {
  auto& st = self->state;
  auto& t = st.tenants[ti];
  auto epoch = st.epoch;
  // Regions: the tenant's businesses are re-screened in its write region (a replica's
  // rows are written there and arrive here by replication).
  if (!st.p->writes_here(t.region)) {
    screened(self, epoch, ti, outcome::skipped, 0);
    return;
  }
  auto target = st.p->directory->resolve(business_entity, id);
  if (!target) {
    screened(self, epoch, ti, outcome::failed, 0);
    return;
  }
  // The re-screening runs as the business's own tenant: the business actor checks
  // isolation as for any caller and writes the audit row in that tenant's chain.
  request_meta meta;
  meta.who.tenant_id = t.id;
  meta.who.region = t.region;
  meta.who.scopes = scope_read | scope_write;
  meta.request_id = "monitor-" + st.run_id.to_string();
  self->request(target, screen_timeout, screen_atom::value, meta,
                screen_request{"monitoring"}, st.job.screening)
      .then(
          [self, epoch, ti](business_screening& s) {
            uint64_t fresh = s.data && !s.cached ? s.data->new_count : 0;
            screened(self, epoch, ti, outcome::screened, fresh);
          },
          [self, epoch, ti, id, attempt](caf::error& err) {
            auto& st = self->state;
            if (epoch != st.epoch)
              return;
            if (err == caf::sec::request_receiver_down && attempt == 0) {
              screen_business(self, ti, id, 1); // passivated in between: once more
              return;
            }
            if (code_of(err) == errc::not_found) {
              screened(self, epoch, ti, outcome::skipped, 0); // deleted meanwhile
              return;
            }
            base::log_warn("screening.monitor_business_failed",
                           {{"business_id", id.to_string()}, {"error", detail_of(err)}});
            screened(self, epoch, ti, outcome::failed, 0);
          });
}

/// Dispatches what the rate and concurrency allow, tenants taking turns.
void pump(self_ptr self) {
  auto& st = self->state;
  auto& cfg = st.p->settings.screening;
  auto limit = std::max<size_t>(1, cfg.monitor_concurrency);
  bool progress = true;
  while (progress && st.in_flight < limit && st.tokens >= 1) {
    progress = false;
    for (size_t n = 0; n < st.tenants.size() && st.in_flight < limit && st.tokens >= 1;
         ++n) {
      size_t ti = st.next_tenant;
      st.next_tenant = (st.next_tenant + 1) % st.tenants.size();
      auto& t = st.tenants[ti];
      if (t.queue.empty()) {
        if (!t.exhausted && !t.fetching)
          fetch_page(self, ti);
        continue;
      }
      auto id = t.queue.front();
      t.queue.pop_front();
      ++st.in_flight;
      st.tokens -= 1;
      progress = true;
      screen_business(self, ti, id, 0);
    }
  }
  // Fetch ahead so the next turn of each tenant finds work.
  for (size_t ti = 0; ti < st.tenants.size(); ++ti) {
    auto& t = st.tenants[ti];
    if (t.queue.empty() && !t.exhausted && !t.fetching)
      fetch_page(self, ti);
  }
}

bool all_done(const monitor_state& st) {
  if (st.in_flight > 0)
    return false;
  return std::all_of(st.tenants.begin(), st.tenants.end(), [](const tenant_run& t) {
    return t.exhausted && t.queue.empty() && !t.fetching;
  });
}

void on_tick(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (epoch != st.epoch || st.status != "running")
    return;
  auto now = steady::now();
  auto& cfg = st.p->settings.screening;
  double dt = std::chrono::duration<double>(now - st.last_tick).count();
  st.last_tick = now;
  double burst = static_cast<double>(std::max<size_t>(1, cfg.monitor_concurrency));
  st.tokens = std::min(burst, st.tokens + dt * cfg.monitor_rate);
  pump(self);
  if (all_done(st)) {
    finish(self);
    return;
  }
  if (now - st.last_heartbeat >= heartbeat_period) {
    st.last_heartbeat = now;
    record_run(self);
  }
  self->delayed_send(self, tick_period, tick_atom::value, epoch);
}

/// Reads the latest recorded run (when this node does not run the change itself).
void adopt_recorded(monitor_state& st, const pg_rows& latest) {
  st.status = "idle";
  if (latest.rows.empty())
    return;
  auto& r = latest.rows.front();
  row_columns cols(latest);
  monitor_progress p;
  p.generation = col(r, cols["generation"]);
  p.status = col(r, cols["status"]);
  auto num = [&](std::string_view name) {
    auto& s = col(r, cols[name]);
    return s.empty() ? uint64_t{0} : static_cast<uint64_t>(std::stoull(s));
  };
  p.businesses_total = num("businesses_total");
  p.businesses_screened = num("screened");
  p.businesses_failed = num("failed");
  p.businesses_skipped = num("skipped");
  p.new_hits = num("new_hits");
  p.started_at = col(r, cols["started_at"]);
  p.finished_at = col(r, cols["finished_at"]);
  auto changed = nlohmann::json::parse(col(r, cols["changed_lists"]), nullptr, false);
  if (changed.is_array())
    for (auto& c : changed)
      if (c.is_string())
        p.changed_lists.push_back(c.get<std::string>());
  st.recorded = std::move(p);
}

void begin(self_ptr self, monitor_job job) {
  auto& st = self->state;
  if (st.status == "running") {
    st.status = "superseded";
    record_run(self);
  }
  ++st.epoch;
  st.job = std::move(job);
  st.run_id = base::uuid{};
  st.status = "claiming";
  st.tenants.clear();
  st.by_id.clear();
  st.next_tenant = 0;
  st.in_flight = 0;
  st.tokens = 0;
  st.started_at.clear();
  st.finished_at.clear();
  auto run_id = base::uuid::make_v7();
  pg_batch batch;
  add(batch, q::screening_monitor_lock, {});
  add(batch, q::screening_monitor_claim,
      {val(run_id), val(st.job.generation),
       val(nlohmann::json(st.job.changed_lists).dump()), val(st.p->settings.node.id)});
  add(batch, q::screening_monitor_latest, {});
  add(batch, q::screening_monitor_counts, {});
  auto epoch = st.epoch;
  run_batch(
      self, *st.p, std::move(batch),
      [self, epoch](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (epoch != st.epoch)
          return;
        if (res.at(1).rows.empty()) {
          // Ran before (a restart with unchanged lists) or runs on another node.
          adopt_recorded(st, res.at(2));
          base::log_info("screening.monitor_not_claimed",
                         {{"generation", st.job.generation},
                          {"detail", "this change is (being) monitored already"}});
          return;
        }
        st.run_id = uuid_col(res[1].rows[0], row_columns(res[1])["id"]);
        st.status = "running";
        st.started_at = base::utc_timestamp();
        st.recorded = monitor_progress{};
        row_columns c(res.at(3));
        for (auto& row : res.at(3).rows) {
          tenant_run t;
          t.id = uuid_col(row, c["tenant_id"]);
          t.region = col(row, c["region"]);
          t.total = static_cast<uint64_t>(std::stoull(col(row, c["businesses"])));
          st.by_id[t.id] = st.tenants.size();
          st.tenants.push_back(std::move(t));
        }
        st.metrics.running->Set(1);
        update_pending(st);
        base::log_info("screening.monitor_started",
                       {{"generation", st.job.generation},
                        {"changed_lists", st.job.changed_lists},
                        {"tenants", st.tenants.size()},
                        {"businesses", totals(st).businesses_total}});
        st.last_tick = steady::now();
        st.last_heartbeat = st.last_tick;
        st.tokens = 1;
        on_tick(self, epoch);
      },
      [self, epoch](caf::error& err) {
        auto& st = self->state;
        if (epoch != st.epoch)
          return;
        st.status = "failed";
        base::log_error("screening.monitor_claim_failed",
                        {{"generation", st.job.generation}, {"error", detail_of(err)}});
      });
}

} // namespace

monitor_actor spawn_monitor_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p) -> monitor_actor::behavior_type {
        self->state.p = std::move(p);
        return {
            [self](monitor_atom, monitor_job& job) { begin(self, std::move(job)); },
            [self](progress_atom, const base::uuid& tenant) -> monitor_progress {
              auto& st = self->state;
              if (st.run_id.is_nil() && !st.recorded.status.empty() &&
                  st.recorded.generation == st.job.generation) {
                // Monitored elsewhere or before: what the record says. A tenant sees
                // only that a run happened, not the platform's counts.
                auto p = st.recorded;
                if (!tenant.is_nil())
                  p.businesses_total = p.businesses_screened = p.businesses_failed =
                      p.businesses_skipped = p.new_hits = 0;
                return p;
              }
              if (tenant.is_nil())
                return totals(st);
              monitor_progress p;
              p.status = st.status;
              p.generation = st.job.generation;
              p.changed_lists = st.job.changed_lists;
              p.started_at = st.started_at;
              p.finished_at = st.finished_at;
              if (auto it = st.by_id.find(tenant); it != st.by_id.end()) {
                auto& t = st.tenants[it->second];
                p.businesses_total = t.total;
                p.businesses_screened = t.screened;
                p.businesses_failed = t.failed;
                p.businesses_skipped = t.skipped;
                p.new_hits = t.new_hits;
              }
              return p;
            },
            [self](tick_atom, uint64_t epoch) { on_tick(self, epoch); },
        };
      },
      std::move(p));
}

} // namespace kyb::actors

#include "actors/screening/screening_actor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/screening/engine/index_holder.hpp"
#include "actors/screening/entity_fingerprint.hpp"
#include "actors/screening/index_builder.hpp"
#include "actors/screening/list_plan.hpp"
#include "actors/screening/monitor_actor.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/redact.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

namespace {

using steady = std::chrono::steady_clock;
using system_clock = std::chrono::system_clock;

/// RFC 3339 UTC with microseconds, as every timestamp of the API.
std::string format_utc(system_clock::time_point t) {
  auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<long long>(us % 1000000));
  return buf;
}

double seconds_of(std::chrono::microseconds d) {
  return std::chrono::duration<double>(d).count();
}

/// Metrics recorded where the screening service decides (Prometheus names
/// kyb_screening_*).
struct screening_metrics {
  base::counter* hit = nullptr;
  base::counter* clear = nullptr;
  base::counter* invalid = nullptr;
  base::counter* unavailable = nullptr;
  base::histogram* screen_seconds = nullptr;
  base::histogram* batch_seconds = nullptr;
  base::histogram* compare_seconds = nullptr;
  base::counter_family* hits = nullptr;
  base::gauge_family* entities = nullptr;
  base::gauge_family* names = nullptr;
  base::gauge* lists_loaded = nullptr;
  base::gauge* lists_failing = nullptr;
  base::gauge* last_reload = nullptr;
  base::gauge* last_reload_ok = nullptr;
  base::gauge* build_seconds = nullptr;
  base::counter_family* reloads = nullptr;
  base::counter_family* downloads = nullptr;
  std::unordered_map<std::string, base::counter*> hits_by_list;

  screening_metrics() {
    auto& m = base::metrics_registry::global();
    auto& screenings =
        m.counter("kyb_screening_screenings_total",
                  "Names screened against the sanctions lists, by outcome", {"outcome"});
    hit = &screenings.with({"hit"});
    clear = &screenings.with({"clear"});
    invalid = &screenings.with({"invalid"});
    unavailable = &screenings.with({"unavailable"});
    auto& duration =
        m.histogram("kyb_screening_duration_seconds",
                    "Time the screening service spent on one request, by kind", {"kind"},
                    {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1});
    screen_seconds = &duration.with({"name"});
    batch_seconds = &duration.with({"batch"});
    compare_seconds = &duration.with({"compare"});
    hits = &m.counter("kyb_screening_hits_total", "Hits returned by screenings, by list",
                      {"list"});
    entities =
        &m.gauge("kyb_screening_list_entities", "Entities of each loaded list", {"list"});
    names = &m.gauge("kyb_screening_list_names",
                     "Primary names and aliases of each loaded list", {"list"});
    lists_loaded =
        &m.gauge("kyb_screening_lists_loaded", "Lists in the serving index").with({});
    lists_failing = &m.gauge("kyb_screening_lists_failing",
                             "Lists the last reload could not load (each fails alone; "
                             "an earlier version of one may still serve)")
                         .with({});
    last_reload = &m.gauge("kyb_screening_last_reload_timestamp_seconds",
                           "Unix time of the last reload that left current lists serving")
                       .with({});
    last_reload_ok =
        &m.gauge("kyb_screening_last_reload_success",
                 "1 when the last reload loaded every list, 0 when one or all failed "
                 "(each failed list keeps its previous version where it had one)")
             .with({});
    build_seconds = &m.gauge("kyb_screening_index_build_seconds",
                             "Seconds spent parsing the lists and building the serving "
                             "index")
                         .with({});
    reloads =
        &m.counter("kyb_screening_reloads_total", "List reloads by outcome", {"outcome"});
    downloads =
        &m.counter("kyb_screening_downloads_total",
                   "List file downloads by list and outcome", {"list", "outcome"});
  }

  void count_hits(const std::vector<screening::screening_hit>& found) {
    for (auto& h : found) {
      auto& c = hits_by_list[h.list];
      if (!c)
        c = &hits->with({h.list});
      c->Increment();
    }
  }
};

struct screening_state {
  static inline const char* name = "kyb.screening";

  platform_ptr p;
  downloader_actor downloader;
  monitor_actor monitor;
  screening_metrics metrics;
  list_plan plan;
  screening::match_options options;

  /// The snapshot in service and what describes it.
  screening::index_holder holder;
  std::string generation;
  std::map<std::string, std::string> versions;
  std::map<std::string, std::vector<std::string>> warnings;
  std::map<std::string, std::vector<std::string>> urls;
  double build_seconds = 0;

  /// The reload in progress, and the requests that wait for it or for the next one.
  bool reloading = false;
  uint64_t reload_seq = 0;
  reload_report current;
  steady::time_point current_started;
  std::vector<caf::typed_response_promise<reload_report>> waiting;
  bool again = false;
  std::string again_trigger;
  std::vector<caf::typed_response_promise<reload_report>> again_waiting;
  bool has_last = false;
  reload_report last;

  /// Set when the actor exits: a download in progress gives up.
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  std::chrono::milliseconds refresh_interval{0};
  system_clock::time_point next_refresh{};

  /// The lists the last reload could not load, and the retry that tries them again.
  std::vector<list_failure> failing;
  uint32_t retries = 0; ///< consecutive reloads with failures
  uint64_t retry_seq = 0;
  system_clock::time_point next_retry{};
};

using self_ptr = screening_actor::stateful_pointer<screening_state>;

caf::error no_lists(const screening_state& st) {
  std::string detail = "no sanctions lists are loaded";
  if (st.plan.empty()) {
    detail += ": none is configured (screening.* options; see GET /v1/lists)";
  } else if (st.reloading) {
    detail += " yet: the lists are loading; retry shortly";
  } else if (st.has_last && st.last.status == "failed") {
    // Which file or URL failed is the operator's to see (GET /v1/lists).
    detail += ": the last load failed (an operator sees why in GET /v1/lists)";
    if (st.next_retry != system_clock::time_point{})
      detail += "; the next attempt is at " + format_utc(st.next_retry);
  }
  return make_error(errc::unavailable, detail);
}

caf::error invalid(const screening::query_error& e) {
  return make_error(errc::invalid_argument, e.message, "/" + e.field);
}

std::string make_generation(const std::map<std::string, std::string>& versions,
                            double threshold) {
  std::string text = "threshold=" + std::to_string(threshold) + "\n";
  for (auto& [name, version] : versions)
    text += name + "=" + version + "\n";
  return base::sha256_hex(text).substr(0, 32);
}

/// Lists added, removed or changed between two version maps.
std::vector<std::string> changed_lists(const std::map<std::string, std::string>& before,
                                       const std::map<std::string, std::string>& after) {
  std::set<std::string> out;
  for (auto& [name, version] : after) {
    auto it = before.find(name);
    if (it == before.end() || it->second != version)
      out.insert(name);
  }
  for (auto& [name, version] : before)
    if (!after.count(name))
      out.insert(name);
  return {out.begin(), out.end()};
}

void start_reload(self_ptr self, const std::string& trigger);

/// After a reload in which lists failed, the next try: screening.retry_interval, twice
/// as long after each further failing reload, at most the refresh interval (an hour
/// without one). A reload without failures ends the series.
void schedule_retry(self_ptr self) {
  auto& st = self->state;
  ++st.retry_seq;
  if (st.plan.empty() || (st.failing.empty() && st.last.status != "failed")) {
    st.retries = 0;
    st.next_retry = {};
    return;
  }
  auto cap = st.refresh_interval.count() > 0 ? st.refresh_interval
                                             : std::chrono::milliseconds(3600 * 1000);
  auto delay = st.p->settings.screening.retry_interval;
  for (uint32_t i = 0; i < st.retries && delay < cap; ++i)
    delay *= 2;
  delay = std::min(delay, cap);
  ++st.retries;
  st.next_retry = system_clock::now() + delay;
  self->delayed_send(self, delay, tick_atom::value, st.retry_seq);
}

/// Delivers the report to everyone waiting and starts the next reload if one was asked
/// for meanwhile.
void finish_reload(self_ptr self) {
  auto& st = self->state;
  auto& r = st.current;
  st.failing = r.failures;
  st.metrics.lists_failing->Set(static_cast<double>(st.failing.size()));
  for (auto& f : r.failures)
    base::log_error("screening.list_failed", {{"list", f.list},
                                              {"file", base::redact_url(f.file)},
                                              {"line", f.line},
                                              {"error", f.message},
                                              {"serving_previous", f.serving_previous}});
  r.finished_at = base::utc_timestamp();
  r.seconds = std::chrono::duration<double>(steady::now() - st.current_started).count();
  r.generation = st.generation;
  st.last = r;
  st.has_last = true;
  st.reloading = false;
  st.metrics.reloads->with({r.status}).Increment();
  // Success means every list loaded: a partial reload (some lists failing) is 0 too.
  st.metrics.last_reload_ok->Set(r.status == "loaded" || r.status == "unchanged" ? 1 : 0);
  if (r.status == "failed") {
    base::log_error("screening.reload_failed", {{"trigger", r.trigger},
                                                {"file", r.error_file},
                                                {"line", r.error_line},
                                                {"error", r.error_message}});
  } else {
    st.metrics.last_reload->Set(
        std::chrono::duration<double>(system_clock::now().time_since_epoch()).count());
    base::log_info("screening.reloaded", {{"trigger", r.trigger},
                                          {"status", r.status},
                                          {"generation", st.generation},
                                          {"changed_lists", r.changed_lists},
                                          {"seconds", r.seconds}});
  }
  schedule_retry(self);
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  for (auto& rp : waiting)
    rp.deliver(r);
  if (st.again) {
    st.again = false;
    st.waiting = std::move(st.again_waiting);
    st.again_waiting.clear();
    start_reload(self, st.again_trigger);
  }
}

void fail_reload(self_ptr self, std::string file, uint64_t line, std::string message) {
  auto& r = self->state.current;
  r.status = "failed";
  r.error_file = std::move(file);
  r.error_line = line;
  r.error_message = std::move(message);
  finish_reload(self);
}

/// Makes a built index the serving one.
void publish(self_ptr self, build_outcome& out) {
  auto& st = self->state;
  auto& r = st.current;
  auto before = st.versions;
  auto old_generation = st.generation;
  st.holder.publish(out.index);
  st.versions = out.versions;
  st.warnings = out.warnings;
  st.urls.clear();
  for (auto& l : st.plan.lists)
    for (auto& f : l.files)
      if (!f.url.empty())
        st.urls[l.name].push_back(f.url);
  st.build_seconds = seconds_of(out.parse_time + out.build_time);
  st.generation = make_generation(st.versions, st.options.threshold);
  r.status = "loaded";
  r.changed_lists = changed_lists(before, st.versions);
  auto& m = st.metrics;
  m.build_seconds->Set(st.build_seconds);
  m.entities->clear();
  m.names->clear();
  for (auto& l : out.index->lists()) {
    m.entities->with({l.name}).Set(static_cast<double>(l.entity_count));
    m.names->with({l.name}).Set(static_cast<double>(l.name_count));
  }
  m.lists_loaded->Set(static_cast<double>(out.index->lists().size()));
  base::log_info("screening.index_built",
                 {{"lists", out.index->lists().size()},
                  {"entities", out.index->statistics().entities},
                  {"names", out.index->statistics().names},
                  {"read_seconds", seconds_of(out.read_time)},
                  {"parse_seconds", seconds_of(out.parse_time)},
                  {"build_seconds", seconds_of(out.build_time)}});
  if (st.generation != old_generation)
    self->send(st.monitor, monitor_atom::value,
               monitor_job{st.generation, r.changed_lists,
                           caf::actor_cast<screening_actor>(self)});
}

void start_build(self_ptr self, std::map<std::string, list_failure> skipped = {}) {
  auto& st = self->state;
  auto req = std::make_shared<build_request>();
  req->plan = st.plan;
  req->options = st.options;
  req->current_versions = st.versions;
  req->have_index = st.holder.current() != nullptr;
  req->previous = st.holder.current();
  req->skipped = std::move(skipped);
  auto seq = st.reload_seq;
  auto builder = spawn_index_builder(self->system(), std::move(req));
  self->request(builder, caf::infinite, build_atom::value)
      .then(
          [self, seq](build_outcome& out) {
            auto& st = self->state;
            if (seq != st.reload_seq)
              return;
            st.current.failures = std::move(out.failures);
            bool partial = !st.current.failures.empty();
            switch (out.result) {
            case build_outcome::status::failed:
              fail_reload(self, out.error.file, out.error.line, out.error.message);
              return;
            case build_outcome::status::unchanged:
              st.current.status = partial ? "partial" : "unchanged";
              finish_reload(self);
              return;
            case build_outcome::status::built:
              publish(self, out);
              if (partial)
                st.current.status = "partial";
              finish_reload(self);
              return;
            }
          },
          [self, seq](caf::error& err) {
            if (seq == self->state.reload_seq)
              fail_reload(self, "", 0, "the index builder failed: " + detail_of(err));
          });
}

void start_reload(self_ptr self, const std::string& trigger) {
  auto& st = self->state;
  st.reloading = true;
  ++st.reload_seq;
  st.current = reload_report{};
  st.current.trigger = trigger;
  st.current.started_at = base::utc_timestamp();
  st.current_started = steady::now();
  if (st.plan.empty()) {
    fail_reload(self, "", 0,
                "no sanctions lists are configured (set screening.*_path, "
                "screening.*_url or screening.generic_dir)");
    return;
  }
  download_batch batch;
  batch.cancel = st.cancel;
  for (auto& l : st.plan.lists)
    for (auto& f : l.files)
      if (!f.url.empty())
        batch.files.push_back(download_request{l.name, f.url, f.path});
  if (batch.files.empty()) {
    start_build(self);
    return;
  }
  auto seq = st.reload_seq;
  self->request(st.downloader, caf::infinite, download_atom::value, std::move(batch))
      .then(
          [self, seq](std::vector<download_result>& results) {
            auto& st = self->state;
            if (seq != st.reload_seq)
              return;
            // A list whose download failed with no earlier copy fails alone.
            std::map<std::string, list_failure> skipped;
            for (auto& d : results) {
              download_report rep;
              rep.list = d.list;
              rep.url = d.url;
              rep.outcome = d.outcome;
              rep.http_status = d.http_status;
              rep.bytes = d.bytes;
              rep.error = d.error;
              if (d.outcome == "failed") {
                std::error_code ec;
                rep.used_copy = std::filesystem::is_regular_file(d.path, ec);
                if (rep.used_copy)
                  base::log_warn("screening.download_failed",
                                 {{"list", d.list},
                                  {"url", base::redact_url(d.url)},
                                  {"error", d.error},
                                  {"detail", "loading the copy of an earlier download"}});
                else if (!skipped.count(d.list))
                  skipped.emplace(d.list,
                                  list_failure{d.list, d.url, 0,
                                               "the download failed: " + d.error, false});
              }
              st.metrics.downloads->with({d.list, d.outcome}).Increment();
              st.current.downloads.push_back(std::move(rep));
            }
            start_build(self, std::move(skipped));
          },
          [self, seq](caf::error& err) {
            if (seq == self->state.reload_seq)
              fail_reload(self, "", 0, "the list downloader failed: " + detail_of(err));
          });
}

/// Asks for a reload: starts one, or joins the next if one is running (files may have
/// changed after the running one read them).
void request_reload(self_ptr self, const std::string& trigger,
                    std::optional<caf::typed_response_promise<reload_report>> rp) {
  auto& st = self->state;
  if (st.reloading) {
    if (!st.again) {
      st.again = true;
      st.again_trigger = trigger;
    }
    if (rp)
      st.again_waiting.push_back(*rp);
    return;
  }
  if (rp)
    st.waiting.push_back(*rp);
  start_reload(self, trigger);
}

void schedule_refresh(self_ptr self) {
  auto& st = self->state;
  if (st.refresh_interval.count() <= 0)
    return;
  st.next_refresh = system_clock::now() + st.refresh_interval;
  self->delayed_send(self, st.refresh_interval, refresh_atom::value);
}

list_info describe(const screening_state& st, const screening::list_metadata& m,
                   bool operator_view) {
  list_info i;
  i.name = m.name;
  i.format = m.format;
  i.version = m.version;
  i.entity_count = m.entity_count;
  i.name_count = m.name_count;
  i.warning_count = m.warning_count;
  i.loaded_at = format_utc(m.loaded_at);
  i.load_seconds = seconds_of(m.load_duration);
  if (operator_view) {
    // Paths and URLs are the node's; warnings quote them.
    i.source_paths = m.source_paths;
    if (auto it = st.urls.find(m.name); it != st.urls.end())
      i.source_urls = it->second;
    if (auto it = st.warnings.find(m.name); it != st.warnings.end())
      i.warnings = it->second;
  }
  return i;
}

} // namespace

screening_actor spawn_screening_actor(caf::actor_system& sys, platform_ptr p,
                                      downloader_actor downloader) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         downloader_actor downloader) -> screening_actor::behavior_type {
        auto& st = self->state;
        st.p = p;
        st.downloader = downloader;
        auto& cfg = p->settings.screening;
        st.plan = make_list_plan(cfg, p->settings.node.data_dir);
        st.options.threshold = cfg.threshold;
        st.refresh_interval = cfg.refresh_interval;
        if (downloader)
          self->link_to(downloader);
        st.monitor = spawn_monitor_actor(self->system(), p);
        self->link_to(st.monitor);
        auto cancel = st.cancel;
        self->attach_functor([cancel] { cancel->store(true); });
        if (!st.plan.empty()) {
          request_reload(self, "startup", std::nullopt);
          schedule_refresh(self);
        }
        return {
            [self](screen_atom, const screening::screening_query& q)
                -> caf::result<screening::screening_result> {
              auto& st = self->state;
              auto idx = st.holder.current();
              if (!idx) {
                st.metrics.unavailable->Increment();
                return no_lists(st);
              }
              auto started = steady::now();
              auto r = idx->screen(q);
              st.metrics.screen_seconds->Observe(
                  std::chrono::duration<double>(steady::now() - started).count());
              if (!r) {
                st.metrics.invalid->Increment();
                return invalid(r.error());
              }
              (r->hits.empty() ? st.metrics.clear : st.metrics.hit)->Increment();
              st.metrics.count_hits(r->hits);
              return std::move(r.value());
            },
            [self](screen_atom, const std::vector<screening::screening_query>& qs)
                -> caf::result<batch_screening> {
              auto& st = self->state;
              auto idx = st.holder.current();
              if (!idx) {
                st.metrics.unavailable->Increment();
                return no_lists(st);
              }
              auto started = steady::now();
              batch_screening out;
              out.generation = st.generation;
              out.threshold = st.options.threshold;
              for (auto& [name, version] : st.versions)
                out.lists.push_back(list_version{name, version});
              for (auto& q : qs) {
                subject_hits s;
                auto r = idx->screen(q);
                if (!r) {
                  st.metrics.invalid->Increment();
                  s.error_field = r.error().field;
                  s.error = r.error().message;
                } else {
                  (r->hits.empty() ? st.metrics.clear : st.metrics.hit)->Increment();
                  st.metrics.count_hits(r->hits);
                  for (auto& h : r->hits) {
                    auto* e = idx->find_entity(h.list, h.entity_id);
                    s.fingerprints.push_back(e ? entity_fingerprint(*e) : std::string{});
                  }
                  s.hits = std::move(r->hits);
                }
                out.subjects.push_back(std::move(s));
              }
              st.metrics.batch_seconds->Observe(
                  std::chrono::duration<double>(steady::now() - started).count());
              return out;
            },
            [self](compare_atom, const std::string& a, const std::string& b,
                   const std::string& type) -> caf::result<screening::comparison> {
              auto& st = self->state;
              auto idx = st.holder.current();
              if (!idx)
                return no_lists(st);
              auto started = steady::now();
              std::optional<std::string> t;
              if (!type.empty())
                t = type;
              auto r = idx->compare(a, b, t);
              st.metrics.compare_seconds->Observe(
                  std::chrono::duration<double>(steady::now() - started).count());
              if (!r)
                return invalid(r.error());
              return std::move(r.value());
            },
            [self](generation_atom) -> caf::result<std::string> {
              auto& st = self->state;
              if (!st.holder.current())
                return no_lists(st);
              return st.generation;
            },
            [self](list_atom, const principal& who) -> caf::result<lists_status> {
              auto& st = self->state;
              lists_status out;
              bool op = who.is_operator();
              out.threshold = st.options.threshold;
              out.reloading = st.reloading;
              out.has_last_reload = st.has_last;
              if (st.has_last) {
                out.last_reload = st.last;
                if (!op) {
                  // A tenant learns that a reload failed, not the node's file system
                  // or where the lists come from.
                  for (auto& d : out.last_reload.downloads) {
                    d.url.clear();
                    if (!d.error.empty())
                      d.error = "the download failed";
                  }
                  for (auto& f : out.last_reload.failures) {
                    f.file.clear();
                    f.line = 0;
                    f.message = "the list could not be loaded";
                  }
                  if (!out.last_reload.error_file.empty()) {
                    out.last_reload.error_file.clear();
                    out.last_reload.error_line = 0;
                    out.last_reload.error_message = "the lists could not be reloaded";
                  }
                }
              }
              if (st.refresh_interval.count() > 0 && !st.plan.empty())
                out.next_refresh_at = format_utc(st.next_refresh);
              out.failing = st.failing;
              if (st.next_retry != system_clock::time_point{})
                out.next_retry_at = format_utc(st.next_retry);
              if (!op)
                for (auto& f : out.failing) {
                  // Which list is out, not where the node reads it from.
                  f.file.clear();
                  f.line = 0;
                  f.message = "the list could not be loaded";
                }
              if (auto idx = st.holder.current()) {
                out.generation = st.generation;
                for (auto& m : idx->lists())
                  out.lists.push_back(describe(st, m, op));
                auto& s = idx->statistics();
                out.index_entities = s.entities;
                out.index_names = s.names;
                out.index_terms = s.terms;
                out.index_build_seconds = st.build_seconds;
              }
              auto rp = self->make_response_promise<lists_status>();
              auto tenant = op ? base::uuid{} : who.tenant_id;
              self->request(st.monitor, std::chrono::seconds(5), progress_atom::value,
                            tenant)
                  .then(
                      [rp, out](monitor_progress& m) mutable {
                        out.monitoring = std::move(m);
                        rp.deliver(std::move(out));
                      },
                      [rp, out](caf::error&) mutable {
                        out.monitoring.status = "unknown";
                        rp.deliver(std::move(out));
                      });
              return rp;
            },
            [self](reload_atom,
                   const std::string& trigger) -> caf::result<reload_report> {
              auto rp = self->make_response_promise<reload_report>();
              request_reload(self, trigger, rp);
              return rp;
            },
            [self](refresh_atom) {
              request_reload(self, "schedule", std::nullopt);
              schedule_refresh(self);
            },
            [self](health_atom) -> readiness_check {
              auto& st = self->state;
              readiness_check c{"screening", true, {}, false};
              auto idx = st.holder.current();
              if (st.plan.empty()) {
                c.detail = "no sanctions lists are configured";
                return c;
              }
              std::string failing;
              for (auto& f : st.failing)
                failing += (failing.empty() ? "" : ", ") + f.list +
                           (f.serving_previous ? " (previous version serving)" : "");
              if (!idx) {
                c.degraded = true;
                c.detail = st.reloading && !st.has_last
                               ? "the lists are loading"
                               : "no list is loaded; failing: " + failing;
              } else {
                c.detail = std::to_string(idx->lists().size()) + " lists loaded";
                if (!failing.empty()) {
                  c.degraded = true;
                  c.detail += "; failing: " + failing;
                }
              }
              if (c.degraded && st.next_retry != system_clock::time_point{})
                c.detail += "; next attempt " + format_utc(st.next_retry);
              return c;
            },
            [self](tick_atom, uint64_t seq) {
              if (seq == self->state.retry_seq)
                request_reload(self, "retry", std::nullopt);
            },
        };
      },
      std::move(p), std::move(downloader));
}

} // namespace kyb::actors

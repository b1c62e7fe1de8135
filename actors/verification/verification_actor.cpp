#include "actors/verification/verification_actor.hpp"

#include <chrono>
#include <set>

#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_actor.hpp"
#include "actors/entity/entity_lifecycle.hpp"
#include "actors/row_columns.hpp"
#include "actors/verification/verification_services.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using nlohmann::json;

/// After a write that failed for a reason other than fencing (the database was away),
/// the run continues after this long (the resumer would also wake it).
constexpr auto retry_after = std::chrono::seconds(2);

struct verification_metrics {
  base::counter_family* completed;
  base::histogram_family* duration;
};

verification_metrics make_metrics() {
  auto& reg = base::metrics_registry::global();
  return {&reg.counter("kyb_business_verifications_total",
                       "Business verifications completed (result: pass, review, fail, "
                       "cancelled; verification_type: full when every check ran, "
                       "partial otherwise)",
                       {"result", "tenant_id", "verification_type"}),
          &reg.histogram("kyb_verification_duration_seconds",
                         "From a verification's creation to its verdict", {},
                         {0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600})};
}

struct verification_state {
  static inline const char* name = "kyb.verification";

  platform_ptr p;
  base::uuid id;
  entity_lifecycle life;
  entity_lease lease;
  /// The verification (null: none, while life.loaded()).
  std::unique_ptr<verification_data> v;
  /// Steps whose begin write or call is out, in this incarnation.
  std::set<std::string> in_flight;
  bool starting = false;  ///< the pending -> running write is out
  bool finishing = false; ///< the verdict is being made and stored
  bool retry_scheduled = false;
  /// A write found the rows not as remembered (another writer was here): the state is
  /// read again once the write ends.
  bool stale = false;
  verification_metrics metrics = make_metrics();
};

using self_ptr = verification_actor::stateful_pointer<verification_state>;

bool unfinished_step(const verification_step_data& s) {
  return s.status == "pending" || s.status == "running";
}

/// Who the steps act as: the key that asked for the verification, with read and write
/// scope (what a verification needs; its creation required write).
request_meta step_meta(const verification_data& v) {
  request_meta meta;
  meta.who.tenant_id = v.tenant_id;
  meta.who.key_id = v.key_id;
  meta.who.region = v.region;
  meta.who.scopes = scope_read | scope_write;
  meta.request_id = "verification:" + v.id.to_string();
  return meta;
}

void advance(self_ptr self);

/// Continue later (a write failed for a passing reason).
void retry_later(self_ptr self) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, retry_after, resume_verification_atom::value);
}

/// A write of the run: queued as the lifecycle's write, fenced by the shard's lease.
/// A fenced write means another node owns the verification now: this actor stops.
void write(self_ptr self, pg_batch batch, std::function<void(std::vector<pg_rows>&)> ok,
           std::function<void(const caf::error&)> fail) {
  self->state.life.when_ready(
      true,
      [self, batch = std::move(batch), ok, fail]() mutable {
        auto& st = self->state;
        st.life.begin_write();
        run_fenced(
            self, *st.p, st.lease, std::move(batch),
            [self, ok](std::vector<pg_rows>& res) {
              auto& st = self->state;
              ok(res);
              if (!st.stale) {
                st.life.end_write();
                return;
              }
              st.stale = false;
              st.life.end_write_unknown();
              st.life.when_ready(
                  false, [self] { advance(self); }, [] {});
            },
            [self, fail](caf::error& err) {
              auto& st = self->state;
              fail(err);
              if (code_of(err) == errc::fenced) {
                base::log_info("verification.fenced", {{"id", st.id.to_string()}});
                st.life.end_write_unknown();
                self->quit();
                return;
              }
              st.life.end_write_unknown();
            });
      },
      [fail] {
        fail(make_error(errc::unavailable, "the verification could not be loaded"));
      });
}

void load(self_ptr self) {
  auto& st = self->state;
  pg_batch batch;
  add(batch, q::verification_get, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        auto rows = decode_verification_rows(res.at(0));
        st.v = rows.empty() ? nullptr
                            : std::make_unique<verification_data>(std::move(rows[0]));
        st.life.load_succeeded();
        advance(self);
      },
      [self](caf::error& err) { self->state.life.load_failed(err); });
}

// -- steps ------------------------------------------------------------------------------

/// Stores how step `name` ended (unless the verification was cancelled meanwhile) and
/// moves on.
void finish_step(self_ptr self, const std::string& name, const std::string& status,
                 std::string summary, std::string error) {
  auto& st = self->state;
  if (!st.v || st.v->status != "running") {
    st.in_flight.erase(name);
    return;
  }
  pg_batch batch;
  add(batch, q::verification_step_finish,
      {val(st.id), val(name), val(status), val(summary),
       error.empty() ? null_value() : val(error)});
  write(
      self, std::move(batch),
      [self, name, status, summary, error](std::vector<pg_rows>& res) {
        auto& st = self->state;
        st.in_flight.erase(name);
        if (res.at(0).rows.empty())
          st.stale = true;
        else if (auto* s = st.v->step(name)) {
          s->status = status;
          s->summary_json = summary;
          s->error_json = error;
          row_columns c(res[0]);
          s->finished_at = col(res[0].rows[0], c["finished_at"]);
          s->duration_ms = int64_col(res[0].rows[0], c["duration_ms"]);
        }
        advance(self);
      },
      [self, name](const caf::error&) {
        self->state.in_flight.erase(name);
        retry_later(self);
      });
}

/// How a step's call ended: `skip_codes` are errors that mean the step cannot apply
/// (skipped with the error's detail), every other error fails it.
template <class T>
auto on_step(self_ptr self, std::string name,
             std::function<std::string(const T&)> summarize,
             std::vector<errc> skip_codes) {
  return std::make_pair(
      [self, name, summarize](T& r) {
        finish_step(self, name, "succeeded", summarize(r), "");
      },
      [self, name, skip_codes](caf::error& err) {
        auto code = code_of(err);
        for (auto c : skip_codes)
          if (c == code) {
            finish_step(self, name, "skipped", skipped_summary(detail_of(err)), "");
            return;
          }
        if (err == caf::sec::request_timeout)
          err = make_error(errc::timeout, "the " + name +
                                              " step took longer than "
                                              "verification.step_timeout");
        finish_step(self, name, "failed", "{}", error_summary(err));
      });
}

void call_step(self_ptr self, const std::string& name) {
  auto& st = self->state;
  auto& v = *st.v;
  auto meta = step_meta(v);
  auto timeout = st.p->settings.verification.step_timeout;
  auto& svc = *st.p->verification;
  auto skip = [self, name](const std::string& why) {
    finish_step(self, name, "skipped", skipped_summary(why), "");
  };
  auto business = caf::actor_cast<business_actor>(
      st.p->directory->resolve(business_entity, v.business_id));
  if (!business) {
    finish_step(self, name, "failed", "{}",
                error_summary(make_error(errc::unavailable,
                                         "no node serves the business now (no quorum)")));
    return;
  }
  if (name == "registry") {
    registry_request req;
    req.service = svc.registry->get();
    if (!req.service)
      return skip("registry lookups are not available on this node");
    auto [ok, fail] = on_step<business_registry>(
        self, name, [](const business_registry& r) { return registry_summary(r); },
        {errc::unprocessable});
    // A lookup whose every registry failed to answer is a failed step (the check was
    // not made); one registry answering is enough.
    self->request(business, timeout, lookup_registry_atom::value, meta, req)
        .then(
            [self, name, ok = ok](business_registry& r) mutable {
              bool answered = false;
              std::string first_error;
              if (r.lookups)
                for (const auto& l : *r.lookups) {
                  answered = answered || l.report.outcome != "failed";
                  if (l.report.outcome == "failed" && first_error.empty())
                    first_error = l.report.registry + " did not answer";
                }
              if (!answered)
                finish_step(
                    self, name, "failed", registry_summary(r),
                    error_summary(make_error(errc::unavailable,
                                             first_error.empty() ? "no registry answered"
                                                                 : first_error)));
              else
                ok(r);
            },
            fail);
  } else if (name == "website") {
    website_request req;
    req.service = svc.website->get();
    if (!req.service)
      return skip("website analysis is not available on this node");
    auto [ok, fail] = on_step<business_website>(
        self, name, [](const business_website& w) { return website_summary(w); },
        {errc::invalid_argument});
    self->request(business, timeout, analyse_website_atom::value, meta, req)
        .then(ok, fail);
  } else if (name == "classification") {
    auto classifier = svc.classification->get();
    if (!classifier)
      return skip("industry classification is not available on this node (no model)");
    auto [ok, fail] = on_step<business_classification>(
        self, name,
        [](const business_classification& c) { return classification_summary(c); }, {});
    self->request(business, timeout, classify_atom::value, meta, classifier,
                  svc.classification_model_version)
        .then(ok, fail);
  } else if (name == "screening") {
    auto screening = svc.screening->get();
    if (!screening)
      return skip("sanctions screening is not available on this node");
    auto [ok, fail] = on_step<business_screening>(
        self, name, [](const business_screening& s) { return screening_summary(s); }, {});
    self->request(business, timeout, screen_atom::value, meta, screen_request{"api"},
                  screening)
        .then(ok, fail);
  } else if (name == "risk") {
    risk_request req;
    req.assessment_type = "verification";
    req.screening = svc.screening->get();
    req.classification = svc.classification->get();
    req.classification_model_version = svc.classification_model_version;
    auto [ok, fail] = on_step<business_risk>(
        self, name, [](const business_risk& r) { return risk_summary(r); }, {});
    self->request(business, timeout, assess_atom::value, meta, req).then(ok, fail);
  }
}

/// Marks step `name` running (stored) and calls it.
void start_step(self_ptr self, const std::string& name) {
  auto& st = self->state;
  st.in_flight.insert(name);
  pg_batch batch;
  add(batch, q::verification_step_begin, {val(st.id), val(name)});
  write(
      self, std::move(batch),
      [self, name](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty() || !st.v || st.v->status != "running") {
          st.in_flight.erase(name); // cancelled or finished meanwhile
          st.stale = true;
          return;
        }
        if (auto* s = st.v->step(name)) {
          s->status = "running";
          row_columns c(res[0]);
          s->started_at = col(res[0].rows[0], c["started_at"]);
          s->attempts = int_col(res[0].rows[0], c["attempts"]);
        }
        call_step(self, name);
      },
      [self, name](const caf::error&) {
        self->state.in_flight.erase(name);
        retry_later(self);
      });
}

/// Whether step `name` may start: classification waits for the website's text, risk
/// for every other step.
bool may_start(const verification_data& v, const std::string& name) {
  auto done = [&](const char* other) {
    for (const auto& s : v.steps)
      if (s.step == other)
        return !unfinished_step(s);
    return true;
  };
  if (name == "classification")
    return done("website");
  if (name == "risk")
    return done("registry") && done("website") && done("classification") &&
           done("screening");
  return true;
}

// -- the verdict ------------------------------------------------------------------------

void store_verdict(self_ptr self, const verification::verification_policy& policy,
                   std::string policy_note) {
  auto& st = self->state;
  auto& v = *st.v;
  auto verdict = verification::decide(policy, facts_of(v));
  auto reasons = verification::reasons_json(verdict.reasons);
  json payload = {{"verification_id", v.id.to_string()},
                  {"business_id", v.business_id.to_string()},
                  {"status", "completed"},
                  {"verdict", verdict.result},
                  {"reasons", reasons},
                  {"policy_version", v.policy_version}};
  auto event_id = base::uuid::make_v7();
  pg_batch batch;
  add(batch, q::verification_complete,
      {val(st.id), val(verdict.result), val(reasons.dump()), val(event_id),
       val(payload.dump()), val_bool(v.webhook)});
  json details = {{"verdict", verdict.result},
                  {"reasons", verdict.reasons.size()},
                  {"policy_version", v.policy_version}};
  if (!policy_note.empty())
    details["policy_note"] = policy_note;
  add_audit(batch, v.tenant_id, v.region, "system:verification", "verification.complete",
            "verification", v.id.to_string(), "verification:" + v.id.to_string(),
            details.dump());
  write(
      self, std::move(batch),
      [self, verdict, reasons](std::vector<pg_rows>& res) {
        auto& st = self->state;
        st.finishing = false;
        if (res.at(0).rows.empty()) { // completed or cancelled elsewhere: read it again
          st.stale = true;
          return;
        }
        auto& row = res[0].rows[0];
        row_columns c(res[0]);
        auto& v = *st.v;
        v.status = "completed";
        v.verdict = verdict.result;
        v.reasons_json = reasons.dump();
        v.completed_at = col(row, c["completed_at"]);
        bool full = v.checks.size() == verification::step_count;
        st.metrics.completed
            ->with({verdict.result, v.tenant_id.to_string(), full ? "full" : "partial"})
            .Increment();
        if (auto secs = opt_double(row, c["duration_seconds"]))
          st.metrics.duration->with({}).Observe(*secs);
        base::log_info("verification.completed",
                       {{"id", v.id.to_string()},
                        {"business_id", v.business_id.to_string()},
                        {"verdict", verdict.result}});
      },
      [self](const caf::error&) {
        self->state.finishing = false;
        retry_later(self);
      });
}

/// Every step ended: reads the policy version the verification is judged by and
/// stores the verdict.
void finish(self_ptr self) {
  auto& st = self->state;
  st.finishing = true;
  auto version = st.v->policy_version;
  if (version == 0) {
    store_verdict(self, verification::default_policy(), "");
    return;
  }
  pg_batch batch;
  add(batch, q::verification_policy_get, {val(st.v->tenant_id), val_int(version)});
  run_batch(
      self, *st.p, std::move(batch),
      [self, version](std::vector<pg_rows>& res) {
        auto doc = decode_policy_row(res.at(0));
        auto parsed =
            verification::parse_policy_text(doc.document, verification::default_policy());
        if (res[0].rows.empty() || !parsed) {
          // Stored versions were validated when stored; one that no longer reads is
          // judged by the defaults, and the audit row says so.
          store_verdict(self, verification::default_policy(),
                        "policy version " + std::to_string(version) +
                            " could not be read; the defaults applied");
          return;
        }
        store_verdict(self, *parsed.policy, "");
      },
      [self](caf::error&) {
        self->state.finishing = false;
        retry_later(self);
      });
}

/// Moves the run on: starts what may start, and the verdict once every step ended.
void advance(self_ptr self) {
  auto& st = self->state;
  if (!st.life.loaded() || !st.v || st.v->finished() || st.finishing)
    return;
  auto& v = *st.v;
  if (v.status == "pending") {
    if (st.starting)
      return;
    st.starting = true;
    pg_batch batch;
    add(batch, q::verification_start, {val(st.id)});
    write(
        self, std::move(batch),
        [self](std::vector<pg_rows>& res) {
          auto& st = self->state;
          st.starting = false;
          if (!res.at(0).rows.empty() && st.v && st.v->status == "pending") {
            st.v->status = "running";
            st.v->started_at = col(res[0].rows[0], row_columns(res[0])["started_at"]);
          }
          advance(self);
        },
        [self](const caf::error&) {
          self->state.starting = false;
          retry_later(self);
        });
    return;
  }
  bool all_done = true;
  for (const auto& s : v.steps) {
    if (!unfinished_step(s))
      continue;
    all_done = false;
    if (!st.in_flight.count(s.step) && may_start(v, s.step))
      start_step(self, s.step);
  }
  if (all_done && st.in_flight.empty())
    finish(self);
}

// -- requests ---------------------------------------------------------------------------

template <class Promise>
bool visible_to(const verification_state& st, const request_meta& meta, Promise& rp) {
  if (!st.v || st.v->tenant_id != meta.who.tenant_id) {
    rp.deliver(make_error(errc::not_found, "no such verification"));
    return false;
  }
  return true;
}

void create(self_ptr self, caf::typed_response_promise<verification_data> rp,
            const request_meta& meta, const verification_input& in) {
  auto& st = self->state;
  if (st.v) {
    rp.deliver(make_error(errc::conflict, "the verification exists"));
    return;
  }
  st.life.begin_write();
  auto business = caf::actor_cast<business_actor>(
      st.p->directory->resolve(business_entity, in.business_id));
  auto fail = [self, rp](const caf::error& err) mutable {
    rp.deliver(err);
    self->state.life.end_write();
  };
  if (!business) {
    fail(make_error(errc::unavailable, "no node serves the business now; retry"));
    return;
  }
  self->request(business, st.p->settings.http.request_timeout, get_atom::value, meta,
                uint8_t{0})
      .then(
          [self, rp, meta, in, fail](business_view& b) mutable {
            auto& st = self->state;
            const auto& rec = b.record();
            auto v = std::make_unique<verification_data>();
            v->id = st.id;
            v->tenant_id = rec.tenant_id;
            v->region = rec.region;
            v->business_id = rec.id;
            v->status = "pending";
            v->checks = in.checks;
            v->webhook = in.webhook;
            v->created_by = meta.who.audit_actor();
            v->key_id = meta.who.key_id;
            std::string checks_literal = "{";
            for (size_t i = 0; i < in.checks.size(); ++i)
              checks_literal += (i ? "," : "") + in.checks[i];
            checks_literal += "}";
            pg_batch batch;
            add(batch, q::verification_insert,
                {val(st.id), val(v->tenant_id), val(v->region), val(v->business_id),
                 val(checks_literal), val_bool(v->webhook), val(v->created_by),
                 val(v->key_id), val(meta.request_id)});
            for (size_t i = 0; i < verification::step_count; ++i) {
              std::string name = verification::step_names[i];
              verification_step_data s;
              s.step = name;
              bool asked = false;
              for (auto& c : in.checks)
                asked = asked || c == name;
              if (!asked) {
                s.status = "skipped";
                s.summary_json = skipped_summary("not requested");
              }
              add(batch, q::verification_step_insert,
                  {val(base::uuid::make_v7()), val(st.id), val(v->tenant_id),
                   val(v->region), val(name), val_int(static_cast<int64_t>(i)),
                   val(s.status), val(s.summary_json)});
              v->steps.push_back(std::move(s));
            }
            json details = {{"business_id", v->business_id.to_string()},
                            {"checks", in.checks},
                            {"webhook", in.webhook}};
            add_audit(batch, v->tenant_id, v->region, v->created_by,
                      "verification.create", "verification", st.id.to_string(),
                      meta.request_id, details.dump());
            run_fenced(
                self, *st.p, st.lease, std::move(batch),
                [self, rp, v = std::shared_ptr<verification_data>(std::move(v))](
                    std::vector<pg_rows>& res) mutable {
                  auto& st = self->state;
                  row_columns c(res.at(0));
                  v->policy_version = int_col(res.at(0).rows.at(0), c["policy_version"]);
                  v->created_at = col(res[0].rows[0], c["created_at"]);
                  st.v = std::make_unique<verification_data>(*v);
                  rp.deliver(*st.v);
                  st.life.end_write();
                  advance(self);
                },
                [fail](caf::error& err) mutable {
                  if (sqlstate_of(err) == "23505")
                    err = make_error(errc::conflict, "the verification exists");
                  fail(err);
                });
          },
          [fail](caf::error& err) mutable { fail(err); });
}

void cancel(self_ptr self, caf::typed_response_promise<verification_data> rp,
            const request_meta& meta) {
  auto& st = self->state;
  if (!visible_to(st, meta, rp))
    return;
  if (st.v->finished()) {
    rp.deliver(
        make_error(errc::conflict, "the verification is " + st.v->status + " already"));
    return;
  }
  st.life.begin_write();
  pg_batch batch;
  add(batch, q::verification_cancel, {val(st.id)});
  add_audit(batch, st.v->tenant_id, st.v->region, meta.who.audit_actor(),
            "verification.cancel", "verification", st.id.to_string(), meta.request_id,
            "{}");
  run_fenced(
      self, *st.p, st.lease, std::move(batch),
      [self, rp](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          rp.deliver(make_error(errc::conflict, "the verification finished already"));
          st.life.end_write_unknown(); // read it again
          return;
        }
        auto& v = *st.v;
        v.status = "cancelled";
        v.cancelled_at = col(res[0].rows[0], row_columns(res[0])["cancelled_at"]);
        for (auto& s : v.steps)
          if (unfinished_step(s)) {
            s.status = "skipped";
            s.finished_at = v.cancelled_at;
            s.summary_json = skipped_summary("cancelled");
          }
        bool full = v.checks.size() == verification::step_count;
        st.metrics.completed
            ->with({"cancelled", v.tenant_id.to_string(), full ? "full" : "partial"})
            .Increment();
        rp.deliver(v);
        st.life.end_write();
      },
      [self, rp](caf::error& err) mutable {
        rp.deliver(err);
        self->state.life.end_write_unknown();
      });
}

} // namespace

verification_actor spawn_verification_actor(caf::actor_system& sys, platform_ptr p,
                                            const base::uuid& id) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         base::uuid id) -> verification_actor::behavior_type {
        auto& st = self->state;
        st.p = p;
        st.id = id;
        st.lease.shard = p->directory->shard_of(verification_entity, id);
        st.life = entity_lifecycle({[self] { load(self); },
                                    [self](const caf::error& err) { self->quit(err); },
                                    [self] {
                                      // A running verification is work in hand: it is not
                                      // passivated (a shard move fences its next write).
                                      auto& st = self->state;
                                      return !st.in_flight.empty() || st.starting ||
                                             st.finishing || (st.v && !st.v->finished());
                                    }});
        return {
            [self](create_atom, const request_meta& meta,
                   const verification_input& in) -> caf::result<verification_data> {
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "verifying a business needs the 'write' scope");
              auto rp = self->make_response_promise<verification_data>();
              self->state.life.when_ready(
                  rp, true,
                  [self, rp, meta, in]() mutable { create(self, rp, meta, in); },
                  "verification");
              return rp;
            },
            [self](get_atom, const request_meta& meta) -> caf::result<verification_data> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading verifications needs the 'read' scope");
              auto rp = self->make_response_promise<verification_data>();
              self->state.life.when_ready(
                  rp, false,
                  [self, rp, meta]() mutable {
                    if (visible_to(self->state, meta, rp))
                      rp.deliver(*self->state.v);
                  },
                  "verification");
              return rp;
            },
            [self](cancel_verification_atom,
                   const request_meta& meta) -> caf::result<verification_data> {
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "cancelling a verification needs the 'write' scope");
              auto rp = self->make_response_promise<verification_data>();
              self->state.life.when_ready(
                  rp, true, [self, rp, meta]() mutable { cancel(self, rp, meta); },
                  "verification");
              return rp;
            },
            [self](resume_verification_atom) {
              self->state.retry_scheduled = false;
              self->state.life.when_ready(
                  false, [self] { advance(self); }, [] {});
            },
            [self](runtime::passivate_atom) { self->state.life.passivate(); },
        };
      },
      std::move(p), id);
}

// -- the resumer
// --------------------------------------------------------------------------

namespace {

struct resumer_state {
  static inline const char* name = "kyb.verification_resumer";
  platform_ptr p;
  bool reading = false;
};

using resumer_ptr = verification_resumer_actor::stateful_pointer<resumer_state>;

constexpr int64_t resume_page = 500;

} // namespace

verification_resumer_actor spawn_verification_resumer(caf::actor_system& sys,
                                                      platform_ptr p) {
  return sys.spawn(
      [](resumer_ptr self, platform_ptr p) -> verification_resumer_actor::behavior_type {
        self->state.p = p;
        self->send(self, tick_atom::value);
        return {
            [self](tick_atom) {
              auto& st = self->state;
              self->delayed_send(self, st.p->settings.verification.resume_interval,
                                 tick_atom::value);
              if (st.reading)
                return;
              st.reading = true;
              pg_batch batch;
              add(batch, q::verifications_unfinished, {val_int(resume_page)});
              run_batch(
                  self, *st.p, std::move(batch),
                  [self](std::vector<pg_rows>& res) {
                    auto& st = self->state;
                    st.reading = false;
                    row_columns c(res.at(0));
                    for (const auto& row : res.at(0).rows) {
                      // Written in the write region of its tenant's residency only.
                      if (!st.p->writes_here(col(row, c["region"])))
                        continue;
                      auto id = uuid_col(row, c["id"]);
                      if (auto a =
                              st.p->directory->resolve_local(verification_entity, id))
                        caf::anon_send(caf::actor_cast<verification_actor>(a),
                                       resume_verification_atom::value);
                    }
                  },
                  [self](caf::error& err) {
                    self->state.reading = false;
                    base::log_warn("verification.resume_read_failed",
                                   {{"error", detail_of(err)}});
                  });
            },
        };
      },
      std::move(p));
}

} // namespace kyb::actors

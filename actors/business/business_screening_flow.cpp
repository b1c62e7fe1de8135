// The business actor's sanctions screening flow
// (actors/screening/business_screening.hpp): screen the committed names and owners
// through the screening actor, store the result with its audit row in the write slot,
// cache it for the sanctions TTL.
#include <cassert>

#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

/// Called with the stored screening, or the error that stopped it.
using screening_done = std::function<void(caf::expected<business_screening>)>;

/// The business's cached screenings.
runtime::ttl_cache<business_screening>& screening_cache(business_state& st) {
  return cache_in(st.derived().screenings, runtime::cache_type::sanctions_screening);
}

void count_screening(const std::string& trigger, const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_screening_business_screenings_total",
      "Screenings of stored businesses (legal name, DBA, owners) by trigger and outcome",
      {"trigger", "outcome"});
  family.with({trigger, outcome}).Increment();
}

/// Screens the committed state now and stores the result with its audit row; `done`
/// runs after the commit. The caller holds the write slot (asserted).
void run_screening(self_ptr self, screening_actor screening, const std::string& trigger,
                   const request_meta& meta, screening_done done) {
  auto& st = self->state;
  assert(st.life.writing());
  auto rec = record_of(st);
  auto timeout = st.p->settings.http.request_timeout;
  pg_batch reads;
  add(reads, q::screening_decisions_of_business, {val(rec.id), val(rec.tenant_id)});
  add(reads, q::screening_raised_of_latest, {val(rec.id), val(rec.tenant_id)});
  run_batch(
      self, *st.p, std::move(reads),
      [self, screening, trigger, meta, done, rec, timeout](std::vector<pg_rows>& res) {
        auto decisions = decode_decisions(res.at(0));
        auto raised = decode_raised(res.at(1));
        self->request(screening, timeout, screen_atom::value, screening_queries(rec))
            .then(
                [self, trigger, meta, done, rec, decisions, raised](batch_screening& b) {
                  auto data = std::make_shared<business_screening_data>(
                      assemble_screening(rec, screening_subjects(rec), b, decisions,
                                         raised, trigger, base::utc_timestamp()));
                  pg_batch batch;
                  add_screening_rows(batch, *data);
                  auto actor = trigger == "api" ? meta.who.audit_actor()
                                                : "system:screening-" + trigger;
                  nlohmann::json details = {{"screening_id", data->id.to_string()},
                                            {"trigger", trigger},
                                            {"outcome", data->outcome},
                                            {"hits", data->hit_count},
                                            {"raised", data->raised_count},
                                            {"new", data->new_count},
                                            {"generation", data->generation}};
                  add_audit(batch, rec.tenant_id, rec.region, actor, "business.screen",
                            "business", rec.id.to_string(), meta.request_id,
                            details.dump());
                  // Ongoing monitoring raised new hits: screening.hit_created for the
                  // tenant's webhooks, in the same transaction.
                  if (trigger == "monitoring" && data->new_count > 0) {
                    auto hits = nlohmann::json::array();
                    for (const auto& h : data->hits)
                      if (h.raised && h.is_new)
                        hits.push_back({{"hit_id", h.id.to_string()},
                                        {"subject_kind", h.subject_kind},
                                        {"subject_name", h.subject_name},
                                        {"list", h.list},
                                        {"entity_id", h.entity_id},
                                        {"matched_name", h.matched_name},
                                        {"score", h.score}});
                    nlohmann::json payload = {{"business_id", rec.id.to_string()},
                                              {"screening_id", data->id.to_string()},
                                              {"generation", data->generation},
                                              {"hits", hits}};
                    add(batch, q::outbox_event_insert,
                        {val(base::uuid::make_v7()), val(rec.tenant_id), val(rec.region),
                         val("screening.hit_created"), val("business"), val(rec.id),
                         val(payload.dump()), val(data->screened_at)});
                  }
                  auto key = screening_cache_key(data->generation, rec);
                  auto& st = self->state;
                  run_fenced(
                      self, *st.p, st.lease, std::move(batch),
                      [self, data, key, trigger, done](std::vector<pg_rows>&) {
                        business_screening out{data, false};
                        screening_cache(self->state)
                            .put(key, out, std::chrono::steady_clock::now());
                        count_screening(trigger, data->outcome);
                        risk_inputs_changed(self);
                        done(std::move(out));
                      },
                      [trigger, done](caf::error& err) {
                        count_screening(trigger, "failed");
                        done(err);
                      });
                },
                [trigger, done](caf::error& err) {
                  count_screening(trigger, "failed");
                  done(err);
                });
      },
      [trigger, done](caf::error& err) {
        count_screening(trigger, "failed");
        done(err);
      });
}

/// A proactive refresh of a cached screening.
void refresh_screening(self_ptr self, screening_actor screening, std::string key) {
  queue_refresh(self, &screening_cache, std::move(key), "screening-refresh",
                [self, screening](const request_meta& meta, screening_done done) {
                  run_screening(self, screening, "refresh", meta, std::move(done));
                });
}

void do_screen(self_ptr self, caf::typed_response_promise<business_screening> rp,
               const request_meta& meta, const screen_request& req,
               screening_actor screening) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.life.begin_write(); // one screening or write of this business at a time
  auto finish = answer_then_end_write(self, rp);
  self->request(screening, st.p->settings.http.request_timeout, generation_atom::value)
      .then(
          [self, screening, req, meta, finish](std::string& generation) mutable {
            auto& st = self->state;
            auto key = screening_cache_key(generation, record_of(st));
            auto found = screening_cache(st).get(key, std::chrono::steady_clock::now());
            if (found.value) {
              business_screening cached = *found.value;
              cached.cached = true;
              bool refresh = found.refresh_due;
              finish(std::move(cached));
              if (refresh)
                refresh_screening(self, screening, key);
              return;
            }
            run_screening(self, screening, req.trigger, meta, finish);
          },
          [finish](caf::error& err) mutable { finish(err); });
}

} // namespace

void screen_now(self_ptr self, screening_actor screening, const std::string& trigger,
                const request_meta& meta, screening_done done) {
  run_screening(self, std::move(screening), trigger, meta, std::move(done));
}

void forget_screenings(business_state& st) {
  if (auto* d = st.derived_if_made())
    clear_cache(d->screenings);
}

caf::result<business_screening> screen(self_ptr self, const request_meta& meta,
                                       const screen_request& req,
                                       const screening_actor& screening) {
  auto rp = self->make_response_promise<business_screening>();
  if (req.trigger == "api" && !meta.who.has(scope_write))
    return make_error(errc::forbidden,
                      "screening a business stores the result: it needs the "
                      "'write' scope");
  when_ready(self, rp, true, [self, rp, meta, req, screening] {
    do_screen(self, rp, meta, req, screening);
  });
  return rp;
}

caf::result<business_screening> latest_screening(self_ptr self,
                                                 const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_screening>(
      self, meta, "reading screenings needs the 'read' scope",
      "the business has not been screened yet",
      [&st](pg_batch& batch) {
        add(batch, q::screening_result_latest, {val(st.id), val(tenant_of(st))});
        add(batch, q::screening_hits_of_latest, {val(st.id), val(tenant_of(st))});
      },
      [](std::vector<pg_rows>& res) -> std::optional<business_screening> {
        auto s = decode_stored_screening(res.at(0), res.at(1));
        if (!s)
          return std::nullopt;
        return business_screening{
            std::make_shared<const business_screening_data>(std::move(*s)), false};
      });
}

} // namespace kyb::actors::business_internal

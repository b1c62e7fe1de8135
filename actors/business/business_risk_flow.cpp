// The business actor's risk assessment flow (actors/risk/business_risk.hpp): read the
// tenant's current rules from its tenant actor, the latest stored screening and
// classification (computing a missing one first when the caller can), score them with
// the node's risk engine, and store the assessment with its audit row, and a
// risk.level_changed event when the level moved, in one transaction in the write slot.
// Cached for the risk TTL (24 h) under the rules and reference versions; any
// change of an input clears the cache and asks the node's risk monitor for a background
// re-assessment (risk_inputs_changed).
#include <cassert>

#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "actors/risk/risk_messages.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

using risk_done = std::function<void(caf::expected<business_risk>)>;

runtime::ttl_cache<business_risk>& risk_cache(business_state& st) {
  return cache_in(st.derived().risks, runtime::cache_type::risk_assessment);
}

/// The cache key: an assessment holds while nothing in the actor changed (a change
/// clears the cache) and the rules and reference data are the ones it was made with.
std::string risk_cache_key(int32_t rules_version, const std::string& reference_version) {
  return std::to_string(rules_version) + "|" + reference_version;
}

void count_assessment(const business_risk_data& r, double seconds) {
  static auto& total = base::metrics_registry::global().counter(
      "kyb_risk_assessments_total", "Total risk assessments performed",
      {"risk_level", "tenant_id", "assessment_type"});
  static auto& duration = base::metrics_registry::global().histogram(
      "kyb_risk_assessment_duration_seconds",
      "Time to assess a business's risk: rules, stored inputs (or computing missing "
      "ones), scoring and the commit",
      {"assessment_type"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  total.with({r.level, r.tenant_id.to_string(), r.assessment_type}).Increment();
  duration.with({r.assessment_type}).Observe(seconds);
}

/// One assessment in the making.
struct assess_ctx {
  request_meta meta;
  risk_request req;
  bool force = false; ///< A proactive refresh: store a new one even if nothing changed.
  risk_rules_version rules_doc;
  std::shared_ptr<const risk::risk_reference> reference;
  std::shared_ptr<const risk::risk_rules> rules;
  std::optional<business_screening_data> screening;
  std::string screening_note;
  std::optional<business_classification_data> classification;
  std::string classification_note;
  std::optional<risk_sources::website_source> website;
  std::string website_note;
  std::vector<risk_sources::registry_source> registry;
  std::string registry_note;
  std::optional<stored_risk> previous;
  std::vector<std::string> computed;
  clock::time_point started = clock::now();
  risk_done done;
};

using ctx_ptr = std::shared_ptr<assess_ctx>;

/// The assessment's date: today in UTC.
risk::civil_date today() {
  return *risk::civil_date::parse(base::utc_timestamp().substr(0, 10));
}

void store(self_ptr self, ctx_ptr ctx) {
  auto& st = self->state;
  assert(st.life.writing());
  const auto rec = record_of(st);
  risk_sources src;
  src.record = &rec;
  src.screening = ctx->screening ? &*ctx->screening : nullptr;
  src.screening_note = ctx->screening_note;
  src.classification = ctx->classification ? &*ctx->classification : nullptr;
  src.classification_note = ctx->classification_note;
  src.computed = ctx->computed;
  src.website = ctx->website;
  src.website_note = ctx->website_note;
  src.registry = ctx->registry;
  src.registry_note = ctx->registry_note;
  auto in = risk_inputs_of(src, today());
  auto input_key = risk_input_key(in, ctx->rules_doc.version, ctx->reference->version);
  auto ttl =
      runtime::cache_registry::global().policy(runtime::cache_type::risk_assessment).ttl;
  auto cache_key = risk_cache_key(ctx->rules_doc.version, ctx->reference->version);
  if (ctx->previous && !ctx->force && ctx->previous->data.input_key == input_key) {
    // Nothing it read changed. A monitoring pass writes nothing; a request within the
    // TTL gets the stored assessment.
    auto age = std::chrono::duration<double>(ctx->previous->age_seconds);
    if (ctx->req.assessment_type == "monitoring" || (age.count() >= 0 && age < ttl)) {
      business_risk out{std::make_shared<const business_risk_data>(ctx->previous->data),
                        false};
      if (age < ttl)
        risk_cache(st).put(cache_key, out,
                           clock::now() -
                               std::chrono::duration_cast<clock::duration>(age));
      out.cached = true;
      ctx->done(std::move(out));
      return;
    }
  }
  if (ctx->req.assessment_type == "monitoring" && !ctx->previous) {
    ctx->done(make_error(errc::not_found, "the business was never assessed"));
    return;
  }
  auto assessment =
      ctx->reference->engine.assess(in, *ctx->rules, ctx->rules_doc.version);
  // A caller's key is audited as itself; the platform's own passes (monitoring,
  // refreshes) carry no key and are audited as system:risk-<type>.
  auto actor = ctx->meta.who.key_id.is_nil() ? "system:risk-" + ctx->req.assessment_type
                                             : ctx->meta.who.audit_actor();
  auto data = std::make_shared<business_risk_data>(
      assemble_risk(rec, assessment, src, input_key, ctx->reference->version,
                    ctx->req.assessment_type, actor, base::utc_timestamp()));
  pg_batch batch;
  add_risk_row(batch, *data);
  bool level_changed = ctx->previous && ctx->previous->data.level != data->level;
  if (level_changed)
    add_level_changed_event(batch, ctx->previous->data, *data);
  nlohmann::json details = {{"assessment_id", data->id.to_string()},
                            {"assessment_type", data->assessment_type},
                            {"score", data->score},
                            {"level", data->level},
                            {"review_required", data->review_required},
                            {"rules_version", data->rules_version},
                            {"reference_version", data->reference_version},
                            {"computed", ctx->computed}};
  if (level_changed)
    details["previous_level"] = ctx->previous->data.level;
  add_audit(batch, rec.tenant_id, rec.region, actor, "business.risk_assess", "business",
            rec.id.to_string(), ctx->meta.request_id, details.dump());
  run_fenced(
      self, *st.p, st.lease, std::move(batch),
      [self, data, ctx, cache_key](std::vector<pg_rows>&) {
        auto& st = self->state;
        st.derived().risk_assessed = true;
        business_risk out{data, false};
        risk_cache(st).put(cache_key, out, clock::now());
        count_assessment(
            *data, std::chrono::duration<double>(clock::now() - ctx->started).count());
        ctx->done(std::move(out));
      },
      [ctx](caf::error& err) { ctx->done(err); });
}

/// The classification: stored, or computed now when the caller passed a classifier.
void ensure_classification(self_ptr self, ctx_ptr ctx) {
  if (ctx->classification || ctx->req.assessment_type == "monitoring") {
    store(self, ctx);
    return;
  }
  if (!ctx->req.classification) {
    ctx->classification_note =
        "the business has not been classified and no classification model is "
        "configured on this node";
    store(self, ctx);
    return;
  }
  classify_now(self, ctx->req.classification, "api", ctx->meta,
               [self, ctx](caf::expected<business_classification> r) {
                 if (r && r->data) {
                   ctx->classification = *r->data;
                   ctx->computed.push_back("classification");
                 } else {
                   ctx->classification_note =
                       "classification was unavailable: " +
                       (r ? std::string("no result") : detail_of(r.error()));
                 }
                 store(self, ctx);
               });
}

/// The screening: stored, or computed now when the caller passed the screening actor.
void ensure_screening(self_ptr self, ctx_ptr ctx) {
  if (ctx->screening || ctx->req.assessment_type == "monitoring") {
    ensure_classification(self, ctx);
    return;
  }
  if (!ctx->req.screening) {
    ctx->screening_note = "the business has not been screened";
    ensure_classification(self, ctx);
    return;
  }
  screen_now(self, ctx->req.screening, "api", ctx->meta,
             [self, ctx](caf::expected<business_screening> r) {
               if (r && r->data) {
                 ctx->screening = *r->data;
                 ctx->computed.push_back("screening");
               } else {
                 ctx->screening_note =
                     "screening was unavailable: " +
                     (r ? std::string("no result") : detail_of(r.error()));
               }
               ensure_classification(self, ctx);
             });
}

/// Reads the latest stored screening, classification and assessment.
void read_inputs(self_ptr self, ctx_ptr ctx) {
  auto& st = self->state;
  const auto rec = record_of(st);
  pg_batch batch;
  add(batch, q::screening_result_latest, {val(st.id), val(rec.tenant_id)});
  add(batch, q::screening_hits_of_latest, {val(st.id), val(rec.tenant_id)});
  add(batch, q::classification_latest, {val(st.id), val(rec.tenant_id)});
  add(batch, q::risk_assessment_latest, {val(st.id), val(rec.tenant_id)});
  add(batch, q::website_risk_input_latest, {val(st.id), val(rec.tenant_id)});
  add(batch, q::registry_lookups_latest, {val(st.id), val(rec.tenant_id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self, ctx](std::vector<pg_rows>& res) {
        for (auto& r : decode_registry_rows(res.at(5)))
          if (auto in = registry_risk_input(r.data))
            ctx->registry.push_back({r.data.id.to_string(), r.data.looked_up_at, *in});
        if (ctx->registry.empty() && !res.at(5).rows.empty())
          ctx->registry_note = "no registry lookup answered about the company (each "
                               "failed)";
        if (auto w = decode_website_risk(res.at(4))) {
          if (w->input)
            ctx->website = risk_sources::website_source{w->id, w->analysed_at, *w->input};
          else
            ctx->website_note = "the stored website analysis holds no risk input";
        }
        auto& st = self->state;
        if (auto s = decode_stored_screening(res.at(0), res.at(1)))
          ctx->screening = std::move(*s);
        else
          ctx->screening_note = "the business has not been screened";
        if (auto c = decode_stored_classification(res.at(2), record_of(st)))
          ctx->classification = *c->classification().data;
        else
          ctx->classification_note = "the business has not been classified";
        if (!res.at(3).rows.empty())
          ctx->previous = decode_risk_row(res.at(3), 0);
        st.derived().risk_assessed = ctx->previous.has_value();
        ensure_screening(self, ctx);
      },
      [ctx](caf::error& err) { ctx->done(err); });
}

/// With the tenant's rules and the reference data in `ctx`: the cached assessment, or
/// the stored inputs read and scored.
void assess_under_rules(self_ptr self, ctx_ptr ctx) {
  auto& st = self->state;
  auto key = risk_cache_key(ctx->rules_doc.version, ctx->reference->version);
  if (!ctx->force) {
    auto found = risk_cache(st).get(key, clock::now());
    if (found.value) {
      business_risk cached = *found.value;
      cached.cached = true;
      bool refresh = found.refresh_due;
      ctx->done(std::move(cached));
      if (refresh)
        refresh_risk(self, key);
      return;
    }
  }
  read_inputs(self, ctx);
}

/// Puts the rules the actor holds (parsed over the current reference data's defaults)
/// in `ctx`, or answers why they do not apply.
bool take_rules(business_state& st, const ctx_ptr& ctx) {
  ctx->reference = st.p->risk->current();
  ctx->rules_doc = *st.derived().rules_doc;
  if (!st.derived().rules || st.derived().rules_reference != ctx->reference->version) {
    if (st.derived().rules_doc->version == 0) {
      st.derived().rules =
          std::make_shared<const risk::risk_rules>(ctx->reference->default_rules);
    } else {
      auto parsed = risk::parse_rules_text(st.derived().rules_doc->document,
                                           ctx->reference->default_rules);
      if (!parsed) {
        std::string why;
        for (auto& p : parsed.problems)
          why += (why.empty() ? "" : "; ") + p.pointer + ": " + p.problem;
        st.derived().rules.reset();
        ctx->done(make_error(errc::unprocessable,
                             "the tenant's risk rules version " +
                                 std::to_string(st.derived().rules_doc->version) +
                                 " no longer apply over the default rules: " + why));
        return false;
      }
      st.derived().rules =
          std::make_shared<const risk::risk_rules>(std::move(*parsed.rules));
    }
    st.derived().rules_reference = ctx->reference->version;
  }
  ctx->rules = st.derived().rules;
  return true;
}

/// The tenant's current rules: those read within risk.rules_lease, else asked from its
/// tenant actor (which answers from memory). Then assesses.
void assess_with_rules(self_ptr self, ctx_ptr ctx) {
  auto& st = self->state;
  auto now = clock::now();
  if (st.derived().rules_doc &&
      now - st.derived().rules_read_at < st.p->settings.risk.rules_lease) {
    if (take_rules(st, ctx))
      assess_under_rules(self, ctx);
    return;
  }
  auto tenant = st.p->directory->resolve(tenant_entity, tenant_of(st));
  if (!tenant) {
    ctx->done(make_error(errc::unavailable, "no node can serve the tenant's rules now"));
    return;
  }
  self->request(tenant, st.p->settings.http.request_timeout, risk_rules_atom::value)
      .then(
          [self, ctx, now](risk_rules_version& rv) {
            auto& st = self->state;
            if (!st.derived().rules_doc ||
                st.derived().rules_doc->version != rv.version) {
              st.derived().rules.reset();
              st.derived().rules_doc = std::move(rv);
            }
            st.derived().rules_read_at =
                now; // when asked: the lease never outlasts a change
            if (take_rules(st, ctx))
              assess_under_rules(self, ctx);
          },
          [ctx](caf::error& err) { ctx->done(err); });
}

} // namespace

void refresh_risk(self_ptr self, std::string key) {
  queue_refresh(self, &risk_cache, std::move(key), "risk-refresh",
                [self](const request_meta& meta, risk_done done) {
                  auto ctx = std::make_shared<assess_ctx>();
                  ctx->meta = meta;
                  ctx->req.assessment_type = "monitoring";
                  ctx->force = true;
                  ctx->done = std::move(done);
                  assess_with_rules(self, ctx);
                });
}

void forget_risk(business_state& st) {
  if (auto* d = st.derived_if_made())
    clear_cache(d->risks);
}

void risk_inputs_changed(self_ptr self) {
  auto& st = self->state;
  forget_risk(st);
  auto* d = st.derived_if_made();
  auto assessed = d ? d->risk_assessed : std::nullopt;
  if (assessed == false || !st.p->risk_monitor || st.committed.empty())
    return;
  if (auto monitor = st.p->risk_monitor->get())
    self->send(monitor, monitor_atom::value, st.id, tenant_of(st), region_of(st));
}

caf::result<business_risk> assess(self_ptr self, const request_meta& meta,
                                  const risk_request& req) {
  auto rp = self->make_response_promise<business_risk>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden,
                      "assessing a business's risk stores the result: it needs the "
                      "'write' scope");
  if (req.assessment_type != "manual" && req.assessment_type != "monitoring" &&
      req.assessment_type != "verification")
    return make_error(errc::invalid_argument,
                      "assessment_type must be manual, monitoring or verification",
                      "assessment_type");
  when_visible(self, rp, meta, true, [self, rp, meta, req]() mutable {
    auto& st = self->state;
    st.life.begin_write(); // one assessment or write of this business at a time
    auto ctx = std::make_shared<assess_ctx>();
    ctx->meta = meta;
    ctx->req = req;
    ctx->done = answer_then_end_write(self, rp);
    assess_with_rules(self, ctx);
  });
  return rp;
}

caf::result<business_risk> latest_risk(self_ptr self, const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_risk>(
      self, meta, "reading risk assessments needs the 'read' scope",
      "the business has not been assessed yet",
      [&st](pg_batch& batch) {
        add(batch, q::risk_assessment_latest, {val(st.id), val(tenant_of(st))});
      },
      [](std::vector<pg_rows>& res) -> std::optional<business_risk> {
        if (res.at(0).rows.empty())
          return std::nullopt;
        return business_risk{std::make_shared<const business_risk_data>(
                                 decode_risk_row(res.at(0), 0).data),
                             false};
      });
}

caf::result<business_risk_page> risk_history(self_ptr self, const request_meta& meta,
                                             const std::string& cursor, uint32_t limit) {
  auto& st = self->state;
  std::string after_at;
  base::uuid after_id;
  if (!cursor.empty() && !decode_risk_cursor(cursor, after_at, after_id))
    return make_error(errc::invalid_argument, "the cursor is not one this API issued",
                      "cursor");
  if (limit == 0 || limit > 1000)
    return make_error(errc::invalid_argument, "limit must be 1..1000", "limit");
  return read_stored<business_risk_page>(
      self, meta, "reading risk assessments needs the 'read' scope",
      "the business has not been assessed yet",
      [&st, after_at, after_id, limit, cursor](pg_batch& batch) {
        add(batch, q::risk_assessments_page,
            {val(st.id), val(tenant_of(st)),
             cursor.empty() ? null_value() : val(after_at),
             cursor.empty() ? null_value() : val(after_id), val_int(limit + 1)});
      },
      [limit](std::vector<pg_rows>& res) -> std::optional<business_risk_page> {
        business_risk_page page;
        auto& rows = res.at(0);
        for (size_t i = 0; i < rows.rows.size() && i < limit; ++i)
          page.items.push_back(decode_risk_row(rows, i).data);
        if (rows.rows.size() > limit && !page.items.empty())
          page.next_cursor = encode_risk_cursor(page.items.back());
        return page; // an empty first page: never assessed (200, no items)
      });
}

} // namespace kyb::actors::business_internal

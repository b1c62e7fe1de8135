// The business actor's industry classification flow
// (actors/classification/business_classification.hpp): classify the committed record
// through the classification actor, store the codes with their audit row in the write
// slot, cache them for the classification TTL; serve a stored classification that still
// fits after re-activation; warm the cache.
#include <cassert>

#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

using classification_done = std::function<void(caf::expected<business_classification>)>;

/// The business's cached classifications.
runtime::ttl_cache<business_classification>& classification_cache(business_state& st) {
  return cache_in(st.derived().classifications, runtime::cache_type::classification);
}

void count_classification(const std::string& trigger, const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_classification_business_classifications_total",
      "Industry classifications of stored businesses by trigger and outcome (stored: "
      "new rows written; cached: served from the business actor's cache or its stored "
      "rows; failed)",
      {"trigger", "outcome"});
  family.with({trigger, outcome}).Increment();
}

/// Publishes `c`, cached for the business's current inputs since `stored_at`, beside its
/// view (published_business_classification): the HTTP workers answer a classify with
/// it, without a message, until a read of the cache would ask for its refresh. A new view
/// (a new record) starts without one.
void publish_classification(business_state& st, const business_classification& c,
                            clock::time_point stored_at) {
  if (!c.data || !st.is(business_state::existence::present))
    return;
  auto v = masked_view(st).data; // published with it, if it was not
  auto p = std::make_shared<published_classification>();
  p->answer = business_classification{c.data, true};
  p->model_version = c.data->model_version;
  p->fresh_until = stored_at + classification_cache(st).fresh_for();
  std::atomic_store(&v->classification,
                    std::shared_ptr<const published_classification>(std::move(p)));
}

/// Caches `c` for `key`, the current inputs' key, stored at `stored_at`, and publishes it
/// if the cache kept it (the node's budget for classifications bounds both).
void keep_classification(business_state& st, const std::string& key,
                         const business_classification& c, clock::time_point stored_at) {
  if (classification_cache(st).put(key, c, stored_at))
    publish_classification(st, c, stored_at);
  else
    unpublish_classification(st);
}

/// classification_cache_key of the business's current inputs, made once per record
/// version, website text and model (business_state::classification_key).
const std::string& current_classification_key(business_state& st,
                                              const std::string& model_version) {
  auto& memo = st.derived().classification_key;
  const auto rec = record_of(st);
  if (memo.key.empty() || memo.record_version != rec.version ||
      memo.website_text != st.derived().website_text ||
      memo.model_version != model_version) {
    memo.key = classification_cache_key(model_version, rec, website_text_of(st));
    memo.record_version = rec.version;
    memo.website_text = st.derived().website_text;
    memo.model_version = model_version;
  }
  return memo.key;
}

/// Classifies the committed state now and stores the rows with their audit row; `done`
/// runs after the commit. The caller holds the write slot (asserted).
void run_classification(self_ptr self, classification_actor classifier,
                        const std::string& trigger, const request_meta& meta,
                        classification_done done) {
  assert(self->state.life.writing());
  with_website_text(self, [self, classifier, trigger, meta, done] {
    auto& st = self->state;
    self->request(classifier, st.p->settings.http.request_timeout, classify_atom::value,
                  classification_input_of(record_of(st), website_text_of(st)))
        .then(
            [self, trigger, meta, done](classification::classification_result& r) {
              // The record and website text are still those asked about: this flow
              // holds the write slot, and every change of them takes it.
              const auto rec = record_of(self->state);
              auto key = current_classification_key(self->state, r.model_version);
              auto data = std::make_shared<business_classification_data>(
                  assemble_classification(rec, r, key, base::utc_timestamp()));
              pg_batch batch;
              add_classification_rows(batch, *data);
              auto actor = trigger == "api" ? meta.who.audit_actor()
                                            : "system:classification-" + trigger;
              nlohmann::json details = {{"classification_id", data->id.to_string()},
                                        {"trigger", trigger},
                                        {"model_version", data->model_version},
                                        {"mcc", data->mcc.code},
                                        {"naics", data->naics.code},
                                        {"sic", data->sic.code},
                                        {"confidence", data->mcc.confidence}};
              add_audit(batch, rec.tenant_id, rec.region, actor, "business.classify",
                        "business", rec.id.to_string(), meta.request_id, details.dump());
              auto& st = self->state;
              run_fenced(
                  self, *st.p, st.lease, std::move(batch),
                  [self, data, key, trigger, done](std::vector<pg_rows>&) {
                    business_classification out{data, false};
                    keep_classification(self->state, key, out, clock::now());
                    // A cached website analysis was compared with the old MCC.
                    forget_websites(self->state);
                    count_classification(trigger, "stored");
                    risk_inputs_changed(self);
                    done(std::move(out));
                  },
                  [trigger, done](caf::error& err) {
                    count_classification(trigger, "failed");
                    done(err);
                  });
            },
            [trigger, done](caf::error& err) {
              count_classification(trigger, "failed");
              done(err);
            });
  });
}

/// A proactive refresh of a cached classification.
void refresh_classification(self_ptr self, classification_actor classifier,
                            std::string key) {
  queue_refresh(self, &classification_cache, std::move(key), "classification-refresh",
                [self, classifier](const request_meta& meta, classification_done done) {
                  run_classification(self, classifier, "refresh", meta, std::move(done));
                });
}

/// Puts the stored classification in `rows` (classification_latest) into the cache
/// when it was made from the inputs and model of `key` within the TTL; returns it.
std::optional<business_classification>
cache_stored_classification(business_state& st, const pg_rows& rows,
                            const std::string& key, clock::time_point now) {
  auto stored = decode_stored_classification(rows, record_of(st));
  auto ttl =
      runtime::cache_registry::global().policy(runtime::cache_type::classification).ttl;
  if (!stored || stored->data->cache_key != key || stored->age < 0 ||
      std::chrono::duration<double>(stored->age) >= ttl)
    return std::nullopt;
  auto age = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(stored->age));
  keep_classification(st, key, stored->classification(), now - age);
  return stored->classification();
}

void classify_known(self_ptr self, const request_meta& meta,
                    classification_actor classifier, const std::string& model_version,
                    classification_done finish);

void do_classify(self_ptr self, caf::typed_response_promise<business_classification> rp,
                 const request_meta& meta, classification_actor classifier,
                 const std::string& model_version) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.life.begin_write(); // one classification or write of this business at a time
  auto finish = answer_then_end_write(self, rp);
  with_website_text(self, [self, meta, classifier, model_version, finish]() mutable {
    classify_known(self, meta, classifier, model_version, std::move(finish));
  });
}

/// do_classify once the website text is known; holds the write slot.
void classify_known(self_ptr self, const request_meta& meta,
                    classification_actor classifier, const std::string& model_version,
                    classification_done finish) {
  auto& st = self->state;
  auto key = current_classification_key(
      st, model_version); // a copy: finish() may run queued work
  auto now = clock::now();
  auto found = classification_cache(st).get(key, now);
  if (found.value) {
    business_classification cached = *found.value;
    cached.cached = true;
    bool refresh = found.refresh_due;
    if (!refresh) // (again: the view it was published beside may be a new one)
      publish_classification(st, cached, found.stored_at);
    count_classification("api", "cached");
    finish(std::move(cached));
    if (refresh)
      refresh_classification(self, classifier, key);
    return;
  }
  // Not in memory (first call since activation, or expired): the stored classification
  // still serves when it was made from these inputs by this model within the TTL.
  pg_batch read;
  add(read, q::classification_latest, {val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, classifier, meta, finish, key, now](std::vector<pg_rows>& res) mutable {
        if (auto cached = cache_stored_classification(self->state, res.at(0), key, now)) {
          auto out = *cached;
          out.cached = true;
          count_classification("api", "cached");
          finish(std::move(out));
          return;
        }
        run_classification(self, classifier, "api", meta, finish);
      },
      [finish](caf::error& err) mutable { finish(err); });
}

} // namespace

void classify_now(self_ptr self, classification_actor classifier,
                  const std::string& trigger, const request_meta& meta,
                  classification_done done) {
  run_classification(self, std::move(classifier), trigger, meta, std::move(done));
}

void forget_classifications(business_state& st) {
  if (auto* d = st.derived_if_made()) {
    clear_cache(d->classifications);
    d->classification_key = {};
  }
  unpublish_classification(st);
}

void unpublish_classification(business_state& st) {
  if (auto v = st.masked.lock())
    std::atomic_store(&v->classification,
                      std::shared_ptr<const published_classification>());
}

caf::result<business_classification> classify(self_ptr self, const request_meta& meta,
                                              const classification_actor& classifier,
                                              const std::string& model_version) {
  auto rp = self->make_response_promise<business_classification>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden,
                      "classifying a business stores the result: it needs "
                      "the 'write' scope");
  when_ready(self, rp, true, [self, rp, meta, classifier, model_version] {
    do_classify(self, rp, meta, classifier, model_version);
  });
  return rp;
}

caf::result<business_classification> latest_classification(self_ptr self,
                                                           const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_classification>(
      self, meta, "reading classifications needs the 'read' scope",
      "the business has not been classified yet",
      [&st](pg_batch& batch) {
        add(batch, q::classification_latest, {val(st.id), val(tenant_of(st))});
      },
      [&st](std::vector<pg_rows>& res) -> std::optional<business_classification> {
        auto stored = decode_stored_classification(res.at(0), record_of(st));
        if (!stored)
          return std::nullopt;
        return stored->classification();
      });
}

caf::result<int32_t> warm(self_ptr self, const std::string& model_version) {
  auto rp = self->make_response_promise<int32_t>();
  when_ready(self, rp, false, [self, rp, model_version]() mutable {
    auto& st = self->state;
    if (!st.is(business_state::existence::present)) {
      rp.deliver(int32_t{0});
      return;
    }
    if (model_version.empty()) {
      rp.deliver(int32_t{1});
      return;
    }
    with_website_text(self, [self, rp, model_version]() mutable {
      auto& st = self->state;
      auto key = current_classification_key(st, model_version);
      pg_batch batch;
      add(batch, q::classification_latest, {val(st.id), val(tenant_of(st))});
      run_batch(
          self, *st.p, std::move(batch),
          [self, rp, key](std::vector<pg_rows>& res) mutable {
            auto cached =
                cache_stored_classification(self->state, res.at(0), key, clock::now());
            rp.deliver(int32_t{cached ? 2 : 1});
          },
          [rp](caf::error&) mutable { rp.deliver(int32_t{1}); });
    });
  });
  return rp;
}

} // namespace kyb::actors::business_internal

namespace kyb::actors {

std::optional<business_classification>
published_business_classification(const std::shared_ptr<const void>& snapshot,
                                  const base::uuid& tenant,
                                  const std::string& model_version) {
  const auto* d = static_cast<const business_view_data*>(snapshot.get());
  if (!d || d->record.tenant_id != tenant)
    return std::nullopt;
  using business_internal::clock;
  auto p = std::atomic_load(&d->classification);
  if (!p || p->model_version != model_version || clock::now() >= p->fresh_until)
    return std::nullopt;
  static auto& published = base::metrics_registry::global()
                               .counter("kyb_business_published_classifications_total",
                                        "Classifies answered with the classification "
                                        "published beside the business's view, without a "
                                        "message to its actor")
                               .with({});
  published.Increment();
  runtime::cache_registry::global()
      .counters(runtime::cache_type::classification)
      .hits->Increment();
  business_internal::count_classification("api", "cached");
  business_view_ring::touch(*d);
  return p->answer;
}

} // namespace kyb::actors

#include "actors/business/business_actor.hpp"

#include <chrono>
#include <functional>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_rows.hpp"
#include "actors/business/business_validation.hpp"
#include "actors/db.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/cache/ttl_cache.hpp"

namespace kyb::actors {

namespace {

using clock = std::chrono::steady_clock;
namespace q = persistence::q;

struct business_state {
  static inline const char* name = "kyb.business";

  enum class phase { unloaded, loading, absent, present, deleted };

  platform_ptr p;
  base::uuid id;
  phase ph = phase::unloaded;
  /// Committed state, tax id and owners in the clear; allocated when first loaded or
  /// created, so an activated but idle actor stays small.
  std::unique_ptr<business_record> committed;
  std::shared_ptr<const business_view_data>
      masked; ///< the masked view of rec, made lazily
  bool writing = false;
  /// Stored sanctions screenings by cache key (the seed's sanctions TTL); made on
  /// the first screening.
  std::unique_ptr<runtime::ttl_cache<business_screening>> screenings;
  /// Stored industry classifications by cache key (the seed's classification TTL);
  /// made on the first classification.
  std::unique_ptr<runtime::ttl_cache<business_classification>> classifications;
  bool passivating = false; ///< the directory asked it to stop when idle
  entity_lease lease;       ///< its shard and the epoch its writes carry
  std::vector<std::function<void()>> waiting; ///< for the load or the write in flight
  clock::time_point last_active = clock::now();

  business_record& rec() {
    if (!committed)
      committed = std::make_unique<business_record>();
    return *committed;
  }

  bool loaded() const {
    return ph == phase::absent || ph == phase::present || ph == phase::deleted;
  }
};

using self_ptr = business_actor::stateful_pointer<business_state>;

/// Decodes business_get's row (KYB_BUSINESS_COLUMNS) and the owners' rows.
business_record decode(const platform& p, const std::vector<pg_value>& row,
                       const std::vector<std::vector<pg_value>>& owners) {
  std::optional<std::string> sealed;
  business_record r = decode_business_row(row, sealed);
  if (sealed) {
    r.tax_id = base::aes256gcm_decrypt(p.tax_id_key, *sealed, tax_id_aad(r));
    if (!r.tax_id)
      base::log_error(
          "business.tax_id_undecryptable",
          {{"business_id", r.id.to_string()},
           {"hint", "security.tax_id_key differs from the key that wrote it"}});
  }
  for (auto& o : owners) {
    owner ow;
    ow.name = col(o, 1);
    ow.date_of_birth = opt_col(o, 2);
    ow.nationality = opt_col(o, 3);
    ow.ownership_percent = opt_double(o, 4);
    r.owners.push_back(std::move(ow));
  }
  return r;
}

/// The record as a caller may see it: masked unless revealed.
business_record masked_record(const business_record& rec, uint8_t reveal_bits) {
  business_record v = rec;
  v.tax_id_revealed = (reveal_bits & reveal_tax_id) != 0;
  v.owners_revealed = (reveal_bits & reveal_owners) != 0;
  if (v.tax_id && !v.tax_id_revealed)
    v.tax_id = mask_tax_id(*v.tax_id);
  if (!v.owners_revealed)
    for (auto& o : v.owners)
      if (o.date_of_birth)
        o.date_of_birth = mask_date_of_birth(*o.date_of_birth);
  return v;
}

/// The masked view of the committed state, shared by every plain read until it changes.
business_view masked_view(business_state& st) {
  if (!st.masked) {
    auto d = std::make_shared<business_view_data>();
    d->record = masked_record(st.rec(), 0);
    st.masked = std::move(d);
  }
  return business_view{st.masked};
}

business_view make_view(const business_record& rec, uint8_t reveal_bits) {
  auto d = std::make_shared<business_view_data>();
  d->record = masked_record(rec, reveal_bits);
  return business_view{std::move(d)};
}

/// Parameters $1..$14 shared by business_insert and business_update.
std::vector<pg_value> row_params(const platform& p, const business_record& r) {
  pg_value hmac;
  pg_value sealed;
  if (r.tax_id) {
    hmac = val(tax_id_lookup_hash(p, *r.tax_id));
    auto enc = base::aes256gcm_encrypt(p.tax_id_key, *r.tax_id, tax_id_aad(r));
    sealed = val_bytea(enc.value_or(""));
  }
  return {val(r.id),
          val(r.tenant_id),
          val(r.region),
          val(r.legal_name),
          val(r.dba_name),
          hmac,
          sealed,
          val(r.website_url),
          val(r.country),
          val(r.registration_number),
          val(r.registration_jurisdiction),
          r.address ? val(encode_address(*r.address)) : null_value(),
          val(r.incorporation_date),
          val(r.description)};
}

void add_owners(pg_batch& batch, const business_record& r) {
  int16_t position = 0;
  for (auto& o : r.owners) {
    char pct[32];
    if (o.ownership_percent)
      std::snprintf(pct, sizeof pct, "%.2f", *o.ownership_percent);
    add(batch, q::owner_insert,
        {val(base::uuid::make_v7()), val(r.id), val(r.tenant_id), val(r.region),
         val(std::to_string(position++)), val(o.name), val(o.date_of_birth),
         val(o.nationality), o.ownership_percent ? val(std::string(pct)) : null_value()});
  }
}

/// Names of the fields an update touches (for the audit row; never their values).
nlohmann::json changed_fields(const business_input& in) {
  nlohmann::json out = nlohmann::json::array();
  auto note = [&](const char* name, bool present) {
    if (present)
      out.push_back(name);
  };
  note("legal_name", in.legal_name.present);
  note("dba_name", in.dba_name.present);
  note("tax_id", in.tax_id.present);
  note("website_url", in.website_url.present);
  note("country", in.country.present);
  note("registration_number", in.registration_number.present);
  note("registration_jurisdiction", in.registration_jurisdiction.present);
  note("address", in.address.present);
  note("incorporation_date", in.incorporation_date.present);
  note("description", in.description.present);
  note("owners", in.owners.present);
  return out;
}

void maybe_passivate(self_ptr self);

void run_waiting(self_ptr self) {
  auto& st = self->state;
  while (!st.waiting.empty() && st.loaded() && !st.writing) {
    auto fn = std::move(st.waiting.front());
    st.waiting.erase(st.waiting.begin());
    fn();
  }
}

void load(self_ptr self) {
  auto& st = self->state;
  st.ph = business_state::phase::loading;
  pg_batch batch;
  add(batch, q::business_get, {val(st.id)});
  add(batch, q::owners_of_business, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          st.ph = business_state::phase::absent;
        } else {
          st.rec() = decode(*st.p, res[0].rows[0], res.at(1).rows);
          st.masked.reset();
          st.ph = st.rec().deleted_at ? business_state::phase::deleted
                                      : business_state::phase::present;
        }
        run_waiting(self);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        base::log_warn("business.load_failed",
                       {{"business_id", st.id.to_string()}, {"error", detail_of(err)}});
        st.ph = business_state::phase::unloaded;
        auto waiting = std::move(st.waiting);
        st.waiting.clear();
        for (auto& fn : waiting)
          fn(); // each sees "not loaded" and answers unavailable
        self->quit(err);
      });
}

/// Runs `fn` when the state is loaded and, for writes, when no other write is in flight.
template <class Promise>
void when_ready(self_ptr self, Promise rp, bool is_write, std::function<void()> fn) {
  auto& st = self->state;
  st.last_active = clock::now();
  if (st.loaded() && (!is_write || !st.writing) && st.waiting.empty()) {
    fn();
    return;
  }
  st.waiting.push_back([self, rp, fn]() mutable {
    if (self->state.loaded())
      fn();
    else
      rp.deliver(
          make_error(errc::unavailable, "the business could not be loaded; retry"));
  });
  if (st.ph == business_state::phase::unloaded)
    load(self);
}

/// Tenant isolation: another tenant's business does not exist for the caller.
bool visible(const business_state& st, const request_meta& meta) {
  return st.ph == business_state::phase::present && st.committed &&
         st.committed->tenant_id == meta.who.tenant_id;
}

/// when_ready(), then not_found unless the caller's tenant sees the business.
template <class Promise, class Fn>
void when_visible(self_ptr self, Promise rp, const request_meta& meta, bool is_write,
                  Fn fn) {
  when_ready(self, rp, is_write, [self, rp, meta, fn]() mutable {
    if (!visible(self->state, meta)) {
      rp.deliver(make_error(errc::not_found, "no such business"));
      return;
    }
    fn();
  });
}

void finish_write(self_ptr self) {
  self->state.writing = false;
  run_waiting(self);
  maybe_passivate(self);
}

/// Stops the actor if the directory asked it to and nothing is in hand.
void maybe_passivate(self_ptr self) {
  auto& st = self->state;
  if (st.passivating && !st.writing && st.waiting.empty() &&
      st.ph != business_state::phase::loading)
    self->quit();
}

void do_create(self_ptr self, caf::typed_response_promise<business_view> rp,
               const request_meta& meta, const business_input& in) {
  auto& st = self->state;
  if (st.ph == business_state::phase::present ||
      st.ph == business_state::phase::deleted) {
    rp.deliver(make_error(errc::conflict, "the business exists already"));
    return;
  }
  business_record rec;
  rec.id = st.id;
  rec.tenant_id = meta.who.tenant_id;
  rec.region = meta.who.region;
  apply_business_input(rec, in);
  pg_batch batch;
  add(batch, q::business_insert, row_params(*st.p, rec));
  add_owners(batch, rec);
  nlohmann::json details = {{"fields", changed_fields(in)}};
  add_audit(batch, rec.tenant_id, rec.region, meta.who.audit_actor(), "business.create",
            "business", rec.id.to_string(), meta.request_id, details.dump());
  st.writing = true;
  run_fenced(
      self, *st.p, st.lease, std::move(batch),
      [self, rp, rec](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        rec.version = 1;
        rec.created_at = col(res.at(0).rows.at(0), 0);
        rec.updated_at = col(res.at(0).rows.at(0), 1);
        st.rec() = std::move(rec);
        st.masked.reset();
        st.ph = business_state::phase::present;
        rp.deliver(masked_view(st));
        finish_write(self);
      },
      [self, rp](caf::error& err) mutable {
        auto& st = self->state;
        // Unknown or failed outcome: forget and reload on the next message.
        if (st.ph != business_state::phase::absent)
          st.ph = business_state::phase::unloaded;
        rp.deliver(err);
        st.writing = false;
        if (!st.waiting.empty()) {
          if (st.ph == business_state::phase::unloaded)
            load(self);
          else
            run_waiting(self);
        }
      });
}

// -- sanctions screening (actors/screening/business_screening.hpp) --------------------

/// Called with the stored screening, or the error that stopped it.
using screening_done = std::function<void(caf::expected<business_screening>)>;

/// The committed record (the business is loaded and present).
business_record& record_of(business_state& st) {
  return st.rec();
}

/// The business's cached screenings, made on first use (an idle actor stays small).
runtime::ttl_cache<business_screening>& screening_cache(business_state& st) {
  if (!st.screenings)
    st.screenings = std::make_unique<runtime::ttl_cache<business_screening>>(
        runtime::cache_type::sanctions_screening);
  return *st.screenings;
}

/// Its names or owners changed (or it is gone): cached screenings no longer apply.
void forget_screenings(business_state& st) {
  if (st.screenings)
    st.screenings->clear();
}

/// Writes a screening's rows like every other write of this business.
template <class Ok, class Fail>
void screening_write(self_ptr self, pg_batch batch, Ok ok, Fail fail) {
  auto& st = self->state;
  run_fenced(self, *st.p, st.lease, std::move(batch), std::move(ok), std::move(fail));
}

void count_screening(const std::string& trigger, const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_screening_business_screenings_total",
      "Screenings of stored businesses (legal name, DBA, owners) by trigger and outcome",
      {"trigger", "outcome"});
  family.with({trigger, outcome}).inc();
}

/// Screens the committed state now and stores the result with its audit row; `done`
/// runs after the commit. The caller holds the write slot (st.writing).
void run_screening(self_ptr self, screening_actor screening, const std::string& trigger,
                   const request_meta& meta, screening_done done) {
  auto& st = self->state;
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
                  auto key = screening_cache_key(data->generation, rec);
                  screening_write(
                      self, std::move(batch),
                      [self, data, key, trigger, done](std::vector<pg_rows>&) {
                        business_screening out{data, false};
                        screening_cache(self->state)
                            .put(key, out, std::chrono::steady_clock::now());
                        count_screening(trigger, data->outcome);
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

/// The identity a background refresh acts under (audited as system:<kind>-refresh).
request_meta system_meta(business_state& st, const char* request_id) {
  request_meta meta;
  meta.who.tenant_id = record_of(st).tenant_id;
  meta.who.region = record_of(st).region;
  meta.who.scopes = scope_read | scope_write;
  meta.request_id = request_id;
  return meta;
}

/// A proactive refresh of cache entry `key` (the cache said it is due): queued behind
/// the work in hand, `run(meta, done)` recomputes and stores it like any other; a
/// failure keeps the old value serving until the TTL.
template <class V, class Run>
void queue_refresh(self_ptr self, runtime::ttl_cache<V>& (*cache)(business_state&),
                   std::string key, const char* request_id, Run run) {
  auto& st = self->state;
  st.waiting.push_back([self, cache, key, request_id, run] {
    auto& st = self->state;
    if (st.ph != business_state::phase::present) {
      cache(st).refresh_failed(key, "the business is gone");
      return;
    }
    st.writing = true;
    run(system_meta(st, request_id), [self, cache, key](caf::expected<V> r) {
      if (!r)
        cache(self->state).refresh_failed(key, detail_of(r.error()));
      finish_write(self);
    });
  });
  run_waiting(self);
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
  st.writing = true; // one screening or write of this business at a time
  auto finish = [self, rp](caf::expected<business_screening> r) mutable {
    if (r)
      rp.deliver(std::move(*r));
    else
      rp.deliver(r.error());
    finish_write(self);
  };
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

// -- industry classification (actors/classification/business_classification.hpp) -----

using classification_done = std::function<void(caf::expected<business_classification>)>;

runtime::ttl_cache<business_classification>& classification_cache(business_state& st) {
  if (!st.classifications)
    st.classifications = std::make_unique<runtime::ttl_cache<business_classification>>(
        runtime::cache_type::classification);
  return *st.classifications;
}

void forget_classifications(business_state& st) {
  if (st.classifications)
    st.classifications->clear();
}

void count_classification(const std::string& trigger, const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_classification_business_classifications_total",
      "Industry classifications of stored businesses by trigger and outcome (stored: "
      "new rows written; cached: served from the business actor's cache or its stored "
      "rows; failed)",
      {"trigger", "outcome"});
  family.with({trigger, outcome}).inc();
}

/// Classifies the committed state now and stores the rows with their audit row; `done`
/// runs after the commit. The caller holds the write slot (st.writing).
void run_classification(self_ptr self, classification_actor classifier,
                        const std::string& trigger, const request_meta& meta,
                        classification_done done) {
  auto& st = self->state;
  auto rec = record_of(st);
  self->request(classifier, st.p->settings.http.request_timeout, classify_atom::value,
                classification_input_of(rec))
      .then(
          [self, trigger, meta, done, rec](classification::classification_result& r) {
            auto key = classification_cache_key(r.model_version, rec);
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
                  classification_cache(self->state).put(key, out, clock::now());
                  count_classification(trigger, "stored");
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
  classification_cache(st).put(key, stored->classification(), now - age);
  return stored->classification();
}

void do_classify(self_ptr self, caf::typed_response_promise<business_classification> rp,
                 const request_meta& meta, classification_actor classifier,
                 const std::string& model_version) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.writing = true; // one classification or write of this business at a time
  auto finish = [self, rp](caf::expected<business_classification> r) mutable {
    if (r)
      rp.deliver(std::move(*r));
    else
      rp.deliver(r.error());
    finish_write(self);
  };
  auto key = classification_cache_key(model_version, record_of(st));
  auto now = clock::now();
  auto found = classification_cache(st).get(key, now);
  if (found.value) {
    business_classification cached = *found.value;
    cached.cached = true;
    bool refresh = found.refresh_due;
    count_classification("api", "cached");
    finish(std::move(cached));
    if (refresh)
      refresh_classification(self, classifier, key);
    return;
  }
  // Not in memory (first call since activation, or expired): the stored classification
  // still serves when it was made from these inputs by this model within the TTL.
  pg_batch read;
  add(read, q::classification_latest, {val(st.id), val(record_of(st).tenant_id)});
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

void do_decide(self_ptr self, caf::typed_response_promise<stored_hit> rp,
               const request_meta& meta, const base::uuid& hit_id,
               const std::string& decision, const std::string& reason) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.writing = true;
  pg_batch read;
  add(read, q::screening_hit_get,
      {val(hit_id), val(st.id), val(record_of(st).tenant_id)});
  run_batch(
      self, *st.p, std::move(read),
      [self, rp, meta, decision, reason](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          rp.deliver(make_error(errc::not_found, "no such screening hit"));
          finish_write(self);
          return;
        }
        auto hit = decode_stored_hit(res[0].rows[0]);
        auto actor = meta.who.audit_actor();
        auto at = base::utc_timestamp();
        pg_batch batch;
        add(batch, q::screening_decision_upsert,
            {val(base::uuid::make_v7()), val(record_of(st).tenant_id),
             val(record_of(st).region), val(st.id), val(hit.subject_name), val(hit.list),
             val(hit.entity_id), val(hit.fingerprint), val(decision), val(reason),
             val(hit.id), val(actor), val(at)});
        add(batch, q::screening_hit_decide,
            {val(hit.id), val(decision), val(reason), val(actor), val(at), val(st.id),
             val(record_of(st).tenant_id)});
        nlohmann::json details = {{"business_id", st.id.to_string()},
                                  {"list", hit.list},
                                  {"entity_id", hit.entity_id},
                                  {"subject", hit.subject_name},
                                  {"decision", decision},
                                  {"reason", reason}};
        add_audit(batch, record_of(st).tenant_id, record_of(st).region, actor,
                  "screening.decision", "screening_hit", hit.id.to_string(),
                  meta.request_id, details.dump());
        hit.decision = decision;
        hit.decision_reason = reason;
        hit.decided_by = actor;
        hit.decided_at = at;
        screening_write(
            self, std::move(batch),
            [self, rp, hit](std::vector<pg_rows>&) mutable {
              // The cached screening shows the hit undecided: the next one re-screens.
              forget_screenings(self->state);
              rp.deliver(hit);
              finish_write(self);
            },
            [self, rp](caf::error& err) mutable {
              rp.deliver(err);
              finish_write(self);
            });
      },
      [self, rp](caf::error& err) mutable {
        rp.deliver(err);
        finish_write(self);
      });
}

} // namespace

business_actor spawn_business_actor(caf::actor_system& sys, platform_ptr p,
                                    const base::uuid& id) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p, base::uuid id) -> business_actor::behavior_type {
        self->state.p = p;
        self->state.id = id;
        self->state.lease.shard = p->directory->shard_of(business_entity, id);
        return {
            [self](create_atom, const request_meta& meta,
                   const business_input& in) -> caf::result<business_view> {
              auto rp = self->make_response_promise<business_view>();
              auto& st = self->state;
              st.last_active = clock::now();
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "creating businesses needs the 'write' scope");
              // A new id needs no load: the insert itself fails if the id exists.
              if (st.ph == business_state::phase::unloaded && !st.writing &&
                  st.waiting.empty()) {
                do_create(self, rp, meta, in);
                return rp;
              }
              when_ready(self, rp, true,
                         [self, rp, meta, in] { do_create(self, rp, meta, in); });
              return rp;
            },
            [self](get_atom, const request_meta& meta,
                   uint8_t reveal_bits) -> caf::result<business_view> {
              auto rp = self->make_response_promise<business_view>();
              when_visible(
                  self, rp, meta, false, [self, rp, meta, reveal_bits]() mutable {
                    auto& st = self->state;
                    if (reveal_bits == 0) {
                      rp.deliver(masked_view(st));
                      return;
                    }
                    if (!meta.who.has(scope_admin)) {
                      rp.deliver(
                          make_error(errc::forbidden,
                                     "revealing personal data needs the 'admin' scope"));
                      return;
                    }
                    // Revealing is a personal-data read: the audit row commits before the
                    // data leaves.
                    nlohmann::json fields = nlohmann::json::array();
                    if (reveal_bits & reveal_tax_id)
                      fields.push_back("tax_id");
                    if (reveal_bits & reveal_owners)
                      fields.push_back("owners");
                    pg_batch batch;
                    add_audit(batch, st.rec().tenant_id, st.rec().region,
                              meta.who.audit_actor(), "business.reveal", "business",
                              st.id.to_string(), meta.request_id,
                              nlohmann::json{{"fields", fields}}.dump());
                    run_fenced(
                        self, *st.p, st.lease, std::move(batch),
                        [self, rp, reveal_bits](std::vector<pg_rows>&) mutable {
                          rp.deliver(make_view(self->state.rec(), reveal_bits));
                        },
                        [rp](caf::error& err) mutable { rp.deliver(err); });
                  });
              return rp;
            },
            [self](update_atom, const request_meta& meta,
                   const business_input& in) -> caf::result<business_view> {
              auto rp = self->make_response_promise<business_view>();
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "changing businesses needs the 'write' scope");
              when_visible(self, rp, meta, true, [self, rp, meta, in]() mutable {
                auto& st = self->state;
                business_record next = st.rec();
                apply_business_input(next, in);
                pg_batch batch;
                auto params = row_params(*st.p, next);
                params.push_back(val(std::to_string(st.rec().version)));
                add(batch, q::business_update, std::move(params));
                if (in.owners.present) {
                  add(batch, q::owners_delete, {val(st.id)});
                  add_owners(batch, next);
                }
                add_audit(batch, next.tenant_id, next.region, meta.who.audit_actor(),
                          "business.update", "business", st.id.to_string(),
                          meta.request_id,
                          nlohmann::json{{"fields", changed_fields(in)}}.dump());
                st.writing = true;
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, next](std::vector<pg_rows>& res) mutable {
                      auto& st = self->state;
                      auto& row = res.at(0).rows.at(0);
                      next.version = static_cast<int32_t>(std::stol(col(row, 0)));
                      next.updated_at = col(row, 1);
                      st.rec() = std::move(next);
                      st.masked.reset();
                      forget_screenings(st);      // names or owners may have changed
                      forget_classifications(st); // and what the classifier reads
                      rp.deliver(masked_view(st));
                      finish_write(self);
                    },
                    [self, rp](caf::error& err) mutable {
                      auto& st = self->state;
                      rp.deliver(err);
                      // The outcome may be unknown (connection lost): reload before the
                      // next write.
                      st.writing = false;
                      st.ph = business_state::phase::unloaded;
                      if (!st.waiting.empty())
                        load(self);
                    });
              });
              return rp;
            },
            [self](delete_atom, const request_meta& meta) -> caf::result<business_view> {
              auto rp = self->make_response_promise<business_view>();
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "deleting businesses needs the 'write' scope");
              when_visible(self, rp, meta, true, [self, rp, meta]() mutable {
                auto& st = self->state;
                pg_batch batch;
                add(batch, q::business_soft_delete,
                    {val(st.id), val(st.rec().tenant_id),
                     val(std::to_string(st.rec().version))});
                add_audit(batch, st.rec().tenant_id, st.rec().region,
                          meta.who.audit_actor(), "business.delete", "business",
                          st.id.to_string(), meta.request_id, "{}");
                st.writing = true;
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp](std::vector<pg_rows>& res) mutable {
                      auto& st = self->state;
                      st.rec().deleted_at = col(res.at(0).rows.at(0), 0);
                      st.masked.reset();
                      forget_screenings(st);
                      forget_classifications(st);
                      st.rec().version += 1;
                      st.ph = business_state::phase::deleted;
                      rp.deliver(masked_view(st));
                      finish_write(self);
                    },
                    [self, rp](caf::error& err) mutable {
                      auto& st = self->state;
                      rp.deliver(err);
                      st.writing = false;
                      st.ph = business_state::phase::unloaded;
                      if (!st.waiting.empty())
                        load(self);
                    });
              });
              return rp;
            },
            [self](screen_atom, const request_meta& meta, const screen_request& req,
                   const screening_actor& screening) -> caf::result<business_screening> {
              auto rp = self->make_response_promise<business_screening>();
              if (req.trigger == "api" && !meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "screening a business stores the result: it needs the "
                                  "'write' scope");
              when_ready(self, rp, true, [self, rp, meta, req, screening] {
                do_screen(self, rp, meta, req, screening);
              });
              return rp;
            },
            [self](latest_atom,
                   const request_meta& meta) -> caf::result<business_screening> {
              auto rp = self->make_response_promise<business_screening>();
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading screenings needs the 'read' scope");
              when_visible(self, rp, meta, false, [self, rp, meta]() mutable {
                auto& st = self->state;
                pg_batch batch;
                add(batch, q::screening_result_latest,
                    {val(st.id), val(record_of(st).tenant_id)});
                add(batch, q::screening_hits_of_latest,
                    {val(st.id), val(record_of(st).tenant_id)});
                run_batch(
                    self, *st.p, std::move(batch),
                    [rp](std::vector<pg_rows>& res) mutable {
                      auto s = decode_stored_screening(res.at(0), res.at(1));
                      if (!s)
                        rp.deliver(make_error(errc::not_found,
                                              "the business has not been screened yet"));
                      else
                        rp.deliver(business_screening{
                            std::make_shared<const business_screening_data>(
                                std::move(*s)),
                            false});
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
              });
              return rp;
            },
            [self](decide_atom, const request_meta& meta, const base::uuid& hit_id,
                   const std::string& decision,
                   const std::string& reason) -> caf::result<stored_hit> {
              auto rp = self->make_response_promise<stored_hit>();
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "deciding screening hits needs the 'write' scope");
              when_ready(self, rp, true, [self, rp, meta, hit_id, decision, reason] {
                do_decide(self, rp, meta, hit_id, decision, reason);
              });
              return rp;
            },
            [self](classify_atom, const request_meta& meta,
                   const classification_actor& classifier,
                   const std::string& model_version)
                -> caf::result<business_classification> {
              auto rp = self->make_response_promise<business_classification>();
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "classifying a business stores the result: it needs "
                                  "the 'write' scope");
              when_ready(self, rp, true, [self, rp, meta, classifier, model_version] {
                do_classify(self, rp, meta, classifier, model_version);
              });
              return rp;
            },
            [self](latest_classification_atom,
                   const request_meta& meta) -> caf::result<business_classification> {
              auto rp = self->make_response_promise<business_classification>();
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading classifications needs the 'read' scope");
              when_visible(self, rp, meta, false, [self, rp, meta]() mutable {
                auto& st = self->state;
                pg_batch batch;
                add(batch, q::classification_latest,
                    {val(st.id), val(record_of(st).tenant_id)});
                run_batch(
                    self, *st.p, std::move(batch),
                    [self, rp](std::vector<pg_rows>& res) mutable {
                      auto stored =
                          decode_stored_classification(res.at(0), record_of(self->state));
                      if (!stored)
                        rp.deliver(make_error(
                            errc::not_found, "the business has not been classified yet"));
                      else
                        rp.deliver(stored->classification());
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
              });
              return rp;
            },
            [self](warm_atom, const std::string& model_version) -> caf::result<int32_t> {
              auto rp = self->make_response_promise<int32_t>();
              when_ready(self, rp, false, [self, rp, model_version]() mutable {
                auto& st = self->state;
                if (st.ph != business_state::phase::present) {
                  rp.deliver(int32_t{0});
                  return;
                }
                if (model_version.empty()) {
                  rp.deliver(int32_t{1});
                  return;
                }
                auto key = classification_cache_key(model_version, record_of(st));
                pg_batch batch;
                add(batch, q::classification_latest,
                    {val(st.id), val(record_of(st).tenant_id)});
                run_batch(
                    self, *st.p, std::move(batch),
                    [self, rp, key](std::vector<pg_rows>& res) mutable {
                      auto cached = cache_stored_classification(self->state, res.at(0),
                                                                key, clock::now());
                      rp.deliver(int32_t{cached ? 2 : 1});
                    },
                    [rp](caf::error&) mutable { rp.deliver(int32_t{1}); });
              });
              return rp;
            },
            [self](runtime::passivate_atom) {
              self->state.passivating = true;
              maybe_passivate(self);
            },
        };
      },
      p, id);
}

} // namespace kyb::actors

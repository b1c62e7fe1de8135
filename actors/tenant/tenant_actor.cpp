#include "actors/tenant/tenant_actor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/entity/entity_lifecycle.hpp"
#include "actors/risk/risk_rules.hpp"
#include "actors/row_columns.hpp"
#include "actors/tenant/api_key.hpp"
#include "actors/tenant/auth_leases.hpp"
#include "actors/tenant/token_bucket.hpp"
#include "actors/verification/verification.hpp"
#include "actors/verification/verification_policy.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"

namespace kyb::actors {

namespace {

using clock = token_bucket::clock;
namespace q = persistence::q;

struct key_entry {
  std::string hash; ///< sha256 of the secret, raw
  api_key_info info;
  bool revoking = false; ///< stops authenticating the moment a revocation arrives
};

struct tenant_state {
  static inline const char* name = "kyb.tenant";

  platform_ptr p;
  base::uuid id;
  /// Load, wait until ready, the write slot, passivation (actors/entity/).
  entity_lifecycle life;
  bool found = false; ///< the read found the tenant (meaningful while life.loaded())
  tenant_record rec;
  std::unordered_map<base::uuid, key_entry> keys;
  std::optional<token_bucket> bucket;
  entity_lease lease;            ///< its shard and the epoch its writes carry
  clock::time_point loaded_at{}; ///< when the state was read
  /// The leases granted on its keys and the revocations waiting for them.
  std::optional<auth_leases> leases;
  /// The current risk rules version, read with the state and replaced by a PUT; unknown
  /// (read again on use) after a PUT whose outcome is not known.
  std::optional<risk_rules_version> rules;
  /// Counts the changes of `rules` by a load or a PUT: a read of the current version
  /// that started before one is not stored over it.
  uint64_t rules_epoch = 0;
  /// Reads of rules versions in flight (they keep the actor from passivating).
  uint32_t rules_reads = 0;

  bool present() const { return life.loaded() && found; }
  bool absent() const { return life.loaded() && !found; }

  double rate() const {
    return rec.rate_limit_per_second.value_or(p->settings.rate_limit.requests_per_second);
  }
  double burst() const {
    return rec.rate_limit_burst.value_or(p->settings.rate_limit.burst);
  }
};

using self_ptr = tenant_actor::stateful_pointer<tenant_state>;

/// Decodes tenant_get's row.
tenant_record decode_tenant(const pg_rows& rows) {
  row_columns c(rows);
  auto& row = rows.rows.at(0);
  tenant_record r;
  r.id = uuid_col(row, c["id"]);
  r.region = col(row, c["region"]);
  r.name = col(row, c["name"]);
  r.kind = col(row, c["kind"]);
  r.rate_limit_per_second = opt_double(row, c["rate_limit_per_second"]);
  r.rate_limit_burst = opt_double(row, c["rate_limit_burst"]);
  r.created_at = col(row, c["created_at"]);
  if (auto type = opt_col(row, c["plan_type"]))
    r.plan = tenant_plan{*type, int64_col(row, c["plan_price_cents"]),
                         col(row, c["plan_status"]), col(row, c["plan_started_at"]),
                         opt_col(row, c["plan_cancelled_at"])};
  return r;
}

/// A plan as its audit rows show it (null: none).
nlohmann::json plan_audit_json(const std::optional<tenant_plan>& plan) {
  if (!plan)
    return nullptr;
  return {{"type", plan->type},
          {"monthly_price", static_cast<double>(plan->monthly_price_cents) / 100},
          {"status", plan->status},
          {"started_at", plan->started_at},
          {"cancelled_at", plan->cancelled_at ? nlohmann::json(*plan->cancelled_at)
                                              : nlohmann::json(nullptr)}};
}

uint8_t scopes_from_csv(const std::string& csv) {
  uint8_t bits = 0;
  size_t i = 0;
  while (i <= csv.size()) {
    auto j = csv.find(',', i);
    if (j == std::string::npos)
      j = csv.size();
    bits |= parse_scope(csv.substr(i, j - i));
    i = j + 1;
  }
  return bits;
}

std::string scopes_pg_array(uint8_t bits) {
  return "{" + scopes_to_string(bits) + "}";
}

/// Version 0: the platform's default rules, which a tenant's document changes nothing of.
risk_rules_version defaults_version() {
  return risk_rules_version{0, "{}", "", ""};
}

/// Decodes a row of a risk_rules statement (KYB_RISK_RULES_COLUMNS).
risk_rules_version decode_rules(const pg_rows& rows) {
  row_columns c(rows);
  auto& row = rows.rows.at(0);
  return risk_rules_version{int_col(row, c["version"]), col(row, c["document"]),
                            col(row, c["created_by"]), col(row, c["created_at"])};
}

/// risk_rules_current's answer: the highest stored version, or version 0 (the
/// defaults) when there is none.
risk_rules_version current_rules(const pg_rows& rows) {
  return rows.rows.empty() ? defaults_version() : decode_rules(rows);
}

void load(self_ptr self) {
  auto& st = self->state;
  st.loaded_at = clock::now();
  pg_batch batch;
  add(batch, q::tenant_get, {val(st.id)});
  add(batch, q::api_keys_of_tenant, {val(st.id)});
  add(batch, q::risk_rules_current, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          st.found = false;
        } else {
          st.rec = decode_tenant(res[0]);
          st.found = true;
          row_columns c(res.at(1)); // api_keys_of_tenant's
          for (auto& row : res[1].rows) {
            key_entry k;
            k.hash = bytea_col(row, c["secret_hash"]).value_or("");
            k.info.id = uuid_col(row, c["id"]);
            k.info.tenant_id = st.id;
            k.info.scopes = scopes_from_csv(col(row, c["scopes"]));
            k.info.name = col(row, c["name"]);
            k.info.created_at = col(row, c["created_at"]);
            k.info.revoked_at = opt_col(row, c["revoked_at"]);
            st.keys.emplace(k.info.id, std::move(k));
          }
          if (!st.bucket)
            st.bucket.emplace(st.rate(), st.burst(), clock::now());
        }
        st.rules = current_rules(res.at(2));
        ++st.rules_epoch;
        st.life.load_succeeded();
      },
      [self](caf::error& err) {
        // Everything waiting answers unavailable and the actor stops, so the next
        // message activates a fresh actor that tries again.
        auto& st = self->state;
        base::log_warn("tenant.load_failed",
                       {{"tenant_id", st.id.to_string()}, {"error", detail_of(err)}});
        st.life.load_failed(err);
      });
}

/// Runs `fn` once the tenant's state is known (and, for a write, no other write is in
/// flight: entity_lifecycle); loads it on first use.
template <class Promise>
void when_ready(self_ptr self, Promise rp, bool is_write, std::function<void()> fn) {
  auto& st = self->state;
  // Where this region holds only a replica of the tenant (regions/), or none, the state
  // is read again after a second: keys revoked in the write region stop working here
  // within the replication lag plus that second, and a tenant that replicated in since
  // is found.
  if (st.life.loaded() && st.life.idle() && !st.leases->waiting() &&
      (!st.found || !st.p->writes_here(st.rec.region)) &&
      clock::now() - st.loaded_at > std::chrono::seconds(1)) {
    st.keys.clear();
    st.life.forget();
  }
  st.life.when_ready(std::move(rp), is_write, std::move(fn), "tenant");
}

bool may_manage(const tenant_state& st, const request_meta& meta) {
  return meta.who.is_operator() ||
         (meta.who.tenant_id == st.id && meta.who.has(scope_admin));
}

api_key_info key_view(const key_entry& k) {
  return k.info;
}

/// Runs `fn` once the leases up to `until` have run out.
void after_leases(self_ptr self, clock::time_point until, std::function<void()> fn) {
  auto now = clock::now();
  if (self->state.leases->after(until, now, std::move(fn)))
    self->delayed_send(caf::actor_cast<tenant_actor>(self), until - now,
                       lease_expired_atom::value);
}

/// A rate as people write it: "100000", "0.5" (std::to_string gives "100000.000000").
std::string rate_text(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", rate);
  return buf;
}

/// How many tokens one lease takes: a twentieth of what the bucket refills during
/// the lease, at most 1000 (0: no lease; slow tenants are asked about every request).
uint32_t lease_size(const tenant_state& st) {
  auto lease = st.p->settings.rate_limit.auth_lease;
  if (lease.count() <= 0)
    return 0;
  auto want = std::floor(st.rate() * static_cast<double>(lease.count()) / 1000.0 / 20.0);
  return static_cast<uint32_t>(std::clamp(want, 0.0, 1000.0));
}

/// Runs fn() with st.rules known: at once, or after reading the current version (it is
/// unknown only after a PUT whose outcome is not known). fail(err) when that read fails.
void with_rules(self_ptr self, std::function<void()> fn,
                std::function<void(caf::error&)> fail) {
  auto& st = self->state;
  if (st.rules) {
    fn();
    return;
  }
  ++st.rules_reads;
  pg_batch batch;
  add(batch, q::risk_rules_current, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self, fn, fail, epoch = st.rules_epoch](std::vector<pg_rows>& res) {
        auto& st = self->state;
        --st.rules_reads;
        if (!st.rules && st.rules_epoch == epoch)
          st.rules = current_rules(res.at(0));
        if (st.rules)
          fn();
        else // a PUT failed meanwhile, so this read may be older than the database
          with_rules(self, fn, fail);
        st.life.stop_if_idle();
      },
      [self, fail](caf::error& err) {
        --self->state.rules_reads;
        fail(err);
        self->state.life.stop_if_idle();
      });
}

/// Reads one stored version (of the risk rules or the verification policy) and answers
/// rp with answer(rows) or the error; the actor does not passivate meanwhile.
template <class Promise, class Answer>
void read_stored_version(self_ptr self, Promise rp, pg_batch batch, Answer answer) {
  ++self->state.rules_reads;
  auto done = [self] {
    --self->state.rules_reads;
    self->state.life.stop_if_idle();
  };
  run_batch(
      self, *self->state.p, std::move(batch),
      [rp, answer, done](std::vector<pg_rows>& res) mutable {
        answer(res.at(0), rp);
        done();
      },
      [rp, done](caf::error& err) mutable {
        rp.deliver(err);
        done();
      });
}

/// Checks that the caller may see this tenant's rules (`required` scope); answers rp and
/// returns false otherwise.
template <class Promise>
bool may_use_rules(const tenant_state& st, const request_meta& meta, uint8_t required,
                   const char* what, Promise& rp) {
  if (!st.found || meta.who.tenant_id != st.id) {
    rp.deliver(make_error(errc::not_found, "no such tenant"));
    return false;
  }
  if (!meta.who.has(required)) {
    rp.deliver(make_error(errc::forbidden, what));
    return false;
  }
  return true;
}

/// The audit details of a rules version: its number and the SHA-256 of the document as
/// compact JSON with sorted members (what nlohmann::json::dump() writes), so that a
/// stored version can be checked against its audit row.
std::string rules_audit_details(int32_t version, const nlohmann::json& doc) {
  return nlohmann::json{{"version", version},
                        {"document_sha256", base::sha256_hex(doc.dump())}}
      .dump();
}

/// Checks that the caller may change this tenant's plan and that it can have one;
/// answers rp and returns false otherwise.
template <class Promise>
bool may_change_plan(const tenant_state& st, Promise& rp) {
  if (!st.found) {
    rp.deliver(make_error(errc::not_found, "no such tenant"));
    return false;
  }
  if (st.id == st.p->platform_tenant || st.rec.kind != "customer") {
    rp.deliver(make_error(errc::unprocessable,
                          "the platform tenant has no plan: plans are what customer "
                          "tenants buy"));
    return false;
  }
  return true;
}

/// Runs a plan change (`batch`: its statement and audit row) and answers the tenant as
/// committed.
void write_plan(self_ptr self, caf::typed_response_promise<tenant_record> rp,
                pg_batch batch) {
  auto& st = self->state;
  add(batch, q::tenant_get, {val(st.id)});
  st.life.begin_write();
  run_fenced(
      self, *st.p, st.lease, std::move(batch),
      [self, rp](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        st.rec = decode_tenant(res.back());
        rp.deliver(st.rec);
        st.life.end_write();
      },
      [self, rp](caf::error& err) mutable {
        // The database may disagree with this actor (KY409) or the outcome may be
        // unknown (connection lost): read the tenant again before the next work.
        rp.deliver(err);
        self->state.life.end_write_unknown();
      });
}

} // namespace

tenant_actor spawn_tenant_actor(caf::actor_system& sys, platform_ptr p,
                                const base::uuid& id) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p, base::uuid id) -> tenant_actor::behavior_type {
        auto& st = self->state;
        st.p = p;
        st.id = id;
        st.lease.shard = p->directory->shard_of(tenant_entity, id);
        st.leases.emplace(clock::now(), p->settings.rate_limit.auth_lease);
        st.life = entity_lifecycle({[self] { load(self); },
                                    [self](const caf::error& err) { self->quit(err); },
                                    [self] {
                                      auto& st = self->state;
                                      return st.leases->waiting() || st.rules_reads > 0;
                                    }});
        return {
            [self](authenticate_atom, const base::uuid& key_id, const std::string& hash,
                   uint8_t required) -> caf::result<auth_grant> {
              auto rp = self->make_response_promise<auth_grant>();
              when_ready(self, rp, false, [self, rp, key_id, hash, required]() mutable {
                auto& st = self->state;
                auto it = st.keys.find(key_id);
                // One answer for every way a key can be wrong: no hint which part was.
                if (!st.found || it == st.keys.end() || it->second.info.revoked_at ||
                    it->second.revoking ||
                    !base::constant_time_equal(it->second.hash, hash)) {
                  // The field tells the broker that this region does not know the
                  // tenant at all: in a multi-region deployment it asks the other
                  // residency's region, which may.
                  // A key id it does not know, of a tenant it holds only a replica
                  // of, may be newer than the replica: the home region knows.
                  std::string hint;
                  if (!st.found)
                    hint = "tenant_absent";
                  else if (it == st.keys.end() && !st.p->writes_here(st.rec.region))
                    hint = "key_unknown_in_replica:" + st.rec.region;
                  rp.deliver(
                      make_error(errc::unauthorized, "the API key is not valid", hint));
                  return;
                }
                auto& info = it->second.info;
                if ((info.scopes & required) != required) {
                  rp.deliver(make_error(errc::forbidden,
                                        missing_scope_detail(required, info.scopes)));
                  return;
                }
                auto now = clock::now();
                if (auto wait = st.bucket->take(now)) {
                  auto secs = (wait->count() + 999) / 1000;
                  rp.deliver(make_error(errc::rate_limited,
                                        "rate limit of " + rate_text(st.rate()) +
                                            " requests per second exceeded",
                                        std::to_string(secs)));
                  return;
                }
                auth_grant g{principal{st.id, key_id, info.scopes, st.rec.region}, 0, 0};
                if (auto n = lease_size(st); n > 0)
                  g.tokens = st.bucket->take_up_to(n, now);
                if (g.tokens > 0) {
                  auto lease = st.p->settings.rate_limit.auth_lease;
                  g.valid_ms = static_cast<uint32_t>(lease.count());
                  st.leases->granted(key_id, now);
                }
                rp.deliver(std::move(g));
              });
              return rp;
            },
            [self](create_atom, const request_meta& meta,
                   const tenant_spec& spec) -> caf::result<tenant_record> {
              auto rp = self->make_response_promise<tenant_record>();
              auto& st = self->state;
              if (!meta.who.is_operator())
                return make_error(errc::forbidden,
                                  "creating tenants needs a platform-operator key");
              auto start = [self, rp, meta, spec]() mutable {
                auto& st = self->state;
                if (st.present()) {
                  rp.deliver(make_error(errc::conflict, "the tenant exists already"));
                  return;
                }
                st.life.begin_create();
                pg_batch batch;
                add(batch, q::tenant_insert,
                    {val(st.id), val(spec.region), val(spec.name),
                     spec.rate_limit_per_second ? val_num(*spec.rate_limit_per_second)
                                                : null_value(),
                     spec.rate_limit_burst ? val_num(*spec.rate_limit_burst)
                                           : null_value()});
                nlohmann::json details = {{"name", spec.name}, {"region", spec.region}};
                add_audit(batch, st.id, spec.region, meta.who.audit_actor(),
                          "tenant.create", "tenant", st.id.to_string(), meta.request_id,
                          details.dump());
                add(batch, q::tenant_get, {val(st.id)});
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp](std::vector<pg_rows>& res) mutable {
                      auto& st = self->state;
                      st.rec = decode_tenant(res.at(2));
                      st.found = true;
                      st.bucket.emplace(st.rate(), st.burst(), clock::now());
                      rp.deliver(st.rec);
                      st.life.end_create(true);
                    },
                    [self, rp](caf::error& err) mutable {
                      // Unknown outcome (connection lost): forget what we knew and
                      // reload.
                      rp.deliver(err);
                      self->state.life.end_create(false);
                    });
              };
              // A create needs no read; on a tenant read as absent it waits for no one
              // (nothing else writes an absent tenant).
              if (st.life.current() == entity_lifecycle::phase::unloaded ||
                  (st.absent() && !st.life.writing()))
                start();
              else
                when_ready(self, rp, true, start);
              return rp;
            },
            [self](get_atom, const request_meta& meta) -> caf::result<tenant_record> {
              auto rp = self->make_response_promise<tenant_record>();
              when_ready(self, rp, false, [self, rp, meta]() mutable {
                auto& st = self->state;
                if (!st.found || !(meta.who.is_operator() || meta.who.tenant_id == st.id))
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                else
                  rp.deliver(st.rec);
              });
              return rp;
            },
            [self](set_plan_atom, const request_meta& meta,
                   const tenant_plan_spec& spec) -> caf::result<tenant_record> {
              if (!meta.who.is_operator())
                return make_error(errc::forbidden,
                                  "setting a plan needs a platform-operator key");
              auto known = std::find_if(plan_types.begin(), plan_types.end(),
                                        [&](const char* t) { return spec.type == t; });
              if (known == plan_types.end())
                return make_error(errc::invalid_argument, "unknown plan type", "/type");
              if (spec.monthly_price_cents < 0 ||
                  spec.monthly_price_cents > max_plan_price_cents)
                return make_error(errc::invalid_argument,
                                  "the monthly price is out of range", "/monthly_price");
              auto rp = self->make_response_promise<tenant_record>();
              when_ready(self, rp, true, [self, rp, meta, spec]() mutable {
                auto& st = self->state;
                if (!may_change_plan(st, rp))
                  return;
                pg_batch batch;
                add(batch, q::tenant_plan_set,
                    {val(st.id), val(spec.type),
                     val(dollars_text(spec.monthly_price_cents)), val(spec.started_at)});
                nlohmann::json details = {
                    {"type", spec.type},
                    {"monthly_price",
                     static_cast<double>(spec.monthly_price_cents) / 100},
                    {"started_at", spec.started_at ? nlohmann::json(*spec.started_at)
                                                   : nlohmann::json(nullptr)},
                    {"previous", plan_audit_json(st.rec.plan)}};
                add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                          "tenant.plan_set", "tenant", st.id.to_string(), meta.request_id,
                          details.dump());
                write_plan(self, rp, std::move(batch));
              });
              return rp;
            },
            [self](cancel_plan_atom,
                   const request_meta& meta) -> caf::result<tenant_record> {
              if (!meta.who.is_operator())
                return make_error(errc::forbidden,
                                  "cancelling a plan needs a platform-operator key");
              auto rp = self->make_response_promise<tenant_record>();
              when_ready(self, rp, true, [self, rp, meta]() mutable {
                auto& st = self->state;
                if (!may_change_plan(st, rp))
                  return;
                if (!st.rec.plan) {
                  rp.deliver(
                      make_error(errc::conflict, "the tenant has no plan to cancel"));
                  return;
                }
                if (st.rec.plan->status != "active") {
                  rp.deliver(make_error(errc::conflict,
                                        "the tenant's plan was cancelled already, at " +
                                            st.rec.plan->cancelled_at.value_or("?")));
                  return;
                }
                pg_batch batch;
                add(batch, q::tenant_plan_cancel, {val(st.id)});
                nlohmann::json details = {{"plan", plan_audit_json(st.rec.plan)}};
                add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                          "tenant.plan_cancel", "tenant", st.id.to_string(),
                          meta.request_id, details.dump());
                write_plan(self, rp, std::move(batch));
              });
              return rp;
            },
            [self](create_key_atom, const request_meta& meta, const std::string& name,
                   uint8_t scopes) -> caf::result<issued_api_key> {
              auto rp = self->make_response_promise<issued_api_key>();
              when_ready(self, rp, true, [self, rp, meta, name, scopes]() mutable {
                auto& st = self->state;
                if (!st.found ||
                    !(meta.who.is_operator() || meta.who.tenant_id == st.id)) {
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                  return;
                }
                if (!may_manage(st, meta)) {
                  rp.deliver(make_error(errc::forbidden,
                                        "managing API keys needs the 'admin' scope"));
                  return;
                }
                bool platform = st.id == st.p->platform_tenant;
                if ((scopes & scope_operator) && !platform) {
                  rp.deliver(make_error(
                      errc::invalid_argument,
                      "the 'operator' scope exists only for platform keys", "/scopes"));
                  return;
                }
                // The platform tenant's 'admin' scope manages its keys, but only an
                // operator makes another operator: an admin key must not raise itself.
                if ((scopes & scope_operator) && !meta.who.is_operator()) {
                  rp.deliver(make_error(errc::forbidden,
                                        "only a platform-operator key may create a key "
                                        "with the 'operator' scope"));
                  return;
                }
                auto key = make_api_key(st.id, base::uuid::make_v7());
                pg_batch batch;
                add(batch, q::api_key_insert,
                    {val(key.key_id), val(st.id), val(st.rec.region), val(name),
                     val_bytea(secret_hash(key.secret)), val(scopes_pg_array(scopes)),
                     val(meta.who.audit_actor())});
                nlohmann::json details = {{"key_id", key.key_id.to_string()},
                                          {"name", name},
                                          {"scopes", scopes_to_string(scopes)}};
                add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                          "api_key.create", "api_key", key.key_id.to_string(),
                          meta.request_id, details.dump());
                st.life.begin_write();
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, key, name, scopes](std::vector<pg_rows>&) mutable {
                      auto& st = self->state;
                      key_entry k;
                      k.hash = secret_hash(key.secret);
                      k.info = api_key_info{
                          key.key_id, st.id, name, scopes, base::utc_timestamp(), {}};
                      auto info = k.info;
                      st.keys.emplace(key.key_id, std::move(k));
                      rp.deliver(issued_api_key{info, format_api_key(key)});
                      st.life.end_write();
                    },
                    [self, rp](caf::error& err) mutable {
                      rp.deliver(err);
                      self->state.life.end_write();
                    });
              });
              return rp;
            },
            [self](lease_expired_atom) {
              auto& st = self->state;
              st.leases->wake(clock::now());
              st.life.stop_if_idle();
            },
            [self](revoke_key_atom, const request_meta& meta,
                   const base::uuid& key_id) -> caf::result<api_key_info> {
              auto rp = self->make_response_promise<api_key_info>();
              when_ready(self, rp, true, [self, rp, meta, key_id]() mutable {
                auto& st = self->state;
                if (!st.found ||
                    !(meta.who.is_operator() || meta.who.tenant_id == st.id)) {
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                  return;
                }
                if (!may_manage(st, meta)) {
                  rp.deliver(make_error(errc::forbidden,
                                        "managing API keys needs the 'admin' scope"));
                  return;
                }
                auto it = st.keys.find(key_id);
                if (it == st.keys.end() || it->second.info.revoked_at) {
                  rp.deliver(make_error(errc::not_found, "no such active API key"));
                  return;
                }
                if ((it->second.info.scopes & scope_operator) &&
                    !meta.who.is_operator()) {
                  rp.deliver(make_error(errc::forbidden,
                                        "only a platform-operator key may revoke a key "
                                        "with the 'operator' scope"));
                  return;
                }
                // From here on the key authenticates nothing, even before the commit.
                it->second.revoking = true;
                pg_batch batch;
                add(batch, q::api_key_revoke, {val(key_id), val(st.id)});
                nlohmann::json details = {{"key_id", key_id.to_string()}};
                add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                          "api_key.revoke", "api_key", key_id.to_string(),
                          meta.request_id, details.dump());
                st.life.begin_write();
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, key_id](std::vector<pg_rows>&) mutable {
                      auto& st = self->state;
                      auto& k = st.keys[key_id];
                      k.revoking = false;
                      k.info.revoked_at = base::utc_timestamp();
                      // The answer waits for the leases on the key (HTTP workers may
                      // use them without asking here): from it on, no node accepts it.
                      // The write slot is free meanwhile; the waiting answer keeps the
                      // actor from passivating (auth_leases::waiting).
                      after_leases(self, st.leases->runs_out(key_id),
                                   [rp, info = k.info]() mutable { rp.deliver(info); });
                      st.life.end_write();
                    },
                    [self, rp](caf::error& err) mutable {
                      // Not revoked in the database: say so (the client retries), but
                      // keep refusing the key here: a revocation request is never
                      // silently undone.
                      rp.deliver(err);
                      self->state.life.end_write();
                    });
              });
              return rp;
            },
            [self](list_keys_atom,
                   const request_meta& meta) -> caf::result<std::vector<api_key_info>> {
              auto rp = self->make_response_promise<std::vector<api_key_info>>();
              when_ready(self, rp, false, [self, rp, meta]() mutable {
                auto& st = self->state;
                if (!st.found ||
                    !(meta.who.is_operator() || meta.who.tenant_id == st.id)) {
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                  return;
                }
                if (!may_manage(st, meta)) {
                  rp.deliver(make_error(errc::forbidden,
                                        "listing API keys needs the 'admin' scope"));
                  return;
                }
                std::vector<api_key_info> out;
                for (auto& [id, k] : st.keys)
                  out.push_back(key_view(k));
                std::sort(out.begin(), out.end(),
                          [](const api_key_info& a, const api_key_info& b) {
                            return a.id < b.id;
                          });
                rp.deliver(std::move(out));
              });
              return rp;
            },
            [self](ensure_operator_atom) -> caf::result<std::string> {
              auto rp = self->make_response_promise<std::string>();
              when_ready(self, rp, true, [self, rp]() mutable {
                auto& st = self->state;
                if (st.id != st.p->platform_tenant || !st.found) {
                  rp.deliver(make_error(errc::internal,
                                        "only the platform tenant has operator keys"));
                  return;
                }
                for (auto& [id, k] : st.keys)
                  if (!k.info.revoked_at && (k.info.scopes & scope_operator)) {
                    rp.deliver(std::string{});
                    return;
                  }
                auto key = make_api_key(st.id, base::uuid::make_v7());
                pg_batch batch;
                add(batch, q::api_key_insert,
                    {val(key.key_id), val(st.id), val(st.rec.region), val("bootstrap"),
                     val_bytea(secret_hash(key.secret)),
                     val(scopes_pg_array(scope_operator)), val("system")});
                nlohmann::json details = {{"key_id", key.key_id.to_string()},
                                          {"name", "bootstrap"}};
                add_audit(batch, st.id, st.rec.region, "system", "api_key.create",
                          "api_key", key.key_id.to_string(), "", details.dump());
                st.life.begin_write();
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, key](std::vector<pg_rows>&) mutable {
                      auto& st = self->state;
                      key_entry k;
                      k.hash = secret_hash(key.secret);
                      k.info = api_key_info{key.key_id,
                                            st.id,
                                            "bootstrap",
                                            scope_operator,
                                            base::utc_timestamp(),
                                            {}};
                      st.keys.emplace(key.key_id, std::move(k));
                      rp.deliver(format_api_key(key));
                      st.life.end_write();
                    },
                    [self, rp](caf::error& err) mutable {
                      rp.deliver(err);
                      self->state.life.end_write();
                    });
              });
              return rp;
            },
            [self](risk_rules_atom) -> caf::result<risk_rules_version> {
              auto rp = self->make_response_promise<risk_rules_version>();
              when_ready(self, rp, false, [self, rp]() mutable {
                if (!self->state.found) {
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                  return;
                }
                with_rules(
                    self, [self, rp]() mutable { rp.deliver(*self->state.rules); },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
              });
              return rp;
            },
            [self](risk_rules_atom, const request_meta& meta,
                   int32_t version) -> caf::result<risk_rules_version> {
              auto rp = self->make_response_promise<risk_rules_version>();
              when_ready(self, rp, false, [self, rp, meta, version]() mutable {
                auto& st = self->state;
                if (!may_use_rules(st, meta, scope_read,
                                   "reading risk rules needs the 'read' scope", rp))
                  return;
                if (version < -1) {
                  rp.deliver(make_error(errc::invalid_argument,
                                        "a version is a number from 0", "version"));
                  return;
                }
                if (version == 0) {
                  rp.deliver(defaults_version());
                  return;
                }
                with_rules(
                    self,
                    [self, rp, version]() mutable {
                      auto& st = self->state;
                      if (version == -1 || version == st.rules->version) {
                        rp.deliver(*st.rules);
                        return;
                      }
                      pg_batch batch;
                      add(batch, q::risk_rules_get, {val(st.id), val_int(version)});
                      read_stored_version(
                          self, rp, std::move(batch), [](pg_rows& rows, auto& rp) {
                            if (rows.rows.empty())
                              rp.deliver(make_error(errc::not_found,
                                                    "no such risk rules version"));
                            else
                              rp.deliver(decode_rules(rows));
                          });
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
              });
              return rp;
            },
            [self](put_risk_rules_atom, const request_meta& meta,
                   const std::string& document) -> caf::result<risk_rules_version> {
              auto rp = self->make_response_promise<risk_rules_version>();
              when_ready(self, rp, true, [self, rp, meta, document]() mutable {
                auto& st = self->state;
                if (!may_use_rules(st, meta, scope_admin,
                                   "changing risk rules needs the 'admin' scope", rp))
                  return;
                // The HTTP handler validated already; this actor is the last word on
                // what is stored.
                auto reference = st.p->risk ? st.p->risk->current() : nullptr;
                if (!reference) {
                  rp.deliver(make_error(errc::unavailable, "no risk reference data"));
                  return;
                }
                auto parsed = risk::parse_rules_text(document, reference->default_rules);
                if (!parsed) {
                  auto& first = parsed.problems.at(0);
                  rp.deliver(make_error(errc::invalid_argument,
                                        first.pointer + ": " + first.problem,
                                        first.pointer));
                  return;
                }
                auto doc = nlohmann::json::parse(document);
                st.life.begin_write();
                with_rules(
                    self,
                    [self, rp, meta, doc]() mutable {
                      auto& st = self->state;
                      auto version = st.rules->version + 1;
                      auto row_id = base::uuid::make_v7();
                      pg_batch batch;
                      add(batch, q::risk_rules_insert,
                          {val(row_id), val(st.id), val(st.rec.region), val_int(version),
                           val(doc.dump()), val(meta.who.audit_actor())});
                      add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                                "risk_rules.update", "risk_rules", row_id.to_string(),
                                meta.request_id, rules_audit_details(version, doc));
                      run_fenced(
                          self, *st.p, st.lease, std::move(batch),
                          [self, rp](std::vector<pg_rows>& res) mutable {
                            auto& st = self->state;
                            st.rules = decode_rules(res.at(0));
                            ++st.rules_epoch;
                            st.life.end_write();
                            // Business actors use a version they read for up to
                            // risk.rules_lease: answer once the old one is out of use,
                            // and only then re-assess every assessed business of the
                            // tenant under the new one (this node's monitor).
                            auto lease = st.p->settings.risk.rules_lease;
                            after_leases(self, clock::now() + lease,
                                         [self, rp, answer = *st.rules]() mutable {
                                           rp.deliver(answer);
                                           auto& st = self->state;
                                           if (st.p->risk_monitor)
                                             if (auto monitor = st.p->risk_monitor->get())
                                               self->send(monitor, reassess_atom::value,
                                                          st.id);
                                         });
                          },
                          [self, rp](caf::error& err) mutable {
                            // The outcome may be unknown (connection lost), or another
                            // writer took the version (409): read the current one again
                            // before it is used.
                            auto& st = self->state;
                            st.rules.reset();
                            ++st.rules_epoch;
                            rp.deliver(err);
                            st.life.end_write();
                          });
                    },
                    [self, rp](caf::error& err) mutable {
                      rp.deliver(err);
                      self->state.life.end_write();
                    });
              });
              return rp;
            },
            [self](verification_policy_atom, const request_meta& meta,
                   int32_t version) -> caf::result<verification_policy_version> {
              auto rp = self->make_response_promise<verification_policy_version>();
              when_ready(self, rp, false, [self, rp, meta, version]() mutable {
                auto& st = self->state;
                if (!may_use_rules(st, meta, scope_read,
                                   "reading the verification policy needs the 'read' "
                                   "scope",
                                   rp))
                  return;
                if (version < -1) {
                  rp.deliver(make_error(errc::invalid_argument,
                                        "a version is a number from 0", "version"));
                  return;
                }
                if (version == 0) {
                  rp.deliver(verification_policy_version{});
                  return;
                }
                pg_batch batch;
                if (version == -1)
                  add(batch, q::verification_policy_current, {val(st.id)});
                else
                  add(batch, q::verification_policy_get, {val(st.id), val_int(version)});
                read_stored_version(
                    self, rp, std::move(batch), [version](pg_rows& rows, auto& rp) {
                      if (rows.rows.empty() && version != -1)
                        rp.deliver(make_error(errc::not_found,
                                              "no such verification policy version"));
                      else
                        rp.deliver(decode_policy_row(rows));
                    });
              });
              return rp;
            },
            [self](
                put_verification_policy_atom, const request_meta& meta,
                const std::string& document) -> caf::result<verification_policy_version> {
              auto rp = self->make_response_promise<verification_policy_version>();
              when_ready(self, rp, true, [self, rp, meta, document]() mutable {
                auto& st = self->state;
                if (!may_use_rules(st, meta, scope_admin,
                                   "changing the verification policy needs the 'admin' "
                                   "scope",
                                   rp))
                  return;
                auto parsed = verification::parse_policy_text(
                    document, verification::default_policy());
                if (!parsed) {
                  auto& first = parsed.problems.at(0);
                  rp.deliver(make_error(errc::invalid_argument,
                                        first.pointer + ": " + first.problem,
                                        first.pointer));
                  return;
                }
                auto doc = nlohmann::json::parse(document);
                st.life.begin_write();
                auto failed = [self, rp](caf::error& err) mutable {
                  if (sqlstate_of(err) == "23505")
                    err = make_error(errc::conflict,
                                     "another verification policy version was stored at "
                                     "the same time; retry");
                  rp.deliver(err);
                  self->state.life.end_write();
                };
                // The tenant actor is the only writer of its policies: the version after
                // the current one is free (UNIQUE (tenant_id, version) says so
                // otherwise).
                pg_batch read;
                add(read, q::verification_policy_current, {val(st.id)});
                run_batch(
                    self, *st.p, std::move(read),
                    [self, rp, meta, doc, failed](std::vector<pg_rows>& res) mutable {
                      auto& st = self->state;
                      auto version = decode_policy_row(res.at(0)).version + 1;
                      auto row_id = base::uuid::make_v7();
                      pg_batch batch;
                      add(batch, q::verification_policy_insert,
                          {val(row_id), val(st.id), val(st.rec.region), val_int(version),
                           val(doc.dump()), val(meta.who.audit_actor())});
                      add_audit(batch, st.id, st.rec.region, meta.who.audit_actor(),
                                "verification_policy.update", "verification_policy",
                                row_id.to_string(), meta.request_id,
                                rules_audit_details(version, doc));
                      run_fenced(
                          self, *st.p, st.lease, std::move(batch),
                          [self, rp](std::vector<pg_rows>& res) mutable {
                            rp.deliver(decode_policy_row(res.at(0)));
                            self->state.life.end_write();
                          },
                          failed);
                    },
                    failed);
              });
              return rp;
            },
            [self](runtime::passivate_atom) { self->state.life.passivate(); },
        };
      },
      p, id);
}

} // namespace kyb::actors

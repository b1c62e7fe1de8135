#include "actors/tenant/tenant_actor.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db.hpp"
#include "actors/tenant/api_key.hpp"
#include "actors/tenant/token_bucket.hpp"
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
  clock::time_point leased_until{}; ///< when the last lease on the key runs out
};

struct tenant_state {
  static inline const char* name = "kyb.tenant";

  enum class phase { unloaded, loading, creating, absent, present };

  platform_ptr p;
  base::uuid id;
  phase ph = phase::unloaded;
  tenant_record rec;
  std::unordered_map<base::uuid, key_entry> keys;
  std::optional<token_bucket> bucket;
  std::vector<std::function<void()>> waiting;
  clock::time_point last_active = clock::now();
  int writes_in_flight = 0;
  bool passivating = false;      ///< the directory asked it to stop when idle
  entity_lease lease;            ///< its shard and the epoch its writes carry
  clock::time_point loaded_at{}; ///< when the state was read
  /// Leases granted by an earlier instance of this actor (before a passivation or a
  /// move to another node) run out by started + rate_limit.auth_lease.
  clock::time_point started = clock::now();
  /// Answers that wait until the leases on a key ran out (revocations), by deadline.
  std::vector<std::pair<clock::time_point, std::function<void()>>> after_leases;

  bool ready() const { return ph == phase::absent || ph == phase::present; }

  double rate() const {
    return rec.rate_limit_per_second.value_or(p->settings.rate_limit.requests_per_second);
  }
  double burst() const {
    return rec.rate_limit_burst.value_or(p->settings.rate_limit.burst);
  }
};

using self_ptr = tenant_actor::stateful_pointer<tenant_state>;

tenant_record decode_tenant(const std::vector<pg_value>& row) {
  tenant_record r;
  r.id = uuid_col(row, 0);
  r.region = col(row, 1);
  r.name = col(row, 2);
  r.kind = col(row, 3);
  r.rate_limit_per_second = opt_double(row, 4);
  r.rate_limit_burst = opt_double(row, 5);
  r.created_at = col(row, 6);
  return r;
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

void run_waiting(self_ptr self) {
  auto& st = self->state;
  while (st.ready() && !st.waiting.empty()) {
    auto fn = std::move(st.waiting.front());
    st.waiting.erase(st.waiting.begin());
    fn();
  }
}

/// Fails everything waiting for the state (the load failed) and stops, so the next
/// message activates a fresh actor that tries again.
void fail_waiting(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  base::log_warn("tenant.load_failed",
                 {{"tenant_id", st.id.to_string()}, {"error", detail_of(err)}});
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  for (auto& fn : waiting)
    fn(); // each closure sees phase::unloaded and answers unavailable
  self->quit(err);
}

void load(self_ptr self) {
  auto& st = self->state;
  st.ph = tenant_state::phase::loading;
  st.loaded_at = clock::now();
  pg_batch batch;
  add(batch, q::tenant_get, {val(st.id)});
  add(batch, q::api_keys_of_tenant, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          st.ph = tenant_state::phase::absent;
        } else {
          st.rec = decode_tenant(res[0].rows[0]);
          st.ph = tenant_state::phase::present;
          for (auto& row : res.at(1).rows) {
            key_entry k;
            k.hash = bytea_col(row, 1).value_or("");
            k.info.id = uuid_col(row, 0);
            k.info.tenant_id = st.id;
            k.info.scopes = scopes_from_csv(col(row, 2));
            k.info.name = col(row, 3);
            k.info.created_at = col(row, 4);
            k.info.revoked_at = opt_col(row, 5);
            st.keys.emplace(k.info.id, std::move(k));
          }
          if (!st.bucket)
            st.bucket.emplace(st.rate(), st.burst(), clock::now());
        }
        run_waiting(self);
      },
      [self](caf::error& err) {
        self->state.ph = tenant_state::phase::unloaded;
        fail_waiting(self, err);
      });
}

/// Runs `fn` once the tenant's state is known; loads it on first use.
template <class Promise>
void when_ready(self_ptr self, Promise rp, std::function<void()> fn) {
  auto& st = self->state;
  st.last_active = clock::now();
  // Where this region holds only a replica of the tenant (regions/), or none, the state
  // is read again after a second: keys revoked in the write region stop working here
  // within the replication lag plus that second, and a tenant that replicated in since
  // is found.
  if (st.ready() && st.writes_in_flight == 0 && st.waiting.empty() &&
      (st.ph == tenant_state::phase::absent || !st.p->writes_here(st.rec.region)) &&
      clock::now() - st.loaded_at > std::chrono::seconds(1)) {
    st.keys.clear();
    st.ph = tenant_state::phase::unloaded;
  }
  if (st.ready()) {
    fn();
    return;
  }
  st.waiting.push_back([self, rp, fn]() mutable {
    if (self->state.ready())
      fn();
    else
      rp.deliver(make_error(errc::unavailable, "the tenant could not be loaded; retry"));
  });
  if (st.ph == tenant_state::phase::unloaded)
    load(self);
}

bool may_manage(const tenant_state& st, const request_meta& meta) {
  return meta.who.is_operator() ||
         (meta.who.tenant_id == st.id && meta.who.has(scope_admin));
}

api_key_info key_view(const key_entry& k) {
  return k.info;
}

/// Runs `fn` once `until` has passed.
void after_leases(self_ptr self, clock::time_point until, std::function<void()> fn) {
  auto now = clock::now();
  if (until <= now) {
    fn();
    return;
  }
  self->state.after_leases.emplace_back(until, std::move(fn));
  self->delayed_send(caf::actor_cast<tenant_actor>(self), until - now,
                     lease_expired_atom::value);
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

/// Stops the actor if the directory asked it to and nothing is in hand.
void maybe_passivate(self_ptr self) {
  auto& st = self->state;
  if (st.passivating && st.waiting.empty() && st.writes_in_flight == 0 &&
      st.ph != tenant_state::phase::loading && st.ph != tenant_state::phase::creating)
    self->quit();
}

} // namespace

tenant_actor spawn_tenant_actor(caf::actor_system& sys, platform_ptr p,
                                const base::uuid& id) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p, base::uuid id) -> tenant_actor::behavior_type {
        self->state.p = p;
        self->state.id = id;
        self->state.lease.shard = p->directory->shard_of(tenant_entity, id);
        return {
            [self](authenticate_atom, const base::uuid& key_id, const std::string& hash,
                   uint8_t required) -> caf::result<auth_grant> {
              auto rp = self->make_response_promise<auth_grant>();
              when_ready(self, rp, [self, rp, key_id, hash, required]() mutable {
                auto& st = self->state;
                auto it = st.keys.find(key_id);
                // One answer for every way a key can be wrong: no hint which part was.
                if (st.ph != tenant_state::phase::present || it == st.keys.end() ||
                    it->second.info.revoked_at || it->second.revoking ||
                    !base::constant_time_equal(it->second.hash, hash)) {
                  // The field tells the broker that this region does not know the
                  // tenant at all: in a multi-region deployment it asks the other
                  // residency's region, which may.
                  // A key id it does not know, of a tenant it holds only a replica
                  // of, may be newer than the replica: the home region knows.
                  std::string hint;
                  if (st.ph == tenant_state::phase::absent)
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
                                        "rate limit of " + std::to_string(st.rate()) +
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
                  it->second.leased_until =
                      std::max(it->second.leased_until, now + lease);
                }
                rp.deliver(std::move(g));
              });
              return rp;
            },
            [self](create_atom, const request_meta& meta,
                   const tenant_spec& spec) -> caf::result<tenant_record> {
              auto rp = self->make_response_promise<tenant_record>();
              auto& st = self->state;
              st.last_active = clock::now();
              if (!meta.who.is_operator())
                return make_error(errc::forbidden,
                                  "creating tenants needs a platform-operator key");
              auto start = [self, rp, meta, spec]() mutable {
                auto& st = self->state;
                if (st.ph == tenant_state::phase::present) {
                  rp.deliver(make_error(errc::conflict, "the tenant exists already"));
                  return;
                }
                st.ph = tenant_state::phase::creating;
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
                      st.rec = decode_tenant(res.at(2).rows.at(0));
                      st.ph = tenant_state::phase::present;
                      st.bucket.emplace(st.rate(), st.burst(), clock::now());
                      rp.deliver(st.rec);
                      run_waiting(self);
                    },
                    [self, rp](caf::error& err) mutable {
                      auto& st = self->state;
                      // Unknown outcome (connection lost): forget what we knew and
                      // reload.
                      st.ph = tenant_state::phase::unloaded;
                      rp.deliver(err);
                      if (!st.waiting.empty())
                        load(self);
                    });
              };
              if (st.ph == tenant_state::phase::unloaded ||
                  st.ph == tenant_state::phase::absent)
                start();
              else
                when_ready(self, rp, start);
              return rp;
            },
            [self](get_atom, const request_meta& meta) -> caf::result<tenant_record> {
              auto rp = self->make_response_promise<tenant_record>();
              when_ready(self, rp, [self, rp, meta]() mutable {
                auto& st = self->state;
                if (st.ph != tenant_state::phase::present ||
                    !(meta.who.is_operator() || meta.who.tenant_id == st.id))
                  rp.deliver(make_error(errc::not_found, "no such tenant"));
                else
                  rp.deliver(st.rec);
              });
              return rp;
            },
            [self](create_key_atom, const request_meta& meta, const std::string& name,
                   uint8_t scopes) -> caf::result<issued_api_key> {
              auto rp = self->make_response_promise<issued_api_key>();
              when_ready(self, rp, [self, rp, meta, name, scopes]() mutable {
                auto& st = self->state;
                if (st.ph != tenant_state::phase::present ||
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
                ++st.writes_in_flight;
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, key, name, scopes](std::vector<pg_rows>&) mutable {
                      auto& st = self->state;
                      --st.writes_in_flight;
                      maybe_passivate(self);
                      key_entry k;
                      k.hash = secret_hash(key.secret);
                      k.info = api_key_info{
                          key.key_id, st.id, name, scopes, base::utc_timestamp(), {}};
                      auto info = k.info;
                      st.keys.emplace(key.key_id, std::move(k));
                      rp.deliver(issued_api_key{info, format_api_key(key)});
                    },
                    [self, rp](caf::error& err) mutable {
                      --self->state.writes_in_flight;
                      maybe_passivate(self);
                      rp.deliver(err);
                    });
              });
              return rp;
            },
            [self](lease_expired_atom) {
              auto& w = self->state.after_leases;
              auto now = clock::now();
              std::vector<std::function<void()>> due;
              for (auto it = w.begin(); it != w.end();)
                if (it->first <= now) {
                  due.push_back(std::move(it->second));
                  it = w.erase(it);
                } else {
                  ++it;
                }
              for (auto& fn : due)
                fn();
            },
            [self](revoke_key_atom, const request_meta& meta,
                   const base::uuid& key_id) -> caf::result<api_key_info> {
              auto rp = self->make_response_promise<api_key_info>();
              when_ready(self, rp, [self, rp, meta, key_id]() mutable {
                auto& st = self->state;
                if (st.ph != tenant_state::phase::present ||
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
                ++st.writes_in_flight;
                run_fenced(
                    self, *st.p, st.lease, std::move(batch),
                    [self, rp, key_id](std::vector<pg_rows>&) mutable {
                      auto& st = self->state;
                      auto& k = st.keys[key_id];
                      k.revoking = false;
                      k.info.revoked_at = base::utc_timestamp();
                      // The answer waits for the leases on the key (HTTP workers may
                      // use them without asking here): from it on, no node accepts it.
                      auto until =
                          std::max(k.leased_until,
                                   st.started + st.p->settings.rate_limit.auth_lease);
                      after_leases(self, until, [self, rp, info = k.info]() mutable {
                        --self->state.writes_in_flight;
                        maybe_passivate(self);
                        rp.deliver(info);
                      });
                    },
                    [self, rp](caf::error& err) mutable {
                      // Not revoked in the database: say so (the client retries), but
                      // keep refusing the key here: a revocation request is never
                      // silently undone.
                      --self->state.writes_in_flight;
                      maybe_passivate(self);
                      rp.deliver(err);
                    });
              });
              return rp;
            },
            [self](list_keys_atom,
                   const request_meta& meta) -> caf::result<std::vector<api_key_info>> {
              auto rp = self->make_response_promise<std::vector<api_key_info>>();
              when_ready(self, rp, [self, rp, meta]() mutable {
                auto& st = self->state;
                if (st.ph != tenant_state::phase::present ||
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
              when_ready(self, rp, [self, rp]() mutable {
                auto& st = self->state;
                if (st.id != st.p->platform_tenant ||
                    st.ph != tenant_state::phase::present) {
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
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
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

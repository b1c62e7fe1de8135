#include "actors/idempotency/idempotency_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "persistence/redis_reply.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

namespace {

using persistence::redis_reply;
using command = std::vector<std::string>;

std::string pending_value(const std::string& fingerprint) {
  return nlohmann::json{{"state", "pending"}, {"fp", fingerprint}}.dump();
}

} // namespace

std::string idempotency_redis_key(const base::uuid& tenant, const std::string& key) {
  return "kyb:idem:" + tenant.to_hex() + ":" + base::sha256_hex(key).substr(0, 32);
}

idempotency_actor spawn_idempotency_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](idempotency_actor::pointer self,
         platform_ptr p) -> idempotency_actor::behavior_type {
        auto timeout = p->settings.redis.timeout * 2;
        auto ttl_ms = std::to_string(p->settings.api.idempotency_ttl.count());
        return {
            [self, p, timeout,
             ttl_ms](begin_atom, const base::uuid& tenant, const std::string& key,
                     const std::string& fp) -> caf::result<idempotency_outcome> {
              auto rp = self->make_response_promise<idempotency_outcome>();
              auto rkey = idempotency_redis_key(tenant, key);
              // SET NX reserves the key atomically; GET returns what was there if it was
              // taken.
              command set = {"SET", rkey, pending_value(fp), "NX", "PX", ttl_ms, "GET"};
              self->request(p->redis.actor(), timeout, set)
                  .then(
                      [rp, fp](redis_reply& r) mutable {
                        if (r.is_error()) {
                          rp.deliver(make_error(errc::unavailable,
                                                "idempotency store: " + r.str));
                          return;
                        }
                        if (r.is_nil()) { // reserved for us
                          rp.deliver(idempotency_outcome{});
                          return;
                        }
                        auto stored = nlohmann::json::parse(r.str, nullptr, false);
                        if (!stored.is_object() || stored.value("fp", "") != fp) {
                          rp.deliver(make_error(
                              errc::unprocessable,
                              "this Idempotency-Key was used with a different request "
                              "body"));
                          return;
                        }
                        if (stored.value("state", "") != "done") {
                          rp.deliver(make_error(errc::conflict,
                                                "a request with this Idempotency-Key is "
                                                "still in progress"));
                          return;
                        }
                        idempotency_outcome out;
                        out.replay = true;
                        out.status = stored.value("status", uint16_t{200});
                        out.body = stored.value("body", "");
                        out.location = stored.value("location", "");
                        rp.deliver(std::move(out));
                      },
                      [rp](caf::error& err) mutable {
                        rp.deliver(
                            make_error(errc::unavailable,
                                       "the idempotency store (Redis) is unavailable: " +
                                           detail_of(err)));
                      });
              return rp;
            },
            [self, p, timeout](complete_atom, const base::uuid& tenant,
                               const std::string& key, const std::string& fp,
                               uint16_t status, const std::string& body,
                               const std::string& location) -> caf::result<ok_atom> {
              auto rp = self->make_response_promise<ok_atom>();
              nlohmann::json v = {{"state", "done"},
                                  {"fp", fp},
                                  {"status", status},
                                  {"body", body},
                                  {"location", location}};
              command set = {"SET", idempotency_redis_key(tenant, key), v.dump(), "XX",
                             "KEEPTTL"};
              self->request(p->redis.actor(), timeout, set)
                  .then(
                      [rp](redis_reply& r) mutable {
                        if (r.is_error())
                          rp.deliver(make_error(errc::unavailable,
                                                "idempotency store: " + r.str));
                        else
                          rp.deliver(ok_atom::value);
                      },
                      [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p, timeout](abort_atom, const base::uuid& tenant,
                               const std::string& key, const std::string& fp) {
              // Delete only our own pending reservation (a Lua check-and-delete, atomic
              // in Redis).
              command del = {"EVAL",
                             "if redis.call('GET', KEYS[1]) == ARGV[1] then "
                             "return redis.call('DEL', KEYS[1]) else return 0 end",
                             "1", idempotency_redis_key(tenant, key), pending_value(fp)};
              self->request(p->redis.actor(), timeout, del)
                  .then([](redis_reply&) {}, [](caf::error&) {});
            },
        };
      },
      p);
}

} // namespace kyb::actors

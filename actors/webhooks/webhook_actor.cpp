#include "actors/webhooks/webhook_actor.hpp"

#include <chrono>
#include <random>

#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_query_actor.hpp"
#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "actors/webhooks/webhook_signature.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using nlohmann::json;

/// Events fanned out per tick.
constexpr int64_t fanout_batch = 500;

struct webhook_metrics {
  base::counter_family* deliveries;
  base::gauge_family* pending;
  base::histogram* lag;
};

webhook_metrics make_metrics() {
  auto& reg = base::metrics_registry::global();
  return {&reg.counter("kyb_webhook_deliveries_total",
                       "Webhook delivery attempts by result (delivered: a 2xx; retry: "
                       "failed, tried again later; failed: given up, or the receiver "
                       "answered 410 Gone)",
                       {"result"}),
          &reg.gauge("kyb_webhook_outbox_pending",
                     "Webhook work waiting (stage fanout: outbox events not handed to "
                     "their endpoints yet; delivery: deliveries not delivered yet)",
                     {"stage"}),
          &reg.histogram("kyb_webhook_delivery_lag_seconds",
                         "From an event to its delivery's 2xx", {},
                         {0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400})
               .with({})};
}

struct webhook_state {
  static inline const char* name = "kyb.webhooks";
  platform_ptr p;
  std::function<webhook_sender_actor()> sender;
  size_t in_flight = 0;
  bool polling = false;
  std::mt19937_64 rng{std::random_device{}()};
  webhook_metrics metrics = make_metrics();
};

using self_ptr = webhook_actor::stateful_pointer<webhook_state>;

std::string secret_aad(const base::uuid& endpoint) {
  return "kyb-webhook-secret:" + endpoint.to_string();
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + json(items[i]).dump(); // "..." with \ and " escaped
  return out + "}";
}

std::vector<webhook_endpoint_data> decode_endpoints(const pg_rows& rows) {
  std::vector<webhook_endpoint_data> out;
  if (rows.rows.empty())
    return out;
  row_columns c(rows);
  for (const auto& row : rows.rows) {
    webhook_endpoint_data e;
    e.id = uuid_col(row, c["id"]);
    e.tenant_id = uuid_col(row, c["tenant_id"]);
    e.region = col(row, c["region"]);
    e.url = col(row, c["url"]);
    for (auto& t : json::parse(col(row, c["events"]), nullptr, false))
      if (t.is_string())
        e.events.push_back(t.get<std::string>());
    e.description = col(row, c["description"]);
    e.enabled = bool_col(row, c["enabled"]);
    e.disabled_reason = col(row, c["disabled_reason"]);
    e.created_by = col(row, c["created_by"]);
    e.created_at = col(row, c["created_at"]);
    e.updated_at = col(row, c["updated_at"]);
    e.previous_secret_expires_at = col(row, c["previous_secret_expires_at"]);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<webhook_delivery_data> decode_deliveries(const pg_rows& rows) {
  std::vector<webhook_delivery_data> out;
  if (rows.rows.empty())
    return out;
  row_columns c(rows);
  for (const auto& row : rows.rows) {
    webhook_delivery_data d;
    d.id = uuid_col(row, c["id"]);
    d.endpoint_id = uuid_col(row, c["endpoint_id"]);
    d.event_id = uuid_col(row, c["event_id"]);
    d.event_type = col(row, c["event_type"]);
    d.subject_id = uuid_col(row, c["subject_id"]);
    d.status = col(row, c["status"]);
    d.attempts = int_col(row, c["attempts"]);
    d.next_attempt_at = col(row, c["next_attempt_at"]);
    d.last_attempt_at = col(row, c["last_attempt_at"]);
    d.last_status_code = int_col(row, c["last_status_code"]);
    d.last_latency_ms =
        opt_col(row, c["last_latency_ms"]) ? int64_col(row, c["last_latency_ms"]) : -1;
    d.last_error = col(row, c["last_error"]);
    d.attempt_log_json = col(row, c["attempt_log"]);
    d.created_at = col(row, c["created_at"]);
    d.delivered_at = col(row, c["delivered_at"]);
    out.push_back(std::move(d));
  }
  return out;
}

/// The regions whose rows this node writes, as a text[] literal.
std::string regions_here(const platform& p) {
  std::vector<std::string> r;
  for (auto region : {"us", "eu"})
    if (p.writes_here(region))
      r.emplace_back(region);
  return text_array(r);
}

template <class T>
bool may_manage(const request_meta& meta, caf::typed_response_promise<T>& rp) {
  if (!meta.who.has(scope_admin)) {
    rp.deliver(make_error(errc::forbidden, "webhook endpoints need the 'admin' scope"));
    return false;
  }
  return true;
}

/// Runs `batch` (a write with its audit row, or a read) and answers the first row of
/// its first result decoded by `decode`, or not_found `missing`.
template <class T, class Decode>
void answer_row(self_ptr self, caf::typed_response_promise<T> rp, pg_batch batch,
                const char* missing, Decode decode) {
  run_batch(
      self, *self->state.p, std::move(batch),
      [rp, missing, decode](std::vector<pg_rows>& res) mutable {
        auto items = decode(res.at(0));
        if (items.empty())
          rp.deliver(make_error(errc::not_found, missing));
        else
          rp.deliver(std::move(items.front()));
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

/// A change of something that may not exist: `check` reads it first (no row:
/// not_found `missing`, and no audit row is written), then `write` (the change with its
/// audit row, one transaction) runs and its first row is answered.
template <class T, class Decode>
void checked_write(self_ptr self, caf::typed_response_promise<T> rp, pg_batch check,
                   pg_batch write, const char* missing, Decode decode) {
  run_batch(
      self, *self->state.p, std::move(check),
      [self, rp, write, missing, decode](std::vector<pg_rows>& res) mutable {
        if (res.at(0).rows.empty()) {
          rp.deliver(make_error(errc::not_found, missing));
          return;
        }
        answer_row(self, rp, std::move(write), missing, decode);
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

pg_batch endpoint_check(const request_meta& meta, const base::uuid& id) {
  pg_batch batch;
  add(batch, q::webhook_endpoint_get, {val(id), val(meta.who.tenant_id)});
  return batch;
}

/// A change of endpoint `id` by the caller: `statement` with `params`, its audit row
/// `action` with `details`, answered as the endpoint (decoded by `decode`).
template <class Decode>
void change_endpoint(self_ptr self, caf::typed_response_promise<webhook_endpoint_data> rp,
                     const request_meta& meta, const base::uuid& id,
                     const char* statement, std::vector<pg_value> params,
                     const char* action, const std::string& details, Decode decode) {
  pg_batch batch;
  add(batch, statement, std::move(params));
  add_audit(batch, meta.who.tenant_id, meta.who.region, meta.who.audit_actor(), action,
            "webhook_endpoint", id.to_string(), meta.request_id, details);
  checked_write(self, rp, endpoint_check(meta, id), std::move(batch),
                "no such webhook endpoint", decode);
}

json endpoint_audit(const webhook_endpoint_input& in) {
  json d = json::object();
  if (in.url)
    d["url"] = *in.url;
  if (in.events)
    d["events"] = *in.events;
  if (in.enabled)
    d["enabled"] = *in.enabled;
  return d;
}

// -- the dispatcher
// -----------------------------------------------------------------------

struct claimed_delivery {
  base::uuid id;
  base::uuid endpoint_id;
  std::string event_id;
  int32_t attempts = 0;
  std::string url;
  std::optional<std::string> secret;
  std::optional<std::string> previous_secret;
  std::string event_type;
  std::string payload;
  std::string event_created_at;
  bool enabled = true;
};

void record(self_ptr self, const claimed_delivery& d, const std::string& outcome,
            const webhook_post_result& r) {
  auto& st = self->state;
  const auto& cfg = st.p->settings.webhooks;
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  auto delay = webhooks::retry_delay(d.attempts + 1, cfg.retry_base, cfg.retry_max,
                                     jitter(st.rng));
  pg_batch batch;
  add(batch, q::webhook_attempt_record,
      {val(d.id), val(st.p->settings.node.id), val(outcome),
       r.status > 0 ? val_int(r.status) : null_value(), val_int(r.latency_ms),
       val(r.error), val_int(delay.count()), val_int(cfg.retry_window.count())});
  if (outcome == "failed" && r.status == 410)
    add(batch, q::webhook_endpoint_disable,
        {val(d.endpoint_id), val("the receiver answered 410 Gone")});
  run_batch(
      self, *st.p, std::move(batch),
      [self, d, r](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty())
          return; // the lease ran out meanwhile: another node holds it now
        row_columns c(res[0]);
        auto status = col(res[0].rows[0], c["status"]);
        auto result = status == "pending" ? "retry" : status;
        st.metrics.deliveries->with({result}).Increment();
        if (status == "delivered")
          if (auto lag = opt_double(res[0].rows[0], c["lag"]))
            st.metrics.lag->Observe(*lag);
        if (res.size() > 1 && !res[1].rows.empty()) {
          // Disabled by a 410: audited as the platform's act.
          row_columns disabled(res[1]);
          auto tenant = uuid_col(res[1].rows[0], disabled["tenant_id"]);
          auto region = col(res[1].rows[0], disabled["region"]);
          pg_batch audit;
          add_audit(audit, tenant, region, "system:webhooks", "webhook_endpoint.disable",
                    "webhook_endpoint", d.endpoint_id.to_string(), "",
                    json{{"reason", "the receiver answered 410 Gone"}}.dump());
          run_batch(
              self, *st.p, std::move(audit), [](std::vector<pg_rows>&) {},
              [](caf::error&) {});
          base::log_warn(
              "webhook.endpoint_disabled",
              {{"endpoint_id", d.endpoint_id.to_string()}, {"status", r.status}});
        }
      },
      [d](caf::error& err) {
        // The lease runs out and the delivery is tried again: at least once.
        base::log_warn("webhook.record_failed",
                       {{"delivery_id", d.id.to_string()}, {"error", detail_of(err)}});
      });
}

void send(self_ptr self, claimed_delivery d) {
  auto& st = self->state;
  auto fail_now = [self, &st, &d](const std::string& why) {
    webhook_post_result r;
    r.error = why;
    --st.in_flight;
    record(self, d, "failed", r);
  };
  if (!d.enabled)
    return fail_now("the endpoint is disabled");
  std::vector<std::string> secrets;
  for (auto* sealed : {&d.secret, &d.previous_secret})
    if (*sealed) {
      auto plain =
          base::aes256gcm_decrypt(st.p->tax_id_key, **sealed, secret_aad(d.endpoint_id));
      if (!plain)
        return fail_now("the endpoint's signing secret cannot be read (was the data key "
                        "changed?)");
      secrets.push_back(std::move(*plain));
    }
  if (secrets.empty())
    return fail_now("the endpoint has no signing secret");
  webhook_post post;
  post.url = d.url;
  post.body =
      webhooks::event_body(d.event_id, d.event_type, d.event_created_at, d.payload);
  auto t = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  post.headers = {"Content-Type: application/json",
                  "KYB-Signature: " + webhooks::signature_header(t, post.body, secrets),
                  "KYB-Event-Id: " + d.event_id, "KYB-Event-Type: " + d.event_type};
  auto sender = st.sender ? st.sender() : webhook_sender_actor{};
  if (!sender)
    return fail_now("the webhook sender is not running");
  self->request(sender, st.p->settings.webhooks.timeout + std::chrono::seconds(5),
                send_webhook_atom::value, std::move(post))
      .then(
          [self, d](webhook_post_result& r) {
            --self->state.in_flight;
            auto outcome = r.status >= 200 && r.status < 300 ? "delivered"
                           : r.status == 410                 ? "failed"
                                                             : "retry";
            record(self, d, outcome, r);
          },
          [self, d](caf::error& err) {
            --self->state.in_flight;
            webhook_post_result r;
            r.error = detail_of(err);
            record(self, d, "retry", r);
          });
}

void poll(self_ptr self) {
  auto& st = self->state;
  if (st.polling)
    return;
  st.polling = true;
  auto regions = regions_here(*st.p);
  auto capacity = st.p->settings.webhooks.max_in_flight > st.in_flight
                      ? st.p->settings.webhooks.max_in_flight - st.in_flight
                      : 0;
  // Deliveries are held for the longest attempt and more: a node killed mid-attempt
  // loses them when this passes.
  auto lease = st.p->settings.webhooks.timeout + std::chrono::seconds(30);
  pg_batch batch;
  add(batch, q::webhook_backlog, {});
  add(batch, q::webhook_fanout, {val(regions), val_int(fanout_batch)});
  if (capacity > 0)
    add(batch, q::webhook_claim,
        {val(st.p->settings.node.id), val_int(lease.count()),
         val_int(static_cast<int64_t>(capacity)), val(regions)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        st.polling = false;
        if (!res.at(0).rows.empty()) {
          row_columns backlog(res[0]);
          st.metrics.pending->with({"fanout"})
              .Set(static_cast<double>(int64_col(res[0].rows[0], backlog["events"])));
          st.metrics.pending->with({"delivery"})
              .Set(static_cast<double>(int64_col(res[0].rows[0], backlog["deliveries"])));
        }
        if (res.size() < 3 || res[2].rows.empty())
          return;
        row_columns c(res[2]);
        for (const auto& row : res[2].rows) {
          claimed_delivery d;
          d.id = uuid_col(row, c["id"]);
          d.endpoint_id = uuid_col(row, c["endpoint_id"]);
          d.event_id = col(row, c["event_id"]);
          d.attempts = int_col(row, c["attempts"]);
          d.url = col(row, c["url"]);
          d.secret = bytea_col(row, c["secret"]);
          d.previous_secret = bytea_col(row, c["previous_secret"]);
          d.event_type = col(row, c["event_type"]);
          d.payload = col(row, c["payload"]);
          d.event_created_at = col(row, c["event_created_at"]);
          d.enabled = bool_col(row, c["enabled"]);
          ++st.in_flight;
          send(self, std::move(d));
        }
      },
      [self](caf::error& err) {
        self->state.polling = false;
        base::log_warn("webhook.poll_failed", {{"error", detail_of(err)}});
      });
}

} // namespace

webhook_actor spawn_webhook_actor(caf::actor_system& sys, platform_ptr p,
                                  std::function<webhook_sender_actor()> sender) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         std::function<webhook_sender_actor()> sender) -> webhook_actor::behavior_type {
        self->state.p = p;
        self->state.sender = std::move(sender);
        self->send(self, dispatch_atom::value);
        return {
            [self](
                create_atom, const request_meta& meta,
                const webhook_endpoint_input& in) -> caf::result<webhook_endpoint_data> {
              auto rp = self->make_response_promise<webhook_endpoint_data>();
              if (!may_manage(meta, rp))
                return rp;
              auto& st = self->state;
              auto id = base::uuid::make_v7();
              auto secret = webhooks::new_secret();
              auto sealed =
                  base::aes256gcm_encrypt(st.p->tax_id_key, secret, secret_aad(id));
              if (!sealed) {
                rp.deliver(make_error(errc::internal, "the secret could not be sealed"));
                return rp;
              }
              pg_batch batch;
              add(batch, q::webhook_endpoint_insert,
                  {val(id), val(meta.who.tenant_id), val(meta.who.region), val(*in.url),
                   val(text_array(*in.events)), val(in.description.value_or("")),
                   val_bytea(*sealed), val(meta.who.audit_actor())});
              add_audit(batch, meta.who.tenant_id, meta.who.region,
                        meta.who.audit_actor(), "webhook_endpoint.create",
                        "webhook_endpoint", id.to_string(), meta.request_id,
                        endpoint_audit(in).dump());
              run_batch(
                  self, *st.p, std::move(batch),
                  [rp, secret](std::vector<pg_rows>& res) mutable {
                    auto e = decode_endpoints(res.at(0)).at(0);
                    e.secret = secret;
                    rp.deliver(std::move(e));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self](list_atom, const request_meta& meta)
                -> caf::result<std::vector<webhook_endpoint_data>> {
              auto rp = self->make_response_promise<std::vector<webhook_endpoint_data>>();
              if (!may_manage(meta, rp))
                return rp;
              pg_batch batch;
              add(batch, q::webhook_endpoints_of_tenant, {val(meta.who.tenant_id)});
              run_batch(
                  self, *self->state.p, std::move(batch),
                  [rp](std::vector<pg_rows>& res) mutable {
                    rp.deliver(decode_endpoints(res.at(0)));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self](get_atom, const request_meta& meta,
                   const base::uuid& id) -> caf::result<webhook_endpoint_data> {
              auto rp = self->make_response_promise<webhook_endpoint_data>();
              if (!may_manage(meta, rp))
                return rp;
              pg_batch batch;
              add(batch, q::webhook_endpoint_get, {val(id), val(meta.who.tenant_id)});
              answer_row(self, rp, std::move(batch), "no such webhook endpoint",
                         decode_endpoints);
              return rp;
            },
            [self](
                update_atom, const request_meta& meta, const base::uuid& id,
                const webhook_endpoint_input& in) -> caf::result<webhook_endpoint_data> {
              auto rp = self->make_response_promise<webhook_endpoint_data>();
              if (!may_manage(meta, rp))
                return rp;
              change_endpoint(self, rp, meta, id, q::webhook_endpoint_update,
                              {val(id), val(meta.who.tenant_id), val(in.url),
                               in.events ? val(text_array(*in.events)) : null_value(),
                               val(in.description),
                               in.enabled ? val_bool(*in.enabled) : null_value()},
                              "webhook_endpoint.update", endpoint_audit(in).dump(),
                              decode_endpoints);
              return rp;
            },
            [self](delete_atom, const request_meta& meta,
                   const base::uuid& id) -> caf::result<webhook_endpoint_data> {
              auto rp = self->make_response_promise<webhook_endpoint_data>();
              if (!may_manage(meta, rp))
                return rp;
              change_endpoint(self, rp, meta, id, q::webhook_endpoint_delete,
                              {val(id), val(meta.who.tenant_id)},
                              "webhook_endpoint.delete", "{}", decode_endpoints);
              return rp;
            },
            [self](rotate_secret_atom, const request_meta& meta, const base::uuid& id,
                   int64_t overlap_ms) -> caf::result<webhook_endpoint_data> {
              auto rp = self->make_response_promise<webhook_endpoint_data>();
              if (!may_manage(meta, rp))
                return rp;
              auto& st = self->state;
              if (overlap_ms < 0)
                overlap_ms = st.p->settings.webhooks.rotation_overlap.count();
              auto secret = webhooks::new_secret();
              auto sealed =
                  base::aes256gcm_encrypt(st.p->tax_id_key, secret, secret_aad(id));
              if (!sealed) {
                rp.deliver(make_error(errc::internal, "the secret could not be sealed"));
                return rp;
              }
              change_endpoint(self, rp, meta, id, q::webhook_endpoint_rotate,
                              {val(id), val(meta.who.tenant_id), val_bytea(*sealed),
                               val_int(overlap_ms)},
                              "webhook_endpoint.rotate_secret",
                              json{{"overlap_ms", overlap_ms}}.dump(),
                              [secret](const pg_rows& rows) {
                                auto out = decode_endpoints(rows);
                                for (auto& e : out)
                                  e.secret = secret;
                                return out;
                              });
              return rp;
            },
            [self](deliveries_atom, const request_meta& meta, const base::uuid& id,
                   const std::string& cursor,
                   uint32_t limit) -> caf::result<webhook_delivery_page> {
              auto rp = self->make_response_promise<webhook_delivery_page>();
              if (!may_manage(meta, rp))
                return rp;
              std::string after_at;
              base::uuid after_id;
              if (!cursor.empty() &&
                  !decode_business_cursor(cursor, after_at, after_id)) {
                rp.deliver(make_error(errc::invalid_argument,
                                      "the cursor is not one this API issued", "cursor"));
                return rp;
              }
              pg_batch batch;
              add(batch, q::webhook_endpoint_get, {val(id), val(meta.who.tenant_id)});
              add(batch, q::webhook_deliveries_of_endpoint,
                  {val(id), val(meta.who.tenant_id),
                   cursor.empty() ? null_value() : val(after_at),
                   cursor.empty() ? null_value() : val(after_id),
                   val_int(int64_t{limit} + 1)});
              run_batch(
                  self, *self->state.p, std::move(batch),
                  [rp, limit](std::vector<pg_rows>& res) mutable {
                    if (res.at(0).rows.empty()) {
                      rp.deliver(make_error(errc::not_found, "no such webhook endpoint"));
                      return;
                    }
                    webhook_delivery_page page;
                    page.items = decode_deliveries(res.at(1));
                    if (page.items.size() > limit) {
                      page.items.resize(limit);
                      page.next_cursor = encode_business_cursor(
                          page.items.back().created_at, page.items.back().id);
                    }
                    rp.deliver(std::move(page));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self](redeliver_atom, const request_meta& meta,
                   const base::uuid& id) -> caf::result<webhook_delivery_data> {
              auto rp = self->make_response_promise<webhook_delivery_data>();
              if (!may_manage(meta, rp))
                return rp;
              pg_batch batch;
              add(batch, q::webhook_redeliver, {val(id), val(meta.who.tenant_id)});
              add_audit(batch, meta.who.tenant_id, meta.who.region,
                        meta.who.audit_actor(), "webhook_delivery.redeliver",
                        "webhook_delivery", id.to_string(), meta.request_id, "{}");
              pg_batch check;
              add(check, q::webhook_delivery_get, {val(id), val(meta.who.tenant_id)});
              checked_write(self, rp, std::move(check), std::move(batch),
                            "no such webhook delivery", decode_deliveries);
              return rp;
            },
            [self](dispatch_atom) {
              self->delayed_send(self, self->state.p->settings.webhooks.poll_interval,
                                 dispatch_atom::value);
              poll(self);
            },
        };
      },
      std::move(p), std::move(sender));
}

} // namespace kyb::actors

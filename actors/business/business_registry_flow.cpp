// The business actor's registry lookup flow (actors/registry/business_registry.hpp):
// look the business up in the registries its identifiers point at (or the one the
// caller names) through the node's registry service, store one row per registry with
// one audit row in the write slot, cache the lookups for the registry TTL (30 d)
// under every identifier, owner and the registry asked, and serve the stored ones after
// re-activation while they still fit. Stored lookups are one of risk's inputs.
#include <cassert>

#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

using registry_done = std::function<void(caf::expected<business_registry>)>;

runtime::ttl_cache<business_registry>& registry_cache(business_state& st) {
  return cache_in(st.derived().registries, runtime::cache_type::business_registry);
}

void count_request(const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_business_registry_requests_total",
      "Registry lookup requests of stored businesses by outcome (stored: new lookups "
      "were written; cached: served from the cache or the stored rows; failed)",
      {"outcome"});
  family.with({outcome}).Increment();
}

registry_job job_for(const business_record& rec, const registry_request& req) {
  registry_job job;
  job.registry = req.registry;
  job.legal_name = rec.legal_name;
  job.country = rec.country;
  job.jurisdiction = rec.registration_jurisdiction.value_or("");
  job.registration_number = rec.registration_number.value_or("");
  job.lei = req.lei;
  job.cik = req.cik;
  job.ticker = req.ticker;
  for (const auto& o : rec.owners)
    job.owners.push_back(o.name);
  return job;
}

/// Asks the registry service and stores every lookup; `done` runs after the commit.
/// The caller holds the write slot (asserted).
void run_lookup(self_ptr self, registry_actor service, registry_job job,
                const request_meta& meta, const std::string& trigger,
                registry_done done) {
  auto& st = self->state;
  assert(st.life.writing());
  auto limit = st.p->settings.registry.timeout + std::chrono::seconds(5);
  self->request(service, limit, lookup_registry_atom::value, job)
      .then(
          [self, job, meta, trigger, done](std::vector<registry_report>& reports) {
            auto& st = self->state;
            if (!st.is(business_state::existence::present)) {
              done(make_error(errc::not_found, "no such business"));
              return;
            }
            const auto rec = record_of(st);
            auto key = registry_cache_key(job);
            auto actor =
                trigger == "api" ? meta.who.audit_actor() : "system:registry-" + trigger;
            auto at = base::utc_timestamp();
            auto lookups = std::make_shared<std::vector<business_registry_data>>();
            pg_batch batch;
            auto summary = nlohmann::json::array();
            for (auto& r : reports) {
              business_registry_data d;
              d.id = base::uuid::make_v7();
              d.business_id = rec.id;
              d.tenant_id = rec.tenant_id;
              d.region = rec.region;
              d.report = std::move(r);
              d.cache_key = key;
              d.created_by = actor;
              d.looked_up_at = at;
              add_registry_row(batch, d);
              summary.push_back({{"lookup_id", d.id.to_string()},
                                 {"registry", d.report.registry},
                                 {"outcome", d.report.outcome},
                                 {"entity_id", d.report.entity_id},
                                 {"status", d.report.status}});
              lookups->push_back(std::move(d));
            }
            nlohmann::json details = {{"trigger", trigger}, {"lookups", summary}};
            add_audit(batch, rec.tenant_id, rec.region, actor, "business.registry_lookup",
                      "business", rec.id.to_string(), meta.request_id, details.dump());
            run_fenced(
                self, *st.p, st.lease, std::move(batch),
                [self, lookups, key, done](std::vector<pg_rows>&) {
                  business_registry out{lookups, false};
                  // Failed lookups are not cached: the next request asks again.
                  bool any_failed = false;
                  for (auto& l : *lookups)
                    any_failed = any_failed || l.report.outcome == "failed";
                  if (!any_failed)
                    registry_cache(self->state).put(key, out, clock::now());
                  count_request("stored");
                  risk_inputs_changed(self);
                  done(std::move(out));
                },
                [done](caf::error& err) {
                  count_request("failed");
                  done(err);
                });
          },
          [done](caf::error& err) {
            count_request("failed");
            done(err);
          });
}

void refresh_registry(self_ptr self, registry_actor service, registry_job job,
                      std::string key) {
  queue_refresh(self, &registry_cache, std::move(key), "registry-refresh",
                [self, service, job](const request_meta& meta, registry_done done) {
                  run_lookup(self, service, job, meta, "refresh", std::move(done));
                });
}

void do_lookup(self_ptr self, caf::typed_response_promise<business_registry> rp,
               const request_meta& meta, const registry_request& req) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.life.begin_write(); // one lookup or write of this business at a time
  auto finish = answer_then_end_write(self, rp);
  auto job = job_for(record_of(st), req);
  auto key = registry_cache_key(job);
  auto now = clock::now();
  if (req.refresh) {
    run_lookup(self, req.service, job, meta, "api", finish);
    return;
  }
  auto found = registry_cache(st).get(key, now);
  if (found.value) {
    business_registry cached = *found.value;
    cached.cached = true;
    bool refresh = found.refresh_due;
    count_request("cached");
    finish(std::move(cached));
    if (refresh)
      refresh_registry(self, req.service, job, key);
    return;
  }
  // Not in memory: the stored lookups of this job still serve within the TTL when none
  // of them failed.
  pg_batch read;
  add(read, q::registry_lookups_latest, {val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, meta, req, job, key, now, finish](std::vector<pg_rows>& res) mutable {
        auto ttl = runtime::cache_registry::global()
                       .policy(runtime::cache_type::business_registry)
                       .ttl;
        auto rows = decode_registry_rows(res.at(0));
        auto lookups = std::make_shared<std::vector<business_registry_data>>();
        double oldest = 0;
        bool usable = true;
        for (auto& r : rows) {
          if (r.data.cache_key != key)
            continue;
          usable = usable && r.data.report.outcome != "failed" && r.age_seconds >= 0 &&
                   std::chrono::duration<double>(r.age_seconds) < ttl;
          oldest = std::max(oldest, r.age_seconds);
          lookups->push_back(std::move(r.data));
        }
        if (usable && !lookups->empty()) {
          auto age = std::chrono::duration_cast<clock::duration>(
              std::chrono::duration<double>(oldest));
          business_registry out{lookups, false};
          registry_cache(self->state).put(key, out, now - age);
          out.cached = true;
          count_request("cached");
          finish(std::move(out));
          return;
        }
        run_lookup(self, req.service, job, meta, "api", finish);
      },
      [finish](caf::error& err) mutable { finish(err); });
}

} // namespace

void forget_registry_lookups(business_state& st) {
  if (auto* d = st.derived_if_made())
    clear_cache(d->registries);
}

caf::result<business_registry> lookup_registry(self_ptr self, const request_meta& meta,
                                               const registry_request& req) {
  auto rp = self->make_response_promise<business_registry>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden, "a registry lookup stores the result: it needs "
                                       "the 'write' scope");
  if (!req.service)
    return make_error(errc::unavailable, "no registry service runs on this node");
  when_ready(self, rp, true, [self, rp, meta, req] { do_lookup(self, rp, meta, req); });
  return rp;
}

caf::result<business_registry> latest_registry_lookups(self_ptr self,
                                                       const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_registry>(
      self, meta, "reading registry lookups needs the 'read' scope",
      "the business has not been looked up in a registry yet",
      [&st](pg_batch& batch) {
        add(batch, q::registry_lookups_latest, {val(st.id), val(tenant_of(st))});
      },
      [](std::vector<pg_rows>& res) -> std::optional<business_registry> {
        auto rows = decode_registry_rows(res.at(0));
        if (rows.empty())
          return std::nullopt;
        auto lookups = std::make_shared<std::vector<business_registry_data>>();
        for (auto& r : rows)
          lookups->push_back(std::move(r.data));
        return business_registry{lookups, true};
      });
}

} // namespace kyb::actors::business_internal

// Analyst decisions on a business's screening hits: recorded with their reason in the
// write slot, audited, and remembered for later screenings of the business.
#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

void do_decide(self_ptr self, caf::typed_response_promise<stored_hit> rp,
               const request_meta& meta, const base::uuid& hit_id,
               const std::string& decision, const std::string& reason) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.life.begin_write();
  pg_batch read;
  add(read, q::screening_hit_get, {val(hit_id), val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, rp, meta, decision, reason](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          rp.deliver(make_error(errc::not_found, "no such screening hit"));
          self->state.life.end_write();
          return;
        }
        auto hit = decode_stored_hit(row_columns(res[0]), res[0].rows[0]);
        auto actor = meta.who.audit_actor();
        auto at = base::utc_timestamp();
        pg_batch batch;
        add(batch, q::screening_decision_upsert,
            {val(base::uuid::make_v7()), val(tenant_of(st)), val(region_of(st)),
             val(st.id), val(hit.subject_name), val(hit.list), val(hit.entity_id),
             val(hit.fingerprint), val(decision), val(reason), val(hit.id), val(actor),
             val(at)});
        add(batch, q::screening_hit_decide,
            {val(hit.id), val(decision), val(reason), val(actor), val(at), val(st.id),
             val(tenant_of(st))});
        nlohmann::json details = {{"business_id", st.id.to_string()},
                                  {"list", hit.list},
                                  {"entity_id", hit.entity_id},
                                  {"subject", hit.subject_name},
                                  {"decision", decision},
                                  {"reason", reason}};
        add_audit(batch, tenant_of(st), region_of(st), actor, "screening.decision",
                  "screening_hit", hit.id.to_string(), meta.request_id, details.dump());
        hit.decision = decision;
        hit.decision_reason = reason;
        hit.decided_by = actor;
        hit.decided_at = at;
        run_fenced(
            self, *st.p, st.lease, std::move(batch),
            [self, rp, hit](std::vector<pg_rows>&) mutable {
              // The cached screening shows the hit undecided: the next one re-screens.
              forget_screenings(self->state);
              risk_inputs_changed(self); // a hit's status is an input of its risk
              rp.deliver(hit);
              self->state.life.end_write();
            },
            [self, rp](caf::error& err) mutable {
              rp.deliver(err);
              self->state.life.end_write();
            });
      },
      [self, rp](caf::error& err) mutable {
        rp.deliver(err);
        self->state.life.end_write();
      });
}

} // namespace

caf::result<stored_hit> decide_hit(self_ptr self, const request_meta& meta,
                                   const base::uuid& hit_id, const std::string& decision,
                                   const std::string& reason) {
  auto rp = self->make_response_promise<stored_hit>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden, "deciding screening hits needs the 'write' scope");
  when_ready(self, rp, true, [self, rp, meta, hit_id, decision, reason] {
    do_decide(self, rp, meta, hit_id, decision, reason);
  });
  return rp;
}

} // namespace kyb::actors::business_internal

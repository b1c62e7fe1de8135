#include "actors/business/business_actor.hpp"

#include <cassert>
#include <cstdio>

#include <caf/actor_system.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "actors/business/business_rows.hpp"
#include "actors/business/business_validation.hpp"
#include "persistence/pg_error.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"

namespace kyb::actors {

namespace business_internal {

namespace q = persistence::q;
using existence = business_state::existence;

request_meta system_meta(business_state& st, const char* request_id) {
  request_meta meta;
  meta.who.tenant_id = record_of(st).tenant_id;
  meta.who.region = record_of(st).region;
  meta.who.scopes = scope_read | scope_write;
  meta.request_id = request_id;
  return meta;
}

void forget_derived(business_state& st) {
  forget_screenings(st);       // names or owners may have changed
  forget_classifications(st);  // and what the classifier reads
  forget_risk(st);             // and what an assessment read
  forget_websites(st);         // and what a site was compared with
  forget_registry_lookups(st); // and the identifiers a registry was asked with
}

namespace {

/// Decodes business_get's row (KYB_BUSINESS_COLUMNS) and owners_of_business's rows.
business_record decode(const platform& p, const pg_rows& business,
                       const pg_rows& owners) {
  std::optional<std::string> sealed;
  business_record r =
      decode_business_row(row_columns(business), business.rows.at(0), sealed);
  if (sealed) {
    r.tax_id = base::aes256gcm_decrypt(p.tax_id_key, *sealed, tax_id_aad(r));
    if (!r.tax_id)
      base::log_error(
          "business.tax_id_undecryptable",
          {{"business_id", r.id.to_string()},
           {"hint", "security.tax_id_key differs from the key that wrote it"}});
  }
  row_columns c(owners);
  for (auto& o : owners.rows) {
    owner ow;
    ow.name = col(o, c["name"]);
    ow.date_of_birth = opt_col(o, c["date_of_birth"]);
    ow.nationality = opt_col(o, c["nationality"]);
    ow.ownership_percent = opt_double(o, c["ownership_percent"]);
    r.owners.push_back(std::move(ow));
  }
  return r;
}

self_ptr this_business();

/// The record as a caller may see it: masked unless revealed.
business_record masked_record(business_record v, uint8_t reveal_bits) {
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

} // namespace

/// The masked view of the committed state, shared by every plain read until it changes
/// or the node's ring drops it. A view read again is marked used in the ring; a new one
/// is held by it, so the businesses read most recently keep their rendered view and the
/// others only their packed record. Made with `new`: the actor's weak_ptr keeps only the
/// control block once the ring drops the view.
///
/// A view of the state as it is known (read, no change in doubt, present) is published
/// in the directory: the node's HTTP workers answer plain reads with it without a
/// message to the actor, until commit_record() or a forgotten state withdraws it.
business_view masked_view(business_state& st) {
  auto v = st.masked.lock();
  if (v) {
    business_view_ring::touch(*v);
  } else {
    std::shared_ptr<business_view_data> d(new business_view_data);
    d->record = masked_record(record_of(st), 0);
    st.masked = d;
    if (st.p->business_views)
      st.p->business_views->hold(d);
    v = std::move(d);
    st.published = false; // a view made again: the directory's went with the old one
  }
  if (!st.published && !st.publication_held &&
      st.is(business_state::existence::present) && !st.committed.deleted() &&
      st.p->directory) {
    st.p->directory->publish(business_entity, st.id, this_business()->address(),
                             std::weak_ptr<const business_view_data>(v));
    st.published = true;
  }
  return business_view{std::move(v)};
}

namespace {

business_view make_view(business_record rec, uint8_t reveal_bits) {
  auto d = std::make_shared<business_view_data>();
  d->record = masked_record(std::move(rec), reveal_bits);
  return business_view{std::move(d)};
}

/// Appends the duplicate tax id check (migration 0017) for `rec`, unless it has no tax id
/// or the input overrides the policy. After the row's own write is fine: the check locks
/// the tax id and then reads what others committed, excluding the row itself.
void add_tax_id_check(pg_batch& batch, const platform& p, const business_record& rec,
                      const business_input& in) {
  if (!rec.tax_id || in.allow_duplicate_tax_id)
    return;
  std::vector<std::optional<std::string>> taxes{tax_id_lookup_hash(p, *rec.tax_id)};
  add(batch, q::business_tax_unique,
      {val(rec.tenant_id), val(persistence::pg_array(taxes)), val(rec.id)});
}

/// The check's refusal as the API says it (409 on /tax_id naming the existing
/// business); any other error as it is.
caf::error tax_id_conflict_or(caf::error err) {
  if (persistence::constraint_of(err) != "kyb_unique_tax_id")
    return err;
  constexpr std::string_view said = "tax id taken by business ";
  auto text = detail_of(err);
  auto at = text.find(said);
  if (at == std::string::npos || text.size() < at + said.size() + 36)
    return err;
  return make_error(errc::conflict,
                    duplicate_tax_id_detail(text.substr(at + said.size(), 36)),
                    "/tax_id");
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

void load(self_ptr self) {
  auto& st = self->state;
  pg_batch batch;
  add(batch, q::business_get, {val(st.id)});
  add(batch, q::owners_of_business, {val(st.id)});
  run_batch(
      self, *st.p, std::move(batch),
      [self](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (res.at(0).rows.empty()) {
          st.found = existence::absent;
        } else {
          commit_record(st, decode(*st.p, res[0], res.at(1)));
          st.found = st.committed.deleted() ? existence::deleted : existence::present;
        }
        st.life.load_succeeded();
      },
      [self](caf::error& err) {
        auto& st = self->state;
        base::log_warn("business.load_failed",
                       {{"business_id", st.id.to_string()}, {"error", detail_of(err)}});
        unpublish(st);
        st.life.load_failed(err);
      });
}

/// The audit details of a create or update: the fields it set, and the override of the
/// duplicate tax id policy when one was used.
nlohmann::json write_details(const business_input& in, const business_record& rec) {
  nlohmann::json details = {{"fields", changed_fields(in)}};
  if (in.allow_duplicate_tax_id && in.tax_id.present && rec.tax_id)
    details["allow_duplicate_tax_id"] = true;
  return details;
}

void do_create(self_ptr self, caf::typed_response_promise<business_view> rp,
               const request_meta& meta, const business_input& in) {
  auto& st = self->state;
  if (st.is(existence::present) || st.is(existence::deleted)) {
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
  add_audit(batch, rec.tenant_id, rec.region, meta.who.audit_actor(), "business.create",
            "business", rec.id.to_string(), meta.request_id,
            write_details(in, rec).dump());
  add_tax_id_check(batch, *st.p, rec, in);
  // From an unloaded state the create needs no read (the insert fails if the id
  // exists); on a state read as absent it is an ordinary write.
  if (st.life.loaded())
    st.life.begin_write();
  else
    st.life.begin_create();
  auto until = begin_record_write(st);
  run_fenced(
      self, *st.p, st.lease, std::move(batch),
      [self, rp, rec, until](std::vector<pg_rows>& res) mutable {
        row_columns c(res.at(0)); // business_insert's RETURNING
        rec.version = 1;
        rec.created_at = col(res[0].rows.at(0), c["created_at"]);
        rec.updated_at = col(res[0].rows.at(0), c["updated_at"]);
        after_read_leases(self, until, [self, rp, rec]() mutable {
          auto& st = self->state;
          commit_record(st, rec);
          st.found = existence::present;
          rp.deliver(masked_view(st));
          st.life.end_create(true);
        });
      },
      [self, rp, until](caf::error& err) mutable {
        // Unknown or failed outcome: a create on an unloaded state forgets it and
        // reads it again for the next message; one on a state read as absent keeps it.
        after_read_leases(self, until, [self, rp, err]() mutable {
          rp.deliver(tax_id_conflict_or(std::move(err)));
          unpublish(self->state);
          self->state.life.end_create(false);
        });
      });
}

} // namespace

void unpublish(business_state& st) {
  if (!st.published)
    return;
  st.published = false;
  st.p->directory->unpublish(business_entity, st.id, this_business()->address());
}

clock::time_point begin_record_write(business_state& st) {
  st.published = false;
  st.publication_held = true;
  if (!st.p->directory)
    return {};
  return st.p->directory->withdraw_for_write(business_entity, st.id,
                                             this_business()->address());
}

void end_record_write(self_ptr self, const std::function<void()>& end) {
  self->state.publication_held = false;
  end();
}

void after_read_leases(self_ptr self, clock::time_point until,
                       std::function<void()> end) {
  auto now = clock::now();
  if (now >= until) {
    end_record_write(self, end);
    return;
  }
  static auto& waits = base::metrics_registry::global()
                           .counter("kyb_business_write_lease_waits_total",
                                    "Business writes whose answer waited for other "
                                    "nodes' read leases on the old state to run out")
                           .with({});
  waits.Increment();
  self->state.derived().after_read_leases = std::move(end);
  self->delayed_send(self, until - now, leases_out_atom::value);
}

} // namespace business_internal

namespace business_internal {
namespace {

/// The business actor whose message is being handled on this thread: set around each
/// resume, so that the handlers can be captureless and their behavior shared.
thread_local self_ptr current_business = nullptr;

self_ptr this_business() {
  assert(current_business);
  return current_business;
}

/// Every business actor's message handlers, made once: a behavior whose handlers
/// captured the actor would be made again for each actor (about 770 bytes of the ~2 KiB
/// an activated business costs). The handlers find their actor through
/// this_business(); CAF only reads a behavior while it dispatches a message.
const business_actor::behavior_type& shared_behavior() {
  static const business_actor::behavior_type bhvr{
      [](create_atom, const request_meta& meta,
         const business_input& in) -> caf::result<business_view> {
        auto self = this_business();
        auto rp = self->make_response_promise<business_view>();
        auto& st = self->state;
        if (!meta.who.has(scope_write))
          return make_error(errc::forbidden,
                            "creating businesses needs the 'write' scope");
        // A new id needs no load: the insert itself fails if the id exists.
        if (st.life.current() == entity_lifecycle::phase::unloaded) {
          do_create(self, rp, meta, in);
          return rp;
        }
        when_ready(self, rp, true,
                   [self, rp, meta, in] { do_create(self, rp, meta, in); });
        return rp;
      },
      [](get_atom, const request_meta& meta,
         uint8_t reveal_bits) -> caf::result<business_view> {
        auto self = this_business();
        auto rp = self->make_response_promise<business_view>();
        when_visible(self, rp, meta, false, [self, rp, meta, reveal_bits]() mutable {
          auto& st = self->state;
          if (reveal_bits == 0) {
            rp.deliver(masked_view(st));
            return;
          }
          if (!meta.who.has(scope_admin)) {
            rp.deliver(make_error(errc::forbidden,
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
          add_audit(batch, tenant_of(st), region_of(st), meta.who.audit_actor(),
                    "business.reveal", "business", st.id.to_string(), meta.request_id,
                    nlohmann::json{{"fields", fields}}.dump());
          run_fenced(
              self, *st.p, st.lease, std::move(batch),
              [self, rp, reveal_bits](std::vector<pg_rows>&) mutable {
                rp.deliver(make_view(record_of(self->state), reveal_bits));
              },
              [rp](caf::error& err) mutable { rp.deliver(err); });
        });
        return rp;
      },
      [](update_atom, const request_meta& meta,
         const business_input& in) -> caf::result<business_view> {
        auto self = this_business();
        auto rp = self->make_response_promise<business_view>();
        if (!meta.who.has(scope_write))
          return make_error(errc::forbidden,
                            "changing businesses needs the 'write' scope");
        when_visible(self, rp, meta, true, [self, rp, meta, in]() mutable {
          auto& st = self->state;
          auto current = record_of(st);
          business_record next = current;
          apply_business_input(next, in);
          pg_batch batch;
          auto params = row_params(*st.p, next);
          params.push_back(val(std::to_string(current.version)));
          add(batch, q::business_update, std::move(params));
          if (in.owners.present) {
            add(batch, q::owners_delete, {val(st.id)});
            add_owners(batch, next);
          }
          add_audit(batch, next.tenant_id, next.region, meta.who.audit_actor(),
                    "business.update", "business", st.id.to_string(), meta.request_id,
                    write_details(in, next).dump());
          // Only a changed tax id is checked: a business kept with an override
          // stays editable.
          if (in.tax_id.present && next.tax_id != current.tax_id)
            add_tax_id_check(batch, *st.p, next, in);
          st.life.begin_write();
          auto until = begin_record_write(st);
          run_fenced(
              self, *st.p, st.lease, std::move(batch),
              [self, rp, next, until](std::vector<pg_rows>& res) mutable {
                row_columns c(res.at(0)); // business_update's
                auto& row = res[0].rows.at(0);
                next.version = static_cast<int32_t>(std::stol(col(row, c["version"])));
                next.updated_at = col(row, c["updated_at"]);
                after_read_leases(self, until, [self, rp, next]() mutable {
                  auto& st = self->state;
                  commit_record(st, next);
                  forget_derived(st);
                  risk_inputs_changed(self); // its facts, owners or names
                  rp.deliver(masked_view(st));
                  st.life.end_write();
                });
              },
              [self, rp, until](caf::error& err) mutable {
                // The outcome may be unknown (connection lost): reload before the
                // next write.
                after_read_leases(self, until, [self, rp, err]() mutable {
                  rp.deliver(tax_id_conflict_or(std::move(err)));
                  end_write_in_doubt(self->state);
                });
              });
        });
        return rp;
      },
      [](delete_atom, const request_meta& meta) -> caf::result<business_view> {
        auto self = this_business();
        auto rp = self->make_response_promise<business_view>();
        if (!meta.who.has(scope_write))
          return make_error(errc::forbidden,
                            "deleting businesses needs the 'write' scope");
        when_visible(self, rp, meta, true, [self, rp, meta]() mutable {
          auto& st = self->state;
          pg_batch batch;
          add(batch, q::business_soft_delete,
              {val(st.id), val(tenant_of(st)),
               val(std::to_string(st.committed.version()))});
          add_audit(batch, tenant_of(st), region_of(st), meta.who.audit_actor(),
                    "business.delete", "business", st.id.to_string(), meta.request_id,
                    "{}");
          st.life.begin_write();
          auto until = begin_record_write(st);
          run_fenced(
              self, *st.p, st.lease, std::move(batch),
              [self, rp, until](std::vector<pg_rows>& res) mutable {
                auto deleted_at =
                    col(res.at(0).rows.at(0), row_columns(res[0])["deleted_at"]);
                after_read_leases(self, until, [self, rp, deleted_at]() mutable {
                  auto& st = self->state;
                  auto rec = record_of(st);
                  rec.deleted_at = deleted_at;
                  rec.version += 1;
                  commit_record(st, rec);
                  forget_derived(st);
                  st.found = existence::deleted;
                  rp.deliver(masked_view(st));
                  st.life.end_write();
                });
              },
              [self, rp, until](caf::error& err) mutable {
                after_read_leases(self, until, [self, rp, err]() mutable {
                  rp.deliver(err);
                  end_write_in_doubt(self->state);
                });
              });
        });
        return rp;
      },
      [](screen_atom, const request_meta& meta, const screen_request& req,
         const screening_actor& screening) -> caf::result<business_screening> {
        auto self = this_business();
        return screen(self, meta, req, screening);
      },
      [](latest_atom, const request_meta& meta) -> caf::result<business_screening> {
        auto self = this_business();
        return latest_screening(self, meta);
      },
      [](decide_atom, const request_meta& meta, const base::uuid& hit_id,
         const std::string& decision,
         const std::string& reason) -> caf::result<stored_hit> {
        auto self = this_business();
        return decide_hit(self, meta, hit_id, decision, reason);
      },
      [](classify_atom, const request_meta& meta, const classification_actor& classifier,
         const std::string& model_version) -> caf::result<business_classification> {
        auto self = this_business();
        return classify(self, meta, classifier, model_version);
      },
      [](latest_classification_atom,
         const request_meta& meta) -> caf::result<business_classification> {
        auto self = this_business();
        return latest_classification(self, meta);
      },
      [](warm_atom, const std::string& model_version) -> caf::result<int32_t> {
        auto self = this_business();
        return warm(self, model_version);
      },
      [](assess_atom, const request_meta& meta,
         const risk_request& req) -> caf::result<business_risk> {
        auto self = this_business();
        return assess(self, meta, req);
      },
      [](latest_risk_atom, const request_meta& meta) -> caf::result<business_risk> {
        auto self = this_business();
        return latest_risk(self, meta);
      },
      [](analyse_website_atom, const request_meta& meta,
         const website_request& req) -> caf::result<business_website> {
        auto self = this_business();
        return analyse_website(self, meta, req);
      },
      [](latest_website_atom, const request_meta& meta) -> caf::result<business_website> {
        auto self = this_business();
        return latest_website(self, meta);
      },
      [](lookup_registry_atom, const request_meta& meta,
         const registry_request& req) -> caf::result<business_registry> {
        auto self = this_business();
        return lookup_registry(self, meta, req);
      },
      [](latest_registry_atom,
         const request_meta& meta) -> caf::result<business_registry> {
        auto self = this_business();
        return latest_registry_lookups(self, meta);
      },
      [](risk_history_atom, const request_meta& meta, const std::string& cursor,
         uint32_t limit) -> caf::result<business_risk_page> {
        auto self = this_business();
        return risk_history(self, meta, cursor, limit);
      },
      [](runtime::passivate_atom) {
        auto self = this_business();
        self->state.life.passivate();
      },
      [](leases_out_atom) {
        auto self = this_business();
        auto* d = self->state.derived_if_made();
        if (!d || !d->after_read_leases)
          return;
        auto end = std::move(d->after_read_leases);
        d->after_read_leases = nullptr;
        end_record_write(self, end);
      },
  };
  return bhvr;
}

class business_actor_impl final : public business_actor::stateful_base<business_state> {
public:
  using super = business_actor::stateful_base<business_state>;

  business_actor_impl(caf::actor_config& cfg, platform_ptr p, base::uuid id)
      : super(cfg) {
    self_ptr self = this;
    auto& st = state;
    st.p = std::move(p);
    st.id = id;
    st.lease.shard = st.p->directory->shard_of(business_entity, id);
    st.life = entity_lifecycle(
        {[self] { load(self); }, [self](const caf::error& err) { self->quit(err); }, {}});
  }

  behavior_type make_behavior() override { return shared_behavior(); }

  caf::resumable::resume_result resume(caf::execution_unit* ctx,
                                       size_t max_throughput) override {
    auto outer = current_business;
    current_business = this;
    auto r = super::resume(ctx, max_throughput);
    current_business = outer;
    return r;
  }
};

} // namespace
} // namespace business_internal

business_actor spawn_business_actor(caf::actor_system& sys, platform_ptr p,
                                    const base::uuid& id) {
  return sys.spawn<business_internal::business_actor_impl>(std::move(p), id);
}

std::optional<business_view> published_business_view(std::shared_ptr<const void> snapshot,
                                                     const base::uuid& tenant) {
  auto d = std::static_pointer_cast<const business_view_data>(std::move(snapshot));
  if (!d || d->record.tenant_id != tenant)
    return std::nullopt;
  static auto& reads = base::metrics_registry::global()
                           .counter("kyb_business_published_reads_total",
                                    "Plain business reads answered with the view its "
                                    "actor published, without a message to the actor")
                           .with({});
  reads.Increment();
  business_view_ring::touch(*d);
  return business_view{std::move(d)};
}

std::optional<caf::message>
read_published_business(const caf::message& msg, std::shared_ptr<const void> snapshot) {
  if (!msg.match_elements<get_atom, request_meta, uint8_t>() ||
      msg.get_as<uint8_t>(2) != 0)
    return std::nullopt;
  auto v = published_business_view(std::move(snapshot),
                                   msg.get_as<request_meta>(1).who.tenant_id);
  if (!v)
    return std::nullopt;
  return caf::make_message(std::move(*v));
}

} // namespace kyb::actors

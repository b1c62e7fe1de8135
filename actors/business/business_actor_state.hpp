// Inside the business actor (actors/business/ only): its state, and what its flows
// share: the lifecycle's waits wrapped for requests, the tenant check, the identity of
// background refreshes. Each flow (business_*_flow.cpp, business_hit_decisions.cpp)
// includes this and business_flows.hpp; see business_actor.hpp for how to add one.
#pragma once

#include <cassert>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <caf/typed_event_based_actor.hpp>

#include "actors/business/business_actor.hpp"
#include "actors/business/packed_record.hpp"
#include "actors/db.hpp"
#include "actors/entity/entity_lifecycle.hpp"
#include "runtime/cache/ttl_cache.hpp"

namespace kyb::actors::business_internal {

using clock = std::chrono::steady_clock;

struct business_state {
  static inline const char* name = "kyb.business";

  /// What the read found (meaningful while life.loaded()).
  enum class existence { absent, present, deleted };

  platform_ptr p;
  base::uuid id;
  /// Load, wait until ready, the write slot, passivation (actors/entity/).
  entity_lifecycle life;
  existence found = existence::absent;
  /// Its masked view is published in the directory (plain reads answered without a
  /// message: directory::publish), until the state changes or is read again.
  bool published = false;
  /// A write of the record runs: nothing is published until it ended (no read lease is
  /// granted on a state about to change).
  bool publication_held = false;
  /// Committed state, tax id and owners in the clear, packed into one allocation (empty
  /// until first loaded or created, so an activated but idle actor stays small).
  packed_record committed;
  /// The masked view of `committed` as last made: alive while the node's ring of
  /// recently read views (platform::business_views) or a reader holds it.
  std::weak_ptr<const business_view_data> masked;
  /// What the flows derived and remember (below); made by the first flow that needs
  /// it, so an actor that only serves reads stays small.
  struct derived_state {
    /// Stored sanctions screenings by cache key (cache.sanctions_screening_ttl, 24 h);
    /// made on the first screening.
    std::unique_ptr<runtime::ttl_cache<business_screening>> screenings;
    /// Stored industry classifications by cache key (the classification TTL, 7 d);
    /// made on the first classification.
    std::unique_ptr<runtime::ttl_cache<business_classification>> classifications;
    /// The classification cache key of the current inputs (a JSON document of every
    /// input, website text included, and its SHA-256), kept for the record version,
    /// website text and model it was made from: a repeated classify does not make it
    /// again. The website text is held, so its address is not reused while kept.
    struct classification_key_memo {
      std::string key; ///< empty: none
      int32_t record_version = 0;
      std::shared_ptr<const std::string> website_text;
      std::string model_version;
    } classification_key;
    /// Stored risk assessments by rules and reference version (the 24 h risk TTL);
    /// cleared when any input changes. Made on the first assessment.
    std::unique_ptr<runtime::ttl_cache<business_risk>> risks;
    /// Stored website analyses by cache key (the 7 d website TTL); made on the
    /// first analysis.
    std::unique_ptr<runtime::ttl_cache<business_website>> websites;
    /// The visible text of the latest stored website analysis, one of the classifier's
    /// inputs: read once per activation when first needed (with_website_text), replaced
    /// by each new analysis; null: none.
    std::shared_ptr<const std::string> website_text;
    bool website_text_known = false;
    /// Stored registry lookups by cache key (the 30 d registry TTL); made on the
    /// first lookup.
    std::unique_ptr<runtime::ttl_cache<business_registry>> registries;
    /// Whether it has a stored assessment (unknown until an assessment read it): a change
    /// of an input of a business never assessed asks for no re-assessment.
    std::optional<bool> risk_assessed;
    /// The tenant's rules as last read from its tenant actor, when the request for them
    /// was sent (used for risk.rules_lease), and parsed over `rules_reference`'s
    /// defaults.
    std::optional<risk_rules_version> rules_doc;
    clock::time_point rules_read_at;
    std::shared_ptr<const risk::risk_rules> rules;
    std::string rules_reference;
    /// The end of a write of the record, waiting until the read leases other nodes
    /// hold on the state before it ran out (after_read_leases); empty: none waits.
    std::function<void()> after_read_leases;
  };
  std::unique_ptr<derived_state> derived_;
  entity_lease lease; ///< its shard and the epoch its writes carry

  bool is(existence e) const { return life.loaded() && found == e; }

  derived_state& derived() {
    if (!derived_)
      derived_ = std::make_unique<derived_state>();
    return *derived_;
  }
  /// What the flows derived, or null when no flow ran yet (for reads and clears that
  /// must not make it).
  derived_state* derived_if_made() const { return derived_.get(); }
};

using self_ptr = business_actor::stateful_pointer<business_state>;

/// The committed record, unpacked: the business was read or created (asserted). Flows
/// call it once they saw the business present; a callback after a read without the write
/// slot may find it deleted since, and answers from the record it had.
inline business_record record_of(const business_state& st) {
  assert(!st.committed.empty());
  return st.committed.unpack();
}

/// The committed record's tenant and region, read without unpacking it.
inline const base::uuid& tenant_of(const business_state& st) {
  assert(!st.committed.empty());
  return st.committed.tenant_id();
}
inline std::string region_of(const business_state& st) {
  assert(!st.committed.empty());
  return std::string(st.committed.region());
}

/// The masked view of the committed state (made if none is alive), published in the
/// directory unless a write holds publication (business_actor.cpp).
business_view masked_view(business_state& st);

/// Withdraws the published view (the state is about to change, or is not known until
/// it is read again).
void unpublish(business_state& st);

/// A write whose outcome is unknown (the connection was lost): the committed state is in
/// doubt, so its view is withdrawn and the state is read again before the next work.
inline void end_write_in_doubt(business_state& st) {
  unpublish(st);
  st.life.end_write_unknown();
}

/// Starts a write of the record (create, update, delete): withdraws the published view,
/// publishes none until the write ended, and returns when the last copy of the current
/// state another node may hold under a read lease runs out
/// (directory::withdraw_for_write). The write's callbacks end it through
/// after_read_leases() with that time.
clock::time_point begin_record_write(business_state& st);

/// Runs `end` (the write's answer and commit, or its failure) once `until` passed:
/// at once, or on the actor's own timer. Publishing is allowed again before `end`.
void after_read_leases(self_ptr self, clock::time_point until, std::function<void()> end);
/// Runs a write's `end` now that no lease on the old state is left (after_read_leases
/// and the actor's leases_out timer): publishing is allowed again first, so `end`
/// publishes the new view when it answers with it.
void end_record_write(self_ptr self, const std::function<void()>& end);

/// Keeps `rec` as the committed state; the masked view of the previous one is dropped.
inline void commit_record(business_state& st, const business_record& rec) {
  unpublish(st);
  st.committed = packed_record(rec);
  st.masked.reset();
}

/// Tenant isolation: another tenant's business does not exist for the caller.
inline bool visible(const business_state& st, const request_meta& meta) {
  return st.is(business_state::existence::present) && !st.committed.empty() &&
         st.committed.tenant_id() == meta.who.tenant_id;
}

/// Runs `fn` when the state is loaded and, for writes, when no other write is in flight
/// (entity_lifecycle::when_ready); `rp` answers unavailable if the business cannot be
/// read.
template <class Promise>
void when_ready(self_ptr self, Promise rp, bool is_write, std::function<void()> fn) {
  self->state.life.when_ready(std::move(rp), is_write, std::move(fn), "business");
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

/// A flow's cache of what it derived from the record (a member of business_state), made
/// on first use so that an idle actor stays small.
template <class V>
runtime::ttl_cache<V>& cache_in(std::unique_ptr<runtime::ttl_cache<V>>& slot,
                                runtime::cache_type type) {
  if (!slot)
    slot = std::make_unique<runtime::ttl_cache<V>>(type);
  return *slot;
}

/// Clears a flow's cache (if made): the record it was derived from changed.
template <class V>
void clear_cache(std::unique_ptr<runtime::ttl_cache<V>>& slot) {
  if (slot)
    slot->clear();
}

/// The end of a flow that holds the write slot: answers `rp` with the result or its
/// error, then frees the slot.
template <class T>
std::function<void(caf::expected<T>)>
answer_then_end_write(self_ptr self, caf::typed_response_promise<T> rp) {
  return [self, rp](caf::expected<T> r) mutable {
    if (r)
      rp.deliver(std::move(*r));
    else
      rp.deliver(r.error());
    self->state.life.end_write();
  };
}

/// A flow's read of what it stored for the business: needs the 'read' scope
/// (`forbidden` says so otherwise) and a business the caller sees; `build(batch)` adds
/// the reads, `decode(results)` turns them into the answer, or nullopt when there is
/// none yet (not_found `never`).
template <class T, class Build, class Decode>
caf::result<T> read_stored(self_ptr self, const request_meta& meta, const char* forbidden,
                           const char* never, Build build, Decode decode) {
  auto rp = self->make_response_promise<T>();
  if (!meta.who.has(scope_read))
    return make_error(errc::forbidden, forbidden);
  when_visible(self, rp, meta, false, [self, rp, never, build, decode]() mutable {
    pg_batch batch;
    build(batch);
    run_batch(
        self, *self->state.p, std::move(batch),
        [rp, never, decode](std::vector<pg_rows>& res) mutable {
          if (auto out = decode(res))
            rp.deliver(std::move(*out));
          else
            rp.deliver(make_error(errc::not_found, never));
        },
        [rp](caf::error& err) mutable { rp.deliver(err); });
  });
  return rp;
}

/// The identity a background refresh acts under (audited as system:<kind>-refresh).
request_meta system_meta(business_state& st, const char* request_id);

/// A proactive refresh of cache entry `key` (the cache said it is due): queued behind
/// the work in hand as a write, `run(meta, done)` recomputes and stores it like any
/// other; a failure keeps the old value serving until the TTL.
template <class V, class Run>
void queue_refresh(self_ptr self, runtime::ttl_cache<V>& (*cache)(business_state&),
                   std::string key, const char* request_id, Run run) {
  auto failed = [self, cache, key] {
    cache(self->state).refresh_failed(key, "the business is gone");
  };
  self->state.life.when_ready(
      true,
      [self, cache, key, request_id, run, failed] {
        auto& st = self->state;
        if (!st.is(business_state::existence::present)) {
          failed();
          return;
        }
        st.life.begin_write();
        run(system_meta(st, request_id), [self, cache, key](caf::expected<V> r) {
          if (!r)
            cache(self->state).refresh_failed(key, detail_of(r.error()));
          self->state.life.end_write();
        });
      },
      failed);
}

/// Whatever a flow derived from the record (its cached screenings, classifications...)
/// no longer applies: the record changed or is gone.
void forget_derived(business_state& st);

} // namespace kyb::actors::business_internal

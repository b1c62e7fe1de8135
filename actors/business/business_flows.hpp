// The business actor's flows beyond its own record (internal to actors/business/): each
// message of such a flow is one function here, defined in the flow's file, which checks
// the caller's scope, waits for the lifecycle (business_actor_state.hpp) and answers.
#pragma once

#include <string>

#include <caf/result.hpp>

#include "actors/business/business_actor_state.hpp"

namespace kyb::actors::business_internal {

// -- sanctions screening: business_screening_flow.cpp ---------------------------------

caf::result<business_screening> screen(self_ptr self, const request_meta& meta,
                                       const screen_request& req,
                                       const screening_actor& screening);
caf::result<business_screening> latest_screening(self_ptr self, const request_meta& meta);
/// Its names or owners changed (or it is gone): cached screenings no longer apply.
void forget_screenings(business_state& st);

/// Screens the committed state now and stores the result (no cache lookup); the caller
/// holds the write slot. `trigger` as screen_request's.
void screen_now(self_ptr self, screening_actor screening, const std::string& trigger,
                const request_meta& meta,
                std::function<void(caf::expected<business_screening>)> done);

// -- analyst decisions on screening hits: business_hit_decisions.cpp ------------------

caf::result<stored_hit> decide_hit(self_ptr self, const request_meta& meta,
                                   const base::uuid& hit_id, const std::string& decision,
                                   const std::string& reason);

// -- industry classification: business_classification_flow.cpp ------------------------

caf::result<business_classification> classify(self_ptr self, const request_meta& meta,
                                              const classification_actor& classifier,
                                              const std::string& model_version);
caf::result<business_classification> latest_classification(self_ptr self,
                                                           const request_meta& meta);
/// Cache warming: 0 (no such business), 1 (loaded) or 2 (classification cached).
caf::result<int32_t> warm(self_ptr self, const std::string& model_version);
/// Its classifier inputs changed (or it is gone): cached classifications no longer
/// apply.
void forget_classifications(business_state& st);
/// The classification published beside the business's view no longer answers (what the
/// classifier reads changed).
void unpublish_classification(business_state& st);
/// Classifies the committed state now and stores the result (no cache lookup); the
/// caller holds the write slot.
void classify_now(self_ptr self, classification_actor classifier,
                  const std::string& trigger, const request_meta& meta,
                  std::function<void(caf::expected<business_classification>)> done);

// -- risk assessment: business_risk_flow.cpp ------------------------------------------

caf::result<business_risk> assess(self_ptr self, const request_meta& meta,
                                  const risk_request& req);
caf::result<business_risk> latest_risk(self_ptr self, const request_meta& meta);
caf::result<business_risk_page> risk_history(self_ptr self, const request_meta& meta,
                                             const std::string& cursor, uint32_t limit);
/// A proactive refresh of the cached assessment under `key` (a new row is written).
void refresh_risk(self_ptr self, std::string key);
/// Cached assessments no longer apply (the record changed or is gone).
void forget_risk(business_state& st);
/// Something an assessment reads changed (a screening stored, a hit decided, a
/// classification stored, the record): clears the cache and, unless the business was
/// never assessed, asks the node's risk monitor for a background re-assessment.
void risk_inputs_changed(self_ptr self);

// -- website analysis: business_website_flow.cpp ----------------------------------------

caf::result<business_website> analyse_website(self_ptr self, const request_meta& meta,
                                              const website_request& req);
caf::result<business_website> latest_website(self_ptr self, const request_meta& meta);
/// Cached analyses no longer apply (the record changed or is gone).
void forget_websites(business_state& st);
/// Runs `then` once the visible text of the latest stored analysis is known (read from
/// the database at the first call after activation; a failed read runs `then` without
/// it, and reads again next time).
void with_website_text(self_ptr self, std::function<void()> then);
/// That text ("" when none or not known).
const std::string& website_text_of(const business_state& st);

// -- registry lookups: business_registry_flow.cpp -------------------------------------

caf::result<business_registry> lookup_registry(self_ptr self, const request_meta& meta,
                                               const registry_request& req);
caf::result<business_registry> latest_registry_lookups(self_ptr self,
                                                       const request_meta& meta);
/// Cached lookups no longer apply (the record changed or is gone).
void forget_registry_lookups(business_state& st);

} // namespace kyb::actors::business_internal

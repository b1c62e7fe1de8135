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

} // namespace kyb::actors::business_internal

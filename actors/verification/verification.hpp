// A verification as the platform stores and serves it (verifications,
// verification_steps), the messages of its actor (verification_actor.hpp), and the pure
// pieces the actor needs: the rows, the summary each step keeps of its result, and the
// facts the policy's verdict reads back from those summaries
// (verification_policy.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/classification/business_classification.hpp"
#include "actors/db.hpp"
#include "actors/registry/business_registry.hpp"
#include "actors/risk/business_risk.hpp"
#include "actors/screening/business_screening.hpp"
#include "actors/verification/verification_messages.hpp"
#include "actors/verification/verification_policy.hpp"
#include "actors/website/business_website.hpp"

namespace kyb::actors {

/// What POST /v1/businesses/{id}/verifications asks for.
struct verification_input {
  base::uuid business_id;
  std::vector<std::string> checks; ///< step names (verification::step_names); validated
  bool webhook = true;             ///< Tell the tenant's webhook endpoints when done.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_input& x) {
  return f(caf::meta::type_name("kyb::verification_input"), x.business_id, x.checks,
           x.webhook);
}

/// One step of a verification.
struct verification_step_data {
  std::string step;
  std::string status = "pending"; ///< pending, running, succeeded, failed, skipped
  int32_t attempts = 0;
  std::string started_at;          ///< RFC 3339, "" when not started
  std::string finished_at;         ///< RFC 3339, "" when not finished
  int64_t duration_ms = -1;        ///< -1 when not finished
  std::string summary_json = "{}"; ///< what the step found (or why it was skipped)
  std::string error_json;          ///< {"code", "detail"} of a failed step, else ""
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_step_data& x) {
  return f(caf::meta::type_name("kyb::verification_step_data"), x.step, x.status,
           x.attempts, x.started_at, x.finished_at, x.duration_ms, x.summary_json,
           x.error_json);
}

/// One verification.
struct verification_data {
  base::uuid id;
  base::uuid tenant_id;
  std::string region;
  base::uuid business_id;
  std::string status; ///< pending, running, completed, cancelled
  std::vector<std::string> checks;
  bool webhook = true;
  int32_t policy_version = 0;
  std::string verdict;             ///< pass, review, fail; "" until completed
  std::string reasons_json = "[]"; ///< verification::reasons_json
  std::string created_by;
  base::uuid key_id;
  std::string created_at;
  std::string started_at;
  std::string completed_at;
  std::string cancelled_at;
  std::vector<verification_step_data> steps; ///< in step order

  bool finished() const { return status == "completed" || status == "cancelled"; }
  verification_step_data* step(const std::string& name);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_data& x) {
  return f(caf::meta::type_name("kyb::verification_data"), x.id, x.tenant_id, x.region,
           x.business_id, x.status, x.checks, x.webhook, x.policy_version, x.verdict,
           x.reasons_json, x.created_by, x.key_id, x.created_at, x.started_at,
           x.completed_at, x.cancelled_at, x.steps);
}

/// A page of a business's verifications, newest first.
struct verification_page {
  std::vector<verification_data> items;
  std::string next_cursor; ///< "" on the last page
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_page& x) {
  return f(caf::meta::type_name("kyb::verification_page"), x.items, x.next_cursor);
}

/// The rows of a verification_get or verifications_of_business result.
std::vector<verification_data> decode_verification_rows(const pg_rows& rows);

/// The row of a verification_policy_* result.
verification_policy_version decode_policy_row(const pg_rows& rows);

// -- what each step keeps of its result -------------------------------------------------

std::string registry_summary(const business_registry& r);
std::string website_summary(const business_website& w);
std::string classification_summary(const business_classification& c);
std::string screening_summary(const business_screening& s);
std::string risk_summary(const business_risk& r);
/// {"reason": why} of a skipped step.
std::string skipped_summary(const std::string& why);
/// {"code", "detail"} of a failed step's error.
std::string error_summary(const caf::error& err);

/// The facts the verdict reads, from the steps' summaries.
verification::verification_facts facts_of(const verification_data& v);

/// Registers the verification message types (called by actors::register_types).
void register_verification_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

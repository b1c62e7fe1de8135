#include "actors/messages.hpp"

#include "actors/risk/risk_messages.hpp"

#include <caf/actor_system_config.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/business/business.hpp"
#include "actors/business/business_query_actor.hpp"
#include "actors/cache/cache_warmer_actor.hpp"
#include "actors/classification/classification_messages.hpp"
#include "actors/health/readiness_actor.hpp"
#include "actors/idempotency/idempotency_actor.hpp"
#include "actors/import/import_job.hpp"
#include "actors/registry/business_registry.hpp"
#include "actors/retention/retention_actor.hpp"
#include "actors/screening/screening_messages.hpp"
#include "actors/tenant/tenant.hpp"
#include "actors/usage/usage_actor.hpp"
#include "actors/verification/verification.hpp"
#include "actors/webhooks/webhook_messages.hpp"
#include "actors/website/business_website.hpp"

namespace kyb::actors {

uint8_t parse_scope(const std::string& name) {
  if (name == "read")
    return scope_read;
  if (name == "write")
    return scope_write;
  if (name == "admin")
    return scope_admin;
  if (name == "operator")
    return scope_operator;
  return 0;
}

std::string scopes_to_string(uint8_t scopes) {
  std::string out;
  for (auto [bit, name] : {std::pair<uint8_t, const char*>{scope_read, "read"},
                           {scope_write, "write"},
                           {scope_admin, "admin"},
                           {scope_operator, "operator"}}) {
    if (scopes & bit) {
      if (!out.empty())
        out += ',';
      out += name;
    }
  }
  return out;
}

std::string missing_scope_detail(uint8_t required, uint8_t held) {
  auto detail =
      "the API key lacks the scope '" + scopes_to_string(required & ~held) + "'";
  // The platform-operator key is no tenant's key: say which key this endpoint takes.
  if ((held & scope_operator) && (required & (scope_read | scope_write | scope_admin)))
    detail += "; a platform-operator key manages tenants and the platform: this "
              "endpoint needs a key of the tenant whose data it serves (make one with "
              "POST /v1/tenants/{tenant_id}/api-keys)";
  return detail;
}

std::string principal::audit_actor() const {
  return "key:" + key_id.to_string();
}

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<principal>("kyb::principal");
  cfg.add_message_type<auth_grant>("kyb::auth_grant");
  cfg.add_message_type<request_meta>("kyb::request_meta");
  cfg.add_message_type<business_input>("kyb::business_input");
  cfg.add_message_type<business_record>("kyb::business_record");
  cfg.add_message_type<business_view>("kyb::business_view");
  cfg.add_message_type<business_summary>("kyb::business_summary");
  cfg.add_message_type<std::vector<business_summary>>("kyb::business_summaries");
  cfg.add_message_type<business_page>("kyb::business_page");
  cfg.add_message_type<tenant_spec>("kyb::tenant_spec");
  cfg.add_message_type<tenant_record>("kyb::tenant_record");
  cfg.add_message_type<tenant_plan_spec>("kyb::tenant_plan_spec");
  cfg.add_message_type<api_key_info>("kyb::api_key_info");
  cfg.add_message_type<std::vector<api_key_info>>("kyb::api_key_infos");
  cfg.add_message_type<issued_api_key>("kyb::issued_api_key");
  cfg.add_message_type<audit_page>("kyb::audit_page");
  cfg.add_message_type<audit_verification>("kyb::audit_verification");
  cfg.add_message_type<usage_sample>("kyb::usage_sample");
  cfg.add_message_type<std::vector<usage_sample>>("kyb::usage_samples");
  cfg.add_message_type<std::vector<usage_row>>("kyb::usage_rows");
  cfg.add_message_type<idempotency_outcome>("kyb::idempotency_outcome");
  cfg.add_message_type<readiness>("kyb::readiness");
  register_screening_types(cfg);
  register_classification_types(cfg);
  register_risk_types(cfg);
  register_website_types(cfg);
  register_registry_types(cfg);
  register_verification_types(cfg);
  register_webhook_types(cfg);
  register_import_types(cfg);
  register_cache_types(cfg);
  register_retention_types(cfg);
}

} // namespace kyb::actors

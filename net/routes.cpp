#include "net/routes.hpp"

#include <initializer_list>
#include <tuple>

#include "actors/messages.hpp"
#include "net/handlers/handlers.hpp"

namespace kyb::net {

router make_api_router() {
  using namespace kyb::actors;
  namespace h = handlers;
  router r;
  auto add = [&](const char* method, const char* pattern, const char* name,
                 auth_kind auth, uint8_t scope, handler_fn fn) {
    r.add(route{method, pattern, name, auth, scope, fn, {}, false, {}});
  };
  // Operations.
  add("GET", "/health", "getHealth", auth_kind::none, 0, h::health);
  add("GET", "/ready", "getReady", auth_kind::optional_key, 0, h::ready);
  add("GET", "/openapi.json", "getOpenApi", auth_kind::none, 0, h::openapi);
  add("POST", "/v1/admin/cache/warm", "warmCaches", auth_kind::operator_, scope_operator,
      h::warm_caches);
  add("POST", "/v1/admin/retention/run", "runRetention", auth_kind::operator_,
      scope_operator, h::run_retention);
  // Tenants and keys.
  add("POST", "/v1/tenants", "createTenant", auth_kind::operator_, scope_operator,
      h::create_tenant);
  add("GET", "/v1/tenants/{id}", "getTenant", auth_kind::any_key, 0, h::get_tenant);
  add("POST", "/v1/tenants/{id}/api-keys", "createApiKey", auth_kind::any_key, 0,
      h::create_api_key);
  add("GET", "/v1/tenants/{id}/api-keys", "listApiKeys", auth_kind::any_key, 0,
      h::list_api_keys);
  add("DELETE", "/v1/tenants/{id}/api-keys/{key_id}", "revokeApiKey", auth_kind::any_key,
      0, h::revoke_api_key);
  add("PUT", "/v1/tenants/{id}/plan", "setTenantPlan", auth_kind::operator_,
      scope_operator, h::set_tenant_plan);
  add("POST", "/v1/tenants/{id}/plan/cancel", "cancelTenantPlan", auth_kind::operator_,
      scope_operator, h::cancel_tenant_plan);
  // Businesses.
  add("POST", "/v1/businesses", "createBusiness", auth_kind::tenant, scope_write,
      h::create_business);
  add("GET", "/v1/businesses", "listBusinesses", auth_kind::tenant, scope_read,
      h::list_businesses);
  // Bulk import: the upload's body streams to the handler.
  r.add(route{"POST",
              "/v1/businesses/bulk",
              "importBusinesses",
              auth_kind::tenant,
              scope_write,
              h::import_businesses,
              {},
              true,
              {}});
  add("GET", "/v1/businesses/bulk", "listImportJobs", auth_kind::tenant, scope_read,
      h::list_import_jobs);
  add("GET", "/v1/businesses/bulk/{id}", "getImportJob", auth_kind::tenant, scope_read,
      h::get_import_job);
  add("GET", "/v1/businesses/search", "searchBusinesses", auth_kind::tenant, scope_read,
      h::search_businesses);
  add("GET", "/v1/businesses/{id}", "getBusiness", auth_kind::tenant, scope_read,
      h::get_business);
  add("PATCH", "/v1/businesses/{id}", "updateBusiness", auth_kind::tenant, scope_write,
      h::update_business);
  add("DELETE", "/v1/businesses/{id}", "deleteBusiness", auth_kind::tenant, scope_write,
      h::delete_business);
  // Audit and usage.
  add("GET", "/v1/audit-logs", "listAuditLogs", auth_kind::tenant, scope_admin,
      h::list_audit_logs);
  add("GET", "/v1/audit-logs/verify", "verifyAuditLogs", auth_kind::tenant, scope_admin,
      h::verify_audit_logs);
  add("GET", "/v1/usage", "getUsage", auth_kind::tenant, scope_read, h::get_usage);
  // Industry classification.
  add("POST", "/v1/classifications", "classify", auth_kind::tenant, scope_read,
      h::classify_business_text);
  add("POST", "/v1/businesses/{id}/classify", "classifyBusiness", auth_kind::tenant,
      scope_write, h::classify_business);
  add("GET", "/v1/businesses/{id}/classification", "getBusinessClassification",
      auth_kind::tenant, scope_read, h::get_business_classification);
  // Website analysis.
  add("POST", "/v1/businesses/{id}/website-analysis", "analyseBusinessWebsite",
      auth_kind::tenant, scope_write, h::analyse_business_website);
  add("GET", "/v1/businesses/{id}/website-analysis", "getBusinessWebsiteAnalysis",
      auth_kind::tenant, scope_read, h::get_business_website);
  // Registry lookups.
  add("POST", "/v1/businesses/{id}/registry-lookup", "lookupBusinessRegistry",
      auth_kind::tenant, scope_write, h::lookup_business_registry);
  add("GET", "/v1/businesses/{id}/registry-lookup", "getBusinessRegistryLookup",
      auth_kind::tenant, scope_read, h::get_business_registry);
  // Risk assessment.
  add("POST", "/v1/businesses/{id}/risk-assessments", "assessBusinessRisk",
      auth_kind::tenant, scope_write, h::assess_business_risk);
  add("GET", "/v1/businesses/{id}/risk-assessments", "listBusinessRiskAssessments",
      auth_kind::tenant, scope_read, h::list_business_risks);
  add("GET", "/v1/businesses/{id}/risk-assessments/latest", "getLatestBusinessRisk",
      auth_kind::tenant, scope_read, h::get_latest_business_risk);
  add("POST", "/v1/admin/risk/reload", "reloadRiskReference", auth_kind::operator_,
      scope_operator, h::reload_risk_reference);
  // A tenant's risk rules, versioned.
  add("PUT", "/v1/risk-rules", "putRiskRules", auth_kind::tenant, scope_admin,
      h::put_risk_rules);
  add("GET", "/v1/risk-rules", "getRiskRules", auth_kind::tenant, scope_read,
      h::get_risk_rules);
  add("GET", "/v1/risk-rules/versions/{version}", "getRiskRulesVersion",
      auth_kind::tenant, scope_read, h::get_risk_rules_version);
  // Verifications: every check of a business, a verdict by the tenant's policy.
  add("POST", "/v1/businesses/{id}/verifications", "createVerification",
      auth_kind::tenant, scope_write, h::create_verification);
  add("GET", "/v1/businesses/{id}/verifications", "listBusinessVerifications",
      auth_kind::tenant, scope_read, h::list_business_verifications);
  add("GET", "/v1/verifications/{vid}", "getVerification", auth_kind::tenant, scope_read,
      h::get_verification);
  add("POST", "/v1/verifications/{vid}/cancel", "cancelVerification", auth_kind::tenant,
      scope_write, h::cancel_verification);
  add("PUT", "/v1/verification-policy", "putVerificationPolicy", auth_kind::tenant,
      scope_admin, h::put_verification_policy);
  add("GET", "/v1/verification-policy", "getVerificationPolicy", auth_kind::tenant,
      scope_read, h::get_verification_policy);
  // Webhooks: a tenant's endpoints (admin scope) and their deliveries.
  add("POST", "/v1/webhook-endpoints", "createWebhookEndpoint", auth_kind::tenant,
      scope_admin, h::create_webhook_endpoint);
  add("GET", "/v1/webhook-endpoints", "listWebhookEndpoints", auth_kind::tenant,
      scope_admin, h::list_webhook_endpoints);
  add("GET", "/v1/webhook-endpoints/{id}", "getWebhookEndpoint", auth_kind::tenant,
      scope_admin, h::get_webhook_endpoint);
  add("PATCH", "/v1/webhook-endpoints/{id}", "updateWebhookEndpoint", auth_kind::tenant,
      scope_admin, h::update_webhook_endpoint);
  add("DELETE", "/v1/webhook-endpoints/{id}", "deleteWebhookEndpoint", auth_kind::tenant,
      scope_admin, h::delete_webhook_endpoint);
  add("POST", "/v1/webhook-endpoints/{id}/rotate-secret", "rotateWebhookSecret",
      auth_kind::tenant, scope_admin, h::rotate_webhook_secret);
  add("GET", "/v1/webhook-endpoints/{id}/deliveries", "listWebhookDeliveries",
      auth_kind::tenant, scope_admin, h::list_webhook_deliveries);
  add("POST", "/v1/webhook-deliveries/{id}/redeliver", "redeliverWebhook",
      auth_kind::tenant, scope_admin, h::redeliver_webhook);
  // Sanctions screening.
  add("POST", "/v1/screenings", "screenName", auth_kind::tenant, scope_read,
      h::screen_name);
  add("POST", "/v1/screenings/compare", "compareNames", auth_kind::tenant, scope_read,
      h::compare_names);
  add("POST", "/v1/businesses/{id}/screen", "screenBusiness", auth_kind::tenant,
      scope_write, h::screen_business);
  add("GET", "/v1/businesses/{id}/screening", "getBusinessScreening", auth_kind::tenant,
      scope_read, h::get_business_screening);
  add("POST", "/v1/businesses/{id}/screening-hits/{hit_id}/decision",
      "decideScreeningHit", auth_kind::tenant, scope_write, h::decide_screening_hit);
  add("GET", "/v1/lists", "listSanctionsLists", auth_kind::any_key, 0,
      h::list_sanctions_lists);
  add("POST", "/v1/lists/reload", "reloadSanctionsLists", auth_kind::operator_,
      scope_operator, h::reload_sanctions_lists);
  // Risk trends.
  add("GET", "/v1/risk/trends", "getRiskTrends", auth_kind::tenant, scope_read,
      h::get_risk_trends);
  // Reads that a fresh replica may serve, and requests any region may.
  for (auto [method, pattern, group] :
       std::initializer_list<std::tuple<const char*, const char*, const char*>>{
           // Every node answers for itself.
           {"GET", "/ready", "*"},
           // Their handlers route by the addressed tenant's residency.
           {"POST", "/v1/tenants", "handler"},
           {"GET", "/v1/tenants/{id}", "handler"},
           {"POST", "/v1/tenants/{id}/api-keys", "handler"},
           {"GET", "/v1/tenants/{id}/api-keys", "handler"},
           {"DELETE", "/v1/tenants/{id}/api-keys/{key_id}", "handler"},
           {"PUT", "/v1/tenants/{id}/plan", "handler"},
           {"POST", "/v1/tenants/{id}/plan/cancel", "handler"},
           {"GET", "/v1/businesses", "businesses"},
           {"GET", "/v1/businesses/search", "businesses"},
           {"GET", "/v1/businesses/{id}", "businesses"},
           {"GET", "/v1/businesses/{id}/classification", "businesses"},
           {"GET", "/v1/businesses/{id}/screening", "businesses"},
           {"GET", "/v1/businesses/{id}/website-analysis", "businesses"},
           {"GET", "/v1/businesses/{id}/registry-lookup", "businesses"},
           {"GET", "/v1/businesses/{id}/risk-assessments", "risk_assessments"},
           {"GET", "/v1/businesses/{id}/risk-assessments/latest", "risk_assessments"},
           {"GET", "/v1/risk-rules", "businesses"},
           {"GET", "/v1/risk-rules/versions/{version}", "businesses"},
           {"GET", "/v1/risk/trends", "risk_assessments"},
           {"GET", "/v1/audit-logs", "audit_logs"},
           {"GET", "/v1/audit-logs/verify", "audit_logs"},
           {"POST", "/v1/classifications", "*"},
           {"POST", "/v1/screenings", "*"},
           {"POST", "/v1/screenings/compare", "*"}})
    r.set_replica_group(method, pattern, group);
  return r;
}

router make_metrics_router() {
  namespace h = handlers;
  router r;
  r.add(route{
      "GET", "/metrics", "getMetrics", auth_kind::none, 0, h::metrics, {}, false, {}});
  r.add(route{"GET",
              "/metrics/business",
              "getBusinessMetrics",
              auth_kind::none,
              0,
              h::metrics_business,
              {},
              false,
              {}});
  return r;
}

} // namespace kyb::net

// The platform's SQL: every statement it runs, by name, prepared on each connection.
// Callers above persistence/ refer to statements by these names and pass parameters in
// the documented order, as text (NULL = std::nullopt); they never write SQL.
#pragma once

#include <string>
#include <vector>

namespace kyb::persistence {

struct named_sql {
  const char* name;
  const char* sql;
};

/// Every statement of the platform, for the connection pool's statement catalog.
const std::vector<named_sql>& platform_queries();

namespace q {
// Tenants and keys.
inline constexpr const char* tenant_insert = "tenant_insert";
inline constexpr const char* tenant_get = "tenant_get";
inline constexpr const char* tenant_list = "tenant_list";
// A tenant's plan (the tenant actor writes it; migration 0014).
inline constexpr const char* tenant_plan_set = "tenant_plan_set";
inline constexpr const char* tenant_plan_cancel = "tenant_plan_cancel";
// The tenants' business metrics (actors/tenant/tenant_metrics_actor.cpp).
inline constexpr const char* tenant_mrr = "tenant_mrr";
inline constexpr const char* tenant_churn = "tenant_churn";
inline constexpr const char* tenant_active_count = "tenant_active_count";
inline constexpr const char* api_key_insert = "api_key_insert";
inline constexpr const char* api_keys_of_tenant = "api_keys_of_tenant";
inline constexpr const char* api_key_revoke = "api_key_revoke";
// A tenant's risk rules versions (the tenant actor is their writer).
inline constexpr const char* risk_rules_current = "risk_rules_current";
inline constexpr const char* risk_rules_get = "risk_rules_get";
inline constexpr const char* risk_rules_insert = "risk_rules_insert";
// Businesses.
inline constexpr const char* business_insert = "business_insert";
inline constexpr const char* business_update = "business_update";
inline constexpr const char* business_soft_delete = "business_soft_delete";
inline constexpr const char* business_get = "business_get";
inline constexpr const char* owner_insert = "owner_insert";
inline constexpr const char* owners_delete = "owners_delete";
inline constexpr const char* owners_of_business = "owners_of_business";
inline constexpr const char* business_page = "business_page";
inline constexpr const char* business_page_after = "business_page_after";
inline constexpr const char* business_search = "business_search";
// Audit.
inline constexpr const char* audit_append = "audit_append";
inline constexpr const char* audit_insert = "audit_insert";
inline constexpr const char* audit_page = "audit_page";
inline constexpr const char* audit_page_before = "audit_page_before";
inline constexpr const char* audit_chain_page = "audit_chain_page";
inline constexpr const char* audit_ensure_partitions = "audit_ensure_partitions";
inline constexpr const char* audit_head = "audit_head";
inline constexpr const char* audit_unkeyed_heads = "audit_unkeyed_heads";
// Usage.
inline constexpr const char* usage_insert = "usage_insert";
inline constexpr const char* usage_summary = "usage_summary";
// Cluster: shard leases (fencing).
inline constexpr const char* shard_lease_acquire = "shard_lease_acquire";
inline constexpr const char* shard_leases_all = "shard_leases_all";
inline constexpr const char* fence_check = "fence_check";
// Bulk import (actors/import/): jobs, their errors, batched writes.
inline constexpr const char* import_job_insert = "import_job_insert";
inline constexpr const char* import_job_by_key = "import_job_by_key";
inline constexpr const char* import_job_resume = "import_job_resume";
inline constexpr const char* import_job_progress = "import_job_progress";
inline constexpr const char* import_job_finish = "import_job_finish";
inline constexpr const char* import_job_get = "import_job_get";
inline constexpr const char* import_jobs_page = "import_jobs_page";
inline constexpr const char* import_job_errors_page = "import_job_errors_page";
inline constexpr const char* import_errors_insert = "import_errors_insert";
inline constexpr const char* business_bulk_insert = "business_bulk_insert";
inline constexpr const char* owner_bulk_insert = "owner_bulk_insert";
inline constexpr const char* business_tax_duplicates = "business_tax_duplicates";
inline constexpr const char* business_tax_unique = "business_tax_unique";
// Industry classification (actors/classification/): stored classifications.
inline constexpr const char* classification_insert = "classification_insert";
inline constexpr const char* classification_latest = "classification_latest";
inline constexpr const char* classified_by_top_codes = "classified_by_top_codes";
// Risk assessment (actors/risk/business_risk.cpp decodes): assessments, level-change
// events, the businesses to re-assess.
inline constexpr const char* risk_assessment_insert = "risk_assessment_insert";
inline constexpr const char* risk_assessment_latest = "risk_assessment_latest";
inline constexpr const char* risk_assessments_page = "risk_assessments_page";
inline constexpr const char* risk_assessed_businesses = "risk_assessed_businesses";
inline constexpr const char* outbox_event_insert = "outbox_event_insert";
// Website analysis and registry lookups (actors/website/business_website.cpp,
// actors/registry/business_registry.cpp decode).
inline constexpr const char* website_analysis_insert = "website_analysis_insert";
inline constexpr const char* website_analysis_latest = "website_analysis_latest";
inline constexpr const char* website_risk_input_latest = "website_risk_input_latest";
inline constexpr const char* registry_lookup_insert = "registry_lookup_insert";
inline constexpr const char* registry_lookups_latest = "registry_lookups_latest";
// Verifications (actors/verification/: the verification actor writes, the business
// query actor lists) and the tenants' verification policies (the tenant actor writes).
inline constexpr const char* verification_insert = "verification_insert";
inline constexpr const char* verification_step_insert = "verification_step_insert";
inline constexpr const char* verification_get = "verification_get";
inline constexpr const char* verification_start = "verification_start";
inline constexpr const char* verification_step_begin = "verification_step_begin";
inline constexpr const char* verification_step_finish = "verification_step_finish";
inline constexpr const char* verification_complete = "verification_complete";
inline constexpr const char* verification_cancel = "verification_cancel";
inline constexpr const char* verifications_unfinished = "verifications_unfinished";
inline constexpr const char* verifications_of_business = "verifications_of_business";
inline constexpr const char* business_visible = "business_visible";
// Webhooks (actors/webhooks/: the node's webhook service writes and dispatches).
inline constexpr const char* webhook_endpoint_insert = "webhook_endpoint_insert";
inline constexpr const char* webhook_endpoints_of_tenant = "webhook_endpoints_of_tenant";
inline constexpr const char* webhook_endpoint_get = "webhook_endpoint_get";
inline constexpr const char* webhook_endpoint_update = "webhook_endpoint_update";
inline constexpr const char* webhook_endpoint_delete = "webhook_endpoint_delete";
inline constexpr const char* webhook_endpoint_rotate = "webhook_endpoint_rotate";
inline constexpr const char* webhook_endpoint_disable = "webhook_endpoint_disable";
inline constexpr const char* webhook_fanout = "webhook_fanout";
inline constexpr const char* webhook_claim = "webhook_claim";
inline constexpr const char* webhook_attempt_record = "webhook_attempt_record";
inline constexpr const char* webhook_deliveries_of_endpoint =
    "webhook_deliveries_of_endpoint";
inline constexpr const char* webhook_redeliver = "webhook_redeliver";
inline constexpr const char* webhook_delivery_get = "webhook_delivery_get";
inline constexpr const char* webhook_backlog = "webhook_backlog";
inline constexpr const char* verification_policy_current = "verification_policy_current";
inline constexpr const char* verification_policy_get = "verification_policy_get";
inline constexpr const char* verification_policy_insert = "verification_policy_insert";
// Sanctions screening (actors/screening/): stored screenings, decisions, monitoring.
inline constexpr const char* screening_result_insert = "screening_result_insert";
inline constexpr const char* screening_hit_insert = "screening_hit_insert";
inline constexpr const char* screening_decisions_of_business =
    "screening_decisions_of_business";
inline constexpr const char* screening_raised_of_latest = "screening_raised_of_latest";
inline constexpr const char* screening_result_latest = "screening_result_latest";
inline constexpr const char* screening_hits_of_latest = "screening_hits_of_latest";
inline constexpr const char* screening_hit_get = "screening_hit_get";
inline constexpr const char* screening_decision_upsert = "screening_decision_upsert";
inline constexpr const char* screening_hit_decide = "screening_hit_decide";
inline constexpr const char* screening_monitor_lock = "screening_monitor_lock";
inline constexpr const char* screening_monitor_claim = "screening_monitor_claim";
inline constexpr const char* screening_monitor_latest = "screening_monitor_latest";
inline constexpr const char* screening_monitor_counts = "screening_monitor_counts";
inline constexpr const char* screening_monitor_page = "screening_monitor_page";
inline constexpr const char* screening_monitor_update = "screening_monitor_update";
// Risk trends (GET /v1/risk/trends): a tenant's assessments per business per month.
inline constexpr const char* risk_trends_businesses = "risk_trends_businesses";
inline constexpr const char* risk_trends_months = "risk_trends_months";
// Health.
inline constexpr const char* ping = "ping";
inline constexpr const char* migrations_latest = "migrations_latest";
} // namespace q

} // namespace kyb::persistence

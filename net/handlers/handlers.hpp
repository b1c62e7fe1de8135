// The HTTP API's handlers: each turns a request into a typed message to an actor and
// the reply into JSON. The route table (net/routes.cpp) says which handler serves what.
#pragma once

#include "net/exchange.hpp"

namespace kyb::net::handlers {

// system_handlers.cpp
void health(const exchange_ptr& ex);
void ready(const exchange_ptr& ex);
void metrics(const exchange_ptr& ex);
void metrics_business(const exchange_ptr& ex);
void openapi(const exchange_ptr& ex);
void warm_caches(const exchange_ptr& ex);
void run_retention(const exchange_ptr& ex);

// tenant_handlers.cpp
void create_tenant(const exchange_ptr& ex);
void get_tenant(const exchange_ptr& ex);
void create_api_key(const exchange_ptr& ex);
void list_api_keys(const exchange_ptr& ex);
void revoke_api_key(const exchange_ptr& ex);
void set_tenant_plan(const exchange_ptr& ex);
void cancel_tenant_plan(const exchange_ptr& ex);

// business_handlers.cpp
void create_business(const exchange_ptr& ex);
void get_business(const exchange_ptr& ex);
void update_business(const exchange_ptr& ex);
void delete_business(const exchange_ptr& ex);
void list_businesses(const exchange_ptr& ex);
void search_businesses(const exchange_ptr& ex);

// import_handlers.cpp
void import_businesses(const exchange_ptr& ex);
void get_import_job(const exchange_ptr& ex);
void list_import_jobs(const exchange_ptr& ex);

// audit_handlers.cpp
void list_audit_logs(const exchange_ptr& ex);
void verify_audit_logs(const exchange_ptr& ex);

// usage_handlers.cpp
void get_usage(const exchange_ptr& ex);

// screening_handlers.cpp
void screen_name(const exchange_ptr& ex);
void compare_names(const exchange_ptr& ex);
void screen_business(const exchange_ptr& ex);
void get_business_screening(const exchange_ptr& ex);
void decide_screening_hit(const exchange_ptr& ex);
void list_sanctions_lists(const exchange_ptr& ex);
void reload_sanctions_lists(const exchange_ptr& ex);

// classification_handlers.cpp
void classify_business_text(const exchange_ptr& ex);
void classify_business(const exchange_ptr& ex);
void get_business_classification(const exchange_ptr& ex);

// risk_handlers.cpp
void assess_business_risk(const exchange_ptr& ex);
void get_latest_business_risk(const exchange_ptr& ex);
void list_business_risks(const exchange_ptr& ex);
void reload_risk_reference(const exchange_ptr& ex);

// risk_rules_handlers.cpp
void put_risk_rules(const exchange_ptr& ex);
void get_risk_rules(const exchange_ptr& ex);
void get_risk_rules_version(const exchange_ptr& ex);

// risk_trend_handlers.cpp
void get_risk_trends(const exchange_ptr& ex);

// verification_handlers.cpp
void create_verification(const exchange_ptr& ex);
void get_verification(const exchange_ptr& ex);
void cancel_verification(const exchange_ptr& ex);
void list_business_verifications(const exchange_ptr& ex);
void put_verification_policy(const exchange_ptr& ex);
void get_verification_policy(const exchange_ptr& ex);
// webhook_handlers.cpp
void create_webhook_endpoint(const exchange_ptr& ex);
void list_webhook_endpoints(const exchange_ptr& ex);
void get_webhook_endpoint(const exchange_ptr& ex);
void update_webhook_endpoint(const exchange_ptr& ex);
void delete_webhook_endpoint(const exchange_ptr& ex);
void rotate_webhook_secret(const exchange_ptr& ex);
void list_webhook_deliveries(const exchange_ptr& ex);
void redeliver_webhook(const exchange_ptr& ex);
// website_handlers.cpp
void analyse_business_website(const exchange_ptr& ex);
void get_business_website(const exchange_ptr& ex);

// registry_handlers.cpp
void lookup_business_registry(const exchange_ptr& ex);
void get_business_registry(const exchange_ptr& ex);

} // namespace kyb::net::handlers

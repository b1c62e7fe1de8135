#include "persistence/queries.hpp"

namespace kyb::persistence {

// Column lists shared by statements whose rows are decoded by the same function. The
// decoders of businesses, owners, tenants and API keys
// (actors/business/business_rows.cpp, actors/business/business_actor.cpp,
// actors/tenant/tenant_actor.cpp) read columns by the names given here
// (actors/row_columns.hpp): keep every computed column named (AS). An ORDER BY of such a
// statement names the table's column (businesses.created_at): a bare name would sort by
// the formatted text of the same name and miss the index.
#define KYB_BUSINESS_COLUMNS                                                             \
  "id, tenant_id, region, legal_name, dba_name, tax_id_encrypted, website_url, "         \
  "country, "                                                                            \
  "registration_number, registration_jurisdiction, address::text AS address, "           \
  "incorporation_date::text AS incorporation_date, "                                     \
  "description, version, " KYB_TS("created_at") " AS created_at, " KYB_TS(               \
      "updated_at") " AS updated_at, " KYB_TS("deleted_at") " AS deleted_at"

// A list page's owners of each business, as one JSON array text in position order
// (name, date_of_birth YYYY-MM-DD, nationality, ownership_percent): pages stay one query.
#define KYB_PAGE_OWNERS_JSON                                                             \
  "(SELECT COALESCE(json_agg(json_build_object('name', o.name, 'date_of_birth', "        \
  "o.date_of_birth::text, 'nationality', o.nationality, 'ownership_percent', "           \
  "o.ownership_percent) ORDER BY o.position), '[]')::text "                              \
  "FROM business_owners o WHERE o.business_id = businesses.id) AS owners"

#define KYB_TS(col)                                                                      \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

// The columns of a verification with its steps (as JSON), in the order
// actors/verification/verification.cpp decodes them by name.
// clang-format off
#define KYB_VERIFICATION_COLUMNS                                                         \
  "v.id, v.tenant_id, v.region, v.business_id, v.status, "                               \
  "array_to_json(v.checks)::text AS checks, v.webhook, v.policy_version, v.verdict, "    \
  "v.reasons::text AS reasons, v.created_by, v.key_id, "                                 \
  KYB_TS("v.created_at") " AS created_at, "                                              \
  KYB_TS("v.started_at") " AS started_at, "                                              \
  KYB_TS("v.completed_at") " AS completed_at, "                                          \
  KYB_TS("v.cancelled_at") " AS cancelled_at, "                                          \
  "(SELECT coalesce(json_agg(json_build_object("                                         \
  "'step', s.step, 'status', s.status, 'attempts', s.attempts, "                         \
  "'started_at', " KYB_TS("s.started_at") ", "                                           \
  "'finished_at', " KYB_TS("s.finished_at") ", "                                         \
  "'duration_ms', s.duration_ms, 'summary', s.summary, 'error', s.error) "               \
  "ORDER BY s.position), '[]')::text FROM verification_steps s "                         \
  "WHERE s.verification_id = v.id) AS steps"

// The columns of a verification policy version.
#define KYB_VERIFICATION_POLICY_COLUMNS                                                  \
  "version, document::text AS document, created_by, " KYB_TS("created_at") " AS created_at"
// clang-format on

// The columns of a webhook endpoint (its secrets never) and of a delivery.
// clang-format off
#define KYB_WEBHOOK_ENDPOINT_COLUMNS                                                     \
  "id, tenant_id, region, url, array_to_json(events)::text AS events, description, "     \
  "enabled, disabled_reason, created_by, " KYB_TS("created_at") " AS created_at, "       \
  KYB_TS("updated_at") " AS updated_at, "                                                \
  "CASE WHEN previous_secret_expires_at > clock_timestamp() THEN "                       \
  KYB_TS("previous_secret_expires_at") " END AS previous_secret_expires_at"
#define KYB_WEBHOOK_DELIVERY_COLUMNS                                                     \
  "id, endpoint_id, event_id, event_type, subject_id, status, attempts, "                \
  KYB_TS("next_attempt_at") " AS next_attempt_at, "                                      \
  KYB_TS("last_attempt_at") " AS last_attempt_at, last_status_code, last_latency_ms, "   \
  "last_error, attempt_log::text AS attempt_log, " KYB_TS("created_at") " AS created_at, " \
  KYB_TS("delivered_at") " AS delivered_at"
// clang-format on

// The columns of an import job, as actors/import/import_job.cpp decodes them by name.
#define KYB_IMPORT_JOB_COLUMNS                                                           \
  "id, tenant_id, region, job_key, format, status, rows_read, rows_written, "            \
  "rows_failed, rows_skipped, committed_line, bytes_received, error, "                   \
  "created_by, " KYB_TS("created_at") " AS created_at, " KYB_TS(                         \
      "updated_at") " AS updated_at, " KYB_TS("completed_at") " AS completed_at, "       \
                                                              "allow_duplicate_tax_id"

// A risk rules version as the tenant actor decodes it (actors/tenant/tenant_actor.cpp).
#define KYB_RISK_RULES_COLUMNS                                                           \
  "version, document::text AS document, created_by, " KYB_TS("created_at") " AS "        \
                                                                           "created_at"

// A tenant as the tenant actor decodes it (actors/tenant/tenant_actor.cpp), with its plan
// (migration 0016; all plan columns NULL: no plan). The price in cents, exactly.
// clang-format off
#define KYB_TENANT_COLUMNS                                                               \
  "id, region, name, kind, rate_limit_per_second, rate_limit_burst, "                    \
  KYB_TS("created_at") " AS created_at, plan_type, "                                     \
  "(plan_monthly_price * 100)::bigint AS plan_price_cents, plan_status, "                \
  KYB_TS("plan_started_at") " AS plan_started_at, "                                      \
  KYB_TS("plan_cancelled_at") " AS plan_cancelled_at"
#define KYB_TENANT_PLAN_SET                                                              \
  "WITH u AS (UPDATE tenants SET plan_type = $2, plan_monthly_price = $3::numeric, "     \
  "plan_started_at = LEAST(COALESCE($4::timestamptz, CASE WHEN plan_status = 'active' "  \
  "THEN plan_started_at END, now()), now()), "                                           \
  "plan_status = 'active', plan_cancelled_at = NULL, updated_at = now() "                \
  "WHERE id = $1 AND kind = 'customer' RETURNING id) "                                   \
  "SELECT kyb_expect_rows(count(*), 'tenant') FROM u"
#define KYB_TENANT_PLAN_CANCEL                                                           \
  "WITH u AS (UPDATE tenants SET plan_status = 'cancelled', "                            \
  "plan_cancelled_at = GREATEST(now(), plan_started_at), updated_at = now() "            \
  "WHERE id = $1 AND plan_status = 'active' RETURNING id) "                              \
  "SELECT kyb_expect_rows(count(*), 'tenant plan') FROM u"
#define KYB_TENANT_CHURN                                                                 \
  "SELECT count(*) FILTER (WHERE plan_cancelled_at IS NOT NULL)::text AS churned, "     \
  "count(*)::text AS base FROM tenants "                                                 \
  "WHERE plan_started_at <= now() - interval '30 days' "                                 \
  "AND (plan_cancelled_at IS NULL OR plan_cancelled_at > now() - interval '30 days')"
#define KYB_TENANT_ACTIVE_COUNT                                                          \
  "SELECT count(*)::text AS active FROM tenants t CROSS JOIN LATERAL (SELECT 1 FROM "    \
  "api_usage u WHERE u.tenant_id = t.id AND u.created_at >= now() - interval '24 "       \
  "hours' LIMIT 1) a WHERE t.kind = 'customer'"
// clang-format on

const std::vector<named_sql>& platform_queries() {
  static const std::vector<named_sql> all = {
      // $1 id, $2 region, $3 name, $4 rate/s (NULL = default), $5 burst (NULL = default)
      {q::tenant_insert,
       "INSERT INTO tenants (id, region, name, rate_limit_per_second, rate_limit_burst, "
       "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())"},
      // $1 id -> KYB_TENANT_COLUMNS
      {q::tenant_get, "SELECT " KYB_TENANT_COLUMNS " FROM tenants WHERE id = $1"},
      // $1 limit
      {q::tenant_list,
       "SELECT " KYB_TENANT_COLUMNS " FROM tenants WHERE kind = 'customer' "
       "ORDER BY tenants.created_at DESC, id DESC LIMIT $1"},
      // $1 id, $2 plan_type, $3 monthly price (dollars, 2 decimals), $4 started_at
      // (NULL: kept while the plan is active, else now; never later than now). A
      // cancelled plan set again is a new subscription. KY409 (rolling the batch back)
      // when no customer tenant has the id.
      {q::tenant_plan_set, KYB_TENANT_PLAN_SET},
      // $1 id; KY409 (rolling the batch back) unless the plan was active
      {q::tenant_plan_cancel, KYB_TENANT_PLAN_CANCEL},
      // -> plan_type, mrr: the sum of its active plans' monthly prices (text)
      {q::tenant_mrr,
       "SELECT plan_type, sum(plan_monthly_price)::text AS mrr FROM tenants "
       "WHERE plan_status = 'active' GROUP BY plan_type"},
      // -> churned, base: of the plans active 30 days ago (started by then and not
      // cancelled by then), those cancelled since, and all of them
      {q::tenant_churn, KYB_TENANT_CHURN},
      // -> active: customer tenants with an api_usage row in the last 24 h. One probe of
      // idx_api_usage_tenant_time per tenant (LIMIT 1 keeps it a nested loop over
      // tenants): bounded by the tenants, whatever api_usage holds.
      {q::tenant_active_count, KYB_TENANT_ACTIVE_COUNT},
      // $1 id, $2 tenant, $3 region, $4 name, $5 secret_hash (bytea hex), $6 scopes
      // (text[]),
      // $7 created_by
      {q::api_key_insert, "INSERT INTO api_keys (id, tenant_id, region, name, "
                          "secret_hash, scopes, created_at, "
                          "created_by) VALUES ($1, $2, $3, $4, $5, $6, now(), $7)"},
      // $1 tenant -> id, secret_hash, scopes (comma-separated), name, created_at,
      // revoked_at
      {q::api_keys_of_tenant,
       "SELECT id, secret_hash, array_to_string(scopes, ',') AS scopes, name, " KYB_TS(
           "created_at") " AS created_at, " KYB_TS("revoked_at") " AS revoked_at "
                                                                 "FROM api_keys WHERE "
                                                                 "tenant_id = $1"},
      // $1 id, $2 tenant (raises KY409 when the key is unknown or already revoked)
      {q::api_key_revoke, "WITH u AS (UPDATE api_keys SET revoked_at = now() WHERE id = "
                          "$1 AND tenant_id = $2 "
                          "AND revoked_at IS NULL RETURNING id) SELECT "
                          "kyb_expect_rows(count(*), 'api key') FROM u"},
      // $1 tenant -> the highest version (no row: none stored): version, document,
      // created_by, created_at
      {q::risk_rules_current,
       "SELECT " KYB_RISK_RULES_COLUMNS " FROM risk_rules WHERE tenant_id = $1 "
       "ORDER BY version DESC LIMIT 1"},
      // $1 tenant, $2 version -> the same columns (no row: no such version)
      {q::risk_rules_get, "SELECT " KYB_RISK_RULES_COLUMNS " FROM risk_rules WHERE "
                          "tenant_id = $1 AND version = $2"},
      // $1 id, $2 tenant, $3 region, $4 version, $5 document (JSON object text),
      // $6 created_by -> the same columns (a taken version violates the UNIQUE key: 409)
      {q::risk_rules_insert,
       "INSERT INTO risk_rules (id, tenant_id, region, version, document, created_by, "
       "created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, now()) "
       "RETURNING " KYB_RISK_RULES_COLUMNS},
      // $1 id, $2 tenant, $3 region, $4 legal_name, $5 dba_name, $6 tax_id (hmac hex),
      // $7 tax_id_encrypted (bytea hex), $8 website_url, $9 country, $10
      // registration_number,
      // $11 registration_jurisdiction, $12 address (jsonb), $13 incorporation_date,
      // $14 description -> created_at, updated_at
      {q::business_insert,
       "INSERT INTO businesses (id, tenant_id, region, legal_name, dba_name, tax_id, "
       "tax_id_encrypted, website_url, country, registration_number, "
       "registration_jurisdiction, "
       "address, incorporation_date, description, version, created_at, updated_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, "
       "clock_timestamp(), clock_timestamp()) RETURNING " KYB_TS(
           "created_at") " AS created_at, " KYB_TS("updated_at") " AS updated_at"},
      // $1..$14 as business_insert (region unused but kept for one parameter order),
      // $15 expected version -> version, updated_at (raises KY409 when the version moved)
      {q::business_update,
       "WITH u AS (UPDATE businesses SET legal_name = $4, dba_name = $5, tax_id = $6, "
       "tax_id_encrypted = $7, website_url = $8, country = $9, registration_number = "
       "$10, "
       "registration_jurisdiction = $11, address = $12, incorporation_date = $13, "
       "description = $14, version = version + 1, updated_at = clock_timestamp() "
       "WHERE id = $1 AND tenant_id = $2 AND region = $3 AND version = $15 "
       "AND deleted_at IS NULL RETURNING version, updated_at) "
       "SELECT max(version) AS version, " KYB_TS(
           "max(updated_at)") " AS updated_at, kyb_expect_rows(count(*), 'business') "
                              "FROM u"},
      // $1 id, $2 tenant, $3 expected version -> deleted_at (KY409 as above)
      {q::business_soft_delete,
       "WITH u AS (UPDATE businesses SET deleted_at = clock_timestamp(), version = "
       "version + 1, "
       "updated_at = clock_timestamp() WHERE id = $1 AND tenant_id = $2 AND version = $3 "
       "AND deleted_at IS NULL RETURNING deleted_at) "
       "SELECT " KYB_TS("max(deleted_at)") " AS deleted_at, kyb_expect_rows(count(*), "
                                           "'business') FROM u"},
      // $1 id -> KYB_BUSINESS_COLUMNS
      {q::business_get, "SELECT " KYB_BUSINESS_COLUMNS " FROM businesses WHERE id = $1"},
      // $1 id, $2 business, $3 tenant, $4 region, $5 position, $6 name, $7 date_of_birth,
      // $8 nationality, $9 ownership_percent
      {q::owner_insert,
       "INSERT INTO business_owners (id, business_id, tenant_id, region, position, name, "
       "date_of_birth, nationality, ownership_percent, created_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())"},
      // $1 business
      {q::owners_delete, "DELETE FROM business_owners WHERE business_id = $1"},
      // $1 business -> id, name, date_of_birth, nationality, ownership_percent
      {q::owners_of_business,
       "SELECT id, name, date_of_birth::text AS date_of_birth, nationality, "
       "ownership_percent::text AS ownership_percent "
       "FROM business_owners WHERE business_id = $1 ORDER BY position"},
      // $1 tenant, $2 limit -> KYB_BUSINESS_COLUMNS, KYB_PAGE_OWNERS_JSON, newest first
      {q::business_page, "SELECT " KYB_BUSINESS_COLUMNS ", " KYB_PAGE_OWNERS_JSON
                         " FROM businesses WHERE tenant_id = $1 AND deleted_at IS NULL "
                         "ORDER BY businesses.created_at DESC, id DESC LIMIT $2"},
      // $1 tenant, $2 cursor created_at, $3 cursor id, $4 limit: keyset page after the
      // cursor (columns as business_page)
      {q::business_page_after,
       "SELECT " KYB_BUSINESS_COLUMNS ", " KYB_PAGE_OWNERS_JSON
       " FROM businesses WHERE tenant_id = $1 AND deleted_at IS NULL "
       "AND (created_at, id) < ($2::timestamptz, $3::uuid) "
       "ORDER BY businesses.created_at DESC, id DESC LIMIT $4"},
      // Search (kyb_business_search, migration 0019: relevance over the newest $5
      // matches). $1 tenant, $2 query text ('' = none), $3 tax id hmac (NULL = none),
      // $4 limit, $5 candidates -> id, legal_name, dba_name, website_url, country,
      // created_at, relevance_score, overall_score, risk_level, assessed_at (of the
      // latest assessment)
      {q::business_search,
       "WITH business_search AS ("
       "  SELECT b.id, b.legal_name, b.dba_name, b.website_url, b.country, b.created_at,"
       "    s.relevance_score"
       "  FROM kyb_business_search($1, $2, $3, $4, $5) s"
       "  JOIN businesses b ON b.id = s.business_id"
       "), risk_data AS ("
       "  SELECT DISTINCT ON (ra.business_id) ra.business_id, ra.overall_score,"
       "    ra.risk_level, ra.assessed_at"
       "  FROM risk_assessments ra"
       "  WHERE ra.business_id IN (SELECT id FROM business_search)"
       "  ORDER BY ra.business_id, ra.assessed_at DESC"
       ")"
       " SELECT bs.id, bs.legal_name, bs.dba_name, bs.website_url, bs.country, " KYB_TS(
           "bs.created_at") " AS created_at, bs.relevance_score, "
                            "rd.overall_score::text AS overall_score, "
                            "rd.risk_level, " KYB_TS(
                                "rd.assessed_at") " AS assessed_at"
                                                  " FROM business_search bs LEFT JOIN "
                                                  "risk_data rd ON bs.id = rd.business_id"
                                                  " ORDER BY bs.relevance_score DESC, "
                                                  "bs.created_at DESC, bs.id DESC"},

  // -- Sanctions screening (actors/screening/business_screening.cpp decodes) ------
#define KYB_SCREENING_HIT_COLUMNS                                                        \
  "id, position, subject_kind, subject_name, list_name, list_version, entity_id, "       \
  "entity_type, primary_name, matched_name, matched_alias, score::text AS score, "       \
  "programs::text AS programs, explanation::text AS explanation, entity_fingerprint, "   \
  "raised, is_new, entry_changed, decision, decision_reason, decided_by, " KYB_TS(       \
      "decided_at") " AS decided_at"
#define KYB_SCREENING_LATEST_RESULT                                                      \
  "(SELECT id FROM screening_results WHERE business_id = $1 AND tenant_id = $2 "         \
  "ORDER BY screened_at DESC, id DESC LIMIT 1)"
      // $1 id, $2 tenant, $3 region, $4 business, $5 business_version, $6 triggered_by,
      // $7 outcome, $8 threshold, $9 generation, $10 lists (jsonb), $11 subjects (jsonb),
      // $12 hit_count, $13 raised_count, $14 new_count, $15 screened_at
      // $1 number of codes, $2 limit -> business ids whose primary MCC is one of the $1
      // most common, most recently classified first (the scheduled cache warming)
      {q::classified_by_top_codes,
       "WITH top AS (SELECT code FROM business_classifications WHERE "
       "classification_type = 'mcc' AND is_primary GROUP BY code ORDER BY count(*) DESC, "
       "code LIMIT $1) SELECT c.business_id FROM business_classifications c JOIN top t "
       "ON "
       "t.code = c.code JOIN businesses b ON b.id = c.business_id AND b.deleted_at IS "
       "NULL "
       "WHERE c.classification_type = 'mcc' AND c.is_primary GROUP BY c.business_id "
       "ORDER BY max(c.created_at) DESC LIMIT $2"},

  // -- Risk assessment (actors/risk/business_risk.cpp decodes) ---------------------
#define KYB_RISK_COLUMNS                                                                 \
  "id, business_id, tenant_id, region, overall_score::text AS score, risk_level, "       \
  "review_required, coverage_percent::text AS coverage_percent, rules_version, "         \
  "reference_version, assessment_type, " KYB_TS(                                         \
      "assessed_at") " AS assessed_at, "                                                 \
                     "input_key, factors::text AS factors, inputs::text AS inputs, "     \
                     "created_by, "                                                      \
                     "extract(epoch FROM clock_timestamp() - "                           \
                     "assessed_at)::float8::text AS age_seconds"
      // $1 id, $2 business, $3 tenant, $4 region, $5 score, $6 level, $7 factors,
      // $8 rules_version, $9 assessed_at, $10 type, $11 review, $12 coverage,
      // $13 inputs, $14 input_key, $15 reference_version, $16 created_by
      {q::risk_assessment_insert,
       "INSERT INTO risk_assessments (id, business_id, tenant_id, region, overall_score, "
       "risk_level, factors, rules_version, assessed_at, assessment_type, "
       "review_required, coverage_percent, inputs, input_key, reference_version, "
       "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::timestamptz, $10, "
       "$11, $12, $13::jsonb, $14, $15, $16)"},
      // $1 business, $2 tenant -> the latest assessment (KYB_RISK_COLUMNS), or no row;
      // idx_risk_assessments_recent, no sort (ORDER BY names the table's columns: the
      // output's assessed_at is the formatted text)
      {q::risk_assessment_latest,
       "SELECT " KYB_RISK_COLUMNS " FROM risk_assessments WHERE business_id = $1 AND "
       "tenant_id = $2 ORDER BY risk_assessments.assessed_at DESC, risk_assessments.id "
       "DESC LIMIT 1"},
      // $1 business, $2 tenant, $3 cursor assessed_at (NULL: first page), $4 cursor id,
      // $5 limit -> assessments newest first (KYB_RISK_COLUMNS)
      {q::risk_assessments_page,
       "SELECT " KYB_RISK_COLUMNS " FROM risk_assessments WHERE business_id = $1 AND "
       "tenant_id = $2 AND ($3::timestamptz IS NULL OR (assessed_at, id) < "
       "($3::timestamptz, $4::uuid)) ORDER BY risk_assessments.assessed_at DESC, "
       "risk_assessments.id DESC LIMIT $5"},
      // $1 id, $2 business, $3 tenant, $4 region, $5 requested_url, $6 final_url,
      // $7 outcome, $8 http_status, $9 result, $10 cache_key, $11 created_by,
      // $12 analysed_at
      {q::website_analysis_insert,
       "INSERT INTO website_analyses (id, business_id, tenant_id, region, requested_url, "
       "final_url, outcome, http_status, result, cache_key, created_by, analysed_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12::timestamptz)"},
      // $1 business, $2 tenant -> the latest analysis, or no row
      // (idx_website_analyses_business, no sort)
      {q::website_analysis_latest,
       "SELECT id, business_id, tenant_id, region, requested_url, final_url, outcome, "
       "http_status, result::text AS result, cache_key, created_by, " KYB_TS(
           "analysed_at") " AS analysed_at, extract(epoch FROM clock_timestamp() - "
                          "website_analyses.analysed_at)::float8::text AS age_seconds "
                          "FROM website_analyses WHERE business_id = $1 AND tenant_id = "
                          "$2 ORDER BY website_analyses.analysed_at DESC, "
                          "website_analyses.id DESC LIMIT 1"},
      // $1 id, $2 business, $3 tenant, $4 region, $5 registry, $6 outcome,
      // $7 entity_id, $8 match_confidence, $9 status, $10 registry_status, $11 result,
      // $12 document_hashes, $13 cache_key, $14 created_by, $15 looked_up_at
      // $1 business, $2 tenant -> id, analysed_at and only the risk input of the latest
      // analysis (not its result with the site's visible text), or no row
      {q::website_risk_input_latest,
       "SELECT id, " KYB_TS(
           "analysed_at") " AS analysed_at, (result->'risk_input')::text "
                          "AS risk_input, requested_url FROM website_analyses WHERE "
                          "business_id = $1 AND "
                          "tenant_id = $2 ORDER BY website_analyses.analysed_at DESC, "
                          "website_analyses.id "
                          "DESC LIMIT 1"},
      {q::registry_lookup_insert,
       "INSERT INTO registry_lookups (id, business_id, tenant_id, region, registry, "
       "outcome, entity_id, match_confidence, status, registry_status, result, "
       "document_hashes, cache_key, created_by, looked_up_at) VALUES ($1, $2, $3, $4, "
       "$5, $6, $7, $8::numeric, $9, $10, $11::jsonb, $12::text[], $13, $14, "
       "$15::timestamptz)"},
      // $1 business, $2 tenant -> the latest lookup in each registry, by registry
      {q::registry_lookups_latest,
       "SELECT DISTINCT ON (registry) id, business_id, tenant_id, region, registry, "
       "outcome, entity_id, match_confidence::text AS match_confidence, status, "
       "registry_status, result::text AS result, document_hashes::text AS "
       "document_hashes, cache_key, created_by, " KYB_TS(
           "looked_up_at") " AS looked_up_at, extract(epoch FROM clock_timestamp() - "
                           "registry_lookups.looked_up_at)::float8::text AS age_seconds "
                           "FROM registry_lookups WHERE business_id = $1 AND tenant_id = "
                           "$2 ORDER BY registry, registry_lookups.looked_up_at DESC, "
                           "registry_lookups.id DESC"},
      // $1 tenant (NULL: every tenant), $2 after this business id, $3 limit -> id,
      // tenant_id, region of live businesses with at least one assessment, by id
      // (re-assessment sweeps)
      {q::risk_assessed_businesses,
       "SELECT b.id, b.tenant_id, b.region FROM businesses b WHERE b.deleted_at IS NULL "
       "AND ($1::uuid IS NULL "
       "OR b.tenant_id = $1::uuid) AND b.id > $2::uuid AND EXISTS (SELECT 1 FROM "
       "risk_assessments ra WHERE ra.business_id = b.id) ORDER BY b.id LIMIT $3"},
      // $1 id, $2 tenant, $3 region, $4 event_type, $5 subject_type, $6 subject_id,
      // $7 payload, $8 created_at
      {q::outbox_event_insert,
       "INSERT INTO outbox_events (id, tenant_id, region, event_type, subject_type, "
       "subject_id, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, "
       "$8::timestamptz)"},
#undef KYB_RISK_COLUMNS

      // $1 id, $2 tenant, $3 region, $4 business, $5 checks (text[]), $6 webhook,
      // $7 created_by, $8 key_id, $9 request_id -> policy_version, created_at (the
      // tenant's current verification policy version is the one it is judged by)
      {q::verification_insert,
       "INSERT INTO verifications (id, tenant_id, region, business_id, status, checks, "
       "webhook, policy_version, created_by, key_id, request_id, created_at) VALUES ($1, "
       "$2, $3, $4, 'pending', $5::text[], $6, (SELECT coalesce(max(version), 0) FROM "
       "verification_policies WHERE tenant_id = $2), $7, $8, $9, clock_timestamp()) "
       "RETURNING policy_version, " KYB_TS("created_at") " AS created_at"},
      // $1 id, $2 verification, $3 tenant, $4 region, $5 step, $6 position, $7 status,
      // $8 summary (json)
      {q::verification_step_insert,
       "INSERT INTO verification_steps (id, verification_id, tenant_id, region, step, "
       "position, status, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)"},
      // $1 id -> the verification with its steps, or no row
      {q::verification_get,
       "SELECT " KYB_VERIFICATION_COLUMNS " FROM verifications v WHERE v.id = $1"},
      // $1 id -> started_at, or no row when it is no longer pending or running
      {q::verification_start,
       "UPDATE verifications SET status = 'running', started_at = coalesce(started_at, "
       "clock_timestamp()) WHERE id = $1 AND status IN ('pending', 'running') "
       "RETURNING " KYB_TS("started_at") " AS started_at"},
      // $1 verification, $2 step -> started_at, attempts; no row when the step is
      // finished or the verification is no longer running
      {q::verification_step_begin,
       "UPDATE verification_steps s SET status = 'running', attempts = s.attempts + 1, "
       "started_at = clock_timestamp(), finished_at = NULL, duration_ms = NULL, error = "
       "NULL FROM verifications v WHERE v.id = s.verification_id AND s.verification_id = "
       "$1 AND s.step = $2 AND s.status IN ('pending', 'running') AND v.status = "
       "'running' RETURNING " KYB_TS("s.started_at") " AS started_at, s.attempts"},
      // $1 verification, $2 step, $3 status, $4 summary (json), $5 error (json or NULL)
      // -> finished_at, duration_ms; no row when the step is not running any more
      {q::verification_step_finish,
       "UPDATE verification_steps SET status = $3, finished_at = clock_timestamp(), "
       "duration_ms = CASE WHEN started_at IS NULL THEN 0 ELSE greatest(0, "
       "(extract(epoch "
       "FROM clock_timestamp() - started_at) * 1000)::bigint) END, summary = $4::jsonb, "
       "error = $5::jsonb WHERE verification_id = $1 AND step = $2 AND status IN "
       "('pending', 'running') RETURNING " KYB_TS("finished_at") " AS finished_at, "
                                                                 "duration_ms"},
      // $1 id, $2 verdict, $3 reasons (json), $4 event id, $5 event payload (json),
      // $6 whether to write the event -> completed_at, duration_seconds; no row (and no
      // event) when it was completed or cancelled already. The verification.completed
      // event is written in the same statement as the verdict: no verdict without its
      // event, no event without its verdict.
      {q::verification_complete,
       "WITH done AS (UPDATE verifications SET status = 'completed', verdict = $2, "
       "reasons = $3::jsonb, completed_at = clock_timestamp() WHERE id = $1 AND status "
       "IN "
       "('pending', 'running') RETURNING id, tenant_id, region, business_id, created_at, "
       "completed_at), event AS (INSERT INTO outbox_events (id, tenant_id, region, "
       "event_type, subject_type, subject_id, payload, created_at) SELECT $4, tenant_id, "
       "region, 'verification.completed', 'business', business_id, $5::jsonb || "
       "jsonb_build_object('completed_at', " KYB_TS(
           "completed_at") "), completed_at "
                           "FROM done WHERE $6::boolean RETURNING id) SELECT " KYB_TS(
                               "completed_at") " AS "
                                               "completed_at, extract(epoch FROM "
                                               "completed_at - created_at)::float8::text "
                                               "AS "
                                               "duration_seconds, (SELECT count(*) FROM "
                                               "event) AS events FROM done"},
      // $1 id -> cancelled_at; no row when it was completed or cancelled already. Its
      // unfinished steps are skipped.
      {q::verification_cancel,
       "WITH done AS (UPDATE verifications SET status = 'cancelled', cancelled_at = "
       "clock_timestamp() WHERE id = $1 AND status IN ('pending', 'running') RETURNING "
       "id, cancelled_at), steps AS (UPDATE verification_steps s SET status = 'skipped', "
       "finished_at = d.cancelled_at, summary = '{\"reason\": \"cancelled\"}' FROM done "
       "d "
       "WHERE s.verification_id = d.id AND s.status IN ('pending', 'running') RETURNING "
       "s.id) SELECT " KYB_TS("cancelled_at") " AS cancelled_at FROM done"},
      // $1 limit -> id, region of verifications still pending or running, oldest first
      // (idx_verifications_unfinished)
      {q::verifications_unfinished,
       "SELECT id, region FROM verifications WHERE status IN ('pending', 'running') "
       "ORDER BY created_at, id LIMIT $1"},
      // $1 business, $2 tenant, $3 before created_at (NULL: from the newest), $4 before
      // id, $5 limit -> verifications, newest first (idx_verifications_business)
      {q::verifications_of_business,
       "SELECT " KYB_VERIFICATION_COLUMNS
       " FROM verifications v WHERE v.business_id = $1 "
       "AND v.tenant_id = $2 AND ($3::timestamptz IS NULL OR (v.created_at, v.id) < "
       "($3::timestamptz, $4::uuid)) ORDER BY v.created_at DESC, v.id DESC LIMIT $5"},
      // $1 business, $2 tenant -> one row when the tenant has the business (not deleted)
      {q::business_visible, "SELECT 1 FROM businesses WHERE id = $1 AND tenant_id = $2 "
                            "AND deleted_at IS NULL"},
      // $1 id, $2 tenant, $3 region, $4 url, $5 events (text[]), $6 description,
      // $7 secret (bytea, sealed), $8 created_by -> the endpoint
      {q::webhook_endpoint_insert,
       "INSERT INTO webhook_endpoints (id, tenant_id, region, url, events, description, "
       "secret_encrypted, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, "
       "$5::text[], $6, $7::bytea, $8, clock_timestamp(), clock_timestamp()) "
       "RETURNING " KYB_WEBHOOK_ENDPOINT_COLUMNS},
      // $1 tenant -> its endpoints, newest first
      {q::webhook_endpoints_of_tenant,
       "SELECT " KYB_WEBHOOK_ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE tenant_id = "
       "$1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1000"},
      // $1 id, $2 tenant -> the endpoint, or no row
      {q::webhook_endpoint_get,
       "SELECT " KYB_WEBHOOK_ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE id = $1 AND "
       "tenant_id = $2 AND deleted_at IS NULL"},
      // $1 id, $2 tenant, $3 url, $4 events (text[]), $5 description, $6 enabled (each
      // NULL: unchanged) -> the endpoint, or no row. Enabling it clears why it was
      // disabled.
      {q::webhook_endpoint_update, "UPDATE webhook_endpoints SET url = coalesce($3, "
                                   "url), events = coalesce($4::text[], "
                                   "events), description = coalesce($5, description), "
                                   "enabled = coalesce($6::boolean, "
                                   "enabled), disabled_reason = CASE WHEN $6::boolean "
                                   "THEN '' ELSE disabled_reason END, "
                                   "updated_at = clock_timestamp() WHERE id = $1 AND "
                                   "tenant_id = $2 AND deleted_at IS "
                                   "NULL RETURNING " KYB_WEBHOOK_ENDPOINT_COLUMNS},
      // $1 id, $2 tenant -> the endpoint as it was, or no row; its pending deliveries
      // fail
      {q::webhook_endpoint_delete,
       "WITH gone AS (UPDATE webhook_endpoints SET deleted_at = clock_timestamp(), "
       "enabled "
       "= false, updated_at = clock_timestamp() WHERE id = $1 AND tenant_id = $2 AND "
       "deleted_at IS NULL RETURNING " KYB_WEBHOOK_ENDPOINT_COLUMNS
       "), dropped AS (UPDATE "
       "webhook_deliveries SET status = 'failed', last_error = 'the endpoint was "
       "deleted' "
       "WHERE endpoint_id = $1 AND status = 'pending' RETURNING id) SELECT * FROM gone"},
      // $1 id, $2 tenant, $3 new secret (bytea, sealed), $4 overlap (ms) -> the endpoint;
      // the current secret stays valid for the overlap
      {q::webhook_endpoint_rotate,
       "UPDATE webhook_endpoints SET previous_secret_encrypted = secret_encrypted, "
       "previous_secret_expires_at = clock_timestamp() + make_interval(secs => "
       "$4::bigint "
       "/ 1000.0), secret_encrypted = $3::bytea, updated_at = clock_timestamp() WHERE id "
       "= "
       "$1 AND tenant_id = $2 AND deleted_at IS NULL "
       "RETURNING " KYB_WEBHOOK_ENDPOINT_COLUMNS},
      // $1 id, $2 reason -> tenant_id, region of the endpoint disabled now (no row: it
      // was disabled already)
      {q::webhook_endpoint_disable,
       "UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = "
       "clock_timestamp() WHERE id = $1 AND enabled RETURNING tenant_id, region"},
      // $1 regions this node writes (text[]), $2 limit -> the events handed to
      // webhook_deliveries now: each undelivered outbox event becomes one delivery per
      // enabled endpoint of its tenant subscribed to its type, and is marked, in one
      // statement (an event is fanned out once; SKIP LOCKED lets nodes share the work)
      {q::webhook_fanout,
       "WITH ev AS (SELECT id, tenant_id, region, event_type, subject_id, created_at "
       "FROM "
       "outbox_events WHERE delivered_at IS NULL AND region = ANY($1::text[]) ORDER BY "
       "created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED), made AS (INSERT INTO "
       "webhook_deliveries (id, tenant_id, region, endpoint_id, event_id, event_type, "
       "subject_id, event_created_at, status, next_attempt_at, retry_from, created_at) "
       "SELECT gen_random_uuid(), ev.tenant_id, ev.region, e.id, ev.id, ev.event_type, "
       "ev.subject_id, ev.created_at, 'pending', clock_timestamp(), clock_timestamp(), "
       "clock_timestamp() FROM ev JOIN webhook_endpoints e ON e.tenant_id = ev.tenant_id "
       "AND e.enabled AND e.deleted_at IS NULL AND ev.event_type = ANY(e.events) ON "
       "CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id) UPDATE outbox_events o "
       "SET delivered_at = clock_timestamp() FROM ev WHERE o.id = ev.id RETURNING o.id, "
       "(SELECT count(*) FROM made) AS deliveries"},
      // $1 node, $2 lease (ms), $3 limit, $4 regions (text[]) -> the deliveries this
      // node holds now: due, not held by a live lease, and the oldest pending one of
      // their endpoint and subject (per endpoint, a subject's events go in order); with
      // the endpoint's URL and sealed secrets and the event
      {q::webhook_claim,
       "WITH claimed AS (UPDATE webhook_deliveries d SET locked_by = $1, locked_until = "
       "clock_timestamp() + make_interval(secs => $2::bigint / 1000.0) WHERE d.id IN "
       "(SELECT d1.id FROM webhook_deliveries d1 WHERE d1.status = 'pending' AND "
       "d1.next_attempt_at <= clock_timestamp() AND (d1.locked_until IS NULL OR "
       "d1.locked_until < clock_timestamp()) AND d1.region = ANY($4::text[]) AND NOT "
       "EXISTS (SELECT 1 FROM webhook_deliveries d2 WHERE d2.endpoint_id = "
       "d1.endpoint_id "
       "AND d2.subject_id = d1.subject_id AND d2.status = 'pending' AND "
       "(d2.event_created_at, d2.event_id) < (d1.event_created_at, d1.event_id)) ORDER "
       "BY "
       "d1.next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING d.*) SELECT c.id, "
       "c.endpoint_id, c.event_id, c.attempts, e.url, e.secret_encrypted::text AS "
       "secret, "
       "CASE WHEN e.previous_secret_expires_at > clock_timestamp() THEN "
       "e.previous_secret_encrypted::text END AS previous_secret, o.event_type, "
       "o.payload::text AS payload, " KYB_TS(
           "o.created_at") " AS event_created_at, "
                           "e.enabled FROM claimed c JOIN webhook_endpoints e ON e.id = "
                           "c.endpoint_id JOIN "
                           "outbox_events o ON o.id = c.event_id"},
      // $1 id, $2 node, $3 outcome (delivered, retry, failed), $4 status code (NULL: no
      // answer), $5 latency (ms), $6 error, $7 retry delay (ms), $8 retry window (ms) ->
      // status, the event's age in seconds; no row when this node no longer holds it. A
      // retry past the window fails it.
      {q::webhook_attempt_record,
       "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = "
       "clock_timestamp(), last_status_code = $4::integer, last_latency_ms = $5::bigint, "
       "last_error = $6, attempt_log = attempt_log || "
       "jsonb_build_array(jsonb_build_object("
       "'at', " KYB_TS(
           "clock_timestamp()") ", 'status_code', $4::integer, 'latency_ms', "
                                "$5::bigint, 'error', $6::text)), status = CASE WHEN $3 "
                                "= 'delivered' THEN "
                                "'delivered' WHEN $3 = 'failed' THEN 'failed' WHEN "
                                "clock_timestamp() + "
                                "make_interval(secs => $7::bigint / 1000.0) > retry_from "
                                "+ make_interval(secs => "
                                "$8::bigint / 1000.0) THEN 'failed' ELSE 'pending' END, "
                                "next_attempt_at = "
                                "clock_timestamp() + make_interval(secs => $7::bigint / "
                                "1000.0), delivered_at = CASE "
                                "WHEN $3 = 'delivered' THEN clock_timestamp() END, "
                                "locked_by = NULL, locked_until = "
                                "NULL WHERE id = $1 AND locked_by = $2 AND status = "
                                "'pending' RETURNING status, "
                                "extract(epoch FROM clock_timestamp() - "
                                "event_created_at)::float8::text AS lag"},
      // $1 endpoint, $2 tenant, $3 before created_at (NULL: newest), $4 before id, $5
      // limit -> its deliveries, newest first
      {q::webhook_deliveries_of_endpoint,
       "SELECT " KYB_WEBHOOK_DELIVERY_COLUMNS
       " FROM webhook_deliveries WHERE endpoint_id "
       "= $1 AND tenant_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) < "
       "($3::timestamptz, $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5"},
      // $1 id, $2 tenant -> the delivery, due now with a new retry window; no row when
      // there is none or its endpoint is deleted
      {q::webhook_redeliver,
       "UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = "
       "clock_timestamp(), retry_from = clock_timestamp(), delivered_at = NULL, "
       "locked_by "
       "= NULL, locked_until = NULL FROM webhook_endpoints e WHERE d.id = $1 AND "
       "d.tenant_id = $2 AND e.id = d.endpoint_id AND e.deleted_at IS NULL RETURNING "
       "d.id, d.endpoint_id, d.event_id, d.event_type, d.subject_id, d.status, "
       "d.attempts, " KYB_TS("d.next_attempt_at") " AS next_attempt_at, " KYB_TS(
           "d.last_attempt_at") " AS "
                                "last_attempt_at, d.last_status_code, d.last_latency_ms, "
                                "d.last_error, "
                                "d.attempt_log::text AS attempt_log, " KYB_TS(
                                    "d.created_at") " AS created_at, " KYB_TS("d."
                                                                              "delivered_"
                                                                              "at") " AS "
                                                                                    "deli"
                                                                                    "vere"
                                                                                    "d_"
                                                                                    "at"},
      // $1 id, $2 tenant -> the delivery (of an endpoint not deleted), or no row
      {q::webhook_delivery_get,
       "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = "
       "d.endpoint_id WHERE d.id = $1 AND d.tenant_id = $2 AND e.deleted_at IS NULL"},
      // -> events not fanned out yet, deliveries pending (kyb_webhook_outbox_pending)
      {q::webhook_backlog, "SELECT (SELECT count(*) FROM outbox_events WHERE "
                           "delivered_at IS NULL) AS events, "
                           "(SELECT count(*) FROM webhook_deliveries WHERE status = "
                           "'pending') AS deliveries"},
      // $1 tenant -> its highest policy version, or no row (the defaults)
      {q::verification_policy_current,
       "SELECT " KYB_VERIFICATION_POLICY_COLUMNS " FROM verification_policies WHERE "
       "tenant_id = $1 ORDER BY version DESC LIMIT 1"},
      // $1 tenant, $2 version -> that version, or no row
      {q::verification_policy_get,
       "SELECT " KYB_VERIFICATION_POLICY_COLUMNS " FROM verification_policies WHERE "
       "tenant_id = $1 AND version = $2"},
      // $1 id, $2 tenant, $3 region, $4 version, $5 document, $6 created_by -> the new
      // version (the tenant actor writes current + 1; UNIQUE (tenant_id, version))
      {q::verification_policy_insert,
       "INSERT INTO verification_policies (id, tenant_id, region, version, document, "
       "created_by, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, "
       "clock_timestamp()) "
       "RETURNING " KYB_VERIFICATION_POLICY_COLUMNS},

      // $1 id, $2 tenant, $3 region, $4 job_key (NULL: none), $5 format, $6 created_by,
      // $7 allow_duplicate_tax_id -> the job, or no row when the tenant has a job with
      // this key
      {q::import_job_insert,
       "INSERT INTO import_jobs (id, tenant_id, region, job_key, format, status, "
       "created_by, created_at, updated_at, allow_duplicate_tax_id) VALUES ($1, $2, $3, "
       "$4, $5, 'receiving', $6, now(), now(), $7) ON CONFLICT (tenant_id, job_key) DO "
       "NOTHING "
       "RETURNING " KYB_IMPORT_JOB_COLUMNS},
      // $1 tenant, $2 job_key -> the job
      {q::import_job_by_key,
       "SELECT " KYB_IMPORT_JOB_COLUMNS " FROM import_jobs WHERE tenant_id = $1 AND "
       "job_key = $2"},
      // $1 id, $2 tenant, $3 format -> the job, receiving again; no row unless it was
      // interrupted or failed (or receiving, abandoned for 5 minutes: its node died)
      {q::import_job_resume,
       "UPDATE import_jobs SET status = 'receiving', error = NULL, updated_at = now() "
       "WHERE id = $1 AND tenant_id = $2 AND format = $3 AND (status IN ('interrupted', "
       "'failed') OR (status = 'receiving' AND updated_at < now() - interval '5 "
       "minutes')) RETURNING " KYB_IMPORT_JOB_COLUMNS},
      // $1 id, $2 rows read, $3 written, $4 failed, $5 skipped, $6 committed_line,
      // $7 bytes received (all but the line and bytes are increments)
      {q::import_job_progress,
       "UPDATE import_jobs SET rows_read = rows_read + $2, rows_written = rows_written + "
       "$3, rows_failed = rows_failed + $4, rows_skipped = rows_skipped + $5, "
       "committed_line = GREATEST(committed_line, $6), bytes_received = $7, updated_at "
       "= now() WHERE id = $1"},
      // $1 id, $2 status, $3 error (NULL: none), $4 bytes received -> the job
      {q::import_job_finish,
       "UPDATE import_jobs SET status = $2, error = $3, bytes_received = $4, "
       "updated_at = now(), completed_at = CASE WHEN $2 = 'completed' THEN now() END "
       "WHERE id = $1 RETURNING " KYB_IMPORT_JOB_COLUMNS},
      // $1 id, $2 tenant -> the job
      {q::import_job_get,
       "SELECT " KYB_IMPORT_JOB_COLUMNS " FROM import_jobs WHERE id = $1 AND "
       "tenant_id = $2"},
      // $1 tenant, $2 limit -> the newest jobs
      {q::import_jobs_page,
       "SELECT " KYB_IMPORT_JOB_COLUMNS " FROM import_jobs WHERE tenant_id = $1 "
       "ORDER BY import_jobs.created_at DESC, id DESC LIMIT $2"},
      // $1 job, $2 after line, $3 limit -> line, field, message
      {q::import_job_errors_page,
       "SELECT line, field, message FROM import_job_errors WHERE job_id = $1 AND line > "
       "$2 ORDER BY line, id LIMIT $3"},
      // $1 job, $2 tenant, $3 region, $4 ids, $5 lines, $6 fields, $7 messages
      {q::import_errors_insert,
       "INSERT INTO import_job_errors (id, job_id, tenant_id, region, line, field, "
       "message) SELECT e.id, $1, $2, $3, e.line, e.field, e.message FROM "
       "unnest($4::uuid[], $5::bigint[], $6::text[], $7::text[]) AS e(id, line, field, "
       "message)"},
      // $1 tenant, $2 region, then one array per column: $3 id, $4 legal_name,
      // $5 dba_name, $6 tax_id (HMAC), $7 tax_id_encrypted, $8 website_url, $9 country,
      // $10 registration_number, $11 registration_jurisdiction, $12 address,
      // $13 incorporation_date, $14 description
      {q::business_bulk_insert,
       "INSERT INTO businesses (id, tenant_id, region, legal_name, dba_name, tax_id, "
       "tax_id_encrypted, website_url, country, registration_number, "
       "registration_jurisdiction, address, incorporation_date, description, version, "
       "created_at, updated_at) SELECT r.id, $1, $2, r.legal_name, r.dba_name, r.tax_id, "
       "r.tax_id_encrypted, r.website_url, r.country, r.registration_number, "
       "r.registration_jurisdiction, r.address, r.incorporation_date, r.description, 1, "
       "clock_timestamp(), clock_timestamp() FROM unnest($3::uuid[], $4::text[], "
       "$5::text[], $6::text[], $7::bytea[], $8::text[], $9::text[], $10::text[], "
       "$11::text[], $12::jsonb[], $13::date[], $14::text[]) AS r(id, legal_name, "
       "dba_name, tax_id, tax_id_encrypted, website_url, country, registration_number, "
       "registration_jurisdiction, address, incorporation_date, description)"},
      // $1 tenant, $2 region, then arrays: $3 id, $4 business, $5 position, $6 name,
      // $7 date_of_birth, $8 nationality, $9 ownership_percent
      {q::owner_bulk_insert,
       "INSERT INTO business_owners (id, business_id, tenant_id, region, position, name, "
       "date_of_birth, nationality, ownership_percent, created_at) SELECT o.id, "
       "o.business_id, $1, $2, o.position, o.name, o.date_of_birth, o.nationality, "
       "o.ownership_percent, now() FROM unnest($3::uuid[], $4::uuid[], $5::smallint[], "
       "$6::text[], $7::date[], $8::text[], $9::numeric[]) AS o(id, business_id, "
       "position, name, date_of_birth, nationality, ownership_percent)"},
      // $1 tenant, $2 tax id hashes, $3 the business itself (NULL: none) -> the number
      // of hashes; locks each (tenant, hash) for the transaction and raises KY409
      // 'tax id taken by business <uuid>' when a live business of the tenant other than
      // $3 has one (migration 0017)
      {q::business_tax_unique, "SELECT kyb_expect_unique_tax_ids($1, $2::text[], $3)"},
      // $1 tenant, $2 tax id hashes (text[]) -> tax_id, id of live businesses having one.
      // One hash-index probe per hash, whatever the statistics say: "tax_id = ANY($2)"
      // cannot use the hash index, and a plain join, planned while an import is
      // filling the table faster than ANALYZE runs, walks every row of the tenant
      // (OFFSET 0 keeps the lateral subquery from being flattened into such a join).
      {q::business_tax_duplicates,
       "SELECT h.tax_id, b.id FROM unnest($2::text[]) AS h(tax_id) CROSS JOIN LATERAL "
       "(SELECT id, tenant_id FROM businesses WHERE tax_id = h.tax_id AND deleted_at IS "
       "NULL OFFSET 0) b WHERE b.tenant_id = $1"},
      // $1 id, $2 classification_id, $3 business, $4 tenant, $5 region, $6 type,
      // $7 code, $8 title, $9 confidence, $10 is_primary, $11 rank, $12 model_version,
      // $13 evidence (jsonb), $14 cache_key, $15 created_at, $16 needs_review
      {q::classification_insert,
       "INSERT INTO business_classifications (id, classification_id, business_id, "
       "tenant_id, region, classification_type, code, title, confidence_score, "
       "is_primary, rank, model_version, evidence, cache_key, created_at, needs_review) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, "
       "$15::timestamptz, $16)"},
      // $1 business, $2 tenant -> the rows of the latest classification:
      // classification_id, classification_type, code, title, confidence_score,
      // is_primary, rank, model_version, evidence, cache_key, created_at, age_seconds,
      // needs_review
      {q::classification_latest,
       "SELECT classification_id, classification_type, code, title, "
       "confidence_score::text AS confidence_score, is_primary, rank, model_version, "
       "evidence::text AS evidence, cache_key, " KYB_TS(
           "created_at") " AS created_at, "
                         "extract(epoch FROM now() - created_at)::float8::text AS "
                         "age_seconds, needs_review FROM "
                         "business_classifications WHERE business_id = $1 AND tenant_id "
                         "= $2 AND "
                         "classification_id = (SELECT classification_id FROM "
                         "business_classifications "
                         "WHERE business_id = $1 AND tenant_id = $2 ORDER BY "
                         "classification_id DESC "
                         "LIMIT 1) ORDER BY classification_type, rank"},
      {q::screening_result_insert,
       "INSERT INTO screening_results (id, tenant_id, region, business_id, "
       "business_version, triggered_by, outcome, threshold, generation, lists, subjects, "
       "hit_count, raised_count, new_count, screened_at) VALUES ($1, $2, $3, $4, $5, $6, "
       "$7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15::timestamptz)"},
      // $1 id, $2 result, $3 business, $4 tenant, $5 region, $6 position,
      // $7 subject_kind, $8 subject_name, $9 list_name, $10 list_version, $11 entity_id,
      // $12 entity_type, $13 primary_name, $14 matched_name, $15 matched_alias,
      // $16 score, $17 programs (jsonb), $18 explanation (jsonb), $19 fingerprint,
      // $20 raised, $21 is_new, $22 entry_changed, $23 decision, $24 decision_reason,
      // $25 decided_by, $26 decided_at, $27 created_at
      {q::screening_hit_insert,
       "INSERT INTO screening_hits (id, result_id, business_id, tenant_id, region, "
       "position, subject_kind, subject_name, list_name, list_version, entity_id, "
       "entity_type, primary_name, matched_name, matched_alias, score, programs, "
       "explanation, entity_fingerprint, raised, is_new, entry_changed, decision, "
       "decision_reason, decided_by, decided_at, created_at) VALUES ($1, $2, $3, $4, $5, "
       "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18::jsonb, $19, "
       "$20, $21, $22, $23, $24, $25, $26::timestamptz, $27::timestamptz)"},
      // $1 business, $2 tenant -> subject_name, list_name, entity_id, decision, reason,
      // decided_by, decided_at, entity_fingerprint
      {q::screening_decisions_of_business,
       "SELECT subject_name, list_name, entity_id, decision, reason, decided_by, " KYB_TS(
           "decided_at") " AS decided_at, entity_fingerprint FROM screening_decisions "
                         "WHERE tenant_id = $2 AND business_id = $1"},
      // $1 business, $2 tenant -> subject_name, list_name, entity_id of the raised hits
      // of the latest screening
      {q::screening_raised_of_latest,
       "SELECT subject_name, list_name, entity_id FROM screening_hits WHERE raised "
       "AND result_id = " KYB_SCREENING_LATEST_RESULT},
      // $1 business, $2 tenant -> the latest screening's row
      {q::screening_result_latest,
       "SELECT id, business_id, tenant_id, region, business_version, triggered_by, "
       "outcome, threshold::text AS threshold, generation, lists::text AS lists, "
       "subjects::text AS subjects, hit_count, raised_count, new_count, " KYB_TS(
           "screened_at") " AS screened_at FROM screening_results WHERE business_id = $1 "
                          "AND tenant_id = $2 ORDER BY screening_results.screened_at "
                          "DESC, id DESC LIMIT 1"},
      // $1 business, $2 tenant -> KYB_SCREENING_HIT_COLUMNS of the latest screening
      {q::screening_hits_of_latest,
       "SELECT " KYB_SCREENING_HIT_COLUMNS
       " FROM screening_hits WHERE result_id = " KYB_SCREENING_LATEST_RESULT
       " ORDER BY position"},
      // $1 hit, $2 business, $3 tenant -> KYB_SCREENING_HIT_COLUMNS
      {q::screening_hit_get,
       "SELECT " KYB_SCREENING_HIT_COLUMNS " FROM screening_hits WHERE id = $1 "
       "AND business_id = $2 AND tenant_id = $3"},
      // $1 id, $2 tenant, $3 region, $4 business, $5 subject_name, $6 list_name,
      // $7 entity_id, $8 entity_fingerprint, $9 decision, $10 reason, $11 hit,
      // $12 decided_by, $13 decided_at: one decision per (tenant, business, subject,
      // list entry); a new decision replaces the old.
      {q::screening_decision_upsert,
       "INSERT INTO screening_decisions (id, tenant_id, region, business_id, "
       "subject_name, list_name, entity_id, entity_fingerprint, decision, reason, "
       "hit_id, "
       "decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
       "$12, $13::timestamptz) ON CONFLICT (tenant_id, business_id, subject_name, "
       "list_name, entity_id) DO UPDATE SET entity_fingerprint = "
       "EXCLUDED.entity_fingerprint, decision = EXCLUDED.decision, reason = "
       "EXCLUDED.reason, hit_id = EXCLUDED.hit_id, decided_by = EXCLUDED.decided_by, "
       "decided_at = EXCLUDED.decided_at"},
      // $1 hit, $2 decision, $3 reason, $4 decided_by, $5 decided_at, $6 business,
      // $7 tenant (raises KY409 when the hit is gone)
      {q::screening_hit_decide,
       "WITH u AS (UPDATE screening_hits SET decision = $2, decision_reason = $3, "
       "decided_by = $4, decided_at = $5::timestamptz WHERE id = $1 AND business_id = "
       "$6 AND tenant_id = $7 RETURNING id) SELECT kyb_expect_rows(count(*), "
       "'screening hit') FROM u"},
      // Serializes claims of monitoring runs across the region's nodes (transaction
      // scope: released at commit).
      {q::screening_monitor_lock,
       "SELECT pg_advisory_xact_lock(hashtext('kyb.screening_monitor_runs'))"},
      // $1 id, $2 generation, $3 changed_lists (jsonb), $4 node -> id when this node
      // runs the change: unless the latest run is of the same generation and done, or
      // running on another node that is alive.
      {q::screening_monitor_claim,
       "INSERT INTO screening_monitor_runs (id, generation, changed_lists, node_id, "
       "status, started_at, heartbeat_at) SELECT $1, $2, $3::jsonb, $4, 'running', "
       "clock_timestamp(), clock_timestamp() WHERE NOT EXISTS (SELECT 1 FROM (SELECT "
       "generation, status, node_id, heartbeat_at FROM screening_monitor_runs ORDER BY "
       "started_at DESC, id DESC LIMIT 1) l WHERE l.generation = $2 AND (l.status = "
       "'done' OR (l.status = 'running' AND l.node_id <> $4 AND l.heartbeat_at > "
       "clock_timestamp() - interval '2 minutes'))) RETURNING id"},
      // -> the latest run: generation, status, totals, started_at, finished_at,
      // changed_lists
      {q::screening_monitor_latest,
       "SELECT generation, status, businesses_total, screened, failed, skipped, "
       "new_hits, " KYB_TS("started_at") " AS started_at, " KYB_TS(
           "finished_at") " AS finished_at, changed_lists::text AS changed_lists FROM "
                          "screening_monitor_runs ORDER BY "
                          "screening_monitor_runs.started_at DESC, id DESC LIMIT 1"},
      // -> tenant_id, region, businesses (stored, not deleted)
      {q::screening_monitor_counts,
       "SELECT tenant_id, region, count(*) AS businesses FROM businesses WHERE "
       "deleted_at IS NULL GROUP BY tenant_id, region ORDER BY tenant_id"},
      // $1 tenant, $2 cursor created_at, $3 cursor id, $4 limit -> id, created_at
      // (newest first; the tenant lookup index serves it)
      {q::screening_monitor_page,
       "SELECT id, " KYB_TS(
           "created_at") " AS created_at FROM businesses WHERE "
                         "tenant_id = $1 AND deleted_at IS NULL AND "
                         "(created_at, id) < ($2::timestamptz, $3::uuid) "
                         "ORDER BY businesses.created_at DESC, id DESC "
                         "LIMIT $4"},
      // $1 run, $2 status, $3 total, $4 screened, $5 failed, $6 skipped, $7 new_hits
      {q::screening_monitor_update,
       "UPDATE screening_monitor_runs SET status = $2, businesses_total = $3, "
       "screened = $4, failed = $5, skipped = $6, new_hits = $7, heartbeat_at = "
       "clock_timestamp(), finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE "
       "clock_timestamp() END WHERE id = $1"},
#undef KYB_SCREENING_HIT_COLUMNS
#undef KYB_SCREENING_LATEST_RESULT

      // The first half of an audit append (locks the tenant's chain head; the audit
      // writer, a pg_finisher, completes it with audit_insert in the same transaction).
      // $1 id, $2 tenant, $3 region, $4 actor, $5 action, $6 target_type, $7 target_id,
      // $8 request_id, $9 details (jsonb) -> seq, head_hash, id, tenant_id, details,
      // created_at, created_at_us
      {q::audit_append, "SELECT * FROM kyb_audit_reserve($1, $2, $3, $4, $5, $6, $7, $8, "
                        "$9::jsonb)"},
      // $1 id, $2 tenant, $3 region, $4 seq, $5 actor, $6 action, $7 target_type,
      // $8 target_id, $9 request_id, $10 details, $11 created_at, $12 prev_hash,
      // $13 row_hash, $14 key_id -> seq
      {q::audit_insert, "SELECT kyb_audit_insert($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                        "$10::jsonb, $11::timestamptz, $12, $13, $14)"},
      // $1 tenant, $2 limit -> newest first
      {q::audit_page, "SELECT seq, id, actor, action, target_type, target_id, "
                      "request_id, details::text AS details, " KYB_TS(
                          "created_at") " AS created_at, row_hash FROM audit_logs WHERE "
                                        "tenant_id = $1 ORDER BY seq DESC LIMIT $2"},
      // $1 tenant, $2 before seq, $3 limit
      {q::audit_page_before,
       "SELECT seq, id, actor, action, target_type, target_id, request_id, "
       "details::text AS details, " KYB_TS(
           "created_at") " AS created_at, row_hash FROM audit_logs WHERE tenant_id = $1 "
                         "AND seq < $2 ORDER BY seq DESC LIMIT $3"},
      // Chain walk for verification. $1 tenant, $2 after seq, $3 limit -> the canonical
      // fields plus the stored hashes, in chain order.
      {q::audit_chain_page,
       "SELECT seq, id, tenant_id, region, actor, action, target_type, target_id, "
       "request_id, "
       "details::text, (extract(epoch FROM created_at) * 1000000)::bigint, prev_hash, "
       "row_hash, key_id "
       "FROM audit_logs WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"},
      // Chains whose newest row is unkeyed (from before migration 0008) -> tenant,
      // region, seq: the node seals each with a keyed row at start.
      {q::audit_unkeyed_heads,
       "SELECT h.tenant_id, l.region, h.seq FROM audit_chain_heads h JOIN audit_logs l "
       "ON l.tenant_id = h.tenant_id AND l.seq = h.seq WHERE l.key_id IS NULL"},
      // $1 tenant -> head_seq, head_hash of the chain head (no row: empty chain), and
      // where the rows left start: the last row retention retired (anchor_seq,
      // anchor_hash (its row_hash), anchor_key_id; NULLs when none was).
      {q::audit_head,
       "SELECT h.seq AS head_seq, h.hash AS head_hash, a.seq AS anchor_seq, a.hash AS "
       "anchor_hash, a.key_id AS anchor_key_id FROM audit_chain_heads h "
       "LEFT JOIN audit_retention_anchors a ON a.tenant_id = h.tenant_id "
       "WHERE h.tenant_id = $1"},
      // $1 months ahead
      {q::audit_ensure_partitions, "SELECT kyb_ensure_audit_partitions($1)"},

      // $1 id, $2 tenant, $3 region, $4 node, $5 endpoint, $6 method, $7 status, $8
      // count,
      // $9 duration seconds, $10 minute (timestamptz)
      {q::usage_insert, "INSERT INTO api_usage (id, tenant_id, region, node_id, "
                        "endpoint, method, status_code, "
                        "request_count, duration_seconds, created_at) VALUES ($1, $2, "
                        "$3, $4, $5, $6, $7, $8, $9, "
                        "$10)"},
      // $1 tenant, $2 from, $3 to -> endpoint, method, status_code, requests,
      // avg_duration_seconds
      {q::usage_summary,
       "SELECT endpoint, method, status_code, sum(request_count)::text AS requests, "
       "(sum(duration_seconds) / sum(request_count))::text AS avg_duration_seconds "
       "FROM api_usage "
       "WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < "
       "$3::timestamptz "
       "GROUP BY endpoint, method, status_code ORDER BY endpoint, method, status_code"},

      // $1 shard, $2 node, $3 incarnation -> the new epoch (a takeover fences the old
      // owner)
      {q::shard_lease_acquire,
       "UPDATE shard_leases SET owner_node = $2, owner_incarnation = $3, epoch = epoch + "
       "1, "
       "acquired_at = clock_timestamp() WHERE shard = $1 RETURNING epoch"},
      // $1 shard count -> shard, owner_node, epoch, acquired_at, owner_incarnation
      {q::shard_leases_all,
       "SELECT shard, owner_node, epoch, " KYB_TS(
           "acquired_at") ", owner_incarnation "
                          "FROM shard_leases WHERE shard < $1 ORDER BY shard"},
      // $1 shard, $2 epoch (raises KY503 -> errc::fenced when the epoch moved on)
      {q::fence_check, "SELECT kyb_check_fence($1, $2)"},
  // Risk trends (monthly_risk_trends) done right. A grouping by
  // (business_id, month, overall_score, assessed_at), so every assessment was its own
  // group; here a group is one business in one month. Months are calendar months in
  // UTC; the window is the last $2 of them up to and including the current one.
  // First and last score of a month are by time, ties in assessed_at broken by id:
  // the month's scores as one array ordered by (assessed_at, id), its element [1] and
  // its element [count(*)] (PostgreSQL computes an aggregate written twice once, so a
  // group is sorted once). change = last - first (numeric, exact to the cent); trend:
  // change >= 5 increasing, change <= -5 decreasing, else stable (4.99 and -4.99 are
  // stable). Both statements read idx_risk_assessments_tenant_business_time (0010)
  // index-only.
#define KYB_TREND_MONTH "date_trunc('month', ra.assessed_at AT TIME ZONE 'UTC')"
#define KYB_TREND_WINDOW                                                                 \
  "ra.tenant_id = $1 AND ra.assessed_at >= (date_trunc('month', now() AT TIME ZONE "     \
  "'UTC') - make_interval(months => $2::int - 1)) AT TIME ZONE 'UTC' AND "               \
  "ra.assessed_at < (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 "       \
  "month') AT TIME ZONE "                                                                \
  "'UTC'"
#define KYB_TREND_FIRST "(array_agg(ra.overall_score ORDER BY ra.assessed_at, ra.id))[1]"
#define KYB_TREND_LAST                                                                   \
  "(array_agg(ra.overall_score ORDER BY ra.assessed_at, ra.id))[count(*)]"
      // $1 tenant, $2 months, $3 first business id, $4 last business id (inclusive: one
      // business is $3 = $4), $5 how many businesses -> business_id, month (YYYY-MM),
      // assessments, average_score, first_score, last_score, change, trend; by business,
      // newest month first.
      {q::risk_trends_businesses,
       "WITH page AS (SELECT DISTINCT ra.business_id FROM risk_assessments ra "
       "WHERE " KYB_TREND_WINDOW
       " AND ra.business_id BETWEEN $3::uuid AND $4::uuid ORDER BY "
       "ra.business_id LIMIT $5), m AS (SELECT ra.business_id, " KYB_TREND_MONTH
       " AS month, count(*) AS assessments, round(avg(ra.overall_score), 2) AS "
       "average, " KYB_TREND_FIRST " AS first_score, " KYB_TREND_LAST
       " AS last_score FROM page JOIN "
       "risk_assessments ra ON ra.business_id = page.business_id WHERE " KYB_TREND_WINDOW
       " GROUP BY ra.business_id, " KYB_TREND_MONTH ") SELECT business_id, "
       "to_char(month, 'YYYY-MM') AS month, assessments, average::text AS average_score, "
       "first_score::text AS first_score, last_score::text AS last_score, "
       "(last_score - first_score)::text AS change, CASE WHEN last_score - "
       "first_score >= 5 THEN 'increasing' WHEN last_score - first_score <= -5 THEN "
       "'decreasing' ELSE 'stable' END AS trend FROM m ORDER BY business_id, m.month "
       "DESC"},
      // $1 tenant, $2 months -> month (YYYY-MM), businesses, assessments, average_score
      // (NULL: none), low, medium, high, critical (assessments by level), increasing,
      // decreasing, stable (businesses by their trend of the month, as above); every
      // month of the window, newest first.
      {q::risk_trends_months,
       "WITH m AS (SELECT ra.business_id, " KYB_TREND_MONTH " AS month, count(*) AS n, "
       "sum(ra.overall_score) AS total, count(*) FILTER (WHERE ra.risk_level = 'low') AS "
       "low, count(*) FILTER (WHERE ra.risk_level = 'medium') AS medium, count(*) FILTER "
       "(WHERE ra.risk_level = 'high') AS high, count(*) FILTER (WHERE ra.risk_level = "
       "'critical') AS critical, " KYB_TREND_LAST " - " KYB_TREND_FIRST " AS change FROM "
       "risk_assessments ra WHERE " KYB_TREND_WINDOW
       " GROUP BY ra.business_id, " KYB_TREND_MONTH
       "), t AS (SELECT month, count(*) AS businesses, sum(n) AS n, "
       "round(sum(total) / sum(n), 2) AS average, sum(low) AS low, sum(medium) AS "
       "medium, "
       "sum(high) AS high, sum(critical) AS critical, count(*) FILTER (WHERE change >= "
       "5) AS increasing, count(*) FILTER (WHERE change <= -5) AS decreasing, count(*) "
       "FILTER (WHERE change > -5 AND change < 5) AS stable FROM m GROUP BY month) "
       "SELECT "
       "to_char(w.month, 'YYYY-MM') AS month, COALESCE(t.businesses, 0) AS businesses, "
       "COALESCE(t.n, 0) AS assessments, t.average::text AS average_score, "
       "COALESCE(t.low, 0) AS low, COALESCE(t.medium, 0) AS medium, "
       "COALESCE(t.high, 0) AS high, COALESCE(t.critical, 0) AS critical, "
       "COALESCE(t.increasing, 0) AS increasing, COALESCE(t.decreasing, 0) AS "
       "decreasing, "
       "COALESCE(t.stable, 0) AS stable FROM generate_series(date_trunc('month', now() "
       "AT TIME "
       "ZONE "
       "'UTC') - make_interval(months => $2::int - 1), date_trunc('month', now() AT TIME "
       "ZONE 'UTC'), interval '1 month') AS w(month) LEFT JOIN t ON t.month = w.month "
       "ORDER BY w.month DESC"},
#undef KYB_TREND_MONTH
#undef KYB_TREND_WINDOW
#undef KYB_TREND_FIRST
#undef KYB_TREND_LAST
      {q::ping, "SELECT 1"},
      {q::migrations_latest,
       "SELECT COALESCE(max(version), 0) AS latest FROM schema_migrations"},
  };
  return all;
}

#undef KYB_BUSINESS_COLUMNS
#undef KYB_PAGE_OWNERS_JSON
#undef KYB_TS

} // namespace kyb::persistence

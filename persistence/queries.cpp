#include "persistence/queries.hpp"

namespace kyb::persistence {

// Column lists shared by statements whose rows are decoded by the same function.
#define KYB_BUSINESS_COLUMNS                                                             \
  "id, tenant_id, region, legal_name, dba_name, tax_id_encrypted, website_url, "         \
  "country, "                                                                            \
  "registration_number, registration_jurisdiction, address::text, "                      \
  "incorporation_date::text, "                                                           \
  "description, version, "                                                               \
  "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "        \
  "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "        \
  "to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

#define KYB_TS(col)                                                                      \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

const std::vector<named_sql>& platform_queries() {
  static const std::vector<named_sql> all = {
      // $1 id, $2 region, $3 name, $4 rate/s (NULL = default), $5 burst (NULL = default)
      {q::tenant_insert,
       "INSERT INTO tenants (id, region, name, rate_limit_per_second, rate_limit_burst, "
       "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())"},
      // $1 id -> id, region, name, kind, rate/s, burst, created_at
      {q::tenant_get,
       "SELECT id, region, name, kind, rate_limit_per_second, rate_limit_burst, " KYB_TS(
           "created_at") " FROM tenants WHERE id = $1"},
      // $1 limit
      {q::tenant_list,
       "SELECT id, region, name, kind, rate_limit_per_second, rate_limit_burst, " KYB_TS(
           "created_at") " FROM tenants WHERE kind = 'customer' ORDER BY created_at "
                         "DESC, id DESC "
                         "LIMIT $1"},
      // $1 id, $2 tenant, $3 region, $4 name, $5 secret_hash (bytea hex), $6 scopes
      // (text[]),
      // $7 created_by
      {q::api_key_insert, "INSERT INTO api_keys (id, tenant_id, region, name, "
                          "secret_hash, scopes, created_at, "
                          "created_by) VALUES ($1, $2, $3, $4, $5, $6, now(), $7)"},
      // $1 tenant -> id, secret_hash, scopes, name, created_at, revoked_at
      {q::api_keys_of_tenant,
       "SELECT id, secret_hash, array_to_string(scopes, ','), name, " KYB_TS(
           "created_at") ", " KYB_TS("revoked_at") " FROM api_keys WHERE tenant_id = $1"},
      // $1 id, $2 tenant (raises KY409 when the key is unknown or already revoked)
      {q::api_key_revoke, "WITH u AS (UPDATE api_keys SET revoked_at = now() WHERE id = "
                          "$1 AND tenant_id = $2 "
                          "AND revoked_at IS NULL RETURNING id) SELECT "
                          "kyb_expect_rows(count(*), 'api key') FROM u"},
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
           "created_at") ", " KYB_TS("updated_at")},
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
       "SELECT max(version), " KYB_TS(
           "max(updated_at)") ", kyb_expect_rows(count(*), 'business') "
                              "FROM u"},
      // $1 id, $2 tenant, $3 expected version -> deleted_at (KY409 as above)
      {q::business_soft_delete,
       "WITH u AS (UPDATE businesses SET deleted_at = clock_timestamp(), version = "
       "version + 1, "
       "updated_at = clock_timestamp() WHERE id = $1 AND tenant_id = $2 AND version = $3 "
       "AND deleted_at IS NULL RETURNING deleted_at) "
       "SELECT " KYB_TS(
           "max(deleted_at)") ", kyb_expect_rows(count(*), 'business') FROM u"},
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
       "SELECT id, name, date_of_birth::text, nationality, ownership_percent::text "
       "FROM business_owners WHERE business_id = $1 ORDER BY position"},
      // $1 tenant, $2 limit -> KYB_BUSINESS_COLUMNS, newest first
      {q::business_page, "SELECT " KYB_BUSINESS_COLUMNS
                         " FROM businesses WHERE tenant_id = $1 AND deleted_at IS NULL "
                         "ORDER BY created_at DESC, id DESC LIMIT $2"},
      // $1 tenant, $2 cursor created_at, $3 cursor id, $4 limit: keyset page after the
      // cursor
      {q::business_page_after,
       "SELECT " KYB_BUSINESS_COLUMNS
       " FROM businesses WHERE tenant_id = $1 AND deleted_at IS NULL "
       "AND (created_at, id) < ($2::timestamptz, $3::uuid) "
       "ORDER BY created_at DESC, id DESC LIMIT $4"},
      // The seed's 7.2 search. $1 tenant, $2 query text ('' = none), $3 tax id hmac (NULL
      // =
      // none), $4 limit -> id, legal_name, dba_name, website_url, created_at, relevance,
      // overall_score, risk_level, last_risk_assessment
      {q::business_search,
       "WITH business_search AS ("
       "  SELECT b.id, b.legal_name, b.dba_name, b.website_url, b.country, b.created_at,"
       "    ts_rank(to_tsvector('english', b.legal_name || ' ' || COALESCE(b.dba_name, "
       "'')),"
       "            plainto_tsquery('english', $2)) AS relevance_score"
       "  FROM businesses b"
       "  WHERE b.tenant_id = $1 AND b.deleted_at IS NULL"
       "    AND (to_tsvector('english', b.legal_name || ' ' || COALESCE(b.dba_name, ''))"
       "           @@ plainto_tsquery('english', $2)"
       "         OR b.tax_id = $3)"
       "  ORDER BY relevance_score DESC, b.created_at DESC"
       "  LIMIT $4"
       "), risk_data AS ("
       "  SELECT DISTINCT ON (ra.business_id) ra.business_id, ra.overall_score, "
       "ra.risk_level,"
       "    ra.assessed_at"
       "  FROM risk_assessments ra"
       "  WHERE ra.business_id IN (SELECT id FROM business_search)"
       "  ORDER BY ra.business_id, ra.assessed_at DESC"
       ")"
       " SELECT bs.id, bs.legal_name, bs.dba_name, bs.website_url, bs.country, " KYB_TS(
           "bs.created_at") ", bs.relevance_score, rd.overall_score::text, "
                            "rd.risk_level, " KYB_TS("rd.assessed_at") " FROM "
                                                                       "business_search "
                                                                       "bs"
                                                                       " LEFT JOIN "
                                                                       "risk_data rd ON "
                                                                       "bs.id = "
                                                                       "rd.business_id"
                                                                       " ORDER BY "
                                                                       "bs.relevance_"
                                                                       "score DESC, "
                                                                       "bs.created_at "
                                                                       "DESC"},

      // $1 id, $2 tenant, $3 region, $4 actor, $5 action, $6 target_type, $7 target_id,
      // $8 request_id, $9 details (jsonb) -> seq
      {q::audit_append,
       "SELECT kyb_audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)"},
      // $1 tenant, $2 limit -> newest first
      {q::audit_page, "SELECT seq, id, actor, action, target_type, target_id, "
                      "request_id, details::text, " KYB_TS(
                          "created_at") ", row_hash FROM audit_logs WHERE tenant_id = $1 "
                                        "ORDER BY seq DESC LIMIT $2"},
      // $1 tenant, $2 before seq, $3 limit
      {q::audit_page_before,
       "SELECT seq, id, actor, action, target_type, target_id, request_id, "
       "details::text, " KYB_TS(
           "created_at") ", row_hash FROM audit_logs WHERE tenant_id = $1 AND seq < $2 "
                         "ORDER BY seq DESC LIMIT $3"},
      // Chain walk for verification. $1 tenant, $2 after seq, $3 limit -> the canonical
      // fields plus the stored hashes, in chain order.
      {q::audit_chain_page,
       "SELECT seq, id, tenant_id, region, actor, action, target_type, target_id, "
       "request_id, "
       "details::text, (extract(epoch FROM created_at) * 1000000)::bigint, prev_hash, "
       "row_hash "
       "FROM audit_logs WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"},
      // $1 tenant -> seq, hash of the chain head (no row: empty chain)
      {q::audit_head, "SELECT seq, hash FROM audit_chain_heads WHERE tenant_id = $1"},
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
      // $1 tenant, $2 from, $3 to -> endpoint, method, status, requests, avg duration
      // seconds
      {q::usage_summary,
       "SELECT endpoint, method, status_code, sum(request_count)::text, "
       "(sum(duration_seconds) / sum(request_count))::text FROM api_usage "
       "WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < "
       "$3::timestamptz "
       "GROUP BY endpoint, method, status_code ORDER BY endpoint, method, status_code"},

      {q::ping, "SELECT 1"},
      {q::migrations_latest, "SELECT COALESCE(max(version), 0) FROM schema_migrations"},
  };
  return all;
}

#undef KYB_BUSINESS_COLUMNS
#undef KYB_TS

} // namespace kyb::persistence

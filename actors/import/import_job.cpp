#include "actors/import/import_job.hpp"

#include <cstdio>

#include <caf/actor_system_config.hpp>

#include "actors/business/business_rows.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using persistence::pg_array;
using column = std::vector<std::optional<std::string>>;

} // namespace

import_job decode_import_job(const row_columns& c, const std::vector<pg_value>& row) {
  import_job j;
  j.id = uuid_col(row, c["id"]);
  j.tenant_id = uuid_col(row, c["tenant_id"]);
  j.region = col(row, c["region"]);
  j.job_key = col(row, c["job_key"]);
  j.format = col(row, c["format"]);
  j.status = col(row, c["status"]);
  j.rows_read = int64_col(row, c["rows_read"]);
  j.rows_written = int64_col(row, c["rows_written"]);
  j.rows_failed = int64_col(row, c["rows_failed"]);
  j.rows_skipped = int64_col(row, c["rows_skipped"]);
  j.committed_line = int64_col(row, c["committed_line"]);
  j.bytes_received = int64_col(row, c["bytes_received"]);
  j.error = col(row, c["error"]);
  j.created_by = col(row, c["created_by"]);
  j.created_at = col(row, c["created_at"]);
  j.updated_at = col(row, c["updated_at"]);
  j.completed_at = col(row, c["completed_at"]);
  j.allow_duplicate_tax_id = bool_col(row, c["allow_duplicate_tax_id"]);
  return j;
}

void add_bulk_rows(pg_batch& batch, const platform& p, const base::uuid& tenant,
                   const std::string& region, const std::vector<import_ready>& rows) {
  column id, legal_name, dba_name, tax_hash, tax_sealed, website, country, reg_number,
      reg_jurisdiction, address, incorporated, description;
  column owner_id, owner_business, owner_position, owner_name, owner_dob,
      owner_nationality, owner_pct;
  for (auto* c : {&id, &legal_name, &dba_name, &tax_hash, &tax_sealed, &website, &country,
                  &reg_number, &reg_jurisdiction, &address, &incorporated, &description})
    c->reserve(rows.size());
  for (const auto& row : rows) {
    const auto& r = row.rec;
    id.push_back(r.id.to_string());
    legal_name.push_back(r.legal_name);
    dba_name.push_back(r.dba_name);
    if (r.tax_id) {
      tax_hash.push_back(row.tax_hash);
      auto sealed = base::aes256gcm_encrypt(p.tax_id_key, *r.tax_id, tax_id_aad(r));
      tax_sealed.push_back(persistence::bytea_param(sealed.value_or("")));
    } else {
      tax_hash.push_back(std::nullopt);
      tax_sealed.push_back(std::nullopt);
    }
    website.push_back(r.website_url);
    country.push_back(r.country);
    reg_number.push_back(r.registration_number);
    reg_jurisdiction.push_back(r.registration_jurisdiction);
    address.push_back(r.address ? std::optional<std::string>(encode_address(*r.address))
                                : std::nullopt);
    incorporated.push_back(r.incorporation_date);
    description.push_back(r.description);
    int position = 0;
    for (const auto& o : r.owners) {
      owner_id.push_back(base::uuid::make_v7().to_string());
      owner_business.push_back(r.id.to_string());
      owner_position.push_back(std::to_string(position++));
      owner_name.push_back(o.name);
      owner_dob.push_back(o.date_of_birth);
      owner_nationality.push_back(o.nationality);
      if (o.ownership_percent) {
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.2f", *o.ownership_percent);
        owner_pct.push_back(std::string(pct));
      } else {
        owner_pct.push_back(std::nullopt);
      }
    }
  }
  add(batch, q::business_bulk_insert,
      {val(tenant), val(region), val(pg_array(id)), val(pg_array(legal_name)),
       val(pg_array(dba_name)), val(pg_array(tax_hash)), val(pg_array(tax_sealed)),
       val(pg_array(website)), val(pg_array(country)), val(pg_array(reg_number)),
       val(pg_array(reg_jurisdiction)), val(pg_array(address)),
       val(pg_array(incorporated)), val(pg_array(description))});
  if (!owner_id.empty())
    add(batch, q::owner_bulk_insert,
        {val(tenant), val(region), val(pg_array(owner_id)), val(pg_array(owner_business)),
         val(pg_array(owner_position)), val(pg_array(owner_name)),
         val(pg_array(owner_dob)), val(pg_array(owner_nationality)),
         val(pg_array(owner_pct))});
}

void add_import_errors(pg_batch& batch, const base::uuid& job, const base::uuid& tenant,
                       const std::string& region,
                       const std::vector<import_row_error>& errors) {
  if (errors.empty())
    return;
  column ids, lines, fields, messages;
  for (const auto& e : errors) {
    ids.push_back(base::uuid::make_v7().to_string());
    lines.push_back(std::to_string(e.line));
    fields.push_back(e.field);
    messages.push_back(e.detail);
  }
  add(batch, q::import_errors_insert,
      {val(job), val(tenant), val(region), val(pg_array(ids)), val(pg_array(lines)),
       val(pg_array(fields)), val(pg_array(messages))});
}

void register_import_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<import_job>("kyb::import_job");
  cfg.add_message_type<std::vector<import_job>>("kyb::import_jobs");
  cfg.add_message_type<import_report>("kyb::import_report");
  cfg.add_message_type<import_row>("kyb::import_row");
  cfg.add_message_type<std::vector<import_row>>("kyb::import_rows");
  cfg.add_message_type<import_spec>("kyb::import_spec");
}

} // namespace kyb::actors

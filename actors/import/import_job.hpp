// Bulk import jobs: what a job is (its row in import_jobs), the rows an upload delivers
// to the import actor, and the pure parts of writing a batch of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/business/business.hpp"
#include "actors/business/business_validation.hpp"
#include "actors/db.hpp"
#include "actors/row_columns.hpp"

namespace kyb::actors {

/// One import job (a row of import_jobs).
struct import_job {
  base::uuid id;
  base::uuid tenant_id;
  std::string region;
  std::string job_key;        ///< The client's key ("" when none).
  std::string format;         ///< "ndjson" or "csv".
  std::string status;         ///< "receiving", "completed", "interrupted" or "failed".
  int64_t rows_read = 0;      ///< Records read into committed batches.
  int64_t rows_written = 0;   ///< Businesses created.
  int64_t rows_failed = 0;    ///< Records refused (see the job's errors).
  int64_t rows_skipped = 0;   ///< Records an earlier upload of this job had committed.
  int64_t committed_line = 0; ///< Every line up to here is committed (or skipped).
  int64_t bytes_received = 0;
  std::string error; ///< Why the job failed or was interrupted.
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::string completed_at;
  bool allow_duplicate_tax_id = false; ///< Rows may repeat a live business's tax id.
  bool resumed = false;                ///< This upload continues an interrupted one.
  bool replayed = false; ///< The job was complete already: this upload imported nothing.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_job& x) {
  return f(x.id, x.tenant_id, x.region, x.job_key, x.format, x.status, x.rows_read,
           x.rows_written, x.rows_failed, x.rows_skipped, x.committed_line,
           x.bytes_received, x.error, x.created_by, x.created_at, x.updated_at,
           x.completed_at, x.allow_duplicate_tax_id, x.resumed, x.replayed);
}

/// An error of one row.
struct import_row_error {
  int64_t line = 0;
  std::string field; ///< JSON pointer ("/tax_id"), "" for the whole record.
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_row_error& x) {
  return f(x.line, x.field, x.detail);
}

/// A job with (a page of) its errors.
struct import_report {
  import_job job;
  std::vector<import_row_error> errors;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_report& x) {
  return f(x.job, x.errors);
}

/// One record of an upload as the HTTP side read it: the create input, or the errors
/// that kept it from being read (then `in` is empty).
struct import_row {
  int64_t line = 0;
  business_input in;
  std::vector<field_error> errors;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_row& x) {
  return f(x.line, x.in, x.errors);
}

/// What an upload is: its format and the client's job key ("" when none).
struct import_spec {
  std::string format;
  std::string job_key;
  bool allow_duplicate_tax_id = false; ///< The override of the duplicate tax id policy.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, import_spec& x) {
  return f(x.format, x.job_key, x.allow_duplicate_tax_id);
}

/// A row of KYB_IMPORT_JOB_COLUMNS; `c` are the columns of its result.
import_job decode_import_job(const row_columns& c, const std::vector<pg_value>& row);

/// A validated business ready to store, with the line it came from.
struct import_ready {
  int64_t line = 0;
  business_record rec;
  std::optional<std::string> tax_hash; ///< HMAC of the normalised tax id
};

/// Appends the statements that store `rows` of tenant `tenant` in `region`: the
/// businesses and their owners, each as one `unnest` statement.
void add_bulk_rows(pg_batch& batch, const platform& p, const base::uuid& tenant,
                   const std::string& region, const std::vector<import_ready>& rows);

/// Appends the statement that stores `errors` of job `job`.
void add_import_errors(pg_batch& batch, const base::uuid& job, const base::uuid& tenant,
                       const std::string& region,
                       const std::vector<import_row_error>& errors);

/// Registers the types above with the actor system.
void register_import_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

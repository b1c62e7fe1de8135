// kybctl import FILE: a bulk upload to the HTTP API (not the cluster console).
#pragma once

#include <string>

namespace kyb {

struct import_options {
  std::string file;
  std::string api = "http://127.0.0.1:8080"; ///< The node's HTTP API.
  std::string key;                           ///< An API key with the write scope.
  std::string format;                        ///< "ndjson", "csv", or "" (by extension)
  std::string job_key;                       ///< Makes a retried upload resume.
  bool allow_duplicate_tax_id = false;       ///< Rows may repeat a tenant's tax id.
  bool as_json = false;
};

/// Uploads, shows progress, prints the job and its errors. Exit code 0 when the job
/// completed with every row written, 1 otherwise (or on HTTP errors), 2 for bad usage.
int run_import(const import_options& o);

} // namespace kyb

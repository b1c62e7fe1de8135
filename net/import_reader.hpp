// The wire formats of bulk import (POST /v1/businesses/bulk): NDJSON (one JSON object
// per line) and CSV (RFC 4180, a header row naming the columns), read incrementally as
// the body streams in. Each record becomes the JSON object a single create would send,
// with the line it started on; a record that cannot be read becomes an error for that
// line, and reading goes on with the next one. Bounded: a record over the size limit is
// an error (its bytes are skipped, not kept). No I/O, no actors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/base/csv_reader.hpp"

namespace kyb::net {

enum class import_format : uint8_t { ndjson, csv };

/// "ndjson" or "csv".
const char* to_string(import_format f) noexcept;

/// The format of a Content-Type: application/x-ndjson, application/ndjson,
/// application/jsonl (NDJSON) or text/csv, optionally with charset=utf-8; nullopt for
/// anything else.
std::optional<import_format> import_format_of(std::string_view content_type);

/// One record of the upload.
struct import_record {
  int64_t line = 0;      ///< The physical line it starts on, from 1.
  nlohmann::json object; ///< The business, as a create body (when no error).
  std::string field;     ///< With an error: the field it is about ("" for the record).
  std::string error;     ///< Why the record could not be read; empty when it could.
};

struct import_limits {
  size_t max_record_bytes = 64 * 1024; ///< One line (NDJSON) or record (CSV).
  size_t max_depth = 16;               ///< JSON nesting (NDJSON lines, CSV owners).
  size_t max_columns = 64;             ///< CSV header columns.
};

class import_reader {
public:
  explicit import_reader(import_format format, import_limits limits = {});

  /// Consumes `bytes`, appending every record they complete to `out`. Returns false
  /// when the upload cannot be read at all (a CSV header that is missing a
  /// legal_name column, names an unknown or repeated column, or is malformed):
  /// fatal_error() says why and later calls do nothing.
  bool feed(std::string_view bytes, std::vector<import_record>& out);

  /// The end of the body: the last record, if it had no line end. Returns false on a
  /// fatal error (also: a CSV upload without a header, or a quoted field never closed).
  bool finish(std::vector<import_record>& out);

  const std::string& fatal_error() const noexcept { return fatal_; }

  /// Lines read so far (complete ones).
  int64_t lines() const noexcept;

  /// The CSV columns (after the header), in order.
  const std::vector<std::string>& columns() const noexcept { return columns_; }

  /// The CSV column names accepted, in the order the documentation lists them.
  static const std::vector<std::string>& csv_columns();

private:
  void ndjson_line(std::vector<import_record>& out);
  bool csv_record(std::vector<import_record>& out);
  bool csv_header();

  import_format format_;
  import_limits limits_;
  std::string fatal_;
  // NDJSON state.
  int64_t line_ = 0;       ///< Complete physical lines consumed.
  std::string current_;    ///< The current line.
  bool oversized_ = false; ///< The current line passed the size limit.
  // CSV state: the one CSV reader, fed byte by byte as the body streams in.
  base::csv_parser csv_;
  std::vector<std::string> columns_;
  bool have_header_ = false;
};

} // namespace kyb::net

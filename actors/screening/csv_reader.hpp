// A strict RFC 4180 reader over decoded text that knows the line every record starts
// on, so loaders can name the line of a malformed row.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// Reads comma-separated records with quoted fields ("" escapes a quote, quoted fields
/// may span lines), CRLF or LF line ends.
class csv_reader {
public:
  /// Outcome of reading one record.
  enum class status {
    record,    ///< `fields` holds the next record.
    end,       ///< No more records.
    malformed, ///< The record is broken; `error()` says how. Reading can continue.
  };

  /// Reads `text` (which must outlive the reader), fields separated by `separator`.
  explicit csv_reader(std::string_view text, char separator = ',');

  /// Reads the next record into `fields`; blank lines are skipped.
  status next(std::vector<std::string>& fields);

  /// Line (1-based) on which the last record returned began.
  size_t line() const noexcept { return record_line_; }

  /// What was wrong with the last malformed record.
  const std::string& error() const noexcept { return error_; }

private:
  void skip_to_next_line();

  std::string_view text_;
  char separator_;
  size_t pos_ = 0;
  size_t current_line_ = 1;
  size_t record_line_ = 0;
  std::string error_;
};

} // namespace kyb::screening

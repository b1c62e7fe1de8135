// The one CSV reader (RFC 4180) of the platform: the sanctions lists, the classification
// data and the bulk import all read their CSV with it. Quoted fields may hold separators,
// doubled quotes ("" is one quote) and line ends; records end with LF or CRLF. It is
// strict where a mistake would shift columns (a quote inside an unquoted field, text
// after a closing quote, a quote never closed), bounded (a field or record over its limit
// is an error, and its bytes are skipped, not kept), and it knows the physical line each
// record starts on so callers can name it. A broken record is reported and reading goes
// on with the next one. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::base {

/// Bounds on what one record may hold.
struct csv_limits {
  size_t max_field_bytes = size_t{1} << 20; ///< One field's value.
  size_t max_record_bytes = size_t{4}
                            << 20; ///< One record as written (quotes, line end).
};

/// Why a record could not be read.
enum class csv_problem : uint8_t {
  none,
  stray_quote,        ///< A quote inside an unquoted field.
  text_after_quote,   ///< Something other than a separator or line end after a closing
                      ///< quote.
  unterminated_quote, ///< The input ends inside a quoted field.
  field_too_long,     ///< A field is longer than max_field_bytes.
  record_too_long,    ///< The record is longer than max_record_bytes.
};

/// The push side: feed bytes one at a time (as they arrive from a socket or a file);
/// each call that completes a record says so, and the record is then readable until the
/// next call. Blank lines are skipped; a UTF-8 byte-order mark at the very start is
/// dropped; a CR outside quotes is dropped (so CRLF ends a record like LF); blanks
/// between a closing quote and the next separator are tolerated.
class csv_parser {
public:
  explicit csv_parser(csv_limits limits = {}, char separator = ',');

  /// Consumes one byte; true when it completes a record.
  bool push(char c);

  /// The end of the input; true when it completes a last record (one without a line end,
  /// or one whose quoted field is never closed).
  bool finish();

  /// The fields of the completed record; empty when it is malformed. May be moved from.
  std::vector<std::string>& fields() noexcept { return fields_; }

  /// What is wrong with the completed record (none when it was read).
  csv_problem problem() const noexcept { return problem_; }

  /// The physical line (from 1) on which the completed record began.
  int64_t line() const noexcept { return record_line_; }

  /// Complete physical lines (LF bytes) consumed so far.
  int64_t lines() const noexcept { return lines_; }

  /// The 1-based field the problem is in (0 when none).
  size_t problem_field() const noexcept { return problem_field_; }

  /// The problem of the completed record in words, naming the field and the limit;
  /// empty when there is none.
  std::string error() const;

  const csv_limits& limits() const noexcept { return limits_; }

private:
  enum class state : uint8_t {
    record_start,
    field_start,
    unquoted,
    quoted,
    quote_in_quoted,
    after_quoted
  };

  bool consume(char c);
  bool end_record();
  void end_field();
  void fail(csv_problem p);
  void keep(char c);
  void start_record();

  csv_limits limits_;
  char separator_;
  state state_ = state::record_start;
  bool completed_ = false; ///< The last push completed a record: reset on the next.
  size_t bom_seen_ = 0;    ///< Leading bytes matched against the byte-order mark.
  bool bom_done_ = false;
  int64_t lines_ = 0;
  int64_t record_line_ = 0;
  size_t record_bytes_ = 0;
  csv_problem problem_ = csv_problem::none;
  size_t problem_field_ = 0;
  std::string field_;
  std::vector<std::string> fields_;
};

/// The pull side over a whole text in memory: the sanctions list loaders and the data
/// files read record by record with it.
class csv_reader {
public:
  /// Outcome of reading one record.
  enum class status {
    record,    ///< `fields` holds the next record.
    end,       ///< No more records.
    malformed, ///< The record is broken; `error()` says how. Reading can continue.
  };

  /// Reads `text` (which must outlive the reader).
  explicit csv_reader(std::string_view text, csv_limits limits = {},
                      char separator = ',');

  /// Reads the next record into `fields` (cleared on a malformed record).
  status next(std::vector<std::string>& fields);

  /// Line (1-based) on which the last record returned began.
  size_t line() const noexcept { return static_cast<size_t>(parser_.line()); }

  /// What was wrong with the last malformed record.
  const std::string& error() const noexcept { return error_; }

private:
  std::string_view text_;
  size_t pos_ = 0;
  bool finished_ = false;
  csv_parser parser_;
  std::string error_;
};

/// `value` as one CSV field for writing: as is, or quoted (quotes doubled) when it holds
/// a separator, a quote or a line end. What csv_reader reads back unchanged.
std::string csv_field(std::string_view value);

} // namespace kyb::base

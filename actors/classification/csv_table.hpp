// The shipped data files as tables: a header row and data rows, read with the one CSV
// reader (runtime/base/csv_reader.hpp: quoted fields, doubled quotes, newlines inside
// quotes, CRLF, a UTF-8 byte-order mark).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/classification/expected.hpp"

namespace kyb::classification {

/// A parsed CSV file: the first row as header, the rest as rows.
class csv_table {
public:
  /// Parses `text`; fails with data_malformed on a record the CSV reader refuses (an
  /// unterminated quote, a stray quote, an oversize field), naming its line.
  static expected<csv_table> parse(std::string_view text);

  /// Reads and parses the file at `path`; data_not_found if it cannot be opened.
  static expected<csv_table> read(const std::string& path);

  /// The column index of `name` (exact match after trimming), or -1.
  int column(std::string_view name) const;

  /// Header cells.
  const std::vector<std::string>& header() const noexcept { return header_; }

  /// Data rows; a row may be shorter than the header.
  const std::vector<std::vector<std::string>>& rows() const noexcept { return rows_; }

  /// Cell `col` of `row`, or "" when the row is short or col < 0.
  static const std::string& cell(const std::vector<std::string>& row, int col);

private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

} // namespace kyb::classification

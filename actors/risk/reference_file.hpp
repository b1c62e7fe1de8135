// Reading the risk engine's reference files (the country list and the MCC tiers):
// CSV with a header row, `#` comment lines, and every problem reported with the line
// it is on, so an operator replacing a file sees exactly which rows to fix.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::risk {

/// A problem in a reference file: the line (1-based; 0 for the file as a whole).
struct file_problem {
  size_t line = 0;
  std::string problem;
};

/// One data row and the line it starts on; cells in the order of the columns asked for.
struct reference_row {
  size_t line = 0;
  std::vector<std::string> cells;
};

/// The data rows of a reference file, or the problems that make it unreadable.
struct reference_rows {
  std::vector<reference_row> rows;
  std::vector<file_problem> problems;
};

/// Reads CSV `text` whose header names exactly `columns` (any order). Lines whose first
/// character is `#` are comments (they must not contain a double quote). Cells are
/// trimmed of spaces. Malformed records, short or long rows, and missing or unknown
/// columns are problems.
reference_rows read_reference_csv(std::string_view text,
                                  const std::vector<std::string>& columns);

/// The bytes of the file at `path`, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

/// "line 7: ..." for each problem, one per line.
std::string describe(const std::vector<file_problem>& problems);

/// A loaded reference file or everything wrong with it. A file with any problem is
/// refused whole: a risk list silently missing a row would under-report risk.
template <class Table>
struct load_result {
  std::optional<Table> table;
  std::vector<file_problem> problems;

  explicit operator bool() const noexcept { return table.has_value(); }
};

/// The outcome of parsing: `table` when there is no problem, else the problems in line
/// order.
template <class Table>
load_result<Table> finish_load(Table table, std::vector<file_problem> problems) {
  load_result<Table> out;
  std::stable_sort(
      problems.begin(), problems.end(),
      [](const file_problem& a, const file_problem& b) { return a.line < b.line; });
  out.problems = std::move(problems);
  if (out.problems.empty())
    out.table = std::move(table);
  return out;
}

/// Reads the file at `path` and parses it with `Table::parse`.
template <class Table>
load_result<Table> load_reference_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) {
    load_result<Table> out;
    out.problems.push_back({0, "cannot read " + path});
    return out;
  }
  return Table::parse(*text);
}

} // namespace kyb::risk

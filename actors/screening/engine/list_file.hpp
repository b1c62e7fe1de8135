// What every list loader does with its file before reading entries: decode the text
// (text_decoder), then parse it as XML (UN, EU) or read it as CSV with a header (US CSL,
// UK OFSI, generic CSV), every failure a load_error naming the file and line.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"
#include "runtime/base/csv_reader.hpp"

namespace kyb::screening {

/// An XML list file: its decoded text and the parsed document.
struct xml_list_file {
  std::string text;
  pugi::xml_document doc;

  /// The line of `node` in the file (0 when pugixml does not know it).
  size_t line_of(const pugi::xml_node& node) const;
};

/// Decodes `file` as UTF-8 and parses it; a truncated or malformed file is an error at
/// the line where parsing stopped.
result<std::unique_ptr<xml_list_file>, load_error> read_xml_list(const source_file& file);

/// A CSV list file read row by row after its header, with the checks every CSV loader
/// makes (a malformed record, a row of another width than the header).
class csv_list_reader {
public:
  using preamble_fn = std::function<bool(const std::vector<std::string>&)>;

  /// Decodes `file` as UTF-8 and reads its header row, first skipping leading records
  /// for which `preamble` is true (OFSI's "Last Updated" line). Errors: undecodable
  /// text, an empty file, a malformed header.
  static result<std::unique_ptr<csv_list_reader>, load_error>
  open(const source_file& file, const preamble_fn& preamble = {});

  /// `text` is the decoded file (kept here: the reader reads from it).
  explicit csv_list_reader(std::string text);
  csv_list_reader(const csv_list_reader&) = delete;
  csv_list_reader& operator=(const csv_list_reader&) = delete;

  /// Reads the header row, first skipping leading records for which `preamble` is
  /// true (OFSI's "Last Updated" line). Errors: an empty file, a malformed header.
  std::optional<load_error> read_header(const std::string& path,
                                        const preamble_fn& preamble = {});

  /// The index of the header column named `name` (ASCII case and surrounding spaces
  /// ignored), or -1.
  long column(std::string_view name) const;

  /// Reads the next row; false at the end. `problem` is empty for a good row, else why
  /// the row cannot be read (malformed, or not as wide as the header).
  bool next(std::string& problem);

  /// Field `c` of the current row, trimmed ("" for -1 or a missing field).
  std::string get(long c) const;

  const std::vector<std::string>& header() const noexcept { return header_; }
  const std::vector<std::string>& row() const noexcept { return row_; }
  /// The line the reader is at (of the last record read).
  size_t line() const noexcept { return reader_.line(); }

private:
  std::string text_;
  base::csv_reader reader_;
  std::vector<std::string> header_;
  std::vector<std::string> row_;
};

} // namespace kyb::screening

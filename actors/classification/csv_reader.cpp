#include "actors/classification/csv_reader.hpp"

#include <fstream>
#include <sstream>

namespace kyb::classification {

expected<csv_table> csv_table::parse(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  std::vector<std::vector<std::string>> all;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false;
  bool row_has_content = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      row_has_content = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
      if (row_has_content || !field.empty()) {
        row.push_back(std::move(field));
        all.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      row_has_content = false;
    } else {
      field += c;
      row_has_content = true;
    }
  }
  if (in_quotes)
    return error{errc::data_malformed, "unterminated quoted field"};
  if (row_has_content || !field.empty()) {
    row.push_back(std::move(field));
    all.push_back(std::move(row));
  }
  csv_table t;
  if (!all.empty()) {
    t.header_ = std::move(all.front());
    t.rows_.assign(std::make_move_iterator(all.begin() + 1),
                   std::make_move_iterator(all.end()));
  }
  return t;
}

expected<csv_table> csv_table::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return error{errc::data_not_found, "cannot open " + path};
  std::ostringstream buf;
  buf << in.rdbuf();
  auto result = parse(buf.str());
  if (!result)
    return error{result.err().code, path + ": " + result.err().message};
  return result;
}

int csv_table::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    std::string_view h = header_[i];
    while (!h.empty() && (h.front() == ' ' || h.front() == '\n'))
      h.remove_prefix(1);
    while (!h.empty() && (h.back() == ' ' || h.back() == '\n' || h.back() == '\r'))
      h.remove_suffix(1);
    if (h == name)
      return static_cast<int>(i);
  }
  return -1;
}

const std::string& csv_table::cell(const std::vector<std::string>& row, int col) {
  static const std::string empty;
  if (col < 0 || static_cast<size_t>(col) >= row.size())
    return empty;
  return row[static_cast<size_t>(col)];
}

} // namespace kyb::classification

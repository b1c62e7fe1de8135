#include "actors/classification/csv_table.hpp"

#include <fstream>
#include <sstream>

#include "runtime/base/csv_reader.hpp"
#include "runtime/base/text.hpp"

namespace kyb::classification {

expected<csv_table> csv_table::parse(std::string_view text) {
  std::vector<std::vector<std::string>> all;
  base::csv_reader reader(text);
  std::vector<std::string> row;
  for (;;) {
    auto st = reader.next(row);
    if (st == base::csv_reader::status::end)
      break;
    if (st == base::csv_reader::status::malformed)
      return error{errc::data_malformed,
                   "line " + std::to_string(reader.line()) + ": " + reader.error()};
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
  for (size_t i = 0; i < header_.size(); ++i)
    if (base::trim(header_[i]) == name)
      return static_cast<int>(i);
  return -1;
}

const std::string& csv_table::cell(const std::vector<std::string>& row, int col) {
  static const std::string empty;
  if (col < 0 || static_cast<size_t>(col) >= row.size())
    return empty;
  return row[static_cast<size_t>(col)];
}

} // namespace kyb::classification

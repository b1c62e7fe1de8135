#include "actors/risk/reference_file.hpp"

#include <fstream>
#include <sstream>

#include "runtime/base/csv_reader.hpp"
#include "runtime/base/text.hpp"

namespace kyb::risk {

namespace {

bool is_comment(const std::vector<std::string>& fields) {
  return !fields.empty() && !fields.front().empty() && fields.front().front() == '#';
}

} // namespace

reference_rows read_reference_csv(std::string_view text,
                                  const std::vector<std::string>& columns) {
  reference_rows out;
  base::csv_reader reader{text};
  std::vector<std::string> fields;
  std::vector<size_t> position; // position[i]: the file column holding columns[i]
  size_t width = 0;
  for (;;) {
    auto st = reader.next(fields);
    if (st == base::csv_reader::status::end)
      break;
    if (st == base::csv_reader::status::malformed) {
      out.problems.push_back({reader.line(), reader.error()});
      continue;
    }
    if (is_comment(fields))
      continue;
    for (auto& f : fields)
      f = std::string{base::trim(f)};
    if (width == 0) {
      width = fields.size();
      position.assign(columns.size(), width);
      for (size_t c = 0; c < fields.size(); ++c) {
        size_t k = 0;
        while (k < columns.size() && columns[k] != fields[c])
          ++k;
        if (k == columns.size())
          out.problems.push_back({reader.line(), "unknown column '" + fields[c] + "'"});
        else if (position[k] != width)
          out.problems.push_back({reader.line(), "column '" + fields[c] + "' twice"});
        else
          position[k] = c;
      }
      for (size_t k = 0; k < columns.size(); ++k)
        if (position[k] == width)
          out.problems.push_back({reader.line(), "missing column '" + columns[k] + "'"});
      if (!out.problems.empty())
        return out;
      continue;
    }
    if (fields.size() != width) {
      out.problems.push_back({reader.line(), "has " + std::to_string(fields.size()) +
                                                 " cells, the header has " +
                                                 std::to_string(width)});
      continue;
    }
    reference_row row{reader.line(), {}};
    for (size_t k = 0; k < columns.size(); ++k)
      row.cells.push_back(fields[position[k]]);
    out.rows.push_back(std::move(row));
  }
  if (width == 0)
    out.problems.push_back({0, "no header row"});
  else if (out.rows.empty() && out.problems.empty())
    out.problems.push_back({0, "no data rows"});
  return out;
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return buf.str();
}

std::string describe(const std::vector<file_problem>& problems) {
  std::string out;
  for (auto& p : problems) {
    if (!out.empty())
      out += '\n';
    out += p.line == 0 ? std::string{"file"} : "line " + std::to_string(p.line);
    out += ": " + p.problem;
  }
  return out;
}

} // namespace kyb::risk

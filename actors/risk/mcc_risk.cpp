#include "actors/risk/mcc_risk.hpp"

#include <set>
#include <utility>

namespace kyb::risk {

bool is_mcc(std::string_view text) {
  if (text.size() != 4)
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  return true;
}

load_result<mcc_risk_table> mcc_risk_table::parse(std::string_view text) {
  auto read = read_reference_csv(text, {"mcc", "tier", "description", "source"});
  auto problems = std::move(read.problems);
  mcc_risk_table table;
  std::set<std::string> seen;
  for (auto& row : read.rows) {
    size_t before = problems.size();
    auto fail = [&](std::string what) {
      problems.push_back({row.line, std::move(what)});
    };
    auto tier = enum_named<mcc_tier>(row.cells[1]);
    if (!is_mcc(row.cells[0]))
      fail("mcc '" + row.cells[0] + "' is not four digits");
    if (!tier)
      fail("tier '" + row.cells[1] + "' is not high or elevated");
    if (row.cells[2].empty())
      fail("description is empty");
    if (row.cells[3].empty())
      fail("source is empty");
    if (problems.size() != before)
      continue;
    if (!seen.insert(row.cells[0]).second) {
      fail("mcc " + row.cells[0] + " is listed twice");
      continue;
    }
    table.rows_.push_back({row.cells[0], *tier, row.cells[2], row.cells[3], row.line});
  }
  return finish_load(std::move(table), std::move(problems));
}

load_result<mcc_risk_table> mcc_risk_table::read(const std::string& path) {
  return load_reference_file<mcc_risk_table>(path);
}

const mcc_listing* mcc_risk_table::find(std::string_view mcc) const {
  for (auto& r : rows_)
    if (r.mcc == mcc)
      return &r;
  return nullptr;
}

} // namespace kyb::risk

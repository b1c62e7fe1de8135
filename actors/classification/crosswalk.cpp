#include "actors/classification/crosswalk.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "actors/classification/csv_table.hpp"
#include "runtime/base/csv_reader.hpp"

namespace kyb::classification {

namespace {

std::string format_float(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", static_cast<double>(v));
  return buf;
}

bool parse_float(const std::string& s, float& out) {
  if (s.empty())
    return false;
  char* end = nullptr;
  out = std::strtof(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

} // namespace

expected<crosswalk> crosswalk::read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return error{errc::data_not_found, "cannot open crosswalk " + path};
  std::ostringstream buf;
  buf << in.rdbuf();
  auto result = parse_csv(buf.str());
  if (!result)
    return error{result.err().code, path + ": " + result.err().message};
  return result;
}

expected<crosswalk> crosswalk::parse_csv(const std::string& text) {
  auto table = csv_table::parse(text);
  if (!table)
    return table.err();
  const char* names[] = {"mcc",      "mcc_description", "naics_2022", "naics_2022_title",
                         "sic_1987", "sic_title",       "weight",     "method",
                         "score"};
  int cols[9];
  for (int i = 0; i < 9; ++i) {
    cols[i] = table->column(names[i]);
    if (cols[i] < 0)
      return error{errc::data_malformed,
                   std::string("crosswalk lacks column ") + names[i]};
  }
  crosswalk xw;
  for (const auto& row : table->rows()) {
    crosswalk_entry e;
    e.mcc = csv_table::cell(row, cols[0]);
    e.mcc_description = csv_table::cell(row, cols[1]);
    e.naics = csv_table::cell(row, cols[2]);
    e.naics_title = csv_table::cell(row, cols[3]);
    e.sic = csv_table::cell(row, cols[4]);
    e.sic_title = csv_table::cell(row, cols[5]);
    e.method = csv_table::cell(row, cols[7]);
    if (!parse_float(csv_table::cell(row, cols[6]), e.weight) ||
        !parse_float(csv_table::cell(row, cols[8]), e.score))
      return error{errc::data_malformed,
                   "crosswalk row for " + e.mcc + " has a bad number"};
    if (e.mcc.size() != 4 || e.naics.size() != 6 || e.sic.size() != 4 ||
        !(e.weight > 0.0f))
      return error{errc::data_malformed, "crosswalk row for '" + e.mcc + "' is invalid"};
    xw.add(std::move(e));
  }
  if (xw.entries_.empty())
    return error{errc::data_malformed, "crosswalk is empty"};
  return xw;
}

std::string crosswalk::to_csv() const {
  std::string out = "mcc,mcc_description,naics_2022,naics_2022_title,sic_1987,sic_title,"
                    "weight,method,score\n";
  for (const auto& e : entries_) {
    out += e.mcc + ',' + base::csv_field(e.mcc_description) + ',' + e.naics + ',' +
           base::csv_field(e.naics_title) + ',' + e.sic + ',' +
           base::csv_field(e.sic_title) + ',' + format_float(e.weight) + ',' + e.method +
           ',' + format_float(e.score) + '\n';
  }
  return out;
}

std::optional<error> crosswalk::write_csv(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return error{errc::data_not_found, "cannot write " + path};
  out << to_csv();
  if (!out)
    return error{errc::model_io_error, "writing " + path + " failed"};
  return std::nullopt;
}

std::vector<size_t> crosswalk::entries_for(const std::string& mcc) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].mcc == mcc)
      out.push_back(i);
  return out;
}

bool crosswalk::links(const std::string& mcc, const std::string& naics,
                      const std::string& sic) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const crosswalk_entry& e) {
    return e.mcc == mcc && e.naics == naics && e.sic == sic;
  });
}

std::vector<std::string> crosswalk::mccs() const {
  std::set<std::string> s;
  for (const auto& e : entries_)
    s.insert(e.mcc);
  return {s.begin(), s.end()};
}

} // namespace kyb::classification

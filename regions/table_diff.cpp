#include "regions/table_diff.hpp"

#include <algorithm>

namespace kyb::regions {

bool table_diff::equal() const {
  return only_source.empty() && only_target.empty() && differ.empty() &&
         source_rows == target_rows;
}

std::vector<std::string> table_diff::ids() const {
  std::vector<std::string> out = only_source;
  out.insert(out.end(), only_target.begin(), only_target.end());
  out.insert(out.end(), differ.begin(), differ.end());
  return out;
}

table_diff compare_rows(const row_hashes& source, const row_hashes& target) {
  table_diff d;
  d.source_rows = source.size();
  d.target_rows = target.size();
  for (auto& [id, h] : source) {
    auto it = target.find(id);
    if (it == target.end())
      d.only_source.push_back(id);
    else if (it->second != h)
      d.differ.push_back(id);
  }
  for (auto& [id, h] : target)
    if (!source.count(id))
      d.only_target.push_back(id);
  return d;
}

table_diff recompare_ids(const table_diff& previous, const std::vector<std::string>& ids,
                         const row_hashes& source, const row_hashes& target) {
  table_diff next;
  for (auto& id : ids) {
    auto a = source.find(id);
    auto b = target.find(id);
    if (a != source.end() && b == target.end())
      next.only_source.push_back(id);
    else if (a == source.end() && b != target.end())
      next.only_target.push_back(id);
    else if (a != source.end() && a->second != b->second)
      next.differ.push_back(id);
  }
  next.source_rows = previous.source_rows;
  // Never below zero: rows may have appeared on the source since `previous` counted.
  auto missing = std::min<uint64_t>(next.only_source.size(), previous.source_rows);
  next.target_rows = previous.source_rows - missing + next.only_target.size();
  return next;
}

nlohmann::json ids_json(const std::vector<std::string>& ids, size_t limit) {
  auto out = nlohmann::json::array();
  for (size_t i = 0; i < ids.size() && i < limit; ++i)
    out.push_back(ids[i]);
  return out;
}

nlohmann::json differences_json(const table_diff& d, size_t limit) {
  return {{"only_source", ids_json(d.only_source, limit)},
          {"only_target", ids_json(d.only_target, limit)},
          {"differ", ids_json(d.differ, limit)},
          {"counts", {d.only_source.size(), d.only_target.size(), d.differ.size()}}};
}

} // namespace kyb::regions

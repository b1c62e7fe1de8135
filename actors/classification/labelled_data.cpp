#include "actors/classification/labelled_data.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <unordered_map>

#include "actors/classification/csv_table.hpp"
#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

namespace {

std::vector<std::string> parse_countries(const std::string& raw) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= raw.size()) {
    auto end = raw.find(';', start);
    if (end == std::string::npos)
      end = raw.size();
    std::string part = raw.substr(start, end - start);
    auto cut = part.find_first_of("-.");
    if (cut != std::string::npos)
      part.erase(cut);
    for (auto& c : part)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (part == "fx")
      part = "fr";
    if (is_iso_country(part) && std::find(out.begin(), out.end(), part) == out.end())
      out.push_back(part);
    start = end + 1;
  }
  return out;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s)
    h = (h ^ c) * 1099511628211ULL;
  return h;
}

struct union_find {
  std::vector<uint32_t> parent;
  explicit union_find(size_t n) : parent(n) {
    std::iota(parent.begin(), parent.end(), 0u);
  }
  uint32_t find(uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b)
      parent[std::max(a, b)] = std::min(a, b);
  }
};

std::string name_key(const std::string& s) {
  return text_normalizer::compact_key(s);
}

} // namespace

expected<std::vector<labelled_brand>> load_labelled_brands(const std::string& path) {
  auto table = csv_table::read(path);
  if (!table)
    return table.err();
  int c_id = table->column("nsi_id"), c_name = table->column("name"),
      c_brand = table->column("brand"), c_tag = table->column("osm_tag"),
      c_cuisine = table->column("cuisine"), c_countries = table->column("countries"),
      c_mcc = table->column("mcc"), c_wikidata = table->column("wikidata"),
      c_description = table->column("description");
  if (c_id < 0 || c_name < 0 || c_brand < 0 || c_mcc < 0)
    return error{errc::data_malformed, path + " lacks nsi_id/name/brand/mcc columns"};
  std::vector<labelled_brand> out;
  for (const auto& row : table->rows()) {
    labelled_brand b;
    b.nsi_id = csv_table::cell(row, c_id);
    b.name = csv_table::cell(row, c_name);
    b.brand = csv_table::cell(row, c_brand);
    b.osm_tag = csv_table::cell(row, c_tag);
    b.cuisine = csv_table::cell(row, c_cuisine);
    b.countries = parse_countries(csv_table::cell(row, c_countries));
    b.mcc = csv_table::cell(row, c_mcc);
    b.wikidata = csv_table::cell(row, c_wikidata); // "" without the column
    b.description = csv_table::cell(row, c_description);
    while (!b.mcc.empty() && b.mcc.size() < 4)
      b.mcc.insert(b.mcc.begin(), '0');
    if (b.mcc.size() != 4 || (b.brand.empty() && b.name.empty()))
      return error{errc::data_malformed, path + ": bad row for " + b.nsi_id};
    if (!text_normalizer::is_valid_utf8(b.name) ||
        !text_normalizer::is_valid_utf8(b.brand) ||
        !text_normalizer::is_valid_utf8(b.description))
      return error{errc::data_malformed, path + ": invalid UTF-8 in " + b.nsi_id};
    out.push_back(std::move(b));
  }
  if (out.empty())
    return error{errc::data_malformed, path + " has no rows"};
  return out;
}

const char* mode_name(input_mode mode) noexcept {
  return mode == input_mode::described ? "described" : "name_only";
}

classification_input to_input(const labelled_brand& row, input_mode mode) {
  classification_input in;
  in.legal_name = row.brand.empty() ? row.name : row.brand;
  if (!row.name.empty() && row.name != in.legal_name)
    in.dba_name = row.name;
  if (mode == input_mode::described && !row.description.empty())
    in.description = row.description + (row.cuisine.empty() ? "" : "; ");
  for (char c : row.cuisine)
    in.description += (c == '_' || c == ';') ? ' ' : c;
  if (!row.countries.empty()) {
    in.country = row.countries.front();
    for (auto& c : in.country)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return in;
}

std::vector<uint32_t> brand_groups(const std::vector<labelled_brand>& rows) {
  union_find uf(rows.size());
  std::unordered_map<std::string, uint32_t> first_with_key;
  auto link = [&](const char* kind, const std::string& value, uint32_t i) {
    if (value.empty())
      return;
    auto [it, inserted] = first_with_key.emplace(kind + value, i);
    if (!inserted)
      uf.unite(it->second, i);
  };
  for (uint32_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    link("b:", name_key(r.brand), i);
    link("b:", name_key(r.name), i);
    link("s:", r.nsi_id.substr(0, r.nsi_id.rfind('-')), i);
  }
  std::vector<uint32_t> ids(rows.size());
  std::unordered_map<uint32_t, uint32_t> root_to_id;
  for (uint32_t i = 0; i < rows.size(); ++i) {
    auto root = uf.find(i);
    auto [it, inserted] =
        root_to_id.emplace(root, static_cast<uint32_t>(root_to_id.size()));
    ids[i] = it->second;
  }
  return ids;
}

std::vector<uint32_t> assign_folds(const std::vector<labelled_brand>& rows,
                                   const std::vector<uint32_t>& groups, uint32_t k) {
  uint32_t num_groups = 0;
  for (auto g : groups)
    num_groups = std::max(num_groups, g + 1);
  std::vector<uint64_t> group_hash(num_groups, 0);
  std::vector<bool> seen(num_groups, false);
  for (size_t i = 0; i < rows.size(); ++i)
    if (!seen[groups[i]]) {
      seen[groups[i]] = true;
      group_hash[groups[i]] = fnv1a(rows[i].nsi_id);
    }
  std::vector<uint32_t> order(num_groups);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return group_hash[a] != group_hash[b] ? group_hash[a] < group_hash[b] : a < b;
  });
  std::vector<uint32_t> group_fold(num_groups, 0);
  for (size_t i = 0; i < order.size(); ++i)
    group_fold[order[i]] = static_cast<uint32_t>(i % std::max(k, 1u));
  std::vector<uint32_t> folds(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    folds[i] = group_fold[groups[i]];
  return folds;
}

} // namespace kyb::classification

#include "actors/classification/feature_index.hpp"

#include <string>

namespace kyb::classification {

void feature_index::build(const std::vector<uint64_t>& hashes) {
  size_t cap = 16;
  while (cap < hashes.size() * 2)
    cap <<= 1;
  table_.assign(cap, 0);
  mask_ = cap - 1;
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t pos = slot_of(hashes[i]);
    while (table_[pos] != 0)
      pos = (pos + 1) & mask_;
    table_[pos] = static_cast<uint32_t>(i + 1);
  }
}

void feature_index::clear() {
  table_.clear();
  mask_ = 0;
}

int32_t feature_index::find(const std::vector<uint64_t>& hashes, uint64_t hash) const {
  if (table_.empty())
    return -1;
  uint64_t pos = slot_of(hash);
  while (true) {
    const uint32_t v = table_[pos];
    if (v == 0)
      return -1;
    if (hashes[v - 1] == hash)
      return static_cast<int32_t>(v - 1);
    pos = (pos + 1) & mask_;
  }
}

std::optional<error> check_postings(const char* model, uint32_t num_classes,
                                    const std::vector<uint64_t>& hashes,
                                    const std::vector<uint32_t>& offsets,
                                    const std::vector<uint16_t>& post_class,
                                    size_t post_values) {
  auto fail = [model](const char* what) {
    return error{errc::model_malformed, std::string(model) + " " + what};
  };
  if (offsets.size() != hashes.size() + 1 || offsets.front() != 0 ||
      offsets.back() != post_class.size() || post_class.size() != post_values)
    return fail("posting offsets are inconsistent");
  for (size_t i = 1; i < offsets.size(); ++i)
    if (offsets[i] < offsets[i - 1])
      return fail("posting offsets decrease");
  for (size_t i = 1; i < hashes.size(); ++i)
    if (hashes[i] <= hashes[i - 1])
      return fail("feature hashes are not sorted");
  for (auto c : post_class)
    if (c >= num_classes)
      return fail("posting names an unknown class");
  return std::nullopt;
}

} // namespace kyb::classification

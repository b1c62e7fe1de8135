// What the two sparse models (linear_model, naive_bayes) share: a posting table of sorted
// feature hashes, each with a run of (class, value) postings, and an index from a hash to
// its row. Pure computation; the models own their tables and call these.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/classification/error.hpp"

namespace kyb::classification {

/// Hash -> row of a sorted hash vector, by open addressing over the hashes' mixed bits.
class feature_index {
public:
  /// Indexes `hashes` (sorted, distinct); find() must be given the same vector.
  void build(const std::vector<uint64_t>& hashes);
  void clear();
  /// The row of `hash` in `hashes`, or -1.
  int32_t find(const std::vector<uint64_t>& hashes, uint64_t hash) const;
  /// find() of every hash of `features` into `rows`, in stages that prefetch the table
  /// and the hashes first (the lookups are cache misses; this way they overlap).
  template <class Features>
  void find_all(const std::vector<uint64_t>& hashes, const Features& features,
                std::vector<int32_t>& rows) const {
    rows.resize(features.size());
    if (table_.empty()) {
      std::fill(rows.begin(), rows.end(), -1);
      return;
    }
    for (size_t i = 0; i < features.size(); ++i)
      __builtin_prefetch(&table_[slot_of(features[i].hash)]);
    for (size_t i = 0; i < features.size(); ++i) {
      const uint32_t v = table_[slot_of(features[i].hash)];
      if (v != 0)
        __builtin_prefetch(&hashes[v - 1]);
    }
    for (size_t i = 0; i < features.size(); ++i)
      rows[i] = find(hashes, features[i].hash);
  }

private:
  uint64_t slot_of(uint64_t hash) const noexcept {
    // The feature hashes are FNV-1a; a final avalanche spreads them over the table.
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    return hash & mask_;
  }

  std::vector<uint32_t> table_; // row + 1; 0 = empty
  uint64_t mask_ = 0;
};

/// Checks a posting table's structure: offsets start at 0, never decrease and end at the
/// number of postings; hashes are sorted and distinct; every posting names a class below
/// `num_classes`. The error names `model` ("linear model", "naive Bayes").
std::optional<error> check_postings(const char* model, uint32_t num_classes,
                                    const std::vector<uint64_t>& hashes,
                                    const std::vector<uint32_t>& offsets,
                                    const std::vector<uint16_t>& post_class,
                                    size_t post_values);

} // namespace kyb::classification

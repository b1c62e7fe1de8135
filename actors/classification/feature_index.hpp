// What the two sparse models (linear_model, naive_bayes) share: a posting table of sorted
// feature hashes, each with a run of (class, value) postings, and an index from a hash to
// its row. Pure computation; the models own their tables and call these.
#pragma once

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

private:
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

// The public nickname table as compiled-in pairs (see tools/gen_nicknames.cpp).
#pragma once

#include <cstddef>

namespace kyb::screening::generated {

/// A given name and one of its nicknames, both normalised, `a` < `b`.
struct nickname_pair {
  const char* a;
  const char* b;
};

extern const nickname_pair nickname_pairs[];
extern const size_t nickname_pair_count;

} // namespace kyb::screening::generated

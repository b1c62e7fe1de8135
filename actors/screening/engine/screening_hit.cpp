#include "actors/screening/engine/screening_hit.hpp"

namespace kyb::screening {

const char* to_string(match_kind k) noexcept {
  switch (k) {
  case match_kind::exact:
    return "exact";
  case match_kind::fuzzy:
    return "fuzzy";
  case match_kind::phonetic:
    return "phonetic";
  case match_kind::joined:
    return "joined";
  case match_kind::split:
    return "split";
  case match_kind::initial:
    return "initial";
  case match_kind::nickname:
    return "nickname";
  case match_kind::variant:
    return "variant";
  case match_kind::number:
    return "number";
  case match_kind::abbreviation:
    return "abbreviation";
  case match_kind::transliterated:
    return "transliterated";
  }
  return "unknown";
}

} // namespace kyb::screening

// Name normalisation shared by the list side and the query side, so both meet in one
// canonical form: Unicode compatibility decomposition, case folding, marks removed,
// other scripts transliterated to Latin, punctuation and spacing folded into tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// Turns a UTF-8 name into lower-case ASCII tokens (letters of scripts without a
/// transliteration, such as Han, are kept as UTF-8).
///
/// Rules: NFKC + case fold; Cyrillic, Greek, Hangul, Arabic and Hebrew transliterated;
/// NFKD with combining marks stripped ("Müller" -> "muller"); apostrophes dropped
/// ("SA'ADI" -> "saadi"); a period after a single letter joins ("S.A." -> "sa",
/// "L.L.C." -> "llc") and otherwise separates; every other non-alphanumeric character
/// separates tokens. Invalid UTF-8 bytes are treated as separators (callers validate).
class normalizer {
public:
  /// The tokens of `utf8`, in order.
  static std::vector<std::string> tokens(std::string_view utf8);

  /// The tokens joined by single spaces ("SALEK, Abdul-Hai" -> "salek abdul hai").
  static std::string fold(std::string_view utf8);
};

} // namespace kyb::screening

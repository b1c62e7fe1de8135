// Name normalisation shared by the list side and the query side, so both meet in one
// canonical form: Unicode compatibility decomposition, case folding, marks removed,
// other scripts transliterated to Latin, punctuation and spacing folded into tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// Turns a UTF-8 name into lower-case ASCII tokens (letters ICU cannot romanise are
/// kept as UTF-8).
///
/// Rules: NFKC + case fold; Cyrillic, Greek, Hangul, Arabic and Hebrew transliterated
/// by our tables (list-style spellings), every other script by ICU (Han as pinyin
/// syllables, Kana, Thai, Devanagari...);
/// NFKD with combining marks stripped ("Müller" -> "muller"); apostrophes dropped
/// ("SA'ADI" -> "saadi"); a period after a single letter joins ("S.A." -> "sa",
/// "L.L.C." -> "llc") and otherwise separates; every other non-alphanumeric character
/// separates tokens. Invalid UTF-8 bytes are treated as separators (callers validate).
class normalizer {
public:
  /// The tokens of `utf8`, in order. `transliterated`, when given, is set to whether
  /// letters of another script were converted to Latin (the tokens are then our
  /// spelling, not the writer's).
  static std::vector<std::string> tokens(std::string_view utf8,
                                         bool* transliterated = nullptr);

  /// True when `utf8` has letters of a script other than Latin (which tokens()
  /// transliterates).
  static bool foreign_script(std::string_view utf8);

  /// True when `utf8` has letters of a syllabic script (Han, Hangul, Kana): romanised,
  /// each token is a syllable, and one edit turns one syllable into another.
  static bool syllabic_script(std::string_view utf8);

  /// The tokens joined by single spaces ("SALEK, Abdul-Hai" -> "salek abdul hai").
  static std::string fold(std::string_view utf8);
};

} // namespace kyb::screening

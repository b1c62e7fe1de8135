// Words that name the same thing without looking alike: nicknames (William / Bill),
// one given name across languages and spellings (Mikhail / Michael, Iosif / Joseph),
// numbers (3 / three / third / 3rd / trois / drei), abbreviations of organisation words
// (Intl / International, Mfg, Bros) and the lists' romanisations of Korean surnames
// (Lee / Yi / Ri). The scorer credits such a pair as a match of its own kind; the index
// finds them through vocabulary::neighbours.
#pragma once

#include <string_view>
#include <vector>

#include "actors/screening/engine/screening_hit.hpp"

namespace kyb::screening {

/// One word related to another, and how.
struct equivalent {
  std::string_view word;
  match_kind kind = match_kind::nickname;
};

/// The built-in tables (immutable, shared).
class name_equivalents {
public:
  /// Every word related to `token` (normalised: lower-case ASCII), with its kind.
  /// Empty for most tokens.
  static const std::vector<equivalent>& of(std::string_view token);

  /// The kind relating `a` and `b`, or nothing (`found` false).
  static bool related(std::string_view a, std::string_view b, match_kind& kind);

  /// The similarity credited for a pair of this kind.
  static double similarity(match_kind kind) noexcept;

  /// True for a title or honorific (dr, gen, sheikh, haji, mullah, mr, sir...): in a
  /// person's name it is down-weighted like a legal form in a company's.
  static bool title(std::string_view token);

  /// True for a number: digits, or a number word or ordinal of the tables ("three",
  /// "3rd", "drei"). A number tells entities apart but never identifies one: it weighs
  /// at least match_options::number_weight and is never evidence.
  static bool number(std::string_view token);

  /// True for an East Slavic patronymic (Ivanovich, Petrovna, Gennadievich): in a
  /// person's name it is down-weighted (match_options::patronymic_weight), since
  /// lists and queries often leave it out.
  static bool patronymic(std::string_view token);

  /// Number of related pairs in the tables (for tests and statistics).
  static size_t pair_count();
};

} // namespace kyb::screening

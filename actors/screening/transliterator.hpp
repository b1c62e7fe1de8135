// Script-to-Latin transliteration for names: Cyrillic (Russian, Ukrainian, Belarusian,
// Serbian, Macedonian), Greek, Hangul (Revised Romanization), and best-effort Arabic,
// Persian and Hebrew (consonant skeletons with the commonest vowel letters).
#pragma once

#include <string>

namespace kyb::screening {

/// Transliterates single code points of non-Latin scripts to lower-case ASCII.
class transliterator {
public:
  /// Appends the Latin form of `cp` (already case-folded) to `out` and returns true;
  /// returns false, appending nothing, for code points it does not handle. `prev` and
  /// `next` are the neighbouring code points (0 at a word edge): Greek, Arabic and
  /// Hebrew letters are written differently at the start or end of a word.
  static bool transliterate(char32_t prev, char32_t cp, char32_t next, std::string& out);

  /// True for code points of the scripts transliterate() covers.
  static bool handles(char32_t cp) noexcept;
};

} // namespace kyb::screening

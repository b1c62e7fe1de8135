// Script-to-Latin transliteration for names: Cyrillic (Russian, Ukrainian, Belarusian,
// Serbian, Macedonian), Greek, Hangul (the lists' McCune-Reischauer style), and
// best-effort Arabic, Persian and Hebrew (consonant skeletons with the commonest vowel
// letters, and the list spellings of the commonest name words). These tables keep the
// romanisations OFAC and the UN use, which ICU's standard transliterators do not give;
// every other script (Han, Kana, Thai, Devanagari, Georgian, Armenian, Ethiopic...) goes
// through ICU ("Any-Latin; Latin-ASCII").
#pragma once

#include <string>
#include <string_view>

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

  /// The spelling the lists use for a whole Arabic, Persian or Hebrew name word whose
  /// letters alone would not give it (the scripts leave short vowels out): "محمد" ->
  /// "muhammad", "الله" -> "allah", "דוד" -> "david". Null for other words. `word` is
  /// case-folded, without marks.
  static const char* name_word(std::u32string_view word);

  /// Transliterates a run of letters of a script transliterate() does not cover (Han,
  /// Kana, Thai, Devanagari, Georgian, Armenian...) with ICU's "Any-Latin; Latin-ASCII"
  /// and appends the lower-case result to `out`. False when ICU gives nothing Latin.
  static bool transliterate_other(std::u32string_view run, std::string& out);

  /// True for a letter of a non-Latin script that transliterate() does not cover: what
  /// transliterate_other() is for.
  static bool other_script_letter(char32_t cp) noexcept;
};

} // namespace kyb::screening

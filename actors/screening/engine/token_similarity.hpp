// How alike two normalised name tokens are. Deliberately gated: a pair scores only if
// it is equal, one edit apart (Damerau; at least one token of 3+ letters, both of 2+;
// the value is then the Jaro-Winkler similarity, floored at 1 - 1/(2 * length) so a
// swap in a short word still counts), or shares a phonetic skeleton; everything else
// is 0. The
// gate is what lets the index enumerate every pair that can score (see
// screening_index.hpp), so the index finds exactly what a full scan finds.
#pragma once

#include <string>
#include <string_view>

#include "actors/screening/engine/screening_hit.hpp"

namespace kyb::screening {

/// Jaro-Winkler similarity of two byte strings (prefix scale 0.1, up to 4 characters).
double jaro_winkler(std::string_view a, std::string_view b) noexcept;

/// True when `a` and `b` are at most one edit apart: one substitution, insertion,
/// deletion or swap of adjacent characters (optimal string alignment distance <= 1).
bool within_one_edit(std::string_view a, std::string_view b) noexcept;

/// A consonant skeleton that transliteration variants share: "mohammed", "muhamad"
/// and Arabic "mhmd" all give "mhmd"; "yusuf" and "youssef" give "ysf". Digraphs
/// (ph, th, dh, kh, gh, sh, zh) and letters (q/c -> k, z -> s, w -> v, x -> ks) are
/// folded, a leading vowel becomes "a", later vowels and doubled letters are dropped.
/// Empty for tokens with digits or non-ASCII letters.
std::string phonetic_key(std::string_view token);

/// The similarity rule itself, with its tunable values.
class token_similarity {
public:
  /// Similarity given to tokens that only share a phonetic key.
  static constexpr double default_phonetic = 0.78;

  explicit token_similarity(double phonetic = default_phonetic) : phonetic_(phonetic) {}

  /// Similarity in [0, 1] of tokens `a` and `b` whose phonetic keys are `key_a` and
  /// `key_b` (as returned by phonetic_key). `strict` (a query romanised from a
  /// syllabic script: Han, Hangul, Kana, whose tokens are short syllables that one
  /// edit turns into another name) allows only equal and equivalent tokens.
  /// `initials` false leaves the initial rule out (two query tokens written together
  /// are never an initial's word).
  double operator()(std::string_view a, std::string_view b, std::string_view key_a,
                    std::string_view key_b, bool strict = false,
                    bool initials = true) const noexcept {
    return classify(a, b, key_a, key_b, strict, initials).similarity;
  }

  /// The similarity and the rule that gave it (the best rule when several apply).
  struct rule {
    double similarity = 0;
    match_kind kind = match_kind::exact;
  };
  rule classify(std::string_view a, std::string_view b, std::string_view key_a,
                std::string_view key_b, bool strict = false,
                bool initials = true) const noexcept;

  /// Similarity of two romanisations of one Korean syllable (korean_vowel_variant).
  static constexpr double korean_vowel_similarity = 0.90;

  /// Similarity of an initial and a word it begins ("j" / "john"). Such a match adds
  /// to the score but never to the evidence: an initial alone matches nothing.
  static constexpr double initial_similarity = 0.85;

  /// True when one of `a`, `b` is a single letter and the other a longer word that
  /// begins with it.
  static bool initial_of(std::string_view a, std::string_view b) noexcept {
    if (a.size() > b.size())
      std::swap(a, b);
    return a.size() == 1 && b.size() >= 2 && a[0] == b[0] && a[0] >= 'a' && a[0] <= 'z';
  }

  /// One-edit matches need both tokens at least this long...
  static constexpr size_t min_fuzzy_length = 2;

  /// ...and the longer one at least this long ("yu" ~ "yyu", not "yu" ~ "ya").
  static constexpr size_t min_fuzzy_longer = 3;

  /// True when tokens of these lengths may match with one edit.
  static bool fuzzy_lengths(size_t a, size_t b) noexcept {
    return a >= min_fuzzy_length && b >= min_fuzzy_length &&
           (a >= min_fuzzy_longer || b >= min_fuzzy_longer);
  }

  /// The similarity given to a pair one edit apart.
  static double one_edit_similarity(std::string_view a, std::string_view b) noexcept;

  /// Shortest phonetic key that may match.
  static constexpr size_t min_key_length = 3;

private:
  double phonetic_;
};

/// True when `a` and `b` are one Korean vowel apart the way the lists' romanisations of
/// one syllable differ: o / u ("song" / "sung") or eo / o and eu / u ("seong" / "song").
/// The one inexact match a syllabic (strict) query allows.
bool korean_vowel_variant(std::string_view a, std::string_view b) noexcept;

/// True when `t` consists of ASCII letters only (fuzzy and phonetic matching apply).
bool fuzzy_eligible(std::string_view t) noexcept;

} // namespace kyb::screening

// Turns raw UTF-8 text into the normalised tokens every model in this folder reads:
// NFKC, case folding and accent stripping (utf8proc), then a split into words, where
// scripts written without spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) form
// "unsegmented" runs that the feature extractor cuts into character n-grams. A
// letter-by-letter romanisation of the alphabetic scripts lets the same word in two
// scripts share evidence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::classification {

/// Where a token came from; fields can weigh differently.
enum class input_field : uint8_t {
  name = 0,        ///< legal name
  dba = 1,         ///< trading name
  description = 2, ///< free-text description
  website = 3,     ///< website text
};

/// Number of input_field values.
constexpr size_t input_field_count = 4;

/// One normalised token.
struct token {
  std::string text;         ///< Normalised text (lower case, no accents, NFKC).
  input_field field;        ///< Which input it came from.
  bool unsegmented = false; ///< True for a run of a script written without spaces.
};

/// Stateless text normalisation and tokenisation.
class text_normalizer {
public:
  /// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code
  /// points above U+10FFFF). On failure `bad_offset`, if given, receives the offset of
  /// the first bad byte.
  static bool is_valid_utf8(std::string_view text, size_t* bad_offset = nullptr);

  /// NFKC + case fold + strip combining marks + drop control characters. Invalid UTF-8
  /// yields an empty string (callers validate first).
  static std::string normalize(std::string_view text);

  /// Normalises `text` and appends its tokens to `out`, at most `max_tokens` of them.
  /// Apostrophes inside a word are dropped ("peet's" -> "peets"); every other
  /// punctuation or symbol separates tokens.
  static void tokenize(std::string_view text, input_field field, size_t max_tokens,
                       std::vector<token>& out);

  /// The normalised words of `text` concatenated ("Peet's Coffee" -> "peetscoffee"):
  /// the key under which names are compared exactly.
  static std::string compact_key(std::string_view text);

  /// Romanises a normalised word written in Cyrillic, Greek, Georgian, Armenian, Hebrew
  /// or Arabic/Persian letters, one letter at a time ("банк" -> "bank", "بانک" ->
  /// "bank"), so that category words shared across scripts share evidence. Other
  /// characters are kept. Returns "" when no letter was romanised.
  static std::string transliterate(std::string_view word);

  /// Convenience: the token texts of `text`, for tests and the crosswalk generator.
  static std::vector<std::string> words(std::string_view text);
};

} // namespace kyb::classification

#include "actors/classification/text_normalizer.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include <utf8proc.h>

#include "runtime/base/text.hpp"

namespace kyb::classification {

namespace {

bool is_unsegmented_script(utf8proc_int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF)       // Thai, Lao
         || (cp >= 0x1000 && cp <= 0x109F)    // Myanmar
         || (cp >= 0x1780 && cp <= 0x17FF)    // Khmer
         || (cp >= 0x1100 && cp <= 0x11FF)    // Hangul Jamo
         || (cp >= 0x3040 && cp <= 0x30FF)    // Hiragana, Katakana
         || (cp >= 0x31F0 && cp <= 0x31FF)    // Katakana extensions
         || (cp >= 0x3130 && cp <= 0x318F)    // Hangul compatibility Jamo
         || (cp >= 0x3400 && cp <= 0x4DBF)    // CJK extension A
         || (cp >= 0x4E00 && cp <= 0x9FFF)    // CJK unified ideographs
         || (cp >= 0xAC00 && cp <= 0xD7AF)    // Hangul syllables
         || (cp >= 0xF900 && cp <= 0xFAFF)    // CJK compatibility ideographs
         || (cp >= 0x20000 && cp <= 0x3FFFF); // CJK extensions B..
}

// Letter -> Latin, sorted by code point: Greek, Cyrillic, Armenian, Hebrew, Arabic and
// Persian, Georgian (lower case; normalize() has folded case and stripped accents).
struct romanisation {
  uint32_t code_point;
  const char* latin;
};
constexpr romanisation romanisations[] = {
    {0x03AC, "a"},  {0x03AD, "e"},  {0x03AE, "i"},  {0x03AF, "i"},  {0x03B1, "a"},
    {0x03B2, "v"},  {0x03B3, "g"},  {0x03B4, "d"},  {0x03B5, "e"},  {0x03B6, "z"},
    {0x03B7, "i"},  {0x03B8, "th"}, {0x03B9, "i"},  {0x03BA, "k"},  {0x03BB, "l"},
    {0x03BC, "m"},  {0x03BD, "n"},  {0x03BE, "x"},  {0x03BF, "o"},  {0x03C0, "p"},
    {0x03C1, "r"},  {0x03C2, "s"},  {0x03C3, "s"},  {0x03C4, "t"},  {0x03C5, "y"},
    {0x03C6, "f"},  {0x03C7, "ch"}, {0x03C8, "ps"}, {0x03C9, "o"},  {0x03CA, "i"},
    {0x03CB, "y"},  {0x03CC, "o"},  {0x03CD, "y"},  {0x03CE, "o"},  {0x0430, "a"},
    {0x0431, "b"},  {0x0432, "v"},  {0x0433, "g"},  {0x0434, "d"},  {0x0435, "e"},
    {0x0436, "zh"}, {0x0437, "z"},  {0x0438, "i"},  {0x0439, "i"},  {0x043A, "k"},
    {0x043B, "l"},  {0x043C, "m"},  {0x043D, "n"},  {0x043E, "o"},  {0x043F, "p"},
    {0x0440, "r"},  {0x0441, "s"},  {0x0442, "t"},  {0x0443, "u"},  {0x0444, "f"},
    {0x0445, "h"},  {0x0446, "ts"}, {0x0447, "ch"}, {0x0448, "sh"}, {0x0449, "sch"},
    {0x044A, ""},   {0x044B, "y"},  {0x044C, ""},   {0x044D, "e"},  {0x044E, "yu"},
    {0x044F, "ya"}, {0x0451, "e"},  {0x0452, "dj"}, {0x0453, "g"},  {0x0454, "e"},
    {0x0455, "dz"}, {0x0456, "i"},  {0x0457, "i"},  {0x0458, "j"},  {0x0459, "lj"},
    {0x045A, "nj"}, {0x045B, "c"},  {0x045C, "k"},  {0x045E, "u"},  {0x045F, "dz"},
    {0x0491, "g"},  {0x0561, "a"},  {0x0562, "b"},  {0x0563, "g"},  {0x0564, "d"},
    {0x0565, "e"},  {0x0566, "z"},  {0x0567, "e"},  {0x0568, "y"},  {0x0569, "t"},
    {0x056A, "zh"}, {0x056B, "i"},  {0x056C, "l"},  {0x056D, "kh"}, {0x056E, "ts"},
    {0x056F, "k"},  {0x0570, "h"},  {0x0571, "dz"}, {0x0572, "gh"}, {0x0573, "ch"},
    {0x0574, "m"},  {0x0575, "y"},  {0x0576, "n"},  {0x0577, "sh"}, {0x0578, "o"},
    {0x0579, "ch"}, {0x057A, "p"},  {0x057B, "j"},  {0x057C, "r"},  {0x057D, "s"},
    {0x057E, "v"},  {0x057F, "t"},  {0x0580, "r"},  {0x0581, "ts"}, {0x0582, "v"},
    {0x0583, "p"},  {0x0584, "k"},  {0x0585, "o"},  {0x0586, "f"},  {0x05D0, "a"},
    {0x05D1, "b"},  {0x05D2, "g"},  {0x05D3, "d"},  {0x05D4, "h"},  {0x05D5, "v"},
    {0x05D6, "z"},  {0x05D7, "h"},  {0x05D8, "t"},  {0x05D9, "i"},  {0x05DA, "k"},
    {0x05DB, "k"},  {0x05DC, "l"},  {0x05DD, "m"},  {0x05DE, "m"},  {0x05DF, "n"},
    {0x05E0, "n"},  {0x05E1, "s"},  {0x05E2, "a"},  {0x05E3, "p"},  {0x05E4, "p"},
    {0x05E5, "ts"}, {0x05E6, "ts"}, {0x05E7, "k"},  {0x05E8, "r"},  {0x05E9, "sh"},
    {0x05EA, "t"},  {0x0621, ""},   {0x0622, "a"},  {0x0623, "a"},  {0x0624, "w"},
    {0x0625, "a"},  {0x0626, "i"},  {0x0627, "a"},  {0x0628, "b"},  {0x0629, "a"},
    {0x062A, "t"},  {0x062B, "th"}, {0x062C, "j"},  {0x062D, "h"},  {0x062E, "kh"},
    {0x062F, "d"},  {0x0630, "dh"}, {0x0631, "r"},  {0x0632, "z"},  {0x0633, "s"},
    {0x0634, "sh"}, {0x0635, "s"},  {0x0636, "d"},  {0x0637, "t"},  {0x0638, "z"},
    {0x0639, "a"},  {0x063A, "gh"}, {0x0641, "f"},  {0x0642, "q"},  {0x0643, "k"},
    {0x0644, "l"},  {0x0645, "m"},  {0x0646, "n"},  {0x0647, "h"},  {0x0648, "w"},
    {0x0649, "a"},  {0x064A, "i"},  {0x067E, "p"},  {0x0686, "ch"}, {0x0698, "zh"},
    {0x06A9, "k"},  {0x06AF, "g"},  {0x06CC, "i"},  {0x10D0, "a"},  {0x10D1, "b"},
    {0x10D2, "g"},  {0x10D3, "d"},  {0x10D4, "e"},  {0x10D5, "v"},  {0x10D6, "z"},
    {0x10D7, "t"},  {0x10D8, "i"},  {0x10D9, "k"},  {0x10DA, "l"},  {0x10DB, "m"},
    {0x10DC, "n"},  {0x10DD, "o"},  {0x10DE, "p"},  {0x10DF, "zh"}, {0x10E0, "r"},
    {0x10E1, "s"},  {0x10E2, "t"},  {0x10E3, "u"},  {0x10E4, "p"},  {0x10E5, "k"},
    {0x10E6, "gh"}, {0x10E7, "q"},  {0x10E8, "sh"}, {0x10E9, "ch"}, {0x10EA, "ts"},
    {0x10EB, "dz"}, {0x10EC, "ts"}, {0x10ED, "ch"}, {0x10EE, "kh"}, {0x10EF, "j"},
    {0x10F0, "h"},
};

const char* romanise(uint32_t cp) {
  const auto* end = std::end(romanisations);
  const auto* it = std::lower_bound(
      std::begin(romanisations), end, cp,
      [](const romanisation& r, uint32_t v) { return r.code_point < v; });
  return it != end && it->code_point == cp ? it->latin : nullptr;
}

enum class char_class { separator, word, unsegmented, joiner };

char_class classify(utf8proc_int32_t cp) {
  if (cp == '\'' || cp == 0x2019 || cp == 0x02BC)
    return char_class::joiner;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
  case UTF8PROC_CATEGORY_MN: // marks that survive STRIPMARK (none expected) stay put
  case UTF8PROC_CATEGORY_MC:
    return is_unsegmented_script(cp) ? char_class::unsegmented : char_class::word;
  default:
    return char_class::separator;
  }
}

} // namespace

bool text_normalizer::is_valid_utf8(std::string_view text, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    auto len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len <= 0 || cp < 0) {
      if (bad_offset)
        *bad_offset = i;
      return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

namespace {

/// Printable ASCII only (no control character, no byte above 0x7E): the text
/// normalize() leaves as it is but for the case, and whose characters classify() sorts
/// by the letters and digits alone.
bool plain_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c > 0x7E)
      return false;
  return true;
}

bool ascii_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

} // namespace

std::string text_normalizer::normalize(std::string_view text) {
  if (text.empty())
    return {};
  // NFKC, case folding and mark stripping change nothing in printable ASCII but the case
  // (utf8proc gives the same bytes, at many times the cost).
  if (plain_ascii(text)) {
    std::string out(text);
    for (auto& c : out)
      c = base::ascii_lower(c);
    return out;
  }
  utf8proc_uint8_t* out = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                                UTF8PROC_STRIPCC | UTF8PROC_IGNORE);
  auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                          static_cast<utf8proc_ssize_t>(text.size()), &out, options);
  if (len < 0) {
    std::free(out);
    return {};
  }
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  std::free(out);
  return result;
}

void text_normalizer::tokenize(std::string_view text, input_field field,
                               size_t max_tokens, std::vector<token>& out) {
  if (plain_ascii(text)) {
    // The same tokens as below, without decoding: in printable ASCII the word
    // characters are the letters and digits, "'" joins inside a word, the rest separate.
    size_t emitted = 0, i = 0;
    const size_t n = text.size();
    while (i < n && emitted < max_tokens) {
      if (!ascii_word_char(text[i])) {
        ++i;
        continue;
      }
      std::string word;
      while (i < n && (ascii_word_char(text[i]) || text[i] == '\'')) {
        if (text[i] != '\'')
          word +=
              base::ascii_lower(text[i]); // an apostrophe inside a word joins ("peet's")
        ++i;
      }
      out.push_back(token{std::move(word), field, false});
      ++emitted;
    }
    return;
  }
  const std::string norm = normalize(text);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(norm.data());
  const auto n = static_cast<utf8proc_ssize_t>(norm.size());
  size_t emitted = 0;
  std::string current;
  char_class current_class = char_class::separator;
  auto flush = [&] {
    if (!current.empty() && emitted < max_tokens) {
      out.push_back(token{current, field, current_class == char_class::unsegmented});
      ++emitted;
    }
    current.clear();
    current_class = char_class::separator;
  };
  utf8proc_ssize_t i = 0;
  while (i < n && emitted < max_tokens) {
    utf8proc_int32_t cp = 0;
    auto len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0)
      break;
    auto cls = classify(cp);
    if (cls == char_class::joiner) {
      // Inside a word, an apostrophe joins ("peet's"); elsewhere it separates.
      if (current_class != char_class::word)
        flush();
    } else if (cls == char_class::separator) {
      flush();
    } else {
      if (cls != current_class)
        flush();
      current_class = cls;
      current.append(norm, static_cast<size_t>(i), static_cast<size_t>(len));
    }
    i += len;
  }
  flush();
}

std::string text_normalizer::compact_key(std::string_view text) {
  std::vector<token> toks;
  tokenize(text, input_field::name, static_cast<size_t>(-1), toks);
  std::string key;
  for (const auto& t : toks)
    key += t.text;
  return key;
}

std::string text_normalizer::transliterate(std::string_view word) {
  if (plain_ascii(word))
    return {}; // nothing to romanise
  std::string out;
  bool romanised = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
  const auto n = static_cast<utf8proc_ssize_t>(word.size());
  utf8proc_ssize_t i = 0;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    auto len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0)
      return {};
    if (const char* latin = cp > 0 ? romanise(static_cast<uint32_t>(cp)) : nullptr) {
      out += latin;
      romanised = true;
    } else {
      out.append(word.substr(static_cast<size_t>(i), static_cast<size_t>(len)));
    }
    i += len;
  }
  return romanised ? out : std::string();
}

std::vector<std::string> text_normalizer::words(std::string_view text) {
  std::vector<token> toks;
  tokenize(text, input_field::description, static_cast<size_t>(-1), toks);
  std::vector<std::string> out;
  out.reserve(toks.size());
  for (auto& t : toks)
    out.push_back(std::move(t.text));
  return out;
}

} // namespace kyb::classification

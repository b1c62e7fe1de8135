#include "actors/classification/text_normalizer.hpp"

#include <cstdlib>

#include <utf8proc.h>

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

std::string text_normalizer::normalize(std::string_view text) {
  if (text.empty())
    return {};
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

#include "actors/screening/engine/normalizer.hpp"

#include <cstdlib>
#include <utf8proc.h>

#include "actors/screening/engine/transliterator.hpp"

namespace kyb::screening {

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  return true;
}

/// Runs utf8proc_map; returns false (leaving `out` alone) if utf8proc rejects input.
bool map_utf8(std::string_view in, utf8proc_option_t options, std::string& out) {
  utf8proc_uint8_t* dst = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                        static_cast<utf8proc_ssize_t>(in.size()), &dst, options);
  if (n < 0) {
    std::free(dst);
    return false;
  }
  out.assign(reinterpret_cast<const char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return true;
}

bool is_apostrophe(char32_t c) {
  switch (c) {
  case U'\'':
  case U'`':
  case 0x00B4: // acute accent
  case 0x02B9: // modifier prime
  case 0x02BB: // turned comma (ʻokina)
  case 0x02BC: // modifier apostrophe
  case 0x02BE: // right half ring (ʾ, hamza in transliteration)
  case 0x02BF: // left half ring (ʿ, ain in transliteration)
  case 0x2018:
  case 0x2019:
  case 0x201B:
  case 0x2032:
    return true;
  default:
    return false;
  }
}

/// Latin letters that have no decomposition but a conventional ASCII spelling.
const char* latin_special(char32_t c) {
  switch (c) {
  case 0x00F8:
    return "o"; // ø
  case 0x00E6:
    return "ae"; // æ
  case 0x0153:
    return "oe"; // œ
  case 0x0111:
    return "d"; // đ
  case 0x0142:
    return "l"; // ł
  case 0x0131:
    return "i"; // dotless i
  case 0x00FE:
    return "th"; // þ
  case 0x00F0:
    return "d"; // ð
  case 0x014B:
    return "ng"; // ŋ
  case 0x0127:
    return "h"; // ħ
  case 0x0167:
    return "t"; // ŧ
  case 0x0138:
    return "k"; // ĸ
  case 0x017F:
    return "s"; // long s
  case 0x00DF:
    return "ss"; // ß
  case 0x0259:
    return "e"; // schwa (Azerbaijani)
  default:
    return nullptr;
  }
}

/// Splits decoded text into tokens, applying the apostrophe and period rules.
class tokenizer {
public:
  explicit tokenizer(std::vector<std::string>& out) : out_(out) {}

  void letter(std::string_view s) {
    cur_ += s;
    segment_ += s.size();
  }

  void apostrophe() {}

  void period() {
    // "S.A." and "L.L.C." are written-out abbreviations: keep the letters together.
    if (segment_ == 1) {
      segment_ = 0;
      return;
    }
    separator();
  }

  void separator() {
    if (!cur_.empty())
      out_.push_back(std::move(cur_));
    cur_.clear();
    segment_ = 0;
  }

  void finish() { separator(); }

private:
  std::vector<std::string>& out_;
  std::string cur_;
  size_t segment_ = 0;
};

void tokenize_ascii(std::string_view s, std::vector<std::string>& out) {
  tokenizer t(out);
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      char l = static_cast<char>(c - 'A' + 'a');
      t.letter(std::string_view(&l, 1));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      t.letter(std::string_view(&c, 1));
    } else if (c == '\'' || c == '`') {
      t.apostrophe();
    } else if (c == '.') {
      t.period();
    } else {
      t.separator();
    }
  }
  t.finish();
}

/// Decodes `s` into code points (invalid bytes become U+FFFD).
std::u32string decode(std::string_view s) {
  std::u32string cps;
  cps.reserve(s.size());
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      cps.push_back(0xFFFD);
      ++p;
      --left;
      continue;
    }
    cps.push_back(static_cast<char32_t>(cp));
    p += n;
    left -= n;
  }
  return cps;
}

bool semitic_letter(char32_t c) {
  return (c >= 0x0621 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) ||
         (c >= 0x05D0 && c <= 0x05EA);
}

/// Arabic harakat and Hebrew points: written inside words, not letters of them.
bool semitic_mark(char32_t c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0640 || c == 0x0670 ||
         (c >= 0x0591 && c <= 0x05C7);
}

bool combining_mark(char32_t c) {
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
         cat == UTF8PROC_CATEGORY_ME;
}

void append_utf8(char32_t cp, std::string& out) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

} // namespace

std::vector<std::string> normalizer::tokens(std::string_view utf8, bool* transliterated) {
  std::vector<std::string> out;
  if (transliterated)
    *transliterated = false;
  if (is_ascii(utf8)) {
    tokenize_ascii(utf8, out);
    return out;
  }
  // 1. Compose and fold case first, so letters such as Cyrillic й keep their identity
  //    for transliteration; LUMP maps typographic quotes, dashes and spaces to ASCII.
  std::string composed;
  auto opt1 = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                             UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                             UTF8PROC_IGNORE | UTF8PROC_LUMP);
  if (!map_utf8(utf8, opt1, composed))
    composed.assign(utf8);
  // 2. Transliterate other scripts to Latin: the lists' spellings of common Arabic and
  //    Hebrew name words first, then letter by letter; scripts without a table of our
  //    own through ICU, a run of letters at a time.
  auto cps = decode(composed);
  std::string latin;
  latin.reserve(composed.size());
  bool converted = false;
  for (size_t i = 0; i < cps.size(); ++i) {
    char32_t cp = cps[i];
    char32_t prev = i > 0 ? cps[i - 1] : 0;
    if (cp < 0x80) {
      latin += static_cast<char>(cp);
      continue;
    }
    if (semitic_letter(cp) && !semitic_letter(prev)) {
      size_t end = i;
      while (end < cps.size() && (semitic_letter(cps[end]) || semitic_mark(cps[end])))
        ++end;
      std::u32string word;
      for (size_t k = i; k < end; ++k)
        if (!semitic_mark(cps[k]))
          word += cps[k];
      if (auto w = transliterator::name_word(word)) {
        latin += w;
        converted = true;
        i = end - 1;
        continue;
      }
      // The Arabic article is a word of its own in Latin spellings ("al-Qadir").
      if (word.size() > 3 && word[0] == 0x0627 && word[1] == 0x0644) {
        latin += "al ";
        converted = true;
        if (auto w = transliterator::name_word(word.substr(2))) {
          latin += w;
          i = end - 1;
        } else {
          i += 1; // the letters after the article, one by one
        }
        continue;
      }
    }
    if (transliterator::other_script_letter(cp)) {
      size_t end = i;
      while (end < cps.size() &&
             (transliterator::other_script_letter(cps[end]) || combining_mark(cps[end])))
        ++end;
      if (transliterator::transliterate_other(std::u32string_view(cps).substr(i, end - i),
                                              latin)) {
        converted = true;
        i = end - 1;
        continue;
      }
    }
    char32_t next = i + 1 < cps.size() ? cps[i + 1] : 0;
    if (transliterator::transliterate(prev, cp, next, latin)) {
      converted = converted || transliterator::handles(cp);
      continue;
    }
    append_utf8(cp, latin);
  }
  if (transliterated)
    *transliterated = converted;
  // 3. Decompose and strip the marks left on Latin letters.
  std::string stripped;
  if (is_ascii(latin)) {
    tokenize_ascii(latin, out);
    return out;
  }
  auto opt2 = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                             UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
                                             UTF8PROC_CASEFOLD);
  if (!map_utf8(latin, opt2, stripped))
    stripped = latin;
  // 4. Tokenize.
  tokenizer t(out);
  for (char32_t cp : decode(stripped)) {
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        t.letter(std::string_view(&c, 1));
      else if (c == '\'' || c == '`')
        t.apostrophe();
      else if (c == '.')
        t.period();
      else
        t.separator();
      continue;
    }
    if (is_apostrophe(cp)) {
      t.apostrophe();
      continue;
    }
    if (auto s = latin_special(cp)) {
      t.letter(s);
      continue;
    }
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: {
      std::string s;
      append_utf8(cp, s);
      t.letter(s);
      break;
    }
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      break;
    default:
      t.separator();
    }
  }
  t.finish();
  return out;
}

bool normalizer::foreign_script(std::string_view utf8) {
  if (is_ascii(utf8))
    return false;
  for (char32_t cp : decode(utf8))
    if (cp >= 0x0370 &&
        (transliterator::handles(cp) || transliterator::other_script_letter(cp)))
      return true;
  return false;
}

bool normalizer::syllabic_script(std::string_view utf8) {
  if (is_ascii(utf8))
    return false;
  for (char32_t cp : decode(utf8))
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3040 && cp <= 0x30FF) ||
        (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F))
      return true;
  return false;
}

std::string normalizer::fold(std::string_view utf8) {
  std::string s;
  for (auto& t : tokens(utf8)) {
    if (!s.empty())
      s += ' ';
    s += t;
  }
  return s;
}

} // namespace kyb::screening

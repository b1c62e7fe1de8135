#include "actors/screening/transliterator.hpp"

namespace kyb::screening {

namespace {

// Russian / Ukrainian / Belarusian lower case U+0430-U+044F (BGN/PCGN-like, the style
// OFAC and the UN use: й -> y, х -> kh, ц -> ts, signs dropped).
const char* const cyrillic_basic[32] = {
    "a",  "b",  "v",  "g",    "d", "e", "zh", "z", "i",  "y",  "k",
    "l",  "m",  "n",  "o",    "p", "r", "s",  "t", "u",  "f",  "kh",
    "ts", "ch", "sh", "shch", "",  "y", "",   "e", "yu", "ya",
};

// U+0450-U+045F: ѐ ё ђ ѓ є ѕ і ї ј љ њ ћ ќ ѝ ў џ
const char* const cyrillic_ext[16] = {
    "e", "e", "dj", "g", "ye", "dz", "i", "yi", "j", "lj", "nj", "c", "k", "i", "u", "dz",
};

// Greek lower case U+03B1-U+03C9.
const char* const greek_basic[25] = {
    "a", "v", "g", "d", "e", "z", "i", "th", "i", "k",  "l",  "m", "n",
    "x", "o", "p", "r", "s", "s", "t", "y",  "f", "ch", "ps", "o",
};

bool is_arabic_letter(char32_t c) {
  return (c >= 0x0621 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3);
}

bool is_hebrew_letter(char32_t c) {
  return c >= 0x05D0 && c <= 0x05EA;
}

const char* arabic(char32_t prev, char32_t cp) {
  bool initial = !is_arabic_letter(prev);
  switch (cp) {
  case 0x0621:
    return ""; // hamza
  case 0x0622:
    return "a"; // alef madda
  case 0x0623:
    return "a"; // alef hamza above
  case 0x0624:
    return "u"; // waw hamza
  case 0x0625:
    return "i"; // alef hamza below
  case 0x0626:
    return "i"; // yeh hamza
  case 0x0627:
    return "a"; // alef
  case 0x0628:
    return "b";
  case 0x0629:
    return "a"; // teh marbuta
  case 0x062A:
    return "t";
  case 0x062B:
    return "th";
  case 0x062C:
    return "j";
  case 0x062D:
    return "h";
  case 0x062E:
    return "kh";
  case 0x062F:
    return "d";
  case 0x0630:
    return "dh";
  case 0x0631:
    return "r";
  case 0x0632:
    return "z";
  case 0x0633:
    return "s";
  case 0x0634:
    return "sh";
  case 0x0635:
    return "s";
  case 0x0636:
    return "d";
  case 0x0637:
    return "t";
  case 0x0638:
    return "z";
  case 0x0639:
    return initial ? "a" : ""; // ain: a vowel carrier in Latin spellings
  case 0x063A:
    return "gh";
  case 0x0641:
    return "f";
  case 0x0642:
    return "q";
  case 0x0643:
    return "k";
  case 0x0644:
    return "l";
  case 0x0645:
    return "m";
  case 0x0646:
    return "n";
  case 0x0647:
    return "h";
  case 0x0648:
    return initial ? "w" : "u";
  case 0x0649:
    return "a"; // alef maksura
  case 0x064A:
    return initial ? "y" : "i";
  case 0x0671:
    return "a";
  case 0x067E:
    return "p";
  case 0x0686:
    return "ch";
  case 0x0698:
    return "zh";
  case 0x06A9:
    return "k";
  case 0x06AF:
    return "g";
  case 0x06CC:
    return initial ? "y" : "i"; // Persian yeh
  case 0x06C1:
    return "h";
  case 0x06D2:
    return "e";
  default:
    return nullptr;
  }
}

const char* hebrew(char32_t prev, char32_t cp, char32_t next) {
  bool initial = !is_hebrew_letter(prev);
  bool final = !is_hebrew_letter(next);
  switch (cp) {
  case 0x05D0:
    return initial ? "a" : ""; // alef
  case 0x05D1:
    return "b";
  case 0x05D2:
    return "g";
  case 0x05D3:
    return "d";
  case 0x05D4:
    return final ? "e" : "h"; // he: silent vowel at the end
  case 0x05D5:
    return "v"; // vav: as in David, written dvd
  case 0x05D6:
    return "z";
  case 0x05D7:
    return "ch";
  case 0x05D8:
    return "t";
  case 0x05D9:
    return initial ? "y" : "i";
  case 0x05DA:
    return "kh";
  case 0x05DB:
    return "k";
  case 0x05DC:
    return "l";
  case 0x05DD:
    return "m";
  case 0x05DE:
    return "m";
  case 0x05DF:
    return "n";
  case 0x05E0:
    return "n";
  case 0x05E1:
    return "s";
  case 0x05E2:
    return ""; // ayin
  case 0x05E3:
    return "f";
  case 0x05E4:
    return "p";
  case 0x05E5:
    return "ts";
  case 0x05E6:
    return "ts";
  case 0x05E7:
    return "k";
  case 0x05E8:
    return "r";
  case 0x05E9:
    return "sh";
  case 0x05EA:
    return "t";
  default:
    return nullptr;
  }
}

// Hangul syllables U+AC00-U+D7A3, Revised Romanization.
const char* const hangul_lead[19] = {"g",  "kk", "n", "d",  "tt", "r", "m",
                                     "b",  "pp", "s", "ss", "",   "j", "jj",
                                     "ch", "k",  "t", "p",  "h"};
const char* const hangul_vowel[21] = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo",
                                      "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                      "wo", "we", "wi", "yu",  "eu", "ui", "i"};
const char* const hangul_tail[28] = {"",  "k",  "k", "k", "n", "n", "n", "t", "l", "k",
                                     "m", "l",  "l", "l", "p", "l", "m", "p", "p", "t",
                                     "t", "ng", "t", "t", "k", "t", "p", "t"};

bool is_greek(char32_t c) {
  return c >= 0x0370 && c <= 0x03FF;
}

} // namespace

bool transliterator::handles(char32_t cp) noexcept {
  return (cp >= 0x0400 && cp <= 0x04FF) || is_greek(cp) ||
         (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0590 && cp <= 0x05FF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3);
}

bool transliterator::transliterate(char32_t prev, char32_t cp, char32_t next,
                                   std::string& out) {
  if (cp >= 0x0430 && cp <= 0x044F) {
    out += cyrillic_basic[cp - 0x0430];
    return true;
  }
  if (cp >= 0x0450 && cp <= 0x045F) {
    out += cyrillic_ext[cp - 0x0450];
    return true;
  }
  // Upper case arrives only when case folding was skipped.
  if (cp >= 0x0400 && cp <= 0x040F)
    return transliterate(prev, cp + 0x50, next, out);
  if (cp >= 0x0410 && cp <= 0x042F)
    return transliterate(prev, cp + 0x20, next, out);
  if (cp == 0x0491) { // ґ
    out += "g";
    return true;
  }
  if (cp >= 0x0400 && cp <= 0x04FF)
    return true; // other Cyrillic letters and signs: dropped rather than kept raw
  if (is_greek(cp)) {
    switch (cp) {
    case 0x03AC:
      out += "a";
      return true; // ά
    case 0x03AD:
      out += "e";
      return true; // έ
    case 0x03AE:
      out += "i";
      return true; // ή
    case 0x03AF:
    case 0x03CA:
    case 0x0390:
      out += "i";
      return true; // ί ϊ ΐ
    case 0x03CC:
      out += "o";
      return true; // ό
    case 0x03CD:
    case 0x03CB:
    case 0x03B0:
      out += "y";
      return true; // ύ ϋ ΰ
    case 0x03CE:
      out += "o";
      return true; // ώ
    default:
      break;
    }
    if (cp >= 0x03B1 && cp <= 0x03C9) {
      if (cp == 0x03C5 && (prev == 0x03BF || prev == 0x03CC)) { // ου -> ou
        out += "u";
        return true;
      }
      if (cp == 0x03C5 && (prev == 0x03B1 || prev == 0x03B5)) { // αυ, ευ -> av, ev
        out += "v";
        return true;
      }
      out += greek_basic[cp - 0x03B1];
      return true;
    }
    if (cp >= 0x0391 && cp <= 0x03A9)
      return transliterate(prev, cp + 0x20, next, out);
    return true; // tonos signs and archaic letters: dropped
  }
  if (cp >= 0x0660 && cp <= 0x0669) { // Arabic-Indic digits
    out += static_cast<char>('0' + (cp - 0x0660));
    return true;
  }
  if (cp >= 0x06F0 && cp <= 0x06F9) { // Persian digits
    out += static_cast<char>('0' + (cp - 0x06F0));
    return true;
  }
  if (cp >= 0x0600 && cp <= 0x06FF) {
    if (auto s = arabic(prev, cp)) {
      out += s;
      return true;
    }
    // Harakat, tatweel and other signs: not letters of the name.
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0640 || cp == 0x0670)
      return true;
    return false;
  }
  if (cp >= 0x0590 && cp <= 0x05FF) {
    if (auto s = hebrew(prev, cp, next)) {
      out += s;
      return true;
    }
    return cp < 0x05D0; // points and cantillation: dropped
  }
  if (cp >= 0xAC00 && cp <= 0xD7A3) {
    unsigned s = cp - 0xAC00;
    unsigned lead = s / (21 * 28);
    unsigned vowel = (s % (21 * 28)) / 28;
    unsigned tail = s % 28;
    // Each syllable becomes its own token: romanized Korean names are written
    // syllable by syllable ("Kim Jong Un", "Han Yu-ro").
    out += hangul_lead[lead];
    out += hangul_vowel[vowel];
    out += hangul_tail[tail];
    out += ' ';
    return true;
  }
  return false;
}

} // namespace kyb::screening

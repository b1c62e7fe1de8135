#include "actors/screening/engine/transliterator.hpp"

#include <algorithm>
#include <iterator>
#include <memory>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

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

// Hangul syllables U+AC00-U+D7A3, in the style the lists write Korean names (OFAC and
// the UN follow McCune-Reischauer without its breves: "Kim Jong Un", "Pak Jin Hyok",
// "Choe Ryong Hae"): initial g, d, b voiceless (k, t, p), eo -> o, eu -> u. Revised
// Romanization spellings ("Gim", "Jeong", "Eun") are one edit from these.
const char* const hangul_lead[19] = {"k",  "kk", "n", "t",  "tt", "r", "m",
                                     "p",  "pp", "s", "ss", "",   "j", "jj",
                                     "ch", "k",  "t", "p",  "h"};
const char* const hangul_vowel[21] = {"a",  "ae", "ya", "yae", "o",  "e",  "yo",
                                      "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                      "wo", "we", "wi", "yu",  "u",  "ui", "i"};
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

namespace {

/// Arabic and Persian letter variants folded before a word lookup: alef with hamza or
/// madda -> alef, Persian yeh and alef maksura -> yeh, keheh -> kaf, teh marbuta -> heh.
char32_t fold_arabic(char32_t c) {
  switch (c) {
  case 0x0623:
  case 0x0625:
  case 0x0622:
  case 0x0671:
    return 0x0627;
  case 0x06CC:
  case 0x0649:
  case 0x0626:
    return 0x064A;
  case 0x06A9:
    return 0x0643;
  case 0x0629:
    return 0x0647;
  default:
    return c;
  }
}

struct name_word_entry {
  std::u32string_view word; ///< Folded with fold_arabic().
  const char* latin;
};

// The commonest words of Arabic and Persian names, spelt the way OFAC and the UN spell
// them most often (other spellings are one edit or one phonetic key away).
constexpr name_word_entry arabic_words[] = {
    {U"محمد", "muhammad"},     {U"احمد", "ahmad"},      {U"محمود", "mahmud"},
    {U"مصطفي", "mustafa"},     {U"عبد", "abd"},         {U"الله", "allah"},
    {U"عبدالله", "abdullah"},  {U"علي", "ali"},         {U"حسن", "hassan"},
    {U"حسين", "husayn"},       {U"خالد", "khalid"},     {U"عمر", "umar"},
    {U"عثمان", "uthman"},      {U"يوسف", "yusuf"},      {U"ابراهيم", "ibrahim"},
    {U"اسماعيل", "ismail"},    {U"موسي", "musa"},       {U"عيسي", "isa"},
    {U"سعيد", "said"},         {U"سعد", "saad"},        {U"صالح", "salih"},
    {U"ناصر", "nasir"},        {U"جمال", "jamal"},      {U"كريم", "karim"},
    {U"الرحمن", "al rahman"},  {U"رحمن", "rahman"},     {U"الرحيم", "al rahim"},
    {U"عزيز", "aziz"},         {U"العزيز", "al aziz"},  {U"فاطمه", "fatima"},
    {U"عايشه", "aisha"},       {U"مريم", "maryam"},     {U"زينب", "zaynab"},
    {U"خديجه", "khadija"},     {U"ابو", "abu"},         {U"بن", "bin"},
    {U"ابن", "ibn"},           {U"بنت", "bint"},        {U"حمد", "hamad"},
    {U"حامد", "hamid"},        {U"رشيد", "rashid"},     {U"منصور", "mansur"},
    {U"طارق", "tariq"},        {U"زياد", "ziyad"},      {U"وليد", "walid"},
    {U"فيصل", "faysal"},       {U"سلمان", "salman"},    {U"سليمان", "sulayman"},
    {U"قاسم", "qasim"},        {U"جعفر", "jafar"},      {U"هادي", "hadi"},
    {U"مهدي", "mahdi"},        {U"نور", "nur"},         {U"الدين", "al din"},
    {U"شريف", "sharif"},       {U"اسامه", "usama"},     {U"لادن", "ladin"},
    {U"القاعده", "al qaida"},  {U"حزب", "hizb"},        {U"جبهه", "jabhat"},
    {U"رضا", "reza"},          {U"مرتضي", "morteza"},   {U"جواد", "javad"},
    {U"كاظم", "kazem"},        {U"امير", "amir"},       {U"عباس", "abbas"},
    {U"نصرالله", "nasrallah"}, {U"مجيد", "majid"},      {U"سيد", "sayyid"},
    {U"شيخ", "shaykh"},        {U"حاجي", "haji"},       {U"ملا", "mullah"},
    {U"يحيي", "yahya"},        {U"حقاني", "haqqani"},   {U"غياث", "ghiyas"},
    {U"طيب", "tayyib"},        {U"سيف", "sayf"},        {U"زكريا", "zakariya"},
    {U"عماد", "imad"},         {U"حافظ", "hafiz"},      {U"فتاح", "fattah"},
    {U"حليم", "halim"},        {U"نايل", "nail"},       {U"صديق", "siddiq"},
    {U"سرور", "sarwar"},       {U"مسعود", "masud"},     {U"برادر", "baradar"},
    {U"غني", "ghani"},         {U"قادر", "qadir"},      {U"شمس", "shams"},
    {U"انور", "anwar"},        {U"مكي", "makki"},       {U"حاكم", "hakim"},
    {U"طه", "taha"},           {U"راوي", "rawi"},       {U"خوله", "khawla"},
    {U"برزان", "barzan"},      {U"تكريتي", "tikriti"},  {U"جوهر", "jawhar"},
    {U"دوري", "duri"},         {U"اتحاد", "ittihad"},   {U"اسلامي", "islami"},
    {U"اسلاميه", "islamiya"},  {U"عظيم", "azim"},       {U"حي", "hayy"},
    {U"صباح", "sabah"},        {U"فهد", "fahd"},        {U"سلطان", "sultan"},
    {U"بكر", "bakr"},          {U"زبير", "zubayr"},     {U"حمزه", "hamza"},
    {U"بلال", "bilal"},        {U"انس", "anas"},        {U"معاذ", "muadh"},
    {U"ايمن", "ayman"},        {U"ظواهري", "zawahiri"}, {U"بغدادي", "baghdadi"},
    {U"زرقاوي", "zarqawi"},    {U"شهاب", "shihab"},     {U"نبيل", "nabil"},
    {U"فاروق", "faruq"},       {U"هشام", "hisham"},     {U"عادل", "adil"},
    {U"منير", "munir"},        {U"رياض", "riyad"},      {U"ماجد", "majid"},
    {U"سامي", "sami"},         {U"سمير", "samir"},      {U"عصام", "isam"},
    {U"اكرم", "akram"},        {U"اسعد", "asad"},       {U"بشار", "bashar"},
    {U"رامي", "rami"},         {U"مخلوف", "makhluf"},   {U"ياسين", "yasin"},
    {U"جلال", "jalal"},        {U"كمال", "kamal"},      {U"فؤاد", "fuad"},
    {U"ادريس", "idris"},       {U"يونس", "yunus"},      {U"داود", "dawud"},
    {U"هارون", "harun"},       {U"نوح", "nuh"},         {U"لقمان", "luqman"},
    {U"غلام", "ghulam"},       {U"گل", "gul"},          {U"اغا", "agha"},
    {U"خان", "khan"},          {U"جان", "jan"},         {U"زاده", "zadeh"},
    {U"پور", "pour"},          {U"صدر", "sadr"},        {U"سعدي", "saadi"},
};

constexpr name_word_entry hebrew_words[] = {
    {U"דוד", "david"},     {U"משה", "moshe"},       {U"יוסף", "yosef"},
    {U"אברהם", "avraham"}, {U"יצחק", "yitzhak"},    {U"יעקב", "yaakov"},
    {U"שרה", "sarah"},     {U"רחל", "rachel"},      {U"לאה", "leah"},
    {U"דניאל", "daniel"},  {U"מיכאל", "michael"},   {U"שמואל", "shmuel"},
    {U"אהרון", "aharon"},  {U"אהרן", "aharon"},     {U"בנימין", "binyamin"},
    {U"חיים", "chaim"},    {U"מרדכי", "mordechai"}, {U"אליהו", "eliyahu"},
    {U"יהודה", "yehuda"},  {U"שלמה", "shlomo"},     {U"נתן", "natan"},
    {U"יונתן", "yonatan"}, {U"אריה", "arie"},       {U"כהן", "cohen"},
    {U"לוי", "levi"},      {U"מזרחי", "mizrahi"},   {U"פרץ", "peretz"},
    {U"ביטון", "biton"},   {U"אורי", "uri"},        {U"תמר", "tamar"},
    {U"נועה", "noa"},      {U"אסתר", "esther"},     {U"מרים", "miriam"},
    {U"רבקה", "rivka"},    {U"שמעון", "shimon"},    {U"ראובן", "reuven"},
};

/// Hebrew final letters folded to their ordinary forms.
char32_t fold_hebrew(char32_t c) {
  switch (c) {
  case 0x05DA:
    return 0x05DB;
  case 0x05DD:
    return 0x05DE;
  case 0x05DF:
    return 0x05E0;
  case 0x05E3:
    return 0x05E4;
  case 0x05E5:
    return 0x05E6;
  default:
    return c;
  }
}

const char* find_word(const name_word_entry* begin, const name_word_entry* end,
                      const std::u32string& folded, char32_t (*fold)(char32_t)) {
  for (auto e = begin; e != end; ++e) {
    if (e->word.size() != folded.size())
      continue;
    bool same = true;
    for (size_t i = 0; i < folded.size() && same; ++i)
      same = fold(e->word[i]) == folded[i];
    if (same)
      return e->latin;
  }
  return nullptr;
}

/// One ICU transliterator per thread (ICU transliterators are not safe to share).
icu::Transliterator* icu_latin() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status))
      made.reset();
    return made;
  }();
  return t.get();
}

} // namespace

const char* transliterator::name_word(std::u32string_view word) {
  if (word.empty() || word.size() > 16)
    return nullptr;
  std::u32string folded;
  if (word[0] >= 0x0600 && word[0] <= 0x06FF) {
    for (char32_t c : word)
      folded += fold_arabic(c);
    return find_word(std::begin(arabic_words), std::end(arabic_words), folded,
                     fold_arabic);
  }
  if (word[0] >= 0x0590 && word[0] <= 0x05FF) {
    for (char32_t c : word)
      folded += fold_hebrew(c);
    return find_word(std::begin(hebrew_words), std::end(hebrew_words), folded,
                     fold_hebrew);
  }
  return nullptr;
}

bool transliterator::other_script_letter(char32_t cp) noexcept {
  if (cp < 0x0370 || handles(cp))
    return false;
  if (!u_isalpha(static_cast<UChar32>(cp)))
    return false;
  UErrorCode status = U_ZERO_ERROR;
  auto script = uscript_getScript(static_cast<UChar32>(cp), &status);
  return U_SUCCESS(status) && script != USCRIPT_LATIN && script != USCRIPT_COMMON &&
         script != USCRIPT_INHERITED;
}

bool transliterator::transliterate_other(std::u32string_view run, std::string& out) {
  auto* t = icu_latin();
  if (t == nullptr || run.empty())
    return false;
  icu::UnicodeString s;
  for (char32_t c : run)
    s.append(static_cast<UChar32>(c));
  t->transliterate(s);
  std::string latin;
  s.toUTF8String(latin);
  bool any = std::any_of(latin.begin(), latin.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
  if (any)
    out += latin;
  return any;
}

} // namespace kyb::screening

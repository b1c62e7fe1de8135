#include "actors/screening/engine/name_equivalents.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "actors/screening/engine/generated/nicknames.hpp"

namespace kyb::screening {

namespace {

using group = std::initializer_list<const char*>;

// One given name across languages and romanisations, with the hypocorisms the lists'
// jurisdictions use (Russian, Arabic). Every member is related to every other.
const group variant_groups[] = {
    {"alexander", "aleksandr", "alexandr", "aleksander", "alexandros", "alessandro",
     "alejandro", "alexandre", "iskander", "iskandar", "oleksandr"},
    {"michael", "mikhail", "michail", "mihail", "mikhael", "mykhailo", "mikael", "miguel",
     "michel", "michele", "mikheil", "mihai"},
    {"joseph", "iosif", "josef", "yosef", "yusuf", "yousef", "youssef", "yousuf", "yusef",
     "giuseppe", "jose", "osip", "jozef", "josip"},
    {"peter", "pyotr", "petr", "petro", "petros", "pedro", "pietro", "pierre", "piotr"},
    {"paul", "pavel", "pablo", "paolo", "pavlo", "pawel", "paulo"},
    {"george", "georgiy", "georgy", "georgi", "yuri", "yuriy", "yury", "jorge", "giorgio",
     "georgios", "georg", "jerzy", "jurgen", "heorhiy", "giorgi"},
    {"nicholas", "nikolai", "nikolay", "nikolaos", "nicolas", "nicola", "mykola",
     "nikola", "nicolae", "niccolo"},
    {"david", "dawud", "daud", "dawood", "dovid", "davit", "davud"},
    {"jacob", "yakov", "yaakov", "jakob", "yaqub", "yakub", "jacques", "jakub",
     "giacomo"},
    {"abraham", "ibrahim", "avraham", "abram", "ebrahim", "ibragim"},
    {"moses", "musa", "moshe", "moises", "mose", "mousa"},
    {"solomon", "sulayman", "suleiman", "sulaiman", "suleyman", "shlomo", "soliman"},
    {"muhammad", "mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "muhamad",
     "mehmet", "mehmed", "mahomed", "mohd", "muhamed", "mukhammad", "magomed"},
    {"ahmad", "ahmed", "ahmet", "akhmed", "ahmat"},
    {"hussein", "husayn", "hussain", "husain", "huseyin", "hossein", "husein", "hussien"},
    {"hasan", "hassan", "hasen", "hassen", "hasson"},
    {"omar", "umar", "omer", "umer", "omar"},
    {"osama", "usama", "usamah", "ousama", "oussama"},
    {"abdullah", "abdallah", "abdulla", "abdellah", "abdoulaye", "abdula"},
    {"abdulrahman", "abdelrahman", "abdurrahman", "abderrahmane", "abdurahman"},
    {"sergei", "sergey", "serhiy", "sergio", "serge", "sergiy", "serhii"},
    {"alexei", "aleksei", "alexey", "aleksey", "oleksiy", "alexis", "oleksii"},
    {"vladimir", "volodymyr", "wladimir", "uladzimir", "vladimer"},
    {"dmitry", "dmitri", "dmitriy", "dimitri", "dimitrios", "dmytro", "dimitar"},
    {"andrei", "andrey", "andriy", "andrew", "andreas", "andres", "andrzej", "andre",
     "andrea", "andrii"},
    {"yevgeny", "evgeny", "evgeniy", "eugene", "yevhen", "evgueni", "yevgeniy", "eugen"},
    {"ekaterina", "yekaterina", "katerina", "catherine", "kateryna", "katarzyna"},
    {"elena", "yelena", "helen", "olena", "helena", "alena"},
    {"maria", "mariya", "mary", "marie", "maryam", "miriam", "mariam"},
    {"natalia", "natalya", "nataliya", "natalie", "nathalie"},
    {"tatiana", "tatyana", "tetiana", "tatjana"},
    {"olga", "olha", "olgha"},
    {"irina", "iryna", "irene", "irina"},
    {"grigory", "grigoriy", "gregory", "hryhoriy", "gregor", "grzegorz", "gregorio"},
    {"fyodor", "fedor", "theodore", "teodor", "fedir", "theodoros", "feodor"},
    {"stepan", "stephen", "steven", "stefan", "esteban", "stefano", "stepane"},
    {"konstantin", "constantine", "kostiantyn", "konstantinos", "costantino"},
    {"viktor", "victor", "vittorio"},
    {"vasily", "vasiliy", "vasyl", "basil", "vasilii", "vassili", "vasilios"},
    {"anatoly", "anatoliy", "anatolii", "anatolie"},
    {"ilya", "elias", "ilyas", "elijah", "ilias", "iliya"},
    {"ismail", "ismael", "ishmael", "ismoil"},
    {"khalid", "khaled", "halid", "chaled"},
    {"mahmoud", "mahmud", "mehmood", "mahmood", "makhmud"},
    {"mustafa", "mustapha", "mostafa", "moustafa", "mustafo"},
    {"yasin", "yassin", "yaseen", "yassine"},
    {"nasser", "nasir", "naser", "nassir"},
    {"jamal", "gamal", "djamel", "jamaal"},
    {"timur", "temur", "temir"},
    {"rustam", "rostam", "rustem"},
    {"jesus", "isa", "issa", "eesa"},
    {"yaroslav", "jaroslav", "jaroslaw"},
    {"mikolaj", "nicholas"},
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdoul"},
    {"sayyid", "sayed", "sayyed", "syed", "seyed", "sayid", "seyyed"},
    {"uddin", "eddine", "udin", "uddeen", "eddin", "aldin"},
    {"ghulam", "gholam", "golam", "gulam"},
    {"rahman", "rehman", "rahmon"},
    {"rahim", "rahim", "raheem"},
    {"karim", "kareem", "karem"},
    {"aziz", "azeez", "azis"},
    {"qadir", "qader", "kadir", "kader", "qadeer"},
    {"hakim", "hakeem", "hakem"},
    {"tariq", "tarek", "tareq", "tarik"},
    {"bin", "ben", "ibn", "bn"},
    // The lists' romanisations of the commonest Korean surnames.
    {"lee", "yi", "ri", "rhee", "rhie", "i"},
    {"park", "pak", "bak", "pack"},
    {"kim", "gim"},
    {"choi", "choe", "chae"},
    {"jung", "jeong", "chung", "jong", "chong"},
    {"kang", "gang"},
    {"cho", "jo", "joh"},
    {"yoon", "yun"},
    {"jang", "chang"},
    {"lim", "im", "rim"},
    {"han"},
    {"oh", "oe"},
    {"shin", "sin"},
    {"ryu", "yoo", "yu", "ryoo"},
};

// Hypocorisms of the lists' jurisdictions that the English nickname table lacks.
const std::pair<const char*, const char*> more_nicknames[] = {
    {"aleksandr", "sasha"},  {"alexander", "sasha"},   {"aleksandr", "shura"},
    {"aleksandr", "sanya"},  {"alexander", "sascha"},  {"mikhail", "misha"},
    {"vladimir", "volodya"}, {"vladimir", "vova"},     {"dmitry", "dima"},
    {"dmitri", "dima"},      {"yevgeny", "zhenya"},    {"evgeny", "zhenya"},
    {"ivan", "vanya"},       {"nikolai", "kolya"},     {"nikolay", "kolya"},
    {"sergei", "seryozha"},  {"sergey", "seryozha"},   {"alexei", "alyosha"},
    {"aleksei", "lyosha"},   {"pavel", "pasha"},       {"pyotr", "petya"},
    {"yakov", "yasha"},      {"iosif", "osya"},        {"maria", "masha"},
    {"ekaterina", "katya"},  {"yekaterina", "katya"},  {"natalia", "natasha"},
    {"natalya", "natasha"},  {"tatiana", "tanya"},     {"tatyana", "tanya"},
    {"svetlana", "sveta"},   {"anatoly", "tolya"},     {"vasily", "vasya"},
    {"grigory", "grisha"},   {"konstantin", "kostya"}, {"boris", "borya"},
    {"leonid", "lyonya"},    {"viktor", "vitya"},      {"fyodor", "fedya"},
    {"irina", "ira"},        {"elena", "lena"},        {"yelena", "lena"},
    {"anna", "anya"},        {"roman", "roma"},        {"muhammad", "hamoudi"},
    {"mohammed", "hamoudi"}, {"muhammad", "hamudi"},   {"mohammed", "hamada"},
    {"muhammad", "hamada"},  {"ahmad", "hamada"},      {"mohamed", "mido"},
    {"abdullah", "abboud"},  {"abdullah", "aboud"},    {"abdulrahman", "abdo"},
    {"abdelrahman", "abdo"}, {"abdullah", "abdo"},     {"ibrahim", "bob"},
    {"mustafa", "mostafa"},  {"hussein", "hussa"},     {"ali", "aliyu"},
    {"william", "bill"},     {"robert", "bob"},
};

// Numbers 0-20 and the tens: digits, English words and ordinals, and the words of the
// lists' other main languages (French, German, Spanish, Russian romanised).
const group number_groups[] = {
    {"0", "zero", "cero"},
    {"1", "one", "first", "1st", "premier", "premiere", "eins", "erste", "uno", "primero",
     "primera", "odin", "pervyy", "pervy"},
    {"2", "two", "second", "2nd", "deux", "deuxieme", "zwei", "zweite", "dos", "segundo",
     "segunda", "dva", "vtoroy", "ii"},
    {"3", "three", "third", "3rd", "trois", "troisieme", "drei", "dritte", "tres",
     "tercero", "tercera", "tretiy", "iii"},
    {"4", "four", "fourth", "4th", "quatre", "vier", "vierte", "cuatro", "cuarto",
     "chetyre", "iv"},
    {"5", "five", "fifth", "5th", "cinq", "funf", "fuenf", "cinco", "quinto", "pyat"},
    {"6", "six", "sixth", "6th", "sechs", "seis", "sexto", "shest", "vi"},
    {"7", "seven", "seventh", "7th", "sept", "sieben", "siete", "septimo", "vii"},
    {"8", "eight", "eighth", "8th", "huit", "acht", "ocho", "octavo", "vosem", "viii"},
    {"9", "nine", "ninth", "9th", "neuf", "neun", "nueve", "noveno", "devyat", "ix"},
    {"10", "ten", "tenth", "10th", "dix", "zehn", "diez", "decimo", "desyat"},
    {"11", "eleven", "eleventh", "11th", "onze", "elf", "once", "xi"},
    {"12", "twelve", "twelfth", "12th", "douze", "zwolf", "doce", "xii"},
    {"13", "thirteen", "thirteenth", "13th", "treize", "trece", "xiii"},
    {"14", "fourteen", "fourteenth", "14th", "quatorze", "catorce", "xiv"},
    {"15", "fifteen", "fifteenth", "15th", "quinze", "quince", "xv"},
    {"16", "sixteen", "sixteenth", "16th", "seize", "dieciseis", "xvi"},
    {"17", "seventeen", "seventeenth", "17th", "xvii"},
    {"18", "eighteen", "eighteenth", "18th", "xviii"},
    {"19", "nineteen", "nineteenth", "19th", "xix"},
    {"20", "twenty", "twentieth", "20th", "vingt", "zwanzig", "veinte", "xx"},
    {"30", "thirty", "thirtieth", "30th", "trente", "treinta"},
    {"40", "forty", "fortieth", "40th", "quarante", "cuarenta"},
    {"50", "fifty", "fiftieth", "50th", "cinquante", "cincuenta"},
    {"60", "sixty", "sixtieth", "60th"},
    {"70", "seventy", "seventieth", "70th"},
    {"80", "eighty", "eightieth", "80th"},
    {"90", "ninety", "ninetieth", "90th"},
    {"100", "hundred", "hundredth", "100th", "cent", "hundert", "cien"},
    {"1000", "thousand", "thousandth", "1000th", "mille", "tausend", "tysyacha"},
};

// Organisation words and their usual abbreviations.
const group abbreviation_groups[] = {
    {"international", "intl", "internat", "intern", "internacional", "internationale"},
    {"manufacturing", "mfg", "manuf", "manufacturers", "manufacturer", "mfrs", "mfr"},
    {"company", "co", "cie", "comp", "compania", "compagnie", "companhia"},
    {"corporation", "corp", "corpn", "corporacion"},
    {"brothers", "bros", "bro", "freres", "hermanos"},
    {"limited", "ltd", "ltda"},
    {"industries", "ind", "inds", "indus", "industrial", "industry", "industrie", "indl"},
    {"trading", "trdg", "trade"},
    {"development", "dev", "devt", "devel"},
    {"engineering", "eng", "engg", "engr", "engrg"},
    {"technology", "tech", "technologies", "techn", "technol"},
    {"association", "assn", "assoc", "asso", "asociacion"},
    {"services", "svcs", "svc", "serv", "service", "servs"},
    {"incorporated", "inc", "incorp"},
    {"department", "dept", "dep"},
    {"national", "natl", "nat", "nacional", "nationale"},
    {"management", "mgmt", "mgt"},
    {"investment", "inv", "invest", "investments", "invt"},
    {"holding", "hldg", "hldgs", "holdings"},
    {"group", "grp", "gp", "grupo", "groupe", "gruppa"},
    {"shipping", "shpg", "ship"},
    {"center", "ctr", "centre", "cntr"},
    {"university", "univ", "uni"},
    {"institute", "inst", "instituto", "institut"},
    {"laboratory", "lab", "labs", "laboratories", "laboratorio"},
    {"enterprise", "ent", "enterprises", "entreprise", "empresa"},
    {"american", "amer"},
    {"saint", "st", "ste", "san", "sankt"},
    {"mount", "mt"},
    {"construction", "constr", "const", "constructions"},
    {"electronics", "elec", "electronic", "elect"},
    {"equipment", "equip", "eqpt"},
    {"petroleum", "petrol"},
    {"chemical", "chem", "chemicals"},
    {"pharmaceutical", "pharma", "pharm", "pharmaceuticals"},
    {"transport", "transp", "trans", "transportation"},
    {"foundation", "fdn"},
    {"organization", "org", "organisation"},
    {"committee", "cttee", "comm"},
    {"establishment", "estab", "est"},
    {"general", "gen", "genl"},
    {"agency", "agcy"},
    {"bank", "bk"},
};

const char* const titles[] = {
    "dr",        "doctor",       "prof",    "professor", "gen",     "general",
    "sheikh",    "shaikh",       "shaykh",  "sheik",     "cheikh",  "sheikha",
    "haji",      "hajji",        "hadji",   "alhaji",    "alhajji", "hajj",
    "mullah",    "mulla",        "molla",   "maulana",   "mawlana", "maulvi",
    "mawlawi",   "mawlavi",      "maulavi", "moulvi",    "molvi",   "mr",
    "mrs",       "ms",           "miss",    "mister",    "sir",     "dame",
    "col",       "colonel",      "maj",     "capt",      "captain", "lt",
    "brig",      "admiral",      "adm",     "cmdr",      "sgt",     "imam",
    "sayyid",    "sayed",        "syed",    "hon",       "rev",     "reverend",
    "ayatollah", "hojatoleslam", "emir",    "mufti",     "qari",    "ustadh",
    "ustad",     "mme",          "mlle",    "herr",      "frau",    "gospodin",
    "ing",       "engr",
};

// Every word comes from a string literal or the generated table (static storage), so
// the maps hold views and a lookup allocates nothing.
struct tables {
  std::unordered_map<std::string_view, std::vector<equivalent>> by_word;
  std::unordered_set<std::string_view> title_words;
  std::unordered_set<std::string_view> number_words;
  size_t pairs = 0;

  void relate(std::string_view a, std::string_view b, match_kind kind) {
    if (a == b)
      return;
    auto add = [&](std::string_view x, std::string_view y) {
      auto& v = by_word[x];
      for (auto& e : v)
        if (e.word == y)
          return false;
      v.push_back(equivalent{y, kind});
      return true;
    };
    if (add(a, b) && add(b, a))
      ++pairs;
  }

  void relate_group(const group& g, match_kind kind) {
    for (std::string_view a : g)
      for (std::string_view b : g)
        if (a < b)
          relate(a, b, kind);
  }

  tables() {
    for (auto& g : number_groups) {
      relate_group(g, match_kind::number);
      for (std::string_view w : g)
        number_words.insert(w);
    }
    for (auto& g : abbreviation_groups)
      relate_group(g, match_kind::abbreviation);
    for (auto& g : variant_groups)
      relate_group(g, match_kind::variant);
    for (auto& [a, b] : more_nicknames)
      relate(a, b, match_kind::nickname);
    for (size_t i = 0; i < generated::nickname_pair_count; ++i)
      relate(generated::nickname_pairs[i].a, generated::nickname_pairs[i].b,
             match_kind::nickname);
    for (std::string_view t : titles)
      title_words.insert(t);
  }
};

const tables& builtin() {
  static const tables t;
  return t;
}

} // namespace

const std::vector<equivalent>& name_equivalents::of(std::string_view token) {
  static const std::vector<equivalent> none;
  auto& t = builtin();
  auto it = t.by_word.find(token);
  return it == t.by_word.end() ? none : it->second;
}

bool name_equivalents::related(std::string_view a, std::string_view b, match_kind& kind) {
  // Callers compare one token with many in a row: remember the last lookup (by
  // content: a view's address may be reused by another string).
  thread_local std::string last_token;
  thread_local const std::vector<equivalent>* last = nullptr;
  if (last == nullptr || a != last_token) {
    last = &of(a);
    last_token.assign(a);
  }
  for (auto& e : *last)
    if (e.word == b) {
      kind = e.kind;
      return true;
    }
  return false;
}

double name_equivalents::similarity(match_kind kind) noexcept {
  switch (kind) {
  case match_kind::number:
    return 1.0;
  case match_kind::abbreviation:
    return 0.95;
  case match_kind::variant:
    return 0.85;
  case match_kind::nickname:
    return 0.80;
  default:
    return 0.0;
  }
}

bool name_equivalents::title(std::string_view token) {
  return builtin().title_words.count(token) > 0;
}

bool name_equivalents::number(std::string_view token) {
  if (token.empty())
    return false;
  if (token[0] >= '0' && token[0] <= '9') {
    for (char c : token)
      if (c < '0' || c > '9')
        return builtin().number_words.count(token) > 0; // "3rd"
    return true;
  }
  return builtin().number_words.count(token) > 0;
}

bool name_equivalents::patronymic(std::string_view token) {
  static const std::string_view endings[] = {"ovich", "evich", "ivich", "ovna",
                                             "evna",  "ichna", "ovych", "ievich"};
  if (token.size() < 7)
    return false;
  for (auto e : endings)
    if (token.size() > e.size() && token.substr(token.size() - e.size()) == e)
      return true;
  return false;
}

size_t name_equivalents::pair_count() {
  return builtin().pairs;
}

} // namespace kyb::screening

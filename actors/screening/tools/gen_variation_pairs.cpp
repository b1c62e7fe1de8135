// gen-variation-pairs: writes the labelled name-variation benchmark
// (test/data/matching/name_variation_pairs_DERIVED.csv) from the real list data in
// test/data.
//
//   build/actors/screening/tools/gen-variation-pairs [--data test/data]
//       > test/data/matching/name_variation_pairs_DERIVED.csv   (one command line)
//
// Every pair is (query, listed): `listed` is a primary name or alias exactly as a list
// carries it, `query` either another real name of the same entry or a variation made
// from a real name (initials, nickname, title, number, split/joined part, abbreviation,
// spelling, order, script). Label 1 = the query names the listed party, 0 = a different
// party that a screener could confuse with it (shares tokens or sounds alike). The output
// depends only on the data: entries are walked in list/id order and chosen by a fixed
// hash of their ids, never by a random generator.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "actors/screening/tools/evaluation.hpp"
#include "runtime/base/csv_reader.hpp"

using namespace kyb::screening;

namespace {

constexpr size_t positives_per_class = 40;
constexpr size_t negatives_per_class = 25;

// ---------------------------------------------------------------- text helpers

uint64_t fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 32);
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 32);
  return s;
}

/// "walter" -> "Walter".
std::string capitalized(const std::string& s) {
  auto out = lower(s);
  if (!out.empty())
    out[0] = upper(out.substr(0, 1))[0];
  return out;
}

bool all_upper(const std::string& s) {
  return upper(s) == s;
}

/// Writes `word` in the case style of `model` (all capitals or capitalised).
std::string styled_like(const std::string& word, const std::string& model) {
  return all_upper(model) ? upper(word) : capitalized(word);
}

bool alpha_word(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), is_alpha);
}

/// Letters and hyphens only, starting and ending with a letter.
bool name_word(const std::string& w) {
  if (w.empty() || !is_alpha(w.front()) || !is_alpha(w.back()))
    return false;
  return std::all_of(w.begin(), w.end(), [](char c) { return is_alpha(c) || c == '-'; });
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    out.push_back(cur);
  return out;
}

/// Tabs and line ends read as spaces.
std::string collapse_space(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  return s;
}

std::string join(const std::vector<std::string>& w, const std::string& sep = " ") {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i)
    out += (i ? sep : "") + w[i];
  return out;
}

/// Comparison tokens: capitalised runs of ASCII letters and digits; other UTF-8 bytes
/// stay inside tokens, everything else separates.
std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (is_alpha(c) || is_digit(c) || u >= 0x80) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(upper(cur));
      cur.clear();
    }
  }
  if (!cur.empty())
    out.push_back(upper(cur));
  return out;
}

std::string name_key(const std::string& s) {
  auto t = tokens(s);
  std::sort(t.begin(), t.end());
  return join(t);
}

/// The word without surrounding punctuation, capitalised: "Co.," -> "CO".
std::string bare(const std::string& w) {
  size_t b = 0, e = w.size();
  while (b < e && !is_alpha(w[b]) && !is_digit(w[b]))
    ++b;
  while (e > b && !is_alpha(w[e - 1]) && !is_digit(w[e - 1]))
    --e;
  return upper(w.substr(b, e - b));
}

/// Punctuation after the word's last letter or digit: "LTD.," -> ".,".
std::string trailing(const std::string& w) {
  size_t e = w.size();
  while (e > 0 && !is_alpha(w[e - 1]) && !is_digit(w[e - 1]))
    --e;
  return w.substr(e);
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min(
          {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// Consonant skeleton: the first letter, then the consonants other than H, W and Y with
/// C and Q read as K, Z as S and doubled letters collapsed (MOHAMMED, MUHAMMAD -> MMD).
std::string skeleton(const std::string& t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == 'C' || c == 'Q')
      c = 'K';
    if (c == 'Z')
      c = 'S';
    if (i > 0 && std::strchr("AEIOUYHW", c))
      continue;
    if (!out.empty() && out.back() == c)
      continue;
    out += c;
  }
  return out;
}

/// Two tokens that read as spellings of one word.
bool spelling_variants(const std::string& a, const std::string& b) {
  if (a == b)
    return true;
  if (a.size() < 3 || b.size() < 3)
    return false;
  if (skeleton(a) == skeleton(b))
    return true;
  auto longer = std::max(a.size(), b.size()), shorter = std::min(a.size(), b.size());
  return a[0] == b[0] && longer - shorter <= 2 && edit_distance(a, b) * 3 <= longer;
}

/// True when the name holds a letter outside the Latin blocks (Arabic, Cyrillic, CJK...).
bool non_latin(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
      n = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      n = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      n = 2;
    }
    if (cp >= 0x370 && !(cp >= 0x1E00 && cp <= 0x1EFF) && !(cp >= 0x2000 && cp <= 0x206F))
      return true;
    i += n;
  }
  return false;
}

bool ascii_only(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

const std::set<std::string>& particles() {
  static const std::set<std::string> p{
      "AL",    "EL",    "BIN", "BEN", "IBN", "BINT", "ABU", "ABOU", "ABD",
      "ABDUL", "ABDEL", "UMM", "DE",  "DEL", "LA",   "LOS", "LAS",  "VAN",
      "VON",   "DER",   "DI",  "DA",  "DOS", "DAS",  "Y",   "E",    "ULD",
      "OULD",  "BA",    "AS",  "AD",  "AR",  "ASH",  "AZ",  "ULLAH"};
  return p;
}

bool particle(const std::string& w) {
  return particles().count(bare(w)) > 0;
}

// ---------------------------------------------------------------- CSV output

struct pair_row {
  std::string cls;
  int label = 0;
  std::string query, listed, origin;
};

/// A candidate pair with the hash that decides whether it is taken.
struct candidate {
  uint64_t pick = 0;
  size_t order = 0; ///< Position of the entity in list/id order.
  std::string subkind;
  pair_row row;
};

// ---------------------------------------------------------------- the data

struct entry {
  const sanctioned_entity* e = nullptr;
  std::string ref; ///< "ofac_sdn:12345"
  size_t order = 0;
  size_t group = 0;
  std::vector<std::string> names; ///< Primary first, then the strong real aliases.
};

/// An individual's name split into surname and given names: OFAC "SURNAME, Given Names",
/// or UN "GIVEN ... LAST" (the last word read as the family name).
struct person {
  std::vector<std::string> surname, given;
  bool comma_form = false;

  std::string listed_form() const {
    return comma_form ? join(surname) + ", " + join(given)
                      : join(given) + " " + join(surname);
  }
  std::string natural_form() const { return join(given) + " " + join(surname); }
};

bool is_ofac(const entry& x) {
  return x.e->list == "ofac_sdn" || x.e->list == "ofac_non_sdn";
}

std::optional<person> parse_person(const entry& x, const std::string& name) {
  if (x.e->type != entity_type::individual || !ascii_only(name))
    return std::nullopt;
  person p;
  if (is_ofac(x)) {
    auto comma = name.find(", ");
    if (comma == std::string::npos || name.find(',', comma + 1) != std::string::npos)
      return std::nullopt;
    p.surname = split_words(name.substr(0, comma));
    p.given = split_words(name.substr(comma + 2));
    p.comma_form = true;
  } else if (x.e->list == "un") {
    // Korean, Chinese and Vietnamese names are listed surname first.
    for (auto& c : x.e->countries)
      if (c == "KP" || c == "KR" || c == "CN" || c == "VN")
        return std::nullopt;
    if (name.find(',') != std::string::npos)
      return std::nullopt;
    auto w = split_words(name);
    if (w.size() < 2)
      return std::nullopt;
    p.surname = {w.back()};
    w.pop_back();
    p.given = w;
  } else {
    return std::nullopt;
  }
  if (p.surname.empty() || p.given.empty())
    return std::nullopt;
  for (auto* part : {&p.surname, &p.given})
    for (auto& w : *part)
      if (!name_word(w))
        return std::nullopt;
  return p;
}

struct world {
  std::vector<entry> entries;
  std::vector<std::set<std::string>> group_tokens; ///< Per group: every name token.
  std::vector<std::set<std::string>> group_keys;   ///< Per group: every name key.
  std::map<std::string, size_t> key_group;         ///< Name key -> its group.
  std::map<std::string, size_t> df;                ///< Token -> names holding it.
  std::vector<std::string> given_pool, surname_pool;
  std::map<std::string, std::vector<std::string>> nicknames; ///< lower name -> nicks.
  std::map<std::string, std::set<std::string>> nick_family;  ///< lower -> related.

  const std::set<std::string>& tokens_of(const entry& x) const {
    return group_tokens[x.group];
  }

  /// True when `t` is, or reads as a spelling of, a token of the entry's names.
  bool near_group_token(const entry& x, const std::string& t) const {
    for (auto& g : tokens_of(x))
      if (g == t || edit_distance(g, t) <= 2 ||
          (t.size() >= 3 && g.size() >= 3 && skeleton(g) == skeleton(t)))
        return true;
    return false;
  }

  bool names_group(const entry& x, const std::string& query) const {
    return group_keys[x.group].count(name_key(query)) > 0;
  }
};

size_t find_root(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

world load_world(const std::vector<sanctions_list>& lists,
                 const std::string& nickname_path) {
  world w;
  for (auto& l : lists)
    for (auto& e : l.entities) {
      entry x;
      x.e = &e;
      x.ref = e.list + ":" + e.id;
      x.names.push_back(e.primary_name);
      for (auto& a : e.aliases)
        if (a.strong && (a.kind == "aka" || a.kind == "fka" || a.kind == "nka"))
          x.names.push_back(a.name);
      w.entries.push_back(std::move(x));
    }
  std::sort(w.entries.begin(), w.entries.end(), [](const entry& a, const entry& b) {
    if (a.e->list != b.e->list)
      return a.e->list < b.e->list;
    if (a.e->id.size() != b.e->id.size())
      return a.e->id.size() < b.e->id.size();
    return a.e->id < b.e->id;
  });
  // Entries that share a name (the same party on two lists) form one group.
  std::vector<size_t> parent(w.entries.size());
  std::map<std::string, size_t> first_with_key;
  for (size_t i = 0; i < w.entries.size(); ++i) {
    parent[i] = i;
    w.entries[i].order = i;
  }
  for (size_t i = 0; i < w.entries.size(); ++i) {
    std::vector<std::string> all = w.entries[i].names;
    for (auto& a : w.entries[i].e->aliases)
      all.push_back(a.name);
    for (auto& n : all) {
      auto k = name_key(n);
      if (k.empty())
        continue;
      auto [it, fresh] = first_with_key.emplace(k, i);
      if (!fresh)
        parent[find_root(parent, i)] = find_root(parent, it->second);
    }
  }
  std::map<size_t, size_t> group_of_root;
  for (size_t i = 0; i < w.entries.size(); ++i) {
    auto r = find_root(parent, i);
    auto [it, fresh] = group_of_root.emplace(r, group_of_root.size());
    w.entries[i].group = it->second;
    (void)fresh;
  }
  w.group_tokens.resize(group_of_root.size());
  w.group_keys.resize(group_of_root.size());
  for (auto& x : w.entries) {
    for (auto& a : x.e->aliases) {
      for (auto& t : tokens(a.name))
        w.group_tokens[x.group].insert(t);
      w.group_keys[x.group].insert(name_key(a.name));
    }
    for (auto& t : tokens(x.e->primary_name))
      w.group_tokens[x.group].insert(t);
    w.group_keys[x.group].insert(name_key(x.e->primary_name));
    for (auto& k : w.group_keys[x.group])
      w.key_group[k] = x.group;
    for (auto& n : x.names) {
      std::set<std::string> seen;
      for (auto& t : tokens(n))
        if (seen.insert(t).second)
          ++w.df[t];
    }
  }
  // Pools of real given names and surnames (OFAC individuals, UN last names).
  std::set<std::string> given, surnames;
  for (auto& x : w.entries) {
    auto p = parse_person(x, x.e->primary_name);
    if (!p)
      continue;
    if (p->comma_form && alpha_word(p->given[0]) && p->given[0].size() >= 3 &&
        !particle(p->given[0]))
      given.insert(capitalized(p->given[0]));
    auto& s = p->comma_form ? p->surname.front() : p->surname.back();
    if (alpha_word(s) && s.size() >= 4 && !particle(s))
      surnames.insert(upper(s));
  }
  w.given_pool.assign(given.begin(), given.end());
  w.surname_pool.assign(surnames.begin(), surnames.end());

  // The nickname table: "name","nick1","nick2","nick3" with NA for none.
  auto bytes = read_file_bytes(nickname_path);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().to_string().c_str());
    std::exit(1);
  }
  kyb::base::csv_reader reader(bytes.value());
  std::vector<std::string> row;
  while (reader.next(row) == kyb::base::csv_reader::status::record) {
    if (row.empty())
      continue;
    auto name = lower(row[0]);
    for (size_t i = 1; i < row.size(); ++i)
      if (row[i] != "NA" && !row[i].empty() && lower(row[i]) != name)
        w.nicknames[name].push_back(lower(row[i]));
  }
  for (auto& [name, nicks] : w.nicknames) {
    w.nick_family[name].insert(name);
    for (auto& n : nicks) {
      w.nick_family[name].insert(n);
      w.nick_family[n].insert(n);
      w.nick_family[n].insert(name);
    }
  }
  return w;
}

/// True when two given names are the same or nicknames of one another (or share one).
bool nick_related(const world& w, const std::string& a, const std::string& b) {
  auto fa = w.nick_family.find(a), fb = w.nick_family.find(b);
  if (a == b)
    return true;
  if (fa == w.nick_family.end() || fb == w.nick_family.end())
    return false;
  for (auto& x : fa->second)
    if (fb->second.count(x))
      return true;
  return false;
}

/// A pool element chosen by `h` among those `ok` accepts, or empty.
std::string choose(const std::vector<std::string>& pool, uint64_t h,
                   const std::function<bool(const std::string&)>& ok) {
  std::vector<const std::string*> accepted;
  for (auto& v : pool)
    if (ok(v))
      accepted.push_back(&v);
  return accepted.empty() ? std::string() : *accepted[h % accepted.size()];
}

/// A rough guess that keeps a replacement given name of the same gender: names ending
/// in "a" (Elena, Anna, Fatima) are read as women's names.
bool feminine_name(const std::string& n) {
  return !n.empty() && (n.back() == 'a' || n.back() == 'A');
}

/// A real surname for a negative: not a token (or spelling) of the entry's names.
std::string other_surname(const world& w, const entry& x, const std::string& real,
                          uint64_t h, bool same_initial) {
  auto R = upper(real);
  return choose(w.surname_pool, h, [&](const std::string& s) {
    if (same_initial &&
        (s[0] != R[0] || s.size() + 2 < R.size() || R.size() + 2 < s.size()))
      return false;
    return edit_distance(s, R) >= 3 && skeleton(s) != skeleton(R) &&
           !w.near_group_token(x, s);
  });
}

std::string other_given(const world& w, const entry& x, const std::string& real,
                        uint64_t h) {
  auto R = upper(real);
  return choose(w.given_pool, h, [&](const std::string& g) {
    auto G = upper(g);
    return G[0] != R[0] && feminine_name(g) == feminine_name(real) &&
           !w.near_group_token(x, G) && !nick_related(w, lower(g), lower(real));
  });
}

std::string initial(const std::string& w) {
  return upper(w.substr(0, 1)) + ".";
}

// ---------------------------------------------------------------- the classes

struct generator {
  const world& w;
  std::vector<candidate> pos, neg;
  std::string cls;

  void add(bool positive, const entry& x, const std::string& subkind,
           const std::string& query, const std::string& listed,
           const std::string& origin) {
    if (query.empty() || listed.empty() || tokens(query) == tokens(listed))
      return;
    // A positive must not be another party's name; a negative must not be a name the
    // listed party carries.
    if (!positive && w.names_group(x, query))
      return;
    if (auto it = w.key_group.find(name_key(query));
        positive && it != w.key_group.end() && it->second != x.group)
      return;
    candidate c;
    c.pick = fnv(cls + "|" + subkind + "|" + x.ref + "|" + query);
    c.order = x.order;
    c.subkind = subkind;
    c.row = pair_row{cls, positive ? 1 : 0, query, listed, origin};
    (positive ? pos : neg).push_back(std::move(c));
  }
};

/// Takes `n` candidates: by hash, at most one per entity and query, spread evenly over
/// the subkinds; returned in entity order.
std::vector<pair_row> take(std::vector<candidate> c, size_t n) {
  std::sort(c.begin(), c.end(), [](const candidate& a, const candidate& b) {
    return a.pick != b.pick ? a.pick < b.pick : a.row.query < b.row.query;
  });
  std::map<std::string, std::vector<const candidate*>> by_kind;
  for (auto& x : c)
    by_kind[x.subkind].push_back(&x);
  std::vector<const candidate*> chosen;
  std::set<size_t> entities;
  std::set<std::string> pairs;
  std::map<std::string, size_t> next;
  bool progress = true;
  while (chosen.size() < n && progress) {
    progress = false;
    for (auto& [kind, list] : by_kind) {
      auto& i = next[kind];
      while (i < list.size()) {
        auto* x = list[i++];
        if (entities.count(x->order) ||
            !pairs.insert(x->row.query + "\n" + x->row.listed).second)
          continue;
        entities.insert(x->order);
        chosen.push_back(x);
        progress = true;
        break;
      }
      if (chosen.size() >= n)
        break;
    }
  }
  std::sort(chosen.begin(), chosen.end(), [](const candidate* a, const candidate* b) {
    return a->order != b->order ? a->order < b->order : a->row.query < b->row.query;
  });
  std::vector<pair_row> out;
  for (auto* x : chosen)
    out.push_back(x->row);
  return out;
}

// initials: "SMITH, John Adam" -> "J. A. SMITH", "John A. Smith", "J. Adam Smith".
void gen_initials(generator& g) {
  for (auto& x : g.w.entries) {
    auto p = parse_person(x, x.e->primary_name);
    if (!p || particle(p->given[0]) || p->given[0].size() < 3)
      continue;
    auto h = fnv("initials:" + x.ref);
    auto form = [&](const person& q) {
      return q.comma_form && (h >> 20) % 2 ? q.listed_form() : q.natural_form();
    };
    auto can_initial = [&](const std::string& w) {
      return alpha_word(w) && w.size() >= 3 && !particle(w);
    };
    person q = *p;
    std::string how;
    size_t n = q.given.size();
    int variant = n == 1 ? 0 : static_cast<int>(h % 3);
    for (size_t i = 0; i < n; ++i) {
      bool make = variant == 0 || (variant == 1 && i > 0) || (variant == 2 && i == 0);
      if (make && can_initial(q.given[i])) {
        how += (how.empty() ? "" : " ") + lower(q.given[i]) + "->" + initial(q.given[i]);
        q.given[i] = initial(q.given[i]);
      }
    }
    if (!how.empty())
      g.add(true, x, "v" + std::to_string(variant), form(q), x.e->primary_name,
            "derived from " + x.ref + ": initials " + how);
    // Negatives.
    auto first = upper(p->given[0]);
    std::set<char> used;
    for (auto& t : g.w.tokens_of(x))
      used.insert(t[0]);
    if ((h >> 8) % 2 == 0 || n == 1) {
      static const std::string letters = "ABCDEFGHIJKLMNOPRSTVWZ";
      char c = 0;
      for (size_t k = 0; k < letters.size(); ++k) {
        char l = letters[(h + k) % letters.size()];
        if (!used.count(l)) {
          c = l;
          break;
        }
      }
      if (!c)
        continue;
      person r = *p;
      r.given[0] = std::string(1, c) + ".";
      g.add(false, x, "other-initial", form(r), x.e->primary_name,
            "derived from " + x.ref + ": initial " + std::string(1, c) + ". for " +
                lower(first));
    } else if (can_initial(p->given[1])) {
      auto other = other_given(g.w, x, first, h >> 4);
      if (other.empty())
        continue;
      person r = *p;
      r.given[0] = styled_like(other, p->given[0]);
      r.given[1] = initial(p->given[1]);
      g.add(false, x, "other-given", form(r), x.e->primary_name,
            "derived from " + x.ref + ": given name " + lower(other) + " for " +
                lower(first) + ", middle initial");
    }
  }
}

// nickname: "SMITH, William" -> "SMITH, Bill"; negative "SMITH, Walter".
void gen_nickname(generator& g) {
  // Unrelated names: table names that are also given names on the lists.
  std::set<std::string> listed_given;
  for (auto& n : g.w.given_pool)
    listed_given.insert(lower(n));
  std::vector<std::string> table_names;
  for (auto& [name, nicks] : g.w.nicknames)
    if (listed_given.count(name))
      table_names.push_back(name);
  for (auto& x : g.w.entries) {
    auto p = parse_person(x, x.e->primary_name);
    if (!p || !p->comma_form)
      continue;
    auto first = lower(p->given[0]);
    auto it = g.w.nicknames.find(first);
    if (it == g.w.nicknames.end())
      continue;
    auto h = fnv("nickname:" + x.ref);
    std::vector<std::string> nicks;
    for (auto& n : it->second)
      if (n.size() >= 3 && n.size() <= first.size() && alpha_word(n))
        nicks.push_back(n);
    if (!nicks.empty()) {
      auto nick = nicks[h % nicks.size()];
      person q = *p;
      q.given[0] = styled_like(nick, p->given[0]);
      g.add(true, x, "nick", q.listed_form(), x.e->primary_name,
            "derived from " + x.ref + ": nickname " + nick + "<-" + first);
    }
    auto other = choose(table_names, h >> 16, [&](const std::string& n) {
      return n[0] == first[0] && n.size() >= 3 && alpha_word(n) &&
             feminine_name(n) == feminine_name(first) && !nick_related(g.w, n, first) &&
             !g.w.near_group_token(x, upper(n));
    });
    if (!other.empty()) {
      person q = *p;
      q.given[0] = styled_like(other, p->given[0]);
      g.add(false, x, "other", q.listed_form(), x.e->primary_name,
            "derived from " + x.ref + ": unrelated given name " + other + " for " +
                first);
    }
  }
}

const std::set<std::string>& title_words() {
  static const std::set<std::string> t{
      "DR",     "GEN",    "GENERAL", "SHEIKH",  "SHAYKH",  "SHAIKH",  "HAJI",
      "HAJJI",  "MULLAH", "MULLA",   "MAULANA", "MAWLANA", "MAULAVI", "MAWLAWI",
      "MAULVI", "MR",     "MRS",     "SIR",     "COLONEL", "COL",     "IMAM"};
  return t;
}

// title: "Dr. John SMITH"; and listed names that carry a title, without it.
void gen_title(generator& g) {
  static const std::vector<std::string> titles{
      "Dr",     "Dr.",     "Gen.", "General", "Sheikh", "Shaykh",  "Haji", "Hajji",
      "Mullah", "Maulana", "Mr",   "Mrs",     "Sir",    "Colonel", "Col.", "Imam"};
  for (auto& x : g.w.entries) {
    if (x.e->type != entity_type::individual)
      continue;
    auto h = fnv("title:" + x.ref);
    // Real names with a title word.
    for (auto& n : x.names) {
      if (!ascii_only(n))
        continue;
      auto words = split_words(n);
      std::vector<std::string> kept;
      std::string dropped;
      for (auto& wd : words) {
        if (dropped.empty() && title_words().count(bare(wd)) &&
            (wd.back() == '.' || alpha_word(wd))) {
          dropped = wd;
          continue;
        }
        kept.push_back(wd);
      }
      if (dropped.empty() || kept.size() < 2)
        continue;
      auto q = join(kept);
      if (q.find(", ") == 0 || q.back() == ',')
        continue;
      if (auto pos = q.find(" , "); pos != std::string::npos)
        q.erase(pos, 1);
      g.add(true, x, "listed", q, n,
            x.ref + (n == x.e->primary_name ? " primary" : " aka") + " without title " +
                dropped);
    }
    auto p = parse_person(x, x.e->primary_name);
    if (!p)
      continue;
    bool has_title = false;
    for (auto& wd : split_words(x.e->primary_name))
      has_title = has_title || title_words().count(bare(wd));
    if (has_title)
      continue;
    auto title = titles[h % titles.size()];
    bool feminine = lower(p->given[0]).back() == 'a';
    if (title == "Mrs" && !feminine)
      title = "Mr";
    else if (title == "Mr" && feminine)
      title = "Mrs";
    g.add(true, x, "added", title + " " + p->natural_form(), x.e->primary_name,
          "derived from " + x.ref + ": title " + title + " added");
    // Negative: title added, surname replaced.
    person r = *p;
    auto& s = r.comma_form ? r.surname.front() : r.surname.back();
    if (particle(s) || s.size() < 3)
      continue;
    auto other = other_surname(g.w, x, s, h >> 12, false);
    if (other.empty())
      continue;
    auto real = s;
    s = styled_like(other, real);
    g.add(false, x, "added", title + " " + r.natural_form(), x.e->primary_name,
          "derived from " + x.ref + ": title " + title + " added, surname " + other +
              " for " + upper(real));
  }
}

// number: digits <-> words, ordinals; negatives with another number.
const std::vector<std::string>& number_words() {
  static const std::vector<std::string> w{
      "ZERO",     "ONE",     "TWO",     "THREE",     "FOUR",     "FIVE",     "SIX",
      "SEVEN",    "EIGHT",   "NINE",    "TEN",       "ELEVEN",   "TWELVE",   "THIRTEEN",
      "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN", "TWENTY"};
  return w;
}
const std::vector<std::string>& ordinal_words() {
  static const std::vector<std::string> w{
      "ZEROTH",     "FIRST",      "SECOND",     "THIRD",     "FOURTH",    "FIFTH",
      "SIXTH",      "SEVENTH",    "EIGHTH",     "NINTH",     "TENTH",     "ELEVENTH",
      "TWELFTH",    "THIRTEENTH", "FOURTEENTH", "FIFTEENTH", "SIXTEENTH", "SEVENTEENTH",
      "EIGHTEENTH", "NINETEENTH", "TWENTIETH"};
  return w;
}
std::string ordinal_digits(int n) {
  int t = n % 100;
  const char* s = (t >= 11 && t <= 13) ? "TH"
                  : n % 10 == 1        ? "ST"
                  : n % 10 == 2        ? "ND"
                  : n % 10 == 3        ? "RD"
                                       : "TH";
  return std::to_string(n) + s;
}

struct number_token {
  int value = -1;
  bool ordinal = false;
  bool digits = false;
};

number_token read_number(const std::string& word) {
  auto b = bare(word);
  number_token n;
  if (b.empty())
    return n;
  if (std::all_of(b.begin(), b.end(), is_digit)) {
    if (b.size() <= 2 && b[0] != '0' && std::stoi(b) <= 20)
      n = {std::stoi(b), false, true};
    return n;
  }
  for (int i = 1; i <= 20; ++i) {
    if (b == number_words()[i])
      return {i, false, false};
    if (b == ordinal_words()[i])
      return {i, true, false};
    if (b == ordinal_digits(i))
      return {i, true, true};
  }
  return n;
}

std::string write_number(int v, bool ordinal, bool digits, const std::string& model) {
  std::string s = digits ? (ordinal ? ordinal_digits(v) : std::to_string(v))
                         : (ordinal ? ordinal_words()[v] : number_words()[v]);
  return all_upper(model) ? s : capitalized(s);
}

/// Replaces the word's letters and digits, keeping its surrounding punctuation.
std::string replace_core(const std::string& word, const std::string& core) {
  size_t b = 0, e = word.size();
  while (b < e && !is_alpha(word[b]) && !is_digit(word[b]))
    ++b;
  while (e > b && !is_alpha(word[e - 1]) && !is_digit(word[e - 1]))
    --e;
  return word.substr(0, b) + core + word.substr(e);
}

void gen_number(generator& g) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> foreign{
      {"French",
       {"", "UN", "DEUX", "TROIS", "QUATRE", "CINQ", "SIX", "SEPT", "HUIT", "NEUF",
        "DIX"}},
      {"German",
       {"", "EINS", "ZWEI", "DREI", "VIER", "FUENF", "SECHS", "SIEBEN", "ACHT", "NEUN",
        "ZEHN"}},
      {"Spanish",
       {"", "UNO", "DOS", "TRES", "CUATRO", "CINCO", "SEIS", "SIETE", "OCHO", "NUEVE",
        "DIEZ"}},
      {"Russian",
       {"", "ODIN", "DVA", "TRI", "CHETYRE", "PYAT", "SHEST", "SEM", "VOSEM", "DEVYAT",
        "DESYAT"}}};
  for (auto& x : g.w.entries) {
    if (x.e->type == entity_type::individual)
      continue;
    for (auto& n : x.names) {
      if (!ascii_only(n))
        continue;
      auto words = split_words(n);
      if (words.size() < 2)
        continue;
      for (size_t i = 0; i < words.size(); ++i) {
        auto t = read_number(words[i]);
        if (t.value < 1)
          continue;
        // "NO. 3" reads "NO. THREE"; a lone digit glued to a code ("MIG-29") is not
        // a word here since words are space-separated.
        auto h = fnv("number:" + x.ref + ":" + n);
        auto q = words;
        q[i] = replace_core(words[i], write_number(t.value, t.ordinal, !t.digits, n));
        auto sub = std::string(t.ordinal ? "ordinal" : "cardinal") +
                   (t.digits ? "-to-word" : "-to-digits");
        g.add(true, x, sub, join(q), n,
              "derived from " + x.ref + (n == x.e->primary_name ? " primary" : " aka") +
                  ": " + bare(words[i]) + "->" + bare(q[i]));
        if (t.digits && !t.ordinal && t.value <= 10) {
          auto& [lang, list] = foreign[(h >> 8) % foreign.size()];
          auto f = words;
          f[i] = replace_core(words[i], styled_like(list[t.value], n));
          // Kept only with the English positive above (see main()).
          g.add(true, x, "foreign:" + join(q), join(f), n,
                "derived from " + x.ref + ": " + bare(words[i]) + "->" + lang + " " +
                    list[t.value]);
        }
        int other = t.value < 20 ? t.value + 1 : t.value - 1;
        if ((h >> 4) % 3 == 0 && t.value > 1)
          other = t.value - 1;
        bool digits = (h >> 12) % 2 ? t.digits : !t.digits;
        auto r = words;
        r[i] = replace_core(words[i], write_number(other, t.ordinal, digits, n));
        bool clash = false;
        for (auto& tok : g.w.tokens_of(x))
          clash = clash || tok == bare(r[i]);
        if (!clash)
          g.add(false, x, "other", join(r), n,
                "derived from " + x.ref + ": " + bare(words[i]) + "->" + bare(r[i]) +
                    " (another number)");
        break;
      }
    }
  }
}

// split_join: "ABDUL RAHMAN" <-> "ABDULRAHMAN", "AL-QAIDA" -> "ALQAIDA".
void gen_split_join(generator& g) {
  static const std::set<std::string> prefixes{"ABDUL", "ABD", "ABDEL", "ABDOUL", "ABU",
                                              "ABOU",  "BIN", "BEN",   "AL",     "EL"};
  static const std::vector<std::string> split_prefixes{"ABDUL",  "ABDEL", "ABDUR",
                                                       "ABDOUL", "ABOU",  "ABU"};
  // prefix -> second parts seen in listed names (for the negatives).
  std::map<std::string, std::set<std::string>> seconds;
  for (auto& x : g.w.entries)
    for (auto& n : x.names) {
      auto words = split_words(n);
      for (size_t i = 0; i + 1 < words.size(); ++i)
        if (prefixes.count(bare(words[i])) && alpha_word(words[i]) &&
            alpha_word(words[i + 1]) && words[i + 1].size() >= 4)
          seconds[bare(words[i])].insert(bare(words[i + 1]));
    }
  auto glue = [](const std::string& a, const std::string& b) {
    return all_upper(a) ? a + upper(b) : a + lower(b);
  };
  for (auto& x : g.w.entries) {
    for (auto& n : x.names) {
      if (!ascii_only(n))
        continue;
      auto words = split_words(n);
      if (words.size() < 2)
        continue;
      auto h = fnv("split_join:" + x.ref + ":" + n);
      auto src = x.ref + (n == x.e->primary_name ? " primary" : " aka");
      for (size_t i = 0; i < words.size(); ++i) {
        auto b = bare(words[i]);
        // Join a prefix with the next word.
        if (i + 1 < words.size() && prefixes.count(b) && alpha_word(words[i]) &&
            alpha_word(bare(words[i + 1])) && words[i + 1].size() >= 3 &&
            bare(words[i + 1]) != "ALLAH") {
          auto q = words;
          q[i] = glue(words[i], words[i + 1]);
          q.erase(q.begin() + static_cast<long>(i) + 1);
          g.add(true, x, "join-" + b, join(q), n,
                "derived from " + src + ": joined " + lower(b) + "+" +
                    lower(bare(words[i + 1])));
          // Negative: joined with another listed second part.
          std::vector<std::string> pool(seconds[b].begin(), seconds[b].end());
          auto real = bare(words[i + 1]);
          auto other = choose(pool, h >> 8, [&](const std::string& s) {
            return s[0] == real[0] && edit_distance(s, real) >= 3 &&
                   skeleton(s) != skeleton(real) && !g.w.near_group_token(x, s);
          });
          if (other.empty())
            other = choose(pool, h >> 8, [&](const std::string& s) {
              return edit_distance(s, real) >= 3 && !g.w.near_group_token(x, s);
            });
          if (!other.empty()) {
            auto r = words;
            r[i] = glue(words[i], other);
            r.erase(r.begin() + static_cast<long>(i) + 1);
            g.add(false, x, "join-" + b, join(r), n,
                  "derived from " + src + ": joined " + lower(b) + "+" + lower(other) +
                      " for " + lower(b) + " " + lower(real));
          }
          break;
        }
        // "AL-QAIDA" -> "ALQAIDA".
        auto hy = words[i].find('-');
        if (hy != std::string::npos && prefixes.count(upper(words[i].substr(0, hy))) &&
            name_word(words[i]) && words[i].find('-', hy + 1) == std::string::npos &&
            words[i].size() - hy - 1 >= 3) {
          auto q = words;
          q[i] = glue(words[i].substr(0, hy), words[i].substr(hy + 1));
          g.add(true, x, "join-hyphen", join(q), n,
                "derived from " + src + ": joined " + lower(words[i]));
          break;
        }
        // "ABDULRAHMAN" -> "ABDUL RAHMAN", "HABIBULLAH" -> "HABIB ULLAH".
        if (!alpha_word(words[i]) || x.e->type != entity_type::individual)
          continue;
        std::string first, second;
        for (auto& p : split_prefixes)
          if (b.size() >= p.size() + 4 && b.compare(0, p.size(), p) == 0 &&
              b.compare(p.size(), 3, "LAH") != 0 && b.compare(p.size(), 4, "LLAH") != 0 &&
              (p != "ABDUR" || b[p.size()] == 'R')) {
            first = words[i].substr(0, p.size());
            second = words[i].substr(p.size());
            break;
          }
        if (first.empty())
          for (std::string suffix : {"ULLAH", "ALLAH"})
            if (b.size() >= suffix.size() + 3 &&
                b.compare(b.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                !(suffix == "ULLAH" && b.compare(0, 3, "ABD") == 0)) {
              first = words[i].substr(0, b.size() - suffix.size());
              second = words[i].substr(b.size() - suffix.size());
              break;
            }
        if (first.empty())
          continue;
        // "ABDURAKHMANOV" is a Slavic surname, not "ABDUR AKHMANOV".
        bool slavic = false;
        for (std::string end : {"OV", "EV", "OVA", "EVA", "IN", "INA", "ICH"})
          slavic = slavic || (b.size() > end.size() &&
                              b.compare(b.size() - end.size(), end.size(), end) == 0);
        if (slavic)
          continue;
        auto q = words;
        q[i] = first;
        q.insert(q.begin() + static_cast<long>(i) + 1,
                 all_upper(words[i]) ? upper(second) : capitalized(second));
        g.add(true, x, "split", join(q), n,
              "derived from " + src + ": split " + lower(b) + "->" + lower(first) + " " +
                  lower(second));
        auto pb = upper(first);
        if (prefixes.count(pb) || pb == "ABDUR") {
          std::vector<std::string> pool(seconds[pb == "ABDUR" ? "ABDUL" : pb].begin(),
                                        seconds[pb == "ABDUR" ? "ABDUL" : pb].end());
          auto real = upper(second);
          auto other = choose(pool, h >> 8, [&](const std::string& s) {
            return s[0] == real[0] && edit_distance(s, real) >= 3 &&
                   skeleton(s) != skeleton(real) && !g.w.near_group_token(x, s);
          });
          if (!other.empty()) {
            auto r = words;
            r[i] = glue(first, other);
            g.add(false, x, "split", join(r), n,
                  "derived from " + src + ": " + lower(pb) + "+" + lower(other) +
                      " for " + lower(b));
          }
        }
        break;
      }
    }
  }
}

// abbreviation: INTERNATIONAL <-> INTL ...
const std::map<std::string, std::vector<std::string>>& abbreviations() {
  static const std::map<std::string, std::vector<std::string>> a{
      {"INTERNATIONAL", {"INTL", "INT'L"}},
      {"MANUFACTURING", {"MFG"}},
      {"COMPANY", {"CO"}},
      {"CORPORATION", {"CORP"}},
      {"BROTHERS", {"BROS"}},
      {"LIMITED", {"LTD"}},
      {"INDUSTRIES", {"INDS"}},
      {"INDUSTRIAL", {"INDL"}},
      {"TRADING", {"TRDG"}},
      {"DEVELOPMENT", {"DEV"}},
      {"ENGINEERING", {"ENG"}},
      {"TECHNOLOGY", {"TECH"}},
      {"ASSOCIATION", {"ASSN"}},
      {"SERVICES", {"SVCS"}},
      {"GROUP", {"GRP"}},
      {"INCORPORATED", {"INC"}},
      {"DEPARTMENT", {"DEPT"}},
      {"MANAGEMENT", {"MGMT"}},
      {"NATIONAL", {"NATL"}},
      {"INSTITUTE", {"INST"}},
      {"ORGANIZATION", {"ORG"}},
      {"ESTABLISHMENT", {"EST"}},
  };
  return a;
}

void gen_abbreviation(generator& g) {
  static const std::set<std::string> legal_forms{"COMPANY", "CORPORATION", "LIMITED",
                                                 "INCORPORATED"};
  std::map<std::string, std::string> expand; // "CORP" -> "CORPORATION"
  for (auto& [full, abbrs] : abbreviations())
    for (auto& a : abbrs)
      if (a != "TECH" && a != "ORG" && a != "EST" && a != "DEV" && a != "ENG" &&
          a != "INST")
        expand[bare(a)] = full;
  // Distinctive words of entity names (for the negatives).
  std::vector<std::string> distinctive;
  auto rarest = [&](const std::vector<std::string>& words) -> std::string {
    std::string best;
    size_t best_df = SIZE_MAX;
    for (auto& wd : words) {
      auto b = bare(wd);
      if (!alpha_word(wd.substr(0, wd.size() - trailing(wd).size())) || b.size() < 4 ||
          abbreviations().count(b) || expand.count(b) || particle(b))
        continue;
      auto it = g.w.df.find(b);
      size_t d = it == g.w.df.end() ? 0 : it->second;
      if (d < best_df) {
        best_df = d;
        best = b;
      }
    }
    return best;
  };
  {
    std::set<std::string> seen;
    for (auto& x : g.w.entries)
      if (x.e->type == entity_type::entity && ascii_only(x.e->primary_name)) {
        auto r = rarest(split_words(x.e->primary_name));
        if (!r.empty() && seen.insert(r).second)
          distinctive.push_back(r);
      }
  }
  for (auto& x : g.w.entries) {
    if (x.e->type == entity_type::individual)
      continue;
    for (auto& n : x.names) {
      if (!ascii_only(n))
        continue;
      auto words = split_words(n);
      if (words.size() < 2)
        continue;
      auto h = fnv("abbreviation:" + x.ref + ":" + n);
      auto q = words;
      std::string how;
      bool abbreviated = false, word = false;
      for (size_t i = 0; i < words.size(); ++i) {
        auto b = bare(words[i]);
        auto core_len = words[i].size() - trailing(words[i]).size();
        if (core_len != b.size() || !alpha_word(words[i].substr(0, core_len)))
          continue;
        if (auto it = abbreviations().find(b); it != abbreviations().end()) {
          auto a = it->second[(h >> 3) % it->second.size()];
          bool dot = a.find('\'') == std::string::npos && (h >> 5) % 2;
          auto t = styled_like(a, words[i]) + (dot ? "." : "");
          if (t.find('\'') != std::string::npos && !all_upper(words[i]))
            t = "Int'l";
          q[i] = t + trailing(words[i]);
          if (dot && trailing(words[i]).rfind('.', 0) == 0)
            q[i] = t + trailing(words[i]).substr(1);
          how += (how.empty() ? "" : ", ") + lower(b) + "->" + lower(t);
          abbreviated = true;
          word = word || !legal_forms.count(b);
        } else if (auto e = expand.find(b); e != expand.end()) {
          auto tr = trailing(words[i]);
          if (!tr.empty() && tr[0] == '.')
            tr = tr.substr(1);
          q[i] = styled_like(e->second, words[i]) + tr;
          how += (how.empty() ? "" : ", ") + lower(b) + "->" + lower(e->second);
        }
      }
      if (how.empty())
        continue;
      // Keep only names with something beside the abbreviated words.
      auto distinct = rarest(words);
      if (distinct.empty())
        continue;
      auto src = x.ref + (n == x.e->primary_name ? " primary" : " aka");
      auto query = join(q);
      // Half the positives abbreviate a word other than a legal form.
      auto sub = word ? "word" + std::to_string(h % 2) : abbreviated ? "legal" : "expand";
      g.add(true, x, sub, query, n, "derived from " + src + ": " + how);
      if (!abbreviated)
        continue;
      auto other = choose(distinctive, h >> 9, [&](const std::string& s) {
        return edit_distance(s, distinct) >= 3 && !g.w.near_group_token(x, s);
      });
      if (other.empty())
        continue;
      auto r = q;
      for (auto& wd : r)
        if (bare(wd) == distinct) {
          wd = replace_core(wd, styled_like(other, wd));
          break;
        }
      g.add(false, x, "abbreviate", join(r), n,
            "derived from " + src + ": " + how + "; " + lower(other) + " for " +
                lower(distinct));
    }
  }
}

// phonetic: real aliases that spell the same words differently.
void gen_phonetic(generator& g) {
  for (auto& x : g.w.entries) {
    auto& primary = x.e->primary_name;
    if (!ascii_only(primary))
      continue;
    auto pt = tokens(primary);
    if (pt.empty())
      continue;
    for (size_t k = 1; k < x.names.size(); ++k) {
      auto& alias_name = x.names[k];
      if (!ascii_only(alias_name))
        continue;
      auto at = tokens(alias_name);
      if (at.size() != pt.size())
        continue;
      bool ok = true, far = false;
      std::string how;
      for (size_t i = 0; i < at.size() && ok; ++i) {
        if (at[i] == pt[i])
          continue;
        if (!alpha_word(at[i]) || !alpha_word(pt[i]) ||
            !spelling_variants(at[i], pt[i])) {
          ok = false;
          break;
        }
        far = far || edit_distance(at[i], pt[i]) >= 2;
        how += (how.empty() ? "" : ", ") + lower(at[i]) + "/" + lower(pt[i]);
      }
      if (!ok || !far)
        continue;
      auto src = x.ref + " aka of primary";
      g.add(true, x, "alias", alias_name, primary, src + ": " + how);
      // Negative: the variant-spelled alias with its surname replaced.
      auto p = parse_person(x, alias_name);
      if (!p)
        continue;
      auto& s = p->comma_form ? p->surname.front() : p->surname.back();
      if (particle(s) || s.size() < 4 || !alpha_word(s))
        continue;
      auto real = s;
      auto other =
          other_surname(g.w, x, real, fnv("phonetic:" + x.ref + alias_name), true);
      if (other.empty())
        continue;
      s = styled_like(other, real);
      g.add(false, x, "alias", p->listed_form(), primary,
            "derived from " + x.ref + " aka: surname " + other + " for " + upper(real));
    }
  }
}

// reorder: order, duplicated part, dropped patronymic or "BIN X", transposed letters.
void gen_reorder(generator& g) {
  auto ends_with = [](const std::string& w, const std::string& s) {
    auto u = upper(w);
    return u.size() > s.size() + 2 && u.compare(u.size() - s.size(), s.size(), s) == 0;
  };
  for (auto& x : g.w.entries) {
    auto& n = x.e->primary_name;
    auto p = parse_person(x, n);
    auto h = fnv("reorder:" + x.ref);
    auto src = "derived from " + x.ref;
    if (p) {
      // Order: surname last (OFAC) or first (UN).
      std::string reordered;
      if (p->comma_form)
        reordered = p->natural_form();
      else if (p->given.size() >= 2)
        reordered = join(p->surname) + " " + join(p->given);
      if (!reordered.empty()) {
        g.add(true, x, "order", reordered, n, src + ": surname moved");
        // Negative: reordered and a distinctive token replaced.
        person r = *p;
        std::string what;
        if ((h >> 3) % 2 == 0) {
          auto& s = r.comma_form ? r.surname.front() : r.surname.back();
          auto other = s.size() >= 4 && !particle(s)
                           ? other_surname(g.w, x, s, h >> 7, false)
                           : std::string();
          if (!other.empty()) {
            what = "surname " + other + " for " + upper(s);
            s = styled_like(other, s);
          }
        } else if (!particle(r.given[0]) && r.given[0].size() >= 3) {
          auto other = other_given(g.w, x, r.given[0], h >> 7);
          if (!other.empty()) {
            what = "given name " + lower(other) + " for " + lower(r.given[0]);
            r.given[0] = styled_like(other, r.given[0]);
          }
        }
        if (!what.empty()) {
          auto q =
              r.comma_form ? r.natural_form() : join(r.surname) + " " + join(r.given);
          g.add(false, x, "order", q, n, src + ": surname moved, " + what);
        }
      }
      // Duplicated part.
      if (!particle(p->given[0]) && p->given[0].size() >= 3) {
        person d = *p;
        d.given.insert(d.given.begin(), p->given[0]);
        g.add(true, x, "duplicate", d.listed_form(), n,
              src + ": " + lower(p->given[0]) + " repeated");
      }
      // Patronymic dropped.
      for (size_t i = p->comma_form ? 0 : 1; i < p->given.size(); ++i) {
        auto& wd = p->given[i];
        if (ends_with(wd, "OVICH") || ends_with(wd, "EVICH") || ends_with(wd, "OVNA") ||
            ends_with(wd, "EVNA") || ends_with(wd, "ICH")) {
          person d = *p;
          d.given.erase(d.given.begin() + static_cast<long>(i));
          if (d.given.empty())
            break;
          g.add(true, x, "patronymic", d.listed_form(), n,
                src + ": patronymic " + lower(wd) + " dropped");
          break;
        }
      }
    }
    // "BIN X" / "IBN X" dropped.
    if (x.e->type == entity_type::individual && ascii_only(n)) {
      auto words = split_words(n);
      for (size_t i = 1; i + 1 < words.size(); ++i) {
        auto b = bare(words[i]);
        if ((b == "BIN" || b == "IBN") && alpha_word(words[i]) && words.size() >= 4) {
          auto d = words;
          auto dropped = words[i] + " " + words[i + 1];
          if (!trailing(words[i + 1]).empty())
            break;
          d.erase(d.begin() + static_cast<long>(i), d.begin() + static_cast<long>(i) + 2);
          g.add(true, x, "bin", join(d), n, src + ": " + lower(dropped) + " dropped");
          break;
        }
      }
    }
    // Two adjacent letters transposed inside a long word.
    if (ascii_only(n)) {
      auto words = split_words(n);
      size_t best = SIZE_MAX;
      for (size_t i = 0; i < words.size(); ++i)
        if (alpha_word(words[i]) && words[i].size() >= 7 &&
            (best == SIZE_MAX || words[i].size() > words[best].size()))
          best = i;
      if (best != SIZE_MAX) {
        auto d = words;
        auto& wd = d[best];
        size_t pos = 2 + (h >> 11) % (wd.size() - 4);
        if (wd[pos] != wd[pos + 1]) {
          std::swap(wd[pos], wd[pos + 1]);
          g.add(true, x, "transpose", join(d), n,
                src + ": " + lower(words[best]) + "->" + lower(wd));
        }
      }
    }
  }
}

// script: original-script name vs the Latin primary name.
void gen_script(generator& g) {
  // Latin tokens -> entries whose primary name holds them.
  std::map<std::string, std::vector<const entry*>> by_token;
  for (auto& x : g.w.entries) {
    if (non_latin(x.e->primary_name))
      continue;
    std::set<std::string> seen;
    for (auto& t : tokens(x.e->primary_name))
      if (t.size() >= 3 && !particles().count(t) && seen.insert(t).second)
        by_token[t].push_back(&x);
  }
  // Possibly the same party: two distinct tokens that read alike.
  auto maybe_same = [&](const entry& a, const entry& b) {
    if (a.group == b.group)
      return true;
    size_t shared = 0;
    for (auto& t : g.w.group_tokens[a.group]) {
      if (particles().count(t) || t.size() < 3 || non_latin(t))
        continue;
      for (auto& u : g.w.group_tokens[b.group])
        if (spelling_variants(t, u)) {
          ++shared;
          break;
        }
    }
    return shared >= 2;
  };
  for (auto& x : g.w.entries) {
    if (non_latin(x.e->primary_name))
      continue;
    for (auto& a : x.e->aliases) {
      if (!(a.kind == "original_script" || non_latin(a.name)))
        continue;
      if (!non_latin(a.name) || std::any_of(a.name.begin(), a.name.end(), is_alpha) ||
          a.name.find("\xEF\xBF\xBD") != std::string::npos)
        continue;
      auto query = join(split_words(collapse_space(a.name)));
      auto h = fnv("script:" + x.ref + ":" + a.name);
      g.add(true, x, "script", query, x.e->primary_name,
            x.ref + " " + a.kind + " of primary");
      // Negative: a same-type entry sharing a Latin token, else any same-type entry.
      std::vector<const entry*> hard;
      std::set<const entry*> seen;
      for (auto& t : tokens(x.e->primary_name)) {
        auto it = by_token.find(t);
        if (t.size() < 3 || particles().count(t) || it == by_token.end())
          continue;
        for (auto* y : it->second)
          if (y->e->type == x.e->type && seen.insert(y).second && !maybe_same(x, *y))
            hard.push_back(y);
      }
      const entry* other = nullptr;
      std::string how;
      if (!hard.empty()) {
        other = hard[(h >> 8) % hard.size()];
        how = "shares a token";
      } else {
        for (size_t k = 0; k < g.w.entries.size(); ++k) {
          auto& y = g.w.entries[(h + k) % g.w.entries.size()];
          if (y.e->type == x.e->type && !non_latin(y.e->primary_name) &&
              !maybe_same(x, y)) {
            other = &y;
            how = "same type";
            break;
          }
        }
      }
      if (other) // the negative belongs to the listed entry
        g.add(false, *other, "script", query, other->e->primary_name,
              x.ref + " " + a.kind + " vs " + other->ref + " primary (" + how + ")");
      break; // one script name per entry
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  std::string data = KYB_TEST_DATA;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--data DIR] > name_variation_pairs_DERIVED.csv\n",
                   argv[0]);
      return 2;
    }
  }
  auto lists = load_lists(eval::full_sources(data));
  if (!lists) {
    std::fprintf(stderr, "load failed: %s\n", lists.error().to_string().c_str());
    return 1;
  }
  auto w = load_world(lists.value(), data + "/names/carltonnorthern_nicknames_names.csv");

  struct cls {
    const char* name;
    void (*fn)(generator&);
  };
  const cls classes[] = {
      {"initials", gen_initials},     {"nickname", gen_nickname},
      {"title", gen_title},           {"number", gen_number},
      {"split_join", gen_split_join}, {"abbreviation", gen_abbreviation},
      {"phonetic", gen_phonetic},     {"reorder", gen_reorder},
      {"script", gen_script}};
  std::printf("class,label,query,listed,origin\n");
  bool short_class = false;
  for (auto& c : classes) {
    generator g{w, {}, {}, c.name};
    c.fn(g);
    std::vector<pair_row> positives;
    if (std::string(c.name) == "number") {
      // Foreign number words only beside the English positive of the same name.
      std::vector<candidate> plain, foreign;
      for (auto& x : g.pos)
        (x.subkind.rfind("foreign:", 0) == 0 ? foreign : plain).push_back(x);
      positives = take(plain, positives_per_class);
      std::set<std::string> english;
      for (auto& r : positives)
        english.insert(r.query + "\n" + r.listed);
      std::vector<candidate> kept;
      for (auto& f : foreign)
        if (english.count(f.subkind.substr(8) + "\n" + f.row.listed)) {
          f.subkind = "foreign";
          kept.push_back(f);
        }
      for (auto& r : take(kept, 8))
        positives.push_back(r);
    } else {
      positives = take(g.pos, positives_per_class);
    }
    auto negatives = take(g.neg, negatives_per_class);
    std::fprintf(stderr, "%-13s %3zu positives (of %4zu)  %3zu negatives (of %4zu)\n",
                 c.name, positives.size(), g.pos.size(), negatives.size(), g.neg.size());
    short_class = short_class || positives.size() < 25 || negatives.size() < 15;
    for (auto* rows : {&positives, &negatives})
      for (auto& r : *rows)
        std::printf("%s,%d,%s,%s,%s\n", r.cls.c_str(), r.label,
                    kyb::base::csv_field(r.query).c_str(),
                    kyb::base::csv_field(r.listed).c_str(),
                    kyb::base::csv_field(r.origin).c_str());
  }
  if (short_class)
    std::fprintf(stderr,
                 "warning: a class has fewer than 25 positives or 15 negatives\n");
  return 0;
}

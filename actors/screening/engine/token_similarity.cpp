#include "actors/screening/engine/token_similarity.hpp"

#include "actors/screening/engine/name_equivalents.hpp"

#include <algorithm>
#include <cstdint>

namespace kyb::screening {

double jaro_winkler(std::string_view a, std::string_view b) noexcept {
  if (a == b)
    return 1.0;
  size_t la = a.size(), lb = b.size();
  if (la == 0 || lb == 0)
    return 0.0;
  size_t window = std::max(la, lb) / 2;
  window = window > 0 ? window - 1 : 0;
  // Tokens are short; fixed buffers keep this allocation-free.
  bool a_match[64] = {false};
  bool b_match[64] = {false};
  if (la > 64 || lb > 64)
    return 0.0;
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(i + window + 1, lb);
    for (size_t j = lo; j < hi; ++j) {
      if (b_match[j] || a[i] != b[j])
        continue;
      a_match[i] = b_match[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0)
    return 0.0;
  size_t transpositions = 0;
  size_t k = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!a_match[i])
      continue;
    while (!b_match[k])
      ++k;
    if (a[i] != b[k])
      ++transpositions;
    ++k;
  }
  double m = static_cast<double>(matches);
  double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
    ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

bool within_one_edit(std::string_view a, std::string_view b) noexcept {
  if (a.size() < b.size())
    std::swap(a, b);
  size_t la = a.size(), lb = b.size();
  if (la - lb > 1)
    return false;
  size_t i = 0;
  while (i < lb && a[i] == b[i])
    ++i;
  if (i == lb)
    return true; // equal, or `a` has one extra character at the end
  if (la == lb) {
    if (a.substr(i + 1) == b.substr(i + 1))
      return true; // substitution
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2); // adjacent swap
  }
  return a.substr(i + 1) == b.substr(i); // deletion from `a`
}

bool fuzzy_eligible(std::string_view t) noexcept {
  for (char c : t)
    if (c < 'a' || c > 'z')
      return false;
  return !t.empty();
}

std::string phonetic_key(std::string_view token) {
  if (!fuzzy_eligible(token))
    return {};
  // Fold digraphs and letters to one spelling per sound.
  std::string s;
  s.reserve(token.size() + 2);
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    char n = i + 1 < token.size() ? token[i + 1] : 0;
    if (n == 'h' && (c == 'p' || c == 't' || c == 'd' || c == 'k' || c == 'g' ||
                     c == 's' || c == 'z' || c == 'c')) {
      static const char fold[] = "ptdkgszc";
      static const char to[] = "ftdhgsjh";
      s += to[std::string_view(fold).find(c)];
      ++i;
      continue;
    }
    switch (c) {
    case 'q':
    case 'c':
      s += 'k';
      break;
    case 'z':
      s += 's';
      break;
    case 'w':
      s += 'v';
      break;
    case 'x':
      s += "ks";
      break;
    default:
      s += c;
    }
  }
  auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  std::string key;
  key.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 0) {
      key += vowel(c) && c != 'y' ? 'a' : c;
      continue;
    }
    if (vowel(c))
      continue;
    if (key.back() == c)
      continue;
    key += c;
  }
  return key;
}

double token_similarity::one_edit_similarity(std::string_view a,
                                             std::string_view b) noexcept {
  double floor = 1.0 - 0.5 / static_cast<double>(std::max(a.size(), b.size()));
  return std::max(jaro_winkler(a, b), floor);
}

bool korean_vowel_variant(std::string_view a, std::string_view b) noexcept {
  if (a.size() > b.size())
    std::swap(a, b);
  if (a.size() < 2 || b.size() > a.size() + 1)
    return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i])
    ++i;
  if (a.size() == b.size()) // o / u: "song" / "sung", "chol" / "chul"
    return i < a.size() &&
           ((a[i] == 'o' && b[i] == 'u') || (a[i] == 'u' && b[i] == 'o')) &&
           a.substr(i + 1) == b.substr(i + 1);
  // eo / o, eu / u: "seong" / "song", "eun" / "un"
  return i < b.size() && b[i] == 'e' && i < a.size() && (a[i] == 'o' || a[i] == 'u') &&
         a.substr(i) == b.substr(i + 1);
}

token_similarity::rule token_similarity::classify(std::string_view a, std::string_view b,
                                                  std::string_view key_a,
                                                  std::string_view key_b, bool strict,
                                                  bool initials) const noexcept {
  if (a == b)
    return {1.0, match_kind::exact};
  rule r;
  match_kind related = match_kind::exact;
  if (name_equivalents::related(a, b, related))
    r = {name_equivalents::similarity(related), related};
  if (strict) {
    if (r.similarity == 0 && korean_vowel_variant(a, b))
      r = {korean_vowel_similarity, match_kind::variant};
    return r;
  }
  if (initials && initial_of(a, b) && initial_similarity > r.similarity)
    r = {initial_similarity, match_kind::initial};
  if (fuzzy_lengths(a.size(), b.size()) && fuzzy_eligible(a) && fuzzy_eligible(b) &&
      within_one_edit(a, b)) {
    double s = one_edit_similarity(a, b);
    if (s > r.similarity)
      r = {s, match_kind::fuzzy};
  }
  if (key_a.size() >= min_key_length && key_a == key_b && phonetic_ > r.similarity)
    r = {phonetic_, match_kind::phonetic};
  return r;
}

} // namespace kyb::screening

#include "actors/classification/feature_extractor.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace kyb::classification {

namespace {

constexpr uint64_t fnv_offset = 1469598103934665603ULL;
constexpr uint64_t fnv_prime = 1099511628211ULL;

uint64_t fnv1a(char kind, std::string_view text) {
  uint64_t h = fnv_offset;
  h = (h ^ static_cast<unsigned char>(kind)) * fnv_prime;
  for (unsigned char c : text)
    h = (h ^ c) * fnv_prime;
  return h;
}

// Byte offsets of the code point starts in `s`, plus s.size() at the end.
void code_point_offsets(std::string_view s, std::vector<uint32_t>& offsets) {
  offsets.clear();
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      offsets.push_back(static_cast<uint32_t>(i));
  offsets.push_back(static_cast<uint32_t>(s.size()));
}

void add_ngrams(char kind, std::string_view s, size_t min_n, size_t max_n, float weight,
                int32_t tok, std::vector<uint32_t>& offsets, std::vector<feature>& out) {
  code_point_offsets(s, offsets);
  const size_t count = offsets.size() - 1;
  if (count < min_n) {
    out.push_back(feature{fnv1a(kind, s), weight, tok});
    return;
  }
  for (size_t n = min_n; n <= max_n && n <= count; ++n)
    for (size_t i = 0; i + n <= count; ++i)
      out.push_back(feature{
          fnv1a(kind, s.substr(offsets[i], offsets[i + n] - offsets[i])), weight, tok});
}

// Sorts `v` by hash, stably: a counting sort on the hash's top bits (about one feature
// per bucket), then an insertion sort that puts each bucket in order. The same order as
// std::stable_sort by hash, without its branch mispredictions on random keys, which made
// sorting a request's ~100 features a fifth of its classification.
void sort_by_hash(std::vector<feature>::iterator first,
                  std::vector<feature>::iterator last) {
  const auto n = static_cast<size_t>(last - first);
  if (n > 16) {
    unsigned bits = 8;
    while (bits < 16 && (size_t{1} << bits) < n)
      ++bits;
    const unsigned shift = 64 - bits;
    thread_local std::vector<uint32_t> counts;
    thread_local std::vector<feature> sorted;
    counts.assign((size_t{1} << bits) + 1, 0);
    for (auto it = first; it != last; ++it)
      ++counts[(it->hash >> shift) + 1];
    for (size_t b = 1; b < counts.size(); ++b)
      counts[b] += counts[b - 1];
    sorted.resize(n);
    for (auto it = first; it != last; ++it)
      sorted[counts[it->hash >> shift]++] = *it;
    std::copy(sorted.begin(), sorted.end(), first);
  }
  for (auto it = first + (n > 0 ? 1 : 0); it < last; ++it) {
    if (!(it->hash < (it - 1)->hash))
      continue;
    const feature f = *it;
    auto hole = it;
    do {
      *hole = *(hole - 1);
      --hole;
    } while (hole != first && f.hash < (hole - 1)->hash);
    *hole = f;
  }
}

// Sorts features from `first` on by hash and merges duplicates: a feature counts once
// per document, with its largest weight and the first token that produced it.
void deduplicate(std::vector<feature>& out, size_t first) {
  auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
  sort_by_hash(begin, out.end());
  auto dst = begin;
  for (auto it = begin; it != out.end(); ++it) {
    if (dst != begin && (dst - 1)->hash == it->hash) {
      (dst - 1)->weight = std::max((dst - 1)->weight, it->weight);
      continue;
    }
    *dst++ = *it;
  }
  out.erase(dst, out.end());
}

// Script of the first letter of `text` (raw UTF-8): 0 none, 1 Latin, 2 Greek,
// 3 Cyrillic, 4 Armenian, 5 Hebrew, 6 Arabic, 7 Georgian, 8 kana, 9 Hangul, 10 Han,
// 11 other.
int script_of(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    i += n;
    if (cp < 0x80) {
      if (std::isalpha(static_cast<int>(cp)))
        return 1;
      continue;
    }
    if (cp < 0x250)
      return 1;
    if (cp >= 0x370 && cp < 0x400)
      return 2;
    if (cp >= 0x400 && cp < 0x530)
      return 3;
    if (cp >= 0x530 && cp < 0x590)
      return 4;
    if (cp >= 0x590 && cp < 0x600)
      return 5;
    if (cp >= 0x600 && cp < 0x700)
      return 6;
    if (cp >= 0x10A0 && cp < 0x1100)
      return 7;
    if (cp >= 0x3040 && cp < 0x3100)
      return 8;
    if (cp >= 0xAC00 && cp < 0xD7B0)
      return 9;
    if (cp >= 0x4E00 && cp < 0xA000)
      return 10;
    return 11;
  }
  return 0;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

feature_extractor::feature_extractor(const feature_options& options)
    : options_(options) {}

uint64_t feature_extractor::word_hash(std::string_view word) {
  return fnv1a('w', word);
}

uint64_t feature_extractor::country_hash(std::string_view country) {
  std::string lower(country);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fnv1a('k', lower);
}

void feature_extractor::append_text_features(const std::vector<token>& tokens,
                                             std::vector<feature>& out) const {
  std::vector<uint32_t> offsets;
  std::string padded;
  std::string pair;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    const float w = options_.field_weight[static_cast<size_t>(t.field)];
    if (w <= 0.0f)
      continue;
    const auto tok = static_cast<int32_t>(i);
    if (options_.word_unigrams)
      out.push_back(feature{word_hash(t.text), w, tok});
    if (t.unsegmented) {
      if (options_.unseg_max_n > 0)
        add_ngrams('u', t.text, 1, options_.unseg_max_n, w, tok, offsets, out);
    } else if (options_.char_max_n > 0) {
      padded.assign("^");
      padded += t.text;
      padded += '$';
      add_ngrams('c', padded, options_.char_min_n, options_.char_max_n, w, tok, offsets,
                 out);
    }
    if (options_.word_bigrams && i + 1 < tokens.size() &&
        tokens[i + 1].field == t.field) {
      pair.assign(t.text);
      pair += ' ';
      pair += tokens[i + 1].text;
      out.push_back(feature{fnv1a('b', pair), w, tok});
    }
  }
}

void feature_extractor::extract(const std::vector<token>& tokens,
                                std::string_view country,
                                std::vector<feature>& out) const {
  const size_t first = out.size();
  append_text_features(tokens, out);
  if (!country.empty() && options_.country_weight > 0.0f)
    out.push_back(feature{country_hash(country), options_.country_weight, -1});
  deduplicate(out, first);
}

void feature_extractor::extract_business(const classification_input& input,
                                         const std::vector<std::string>& countries,
                                         std::vector<token>& tokens,
                                         std::vector<feature>& out) const {
  out.clear();
  const size_t first_token = tokens.size();
  const size_t cap = options_.max_tokens_per_field;
  text_normalizer::tokenize(input.legal_name, input_field::name, cap, tokens);
  text_normalizer::tokenize(input.dba_name, input_field::dba, cap, tokens);
  text_normalizer::tokenize(input.description, input_field::description, cap, tokens);
  text_normalizer::tokenize(input.website_text, input_field::website, cap, tokens);
  const std::vector<token> own(tokens.begin() + static_cast<std::ptrdiff_t>(first_token),
                               tokens.end());
  append_text_features(own, out);
  for (auto& f : out)
    f.token += static_cast<int32_t>(first_token);

  // Countries share one weight, so a brand listed in many countries is not louder.
  std::vector<std::string> lower;
  for (const auto& c : countries)
    if (!c.empty())
      lower.push_back(lower_ascii(c));
  if (!lower.empty() && options_.country_weight > 0.0f) {
    const float w = options_.country_weight / static_cast<float>(lower.size());
    for (const auto& c : lower)
      out.push_back(feature{country_hash(c), w, -1});
  }

  if (options_.transliterate) {
    // Romanised words of the names and the description ("банк" -> word "bank" and
    // its character n-grams), weighted like their field.
    std::vector<uint32_t> offsets;
    for (size_t i = 0; i < own.size(); ++i) {
      const auto& t = own[i];
      const float w = options_.field_weight[static_cast<size_t>(t.field)];
      if (t.unsegmented || t.field == input_field::website || w <= 0.0f)
        continue;
      const auto latin = text_normalizer::transliterate(t.text);
      if (latin.empty())
        continue;
      const auto tok = static_cast<int32_t>(first_token + i);
      out.push_back(feature{word_hash(latin), w, tok});
      if (options_.char_max_n > 0)
        add_ngrams('c', "^" + latin + "$", options_.char_min_n, options_.char_max_n, w,
                   tok, offsets, out);
    }
  }

  if (options_.shape_features) {
    // What a name looks like: without a category word, this (with the country) is
    // most of the evidence there is.
    const std::string_view name = input.legal_name;
    size_t name_words = 0;
    for (const auto& t : own)
      name_words += t.field == input_field::name;
    bool digit = false, ampersand = false, all_caps = true, possessive = false;
    int letters = 0;
    for (size_t i = 0; i < name.size(); ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      digit = digit || std::isdigit(c) != 0;
      ampersand = ampersand || c == '&';
      if (c < 0x80 && std::isalpha(c)) {
        ++letters;
        all_caps = all_caps && std::isupper(c) != 0;
      }
      possessive = possessive || (c == '\'' && i + 1 < name.size() && name[i + 1] == 's');
    }
    const int script = script_of(name);
    auto shape = [&](const std::string& what, float w) {
      out.push_back(feature{fnv1a('s', what), w, -1});
    };
    shape("words" + std::to_string(std::min<size_t>(name_words, 4)), 1.0f);
    shape("script" + std::to_string(script), 1.0f);
    if (digit)
      shape("digit", 1.0f);
    if (ampersand)
      shape("ampersand", 1.0f);
    if (all_caps && letters >= 2)
      shape("capitals", 1.0f);
    if (possessive)
      shape("possessive", 1.0f);
    for (const auto& c : lower)
      shape(c + "/script" + std::to_string(script),
            1.0f / static_cast<float>(lower.size()));
  }
  deduplicate(out, 0);
}

} // namespace kyb::classification

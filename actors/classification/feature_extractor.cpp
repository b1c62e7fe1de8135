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

void feature_extractor::extract(const std::vector<token>& tokens,
                                std::string_view country,
                                std::vector<feature>& out) const {
  const size_t first = out.size();
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
  if (!country.empty() && options_.country_weight > 0.0f)
    out.push_back(feature{country_hash(country), options_.country_weight, -1});
  // Deduplicate: a feature counts once per document, with its largest weight and the
  // first token that produced it.
  auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
  std::stable_sort(begin, out.end(),
                   [](const feature& a, const feature& b) { return a.hash < b.hash; });
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

} // namespace kyb::classification

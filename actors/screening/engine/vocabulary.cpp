#include "actors/screening/engine/vocabulary.hpp"

#include "actors/screening/engine/name_equivalents.hpp"

#include <algorithm>
#include <cmath>

namespace kyb::screening {

namespace {

/// FNV-1a over `s` with the character at `skip` left out (skip >= size: none).
uint64_t hash_without(std::string_view s, size_t skip) noexcept {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == skip)
      continue;
    h ^= static_cast<unsigned char>(s[i]);
    h *= 1099511628211ull;
  }
  // Mix in the length so "ab" with nothing skipped differs from "abc" minus "c".
  h ^= (s.size() - (skip < s.size() ? 1 : 0)) * 0x9E3779B97F4A7C15ull;
  return h;
}

bool one_edit_indexed(std::string_view t) {
  return t.size() >= token_similarity::min_fuzzy_length && fuzzy_eligible(t);
}

/// Whether the one-character deletions of `t` go into (or are probed in) the table: a
/// two-letter token only meets three-letter ones, through its own full entry.
bool deletions_indexed(std::string_view t) {
  return t.size() >= token_similarity::min_fuzzy_longer;
}

} // namespace

uint32_t vocabulary::intern(std::string_view token) {
  auto it = ids_.find(token);
  if (it != ids_.end())
    return it->second;
  auto id = static_cast<uint32_t>(terms_.size());
  terms_.emplace_back(token);
  ids_.emplace(std::string_view(terms_.back()), id);
  df_.push_back(0);
  return id;
}

void vocabulary::count_document(const std::vector<uint32_t>& terms) {
  for (auto t : terms)
    ++df_[t];
}

void vocabulary::finalize(size_t documents) {
  double n = static_cast<double>(documents) + 1.0;
  idf_.resize(terms_.size());
  for (size_t i = 0; i < terms_.size(); ++i)
    idf_[i] = std::log(n / (df_[i] + 0.5));
  unseen_idf_ = std::log(n / 0.5);
  keys_.clear();
  by_key_.clear();
  for (auto& words : by_initial_)
    words.clear();
  deletions_.clear();
  for (size_t i = 0; i < terms_.size(); ++i) {
    keys_.push_back(phonetic_key(terms_[i]));
    auto id = static_cast<uint32_t>(i);
    const auto& key = keys_.back();
    if (key.size() >= token_similarity::min_key_length)
      by_key_[std::string_view(key)].push_back(id);
    std::string_view t = terms_[i];
    if (t.size() >= 2 && t[0] >= 'a' && t[0] <= 'z')
      by_initial_[static_cast<size_t>(t[0] - 'a')].push_back(id);
    if (!one_edit_indexed(t))
      continue;
    deletions_.emplace_back(hash_without(t, t.size()), id);
    if (!deletions_indexed(t))
      continue;
    for (size_t k = 0; k < t.size(); ++k)
      if (k == 0 || t[k] != t[k - 1]) // deleting either letter of a double is the same
        deletions_.emplace_back(hash_without(t, k), id);
  }
  std::sort(deletions_.begin(), deletions_.end());
  deletions_.erase(std::unique(deletions_.begin(), deletions_.end()), deletions_.end());
}

uint32_t vocabulary::find(std::string_view token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? npos : it->second;
}

void vocabulary::neighbours(std::string_view token, std::string_view key,
                            const token_similarity& sim, std::vector<neighbour>& out,
                            bool strict, bool initials) const {
  out.clear();
  std::vector<uint32_t> candidates;
  if (auto id = find(token); id != npos)
    candidates.push_back(id);
  for (auto& e : name_equivalents::of(token))
    if (auto id = find(e.word); id != npos)
      candidates.push_back(id);
  if (!initials || strict) {
    // no initial matches
  } else if (token.size() == 1 && token[0] >= 'a' && token[0] <= 'z') {
    auto& words = by_initial_[static_cast<size_t>(token[0] - 'a')];
    candidates.insert(candidates.end(), words.begin(), words.end());
  } else if (token.size() > 1) {
    if (auto id = find(token.substr(0, 1)); id != npos)
      candidates.push_back(id);
  }
  if (one_edit_indexed(token)) { // strict: for Korean vowel variants
    auto probe = [&](uint64_t h) {
      auto range = std::equal_range(
          deletions_.begin(), deletions_.end(), std::make_pair(h, uint32_t{0}),
          [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto it = range.first; it != range.second; ++it)
        candidates.push_back(it->second);
    };
    probe(hash_without(token, token.size()));
    if (deletions_indexed(token))
      for (size_t k = 0; k < token.size(); ++k)
        if (k == 0 || token[k] != token[k - 1])
          probe(hash_without(token, k));
  }
  if (!strict && key.size() >= token_similarity::min_key_length) {
    auto it = by_key_.find(key);
    if (it != by_key_.end())
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (auto c : candidates) {
    double s = sim(token, terms_[c], key, keys_[c], strict, initials);
    if (s > 0)
      out.emplace_back(c, s);
  }
}

double vocabulary::estimate_weight(std::string_view token,
                                   const std::vector<neighbour>& neighbours) const {
  if (auto id = find(token); id != npos)
    return idf_[id];
  double best_sim = 0;
  double weight = unseen_idf_;
  for (auto& [term, s] : neighbours) {
    // An initial says nothing of how rare the word it begins is, nor a word of how
    // rare an initial is.
    if (token_similarity::initial_of(token, terms_[term]))
      continue;
    if (s > best_sim || (s == best_sim && idf_[term] < weight)) {
      best_sim = s;
      weight = idf_[term];
    }
  }
  return weight;
}

} // namespace kyb::screening

// Every distinct token of the indexed names, with its rarity (IDF weight) and the
// lookups that find all tokens a query token can match: exact, one edit (a deletion
// neighbourhood index) and phonetic key.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/screening/engine/token_similarity.hpp"

namespace kyb::screening {

/// Token dictionary of an index. Built once, then read-only (safe to share).
class vocabulary {
public:
  /// A term id plus the similarity of the term to the token it was looked up for.
  using neighbour = std::pair<uint32_t, double>;

  /// Marks "no such term".
  static constexpr uint32_t npos = 0xFFFFFFFFu;

  /// Returns the id of `token`, adding it if new (build phase only).
  uint32_t intern(std::string_view token);

  /// Counts one document (a name) containing the distinct terms `terms`.
  void count_document(const std::vector<uint32_t>& terms);

  /// Ends the build: computes IDF weights over `documents` names, phonetic keys, and
  /// the one-edit and phonetic lookup tables.
  void finalize(size_t documents);

  /// The id of `token`, or npos.
  uint32_t find(std::string_view token) const;

  /// Number of terms.
  size_t size() const noexcept { return terms_.size(); }
  /// The term's text.
  std::string_view text(uint32_t term) const { return terms_[term]; }
  /// The term's phonetic key (after finalize()).
  std::string_view key(uint32_t term) const { return keys_[term]; }
  /// Number of names containing the term.
  uint32_t document_frequency(uint32_t term) const { return df_[term]; }

  /// ln((N + 1) / (df + 0.5)): rare tokens weigh more.
  double idf(uint32_t term) const { return idf_[term]; }

  /// The weight of a token no name contains (df = 0): the highest weight.
  double unseen_idf() const noexcept { return unseen_idf_; }

  /// Every term whose similarity to `token` is > 0, with that similarity, sorted by
  /// term id. `key` is phonetic_key(token); `strict` and `initials` as in
  /// token_similarity.
  void neighbours(std::string_view token, std::string_view key,
                  const token_similarity& sim, std::vector<neighbour>& out,
                  bool strict = false, bool initials = true) const;

  /// The weight a token gets: its own IDF when it is a term, else the IDF of its most
  /// similar term (a typo weighs what the word it stands for weighs), else unseen_idf.
  double estimate_weight(std::string_view token,
                         const std::vector<neighbour>& neighbours) const;

  /// Number of entries in the one-edit lookup table (for statistics).
  size_t deletion_entries() const noexcept { return deletions_.size(); }

private:
  std::deque<std::string> terms_; ///< deque: views into it stay valid while interning
  std::unordered_map<std::string_view, uint32_t> ids_;
  std::vector<uint32_t> df_;
  std::vector<double> idf_;
  std::deque<std::string> keys_;
  /// (hash of the term or of the term minus one character, term id), sorted.
  std::vector<std::pair<uint64_t, uint32_t>> deletions_;
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_key_;
  /// Per letter a-z: the terms of 2+ characters it begins (what an initial matches).
  std::array<std::vector<uint32_t>, 26> by_initial_;
  double unseen_idf_ = 0;
};

} // namespace kyb::screening

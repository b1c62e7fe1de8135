// A query prepared once for the many names it is scored against, and the token views
// the scorer reads on both sides.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/screening/engine/vocabulary.hpp"

namespace kyb::screening {

/// One side of a comparison, as a view: tokens with their phonetic keys, weights and
/// legal-form flags; `terms` holds vocabulary ids (vocabulary::npos when not a term).
struct scored_tokens {
  const std::string_view* texts = nullptr;
  const std::string_view* keys = nullptr;
  const float* weights = nullptr;
  const uint8_t* legal = nullptr;
  const uint32_t* terms = nullptr;
  size_t count = 0;
  double total_weight = 0;

  /// Number of tokens.
  size_t size() const noexcept { return count; }
};

/// Owning storage behind a scored_tokens view.
struct token_list {
  std::vector<std::string_view> texts;
  std::vector<std::string_view> keys;
  std::vector<float> weights;
  std::vector<uint8_t> legal;
  std::vector<uint32_t> terms;
  double total_weight = 0;

  /// Empties every column.
  void clear();
  /// A view valid while this list is neither changed nor destroyed.
  scored_tokens view() const;
};

/// A query prepared once for many comparisons: its tokens, the concatenation of each
/// adjacent pair (for "joined" matches), and for both every vocabulary term they can
/// match with its similarity.
struct prepared_query {
  std::vector<std::string> token_text;
  std::vector<std::string> token_key;
  std::vector<std::string> pair_text; ///< token i + token i+1
  std::vector<std::string> pair_key;
  std::vector<std::vector<vocabulary::neighbour>> token_neighbours;
  std::vector<std::vector<vocabulary::neighbour>> pair_neighbours;
  /// Per token: every way to cut it into two terms (each 2+ letters), for "split"
  /// matches ("jscargument" = "jsc" + "argument").
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> token_splits;
  /// The query's tokens weighted as a person's name: no legal forms. Used against
  /// listed individuals (views into token_text / token_key).
  token_list side;
  /// True when the query was written in another script: its tokens are our
  /// transliteration, so their rarity says little (see name_scorer).
  bool transliterated = false;
  /// True when it was written in a syllabic script (Han, Hangul, Kana): tokens match
  /// only equal or equivalent tokens (token_similarity's `strict`).
  bool strict = false;
  /// The same with legal forms down-weighted, used against everything else, so both
  /// names of a pair are always weighted alike. Equal to `side` when the query is an
  /// individual or holds no legal form.
  token_list side_legal;
};

} // namespace kyb::screening

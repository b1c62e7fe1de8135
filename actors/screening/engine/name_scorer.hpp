// The pair score of a query name against one listed name: rarity-weighted, order-free
// token alignment with typo, phonetic and joined/split token matches.
//
//   score = sum over matches of 2 * similarity * min(query weight, list weight)
//           / (total query weight + total list weight)
//
// Weights are IDF weights (legal forms down-weighted), so rare tokens decide and
// unmatched tokens on either side cost what they weigh. Using the smaller side's
// weight bounds what any match can add by its query tokens' weight, which lets the
// index skip the commonest query tokens safely (see screening_index.cpp).
#pragma once

#include "actors/screening/engine/match_options.hpp"
#include "actors/screening/engine/prepared_query.hpp"
#include "actors/screening/engine/screening_hit.hpp"
#include "actors/screening/engine/similarity_source.hpp"

namespace kyb::screening {

/// Score of one pair of names.
struct pair_score {
  double score = 0;    ///< See the file comment; 0 when evidence is insufficient.
  double raw = 0;      ///< The score before the evidence rule.
  double evidence = 0; ///< Sum of min(query weight, list weight) over matches.
};

/// Scores pairs of names. Stateless apart from its options.
class name_scorer {
public:
  /// `evidence_floor`: the absolute evidence a match needs (options.min_evidence
  /// times the vocabulary's unseen_idf()).
  name_scorer(const match_options& options, double evidence_floor)
      : options_(options), evidence_floor_(evidence_floor) {}

  /// Scores query `q`, weighted as `query` (q.side or q.side_legal), against `list`.
  /// Fills `explain` when not null.
  pair_score score(const prepared_query& q, const scored_tokens& query,
                   const scored_tokens& list, const similarity_source& sims,
                   match_explanation* explain) const;

private:
  const match_options& options_;
  double evidence_floor_;
};

} // namespace kyb::screening

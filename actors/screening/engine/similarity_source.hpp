// Where the name scorer gets token similarities from: computed from the strings (the
// brute-force path and compare()), or looked up in the query's precomputed neighbour
// lists (the index path). Both give identical values for every indexed token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/screening/engine/prepared_query.hpp"
#include "actors/screening/engine/token_similarity.hpp"

namespace kyb::screening {

/// Where token similarities come from during one scoring.
class similarity_source {
public:
  virtual ~similarity_source() = default;
  /// Similarity of query token `qi` and list token `cj`.
  virtual double token(size_t qi, const scored_tokens& list, size_t cj) const = 0;
  /// Similarity of query tokens `qi` + `qi+1` written together and list token `cj`.
  virtual double pair(size_t qi, const scored_tokens& list, size_t cj) const = 0;
};

/// Computes each similarity from the token strings (the brute-force path, compare()).
class direct_similarity final : public similarity_source {
public:
  /// Compares `q`'s tokens with `sim`; both must outlive this object.
  direct_similarity(const prepared_query& q, const token_similarity& sim)
      : q_(q), sim_(sim) {}
  double token(size_t qi, const scored_tokens& list, size_t cj) const override;
  double pair(size_t qi, const scored_tokens& list, size_t cj) const override;

private:
  const prepared_query& q_;
  const token_similarity& sim_;
};

/// Looks similarities up in a table built from the query's neighbour lists (the index
/// path). Gives the same values as direct_similarity for every list token that is a
/// term, in constant time.
class neighbour_similarity final : public similarity_source {
public:
  /// Builds the table for `q` over a vocabulary of `terms` terms.
  neighbour_similarity(const prepared_query& q, size_t terms);
  double token(size_t qi, const scored_tokens& list, size_t cj) const override;
  double pair(size_t qi, const scored_tokens& list, size_t cj) const override;

private:
  double at(uint32_t term, size_t column) const;

  size_t tokens_;         ///< Query tokens (the first columns).
  size_t width_;          ///< Query tokens plus query pairs.
  const uint32_t* stamp_; ///< Per term: epoch when it has a row in this query.
  const uint32_t* row_;   ///< Per term: its row.
  uint32_t epoch_;
  std::vector<double> table_; ///< rows x width_
};

} // namespace kyb::screening

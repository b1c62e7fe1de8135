// The screening engine's entry point: an immutable index over loaded lists that
// screens names, compares pairs of names, and explains every score.
//
// Share one snapshot as std::shared_ptr<const screening_index> (index_holder swaps
// snapshots atomically): every method is const and thread-safe, so screenings in
// flight finish on the snapshot they started with while a reload builds the next.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/match_options.hpp"
#include "actors/screening/engine/name_scorer.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"
#include "actors/screening/engine/screening_hit.hpp"
#include "actors/screening/engine/screening_query.hpp"
#include "actors/screening/engine/vocabulary.hpp"

namespace kyb::screening {

/// Sizes and build time of an index (for metrics: "index build seconds").
struct index_statistics {
  size_t lists = 0;
  size_t entities = 0;
  size_t names = 0;    ///< Primary names plus aliases that have tokens.
  size_t terms = 0;    ///< Distinct tokens.
  size_t postings = 0; ///< (term, name) pairs.
  size_t one_edit_entries = 0;
  std::chrono::microseconds build_time{0};
};

/// An immutable, shareable index of sanctioned entities.
///
/// Candidate generation is exact with respect to the pair score: the name scorer
/// credits a matched token at most its query weight, so a name can reach the
/// threshold T only by matching a query token outside the commonest set S with
/// 2 w(S) / (w(query) + w(S)) < T. The index skips the tokens of S and fetches, for
/// every other token, the postings of every term it can match (exact, equivalent,
/// initial, one edit, phonetic, joined with a neighbour, split in two). screen()
/// therefore returns exactly what screen_brute_force() returns, while scoring a small
/// fraction of names.
class screening_index {
public:
  /// Builds an index owning `lists`. Fails only when two lists share a name.
  static result<std::shared_ptr<const screening_index>, load_error>
  build(std::vector<sanctions_list> lists, const match_options& options = {});

  /// Loads every source (load_lists) and builds an index; the first load error is
  /// returned unchanged, so a caller keeps serving its current index.
  static result<std::shared_ptr<const screening_index>, load_error>
  load(const std::vector<list_source>& sources, const match_options& options = {});

  /// Screens one query: hits with score >= threshold, best first, at most
  /// options().max_hits. Invalid input yields a query_error.
  result<screening_result, query_error> screen(const screening_query& query) const;

  /// The reference implementation: scores every indexed name with the same pair score
  /// (no candidate generation). Same result as screen(); for tests and the benchmark.
  result<screening_result, query_error>
  screen_brute_force(const screening_query& query) const;

  /// Scores `name_a` (as the query) against `name_b` (as the listed name) with the
  /// index's token weights and the same scorer; `type` as in a query.
  result<comparison, query_error>
  compare(const std::string& name_a, const std::string& name_b,
          const std::optional<std::string>& type = {}) const;

  /// Metadata of every loaded list, in load order.
  std::vector<list_metadata> lists() const;

  /// A copy of list `name` as it was loaded (metadata, entities, kept warnings), or
  /// nothing: what a reload serves again when the list's new files fail.
  std::optional<sanctions_list> list_copy(const std::string& name) const;

  /// The entity with `id` in list `list`, or null.
  const sanctioned_entity* find_entity(const std::string& list,
                                       const std::string& id) const;

  /// The options the index was built with (default threshold, limits...).
  const match_options& options() const noexcept { return options_; }
  /// Sizes and build time.
  const index_statistics& statistics() const noexcept { return stats_; }
  /// The token dictionary (weights of every indexed token).
  const vocabulary& terms() const noexcept { return vocabulary_; }

  screening_index(const screening_index&) = delete;
  screening_index& operator=(const screening_index&) = delete;

private:
  screening_index() = default;

  struct name_record {
    uint32_t entity;     ///< Global entity index.
    int32_t alias;       ///< -1 = primary name, else index into aliases.
    uint32_t first;      ///< Offset into the per-token arrays (name_terms_...).
    uint16_t count;      ///< Number of tokens.
    bool weak;           ///< A weak alias.
    bool has_initial;    ///< Holds a single letter (see collect_candidates).
    entity_type type;    ///< The entity's type (checked before scoring).
    double total_weight; ///< Sum of the token weights.
  };

  struct entity_ref {
    uint32_t list;
    uint32_t index;
  };

  /// A scored name on its way to becoming a hit.
  struct scored_name {
    uint32_t entity;
    uint32_t name;
    double score; ///< Pair score times the alias factor.
  };

  const sanctioned_entity& entity(uint32_t g) const;
  const std::string& name_text(const name_record& r) const;
  void prepare(const validated_query& v, prepared_query& q) const;
  scored_tokens query_side(const prepared_query& q, const name_record& r) const;
  scored_tokens list_side(uint32_t name) const;
  double alias_factor(const name_record& r) const;
  void collect_candidates(const prepared_query& q, double threshold,
                          std::vector<uint32_t>& names) const;
  screening_result finish(const validated_query& v, const prepared_query& q,
                          std::vector<scored_name>& scored) const;
  result<screening_result, query_error> run(const screening_query& query,
                                            bool brute_force) const;

  match_options options_;
  token_similarity similarity_;
  std::vector<sanctions_list> lists_;
  std::vector<entity_ref> entities_;
  std::unordered_map<std::string, std::unordered_map<std::string, uint32_t>> by_id_;
  std::vector<name_record> names_;
  std::vector<uint32_t> name_terms_;
  std::vector<float> name_weights_;
  std::vector<uint8_t> name_legal_;
  std::vector<std::string_view> name_texts_; ///< Per token: its text (in vocabulary_).
  std::vector<std::string_view> name_keys_;  ///< Per token: its phonetic key.
  vocabulary vocabulary_;
  std::vector<uint32_t> posting_offsets_; ///< term -> [offsets[t], offsets[t+1])
  std::vector<uint32_t> postings_;        ///< name ids, ascending per term
  std::unordered_map<std::string, std::vector<uint32_t>> by_identifier_;
  index_statistics stats_;
};

} // namespace kyb::screening

#include "actors/screening/engine/similarity_source.hpp"

#include <algorithm>

namespace kyb::screening {

namespace {

/// Per-thread term -> row marks for neighbour_similarity, reused across queries.
struct term_rows {
  std::vector<uint32_t> stamp;
  std::vector<uint32_t> row;
  uint32_t epoch = 0;
};

term_rows& rows_for_thread() {
  thread_local term_rows rows;
  return rows;
}

} // namespace

double direct_similarity::token(size_t qi, const scored_tokens& list, size_t cj) const {
  return sim_(q_.token_text[qi], list.texts[cj], q_.token_key[qi], list.keys[cj],
              q_.strict);
}

double direct_similarity::pair(size_t qi, const scored_tokens& list, size_t cj) const {
  return sim_(q_.pair_text[qi], list.texts[cj], q_.pair_key[qi], list.keys[cj], q_.strict,
              false);
}

neighbour_similarity::neighbour_similarity(const prepared_query& q, size_t terms)
    : tokens_(q.token_neighbours.size()),
      width_(q.token_neighbours.size() + q.pair_neighbours.size()) {
  auto& rows = rows_for_thread();
  if (rows.stamp.size() < terms) {
    rows.stamp.resize(terms, 0);
    rows.row.resize(terms, 0);
  }
  if (++rows.epoch == 0) {
    std::fill(rows.stamp.begin(), rows.stamp.end(), 0);
    rows.epoch = 1;
  }
  epoch_ = rows.epoch;
  stamp_ = rows.stamp.data();
  row_ = rows.row.data();
  uint32_t next = 0;
  auto fill = [&](const std::vector<vocabulary::neighbour>& list, size_t column) {
    for (auto& [term, sim] : list) {
      if (term >= terms)
        continue;
      if (rows.stamp[term] != epoch_) {
        rows.stamp[term] = epoch_;
        rows.row[term] = next++;
        table_.resize(static_cast<size_t>(next) * width_, 0.0);
      }
      table_[rows.row[term] * width_ + column] = sim;
    }
  };
  for (size_t i = 0; i < q.token_neighbours.size(); ++i)
    fill(q.token_neighbours[i], i);
  for (size_t i = 0; i < q.pair_neighbours.size(); ++i)
    fill(q.pair_neighbours[i], q.token_neighbours.size() + i);
}

double neighbour_similarity::at(uint32_t term, size_t column) const {
  if (term == vocabulary::npos || stamp_[term] != epoch_)
    return 0.0;
  return table_[row_[term] * width_ + column];
}

double neighbour_similarity::token(size_t qi, const scored_tokens& list,
                                   size_t cj) const {
  return at(list.terms[cj], qi);
}

double neighbour_similarity::pair(size_t qi, const scored_tokens& list, size_t cj) const {
  return at(list.terms[cj], tokens_ + qi);
}

} // namespace kyb::screening

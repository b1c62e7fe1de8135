#include "actors/screening/name_scorer.hpp"

#include <algorithm>

namespace kyb::screening {

namespace {

enum : uint8_t { kind_token = 0, kind_joined = 1, kind_split = 2 };

struct candidate {
  double contribution;
  double similarity;
  double evidence;
  uint8_t kind;
  uint8_t qi;
  uint8_t cj;
};

bool concat_equals(std::string_view whole, std::string_view a, std::string_view b) {
  return whole.size() == a.size() + b.size() && whole.compare(0, a.size(), a) == 0 &&
         whole.compare(a.size(), b.size(), b) == 0;
}

match_kind token_kind(std::string_view q, std::string_view c) {
  if (q == c)
    return match_kind::exact;
  if (token_similarity::fuzzy_lengths(q.size(), c.size()) && fuzzy_eligible(q) &&
      fuzzy_eligible(c) && within_one_edit(q, c))
    return match_kind::fuzzy;
  return match_kind::phonetic;
}

} // namespace

pair_score name_scorer::score(const prepared_query&, const scored_tokens& qs,
                              const scored_tokens& list, const similarity_source& sims,
                              match_explanation* explain) const {
  size_t n = qs.size();
  size_t m = list.size();
  pair_score result;
  double total = qs.total_weight + list.total_weight;
  thread_local std::vector<candidate> cands;
  cands.clear();
  if (n > 0 && m > 0 && n <= 64 && m <= 64 && total > 0) {
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < m; ++j) {
        double s = sims.token(i, list, j);
        if (s <= 0)
          continue;
        double w = std::min<double>(qs.weights[i], list.weights[j]);
        cands.push_back({2 * s * w, s, w, kind_token, static_cast<uint8_t>(i),
                         static_cast<uint8_t>(j)});
      }
    }
    for (size_t i = 0; i + 1 < n; ++i) {
      double wq = static_cast<double>(qs.weights[i]) + qs.weights[i + 1];
      for (size_t j = 0; j < m; ++j) {
        double s = sims.pair(i, list, j) * options_.join_factor;
        if (s <= 0)
          continue;
        double w = std::min<double>(wq, list.weights[j]);
        cands.push_back({2 * s * w, s, w, kind_joined, static_cast<uint8_t>(i),
                         static_cast<uint8_t>(j)});
      }
    }
    for (size_t j = 0; j + 1 < m; ++j) {
      double wc = static_cast<double>(list.weights[j]) + list.weights[j + 1];
      for (size_t i = 0; i < n; ++i) {
        if (!concat_equals(qs.texts[i], list.texts[j], list.texts[j + 1]))
          continue;
        double s = options_.join_factor;
        double w = std::min<double>(qs.weights[i], wc);
        cands.push_back({2 * s * w, s, w, kind_split, static_cast<uint8_t>(i),
                         static_cast<uint8_t>(j)});
      }
    }
  }
  std::sort(cands.begin(), cands.end(), [](const candidate& a, const candidate& b) {
    if (a.contribution != b.contribution)
      return a.contribution > b.contribution;
    if (a.kind != b.kind)
      return a.kind < b.kind;
    if (a.qi != b.qi)
      return a.qi < b.qi;
    return a.cj < b.cj;
  });
  uint64_t q_used = 0;
  uint64_t c_used = 0;
  double sum = 0;
  double evidence = 0;
  for (auto& c : cands) {
    uint64_t qmask = (c.kind == kind_joined ? 3ull : 1ull) << c.qi;
    uint64_t cmask = (c.kind == kind_split ? 3ull : 1ull) << c.cj;
    if ((q_used & qmask) || (c_used & cmask))
      continue;
    q_used |= qmask;
    c_used |= cmask;
    sum += c.contribution;
    evidence += c.evidence;
    if (explain) {
      token_match tm;
      tm.similarity = c.similarity;
      tm.weight = c.evidence;
      tm.contribution = c.contribution / total;
      tm.query_tokens.emplace_back(qs.texts[c.qi]);
      tm.list_tokens.emplace_back(list.texts[c.cj]);
      bool legal = qs.legal[c.qi] || list.legal[c.cj];
      if (c.kind == kind_joined) {
        tm.kind = match_kind::joined;
        tm.query_tokens.emplace_back(qs.texts[c.qi + 1]);
        legal = legal || qs.legal[c.qi + 1];
      } else if (c.kind == kind_split) {
        tm.kind = match_kind::split;
        tm.list_tokens.emplace_back(list.texts[c.cj + 1]);
        legal = legal || list.legal[c.cj + 1];
      } else {
        tm.kind = token_kind(qs.texts[c.qi], list.texts[c.cj]);
      }
      tm.legal_form = legal;
      explain->matches.push_back(std::move(tm));
    }
  }
  // Identical names give exactly 1 up to rounding; never report more.
  result.raw = total > 0 ? std::min(1.0, sum / total) : 0.0;
  result.evidence = evidence;
  result.score = evidence >= evidence_floor_ ? result.raw : 0.0;
  if (explain) {
    explain->query_tokens.assign(qs.texts, qs.texts + n);
    explain->list_tokens.assign(list.texts, list.texts + m);
    for (size_t i = 0; i < n; ++i)
      if (!(q_used >> i & 1))
        explain->unmatched_query.push_back(
            unmatched_token{std::string(qs.texts[i]), qs.weights[i], qs.legal[i] != 0});
    for (size_t j = 0; j < m; ++j)
      if (!(c_used >> j & 1))
        explain->unmatched_list.push_back(unmatched_token{
            std::string(list.texts[j]), list.weights[j], list.legal[j] != 0});
    explain->query_weight = qs.total_weight;
    explain->list_weight = list.total_weight;
    explain->evidence = evidence;
    explain->evidence_required = evidence_floor_;
    explain->name_score = result.score;
  }
  return result;
}

} // namespace kyb::screening

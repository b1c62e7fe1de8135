#include "actors/screening/engine/name_scorer.hpp"

#include <algorithm>

#include "actors/screening/engine/name_equivalents.hpp"

namespace kyb::screening {

namespace {

enum : uint8_t { kind_token = 0, kind_joined = 1, kind_split = 2 };

struct candidate {
  double contribution;
  double similarity;
  double evidence;
  double excess; ///< Weight beyond what the match credits that is not owed.
  uint8_t kind;
  uint8_t qi;
  uint8_t cj;
};

/// True for two spellings of one word: a number and its word ("7" / "seven"), an
/// organisation word and its abbreviation. Such a pair owes only what it credits: the
/// rarity of one spelling over the other says nothing of the name.
bool spelling_only(std::string_view a, std::string_view b) {
  match_kind kind = match_kind::exact;
  return name_equivalents::related(a, b, kind) &&
         (kind == match_kind::number || kind == match_kind::abbreviation);
}

bool concat_equals(std::string_view whole, std::string_view a, std::string_view b) {
  return whole.size() == a.size() + b.size() && whole.compare(0, a.size(), a) == 0 &&
         whole.compare(a.size(), b.size(), b) == 0;
}

} // namespace

pair_score name_scorer::score(const prepared_query& q, const scored_tokens& qs,
                              const scored_tokens& list, const similarity_source& sims,
                              match_explanation* explain) const {
  size_t n = qs.size();
  size_t m = list.size();
  pair_score result;
  double total = qs.total_weight + list.total_weight;
  // A query written in another script is our transliteration: when one of its tokens
  // weighs more than the listed token it matched, that is our spelling's rarity, not
  // the writer's, and is forgiven (see below). Not for syllabic scripts: their
  // romanised syllables are what the lists write too.
  double forgive = q.transliterated && !q.strict ? 1.0 : 0.0;
  thread_local std::vector<candidate> cands;
  cands.clear();
  if (n > 0 && m > 0 && n <= 64 && m <= 64 && total > 0) {
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < m; ++j) {
        double s = sims.token(i, list, j);
        if (s <= 0)
          continue;
        double w = std::min<double>(qs.weights[i], list.weights[j]);
        bool initial = token_similarity::initial_of(qs.texts[i], list.texts[j]);
        // A query's initial ("J." for the listed "John") owes only what it says, and so
        // does a number or an abbreviation matched to another spelling of itself; a
        // listed initial stays charged for the query's full word (lists carry stray
        // single letters: "SILVIA I").
        bool spelling = (initial && qs.texts[i].size() == 1) ||
                        (!initial && qs.texts[i] != list.texts[j] &&
                         spelling_only(qs.texts[i], list.texts[j]));
        double excess = spelling ? qs.weights[i] + list.weights[j] - 2 * w
                                 : forgive * (qs.weights[i] - w);
        // An initial adds to the score, never to the evidence; a number tells names
        // apart but is no evidence of who they name either.
        bool evidence = !initial && !name_equivalents::number(list.texts[j]);
        cands.push_back({2 * s * w, s, evidence ? w : 0.0, excess, kind_token,
                         static_cast<uint8_t>(i), static_cast<uint8_t>(j)});
      }
    }
    for (size_t i = 0; i + 1 < n; ++i) {
      double wq = static_cast<double>(qs.weights[i]) + qs.weights[i + 1];
      for (size_t j = 0; j < m; ++j) {
        double s = sims.pair(i, list, j) * options_.join_factor;
        if (s <= 0)
          continue;
        double w = std::min<double>(wq, list.weights[j]);
        cands.push_back({2 * s * w, s, w, forgive * (wq - w), kind_joined,
                         static_cast<uint8_t>(i), static_cast<uint8_t>(j)});
      }
    }
    for (size_t j = 0; j + 1 < m; ++j) {
      double wc = static_cast<double>(list.weights[j]) + list.weights[j + 1];
      for (size_t i = 0; i < n; ++i) {
        if (!concat_equals(qs.texts[i], list.texts[j], list.texts[j + 1]))
          continue;
        double s = options_.join_factor;
        double w = std::min<double>(qs.weights[i], wc);
        cands.push_back({2 * s * w, s, w, forgive * (qs.weights[i] - w), kind_split,
                         static_cast<uint8_t>(i), static_cast<uint8_t>(j)});
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
  size_t first_match = explain ? explain->matches.size() : 0;
  uint64_t q_used = 0;
  uint64_t c_used = 0;
  double sum = 0;
  double evidence = 0;
  double excess = 0;
  for (auto& c : cands) {
    uint64_t qmask = (c.kind == kind_joined ? 3ull : 1ull) << c.qi;
    uint64_t cmask = (c.kind == kind_split ? 3ull : 1ull) << c.cj;
    if ((q_used & qmask) || (c_used & cmask))
      continue;
    q_used |= qmask;
    c_used |= cmask;
    sum += c.contribution;
    evidence += c.evidence;
    excess += c.excess;
    if (explain) {
      token_match tm;
      tm.similarity = c.similarity;
      tm.weight = c.contribution / (2 * c.similarity);
      tm.contribution = c.contribution; // divided by the owed weight below
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
        tm.kind = token_similarity(options_.phonetic_similarity)
                      .classify(qs.texts[c.qi], list.texts[c.cj], qs.keys[c.qi],
                                list.keys[c.cj], q.strict)
                      .kind;
        if (tm.kind == match_kind::exact && q.transliterated)
          tm.kind = match_kind::transliterated;
      }
      tm.legal_form = legal;
      explain->matches.push_back(std::move(tm));
    }
  }
  // A transliterated query token matched to a listed one owes only the weight it
  // credits: "hsn" (rare) matched to "hassan" (common) is not charged for the
  // difference. Unmatched tokens still owe all they weigh, so the index's bound (which
  // charges every query token outside the skipped set in full) still holds.
  double owed = std::max(total - excess, 0.0);
  if (explain)
    for (size_t k = first_match; k < explain->matches.size(); ++k)
      explain->matches[k].contribution =
          owed > 0 ? explain->matches[k].contribution / owed : 0.0;
  // Identical names give exactly 1 up to rounding; never report more.
  result.raw = owed > 0 ? std::min(1.0, sum / owed) : 0.0;
  result.evidence = evidence;
  // A query in another script matched token for token with the whole listed name
  // needs half the evidence: a one-word name written in its own script ("عبد الله",
  // "สมชาย") is then found as "Abdullah" or "Somchai". A Latin query still never hits
  // on one common word, however completely.
  bool complete = n > 0 && m > 0 && n <= 64 && m <= 64 &&
                  q_used == (n == 64 ? ~0ull : (1ull << n) - 1) &&
                  c_used == (m == 64 ? ~0ull : (1ull << m) - 1);
  double floor = complete && q.transliterated ? evidence_floor_ / 2 : evidence_floor_;
  // A query romanised from Han, Hangul or Kana must spell out the whole listed name:
  // its syllables are too short and too shared for part of a name to say who it is.
  bool spelled_out = !q.strict || complete;
  result.score = evidence >= floor && spelled_out ? result.raw : 0.0;
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
    explain->owed_weight = owed;
    explain->evidence = evidence;
    explain->evidence_required = floor;
    explain->name_score = result.score;
  }
  return result;
}

} // namespace kyb::screening

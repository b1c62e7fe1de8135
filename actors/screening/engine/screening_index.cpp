#include "actors/screening/engine/screening_index.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "actors/screening/engine/legal_form_table.hpp"
#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/name_equivalents.hpp"
#include "actors/screening/engine/normalizer.hpp"

namespace kyb::screening {

namespace {

/// The weight token k of a name carries, from its rarity `idf`: a number at least
/// number_weight; a title (Dr, Sheikh, Mullah; "General" only in a person's name)
/// title_weight of it; a patronymic (Ivanovich), and in a person's name the "bin X"
/// part of an Arabic name, patronymic_weight; an
/// initial at most initial_weight; a token the name already holds half its weight (a
/// repeated part, as in Spanish "FLORES FLORES", says less the second time).
double shaped_weight(double idf, const std::vector<std::string_view>& tokens, size_t k,
                     bool person, const match_options& options) {
  auto token = tokens[k];
  for (size_t j = 0; j < k; ++j)
    if (tokens[j] == token)
      return idf / 2;
  if (name_equivalents::number(token))
    idf = std::max(idf, options.number_weight);
  auto bin = [](std::string_view t) {
    return t == "bin" || t == "ibn" || t == "bint" || t == "binti" || t == "ould";
  };
  // "General" names companies too ("General Electric"): a title only in a person's.
  bool general = token == "general" || token == "gen";
  if (name_equivalents::title(token) && (person || !general))
    idf *= options.title_weight;
  else if (name_equivalents::patronymic(token) ||
           (person &&
            ((k > 0 && bin(tokens[k - 1])) || (bin(token) && k + 1 < tokens.size()))))
    idf *= options.patronymic_weight;
  if (token.size() == 1 && token[0] >= 'a' && token[0] <= 'z')
    idf = std::min(idf, options.initial_weight);
  return idf;
}

/// Per-thread marks for de-duplicating candidate names without clearing an array
/// per query: a name is marked when mark[name] == epoch.
struct candidate_marks {
  std::vector<uint32_t> mark;
  uint32_t epoch = 0;

  void begin(size_t names) {
    if (mark.size() < names)
      mark.resize(names, 0);
    if (++epoch == 0) {
      std::fill(mark.begin(), mark.end(), 0);
      epoch = 1;
    }
  }
};

bool better(const double a_score, uint32_t a_name, const double b_score,
            uint32_t b_name) {
  return a_score > b_score || (a_score == b_score && a_name < b_name);
}

} // namespace

result<std::shared_ptr<const screening_index>, load_error>
screening_index::build(std::vector<sanctions_list> lists, const match_options& options) {
  auto started = std::chrono::steady_clock::now();
  std::shared_ptr<screening_index> idx(new screening_index());
  idx->options_ = options;
  idx->similarity_ = token_similarity(options.phonetic_similarity);
  std::set<std::string> list_names;
  for (auto& l : lists)
    if (!list_names.insert(l.metadata.name).second)
      return load_error{l.metadata.name, 0,
                        "list name '" + l.metadata.name + "' appears twice"};
  idx->lists_ = std::move(lists);
  const auto& legal_forms = legal_form_table::builtin();
  std::vector<uint32_t> distinct;
  for (uint32_t li = 0; li < idx->lists_.size(); ++li) {
    auto& list = idx->lists_[li];
    auto& ids = idx->by_id_[list.metadata.name];
    for (uint32_t ei = 0; ei < list.entities.size(); ++ei) {
      const auto& e = list.entities[ei];
      auto g = static_cast<uint32_t>(idx->entities_.size());
      idx->entities_.push_back(entity_ref{li, ei});
      ids.emplace(e.id, g);
      for (auto& id : e.identifiers) {
        auto key = normalize_identifier(id.value);
        if (key.size() >= 4)
          idx->by_identifier_[key].push_back(g);
      }
      for (int32_t a = -1; a < static_cast<int32_t>(e.aliases.size()); ++a) {
        const auto& text = a < 0 ? e.primary_name : e.aliases[a].name;
        auto tokens = normalizer::tokens(text);
        if (tokens.empty())
          continue;
        if (tokens.size() > options.max_list_tokens)
          tokens.resize(options.max_list_tokens);
        std::vector<uint8_t> legal(tokens.size(), 0);
        if (e.type != entity_type::individual)
          legal = legal_forms.phrases(tokens);
        name_record r{};
        r.entity = g;
        r.alias = a;
        r.first = static_cast<uint32_t>(idx->name_terms_.size());
        r.count = static_cast<uint16_t>(tokens.size());
        r.weak = a >= 0 && !e.aliases[a].strong;
        r.has_initial =
            std::any_of(tokens.begin(), tokens.end(), [](const std::string& t) {
              return t.size() == 1 && t[0] >= 'a' && t[0] <= 'z';
            });
        r.type = e.type;
        distinct.clear();
        for (size_t k = 0; k < tokens.size(); ++k) {
          auto t = idx->vocabulary_.intern(tokens[k]);
          idx->name_terms_.push_back(t);
          idx->name_legal_.push_back(legal[k]);
          distinct.push_back(t);
        }
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        idx->vocabulary_.count_document(distinct);
        idx->names_.push_back(r);
      }
    }
  }
  idx->vocabulary_.finalize(idx->names_.size());
  // Token weights and the postings (term -> names), built by counting.
  idx->name_weights_.resize(idx->name_terms_.size());
  std::vector<uint32_t> counts(idx->vocabulary_.size() + 1, 0);
  std::vector<std::string_view> texts;
  for (auto& r : idx->names_) {
    double total = 0;
    distinct.assign(idx->name_terms_.begin() + r.first,
                    idx->name_terms_.begin() + r.first + r.count);
    texts.clear();
    for (uint32_t k = r.first; k < r.first + r.count; ++k)
      texts.push_back(idx->vocabulary_.text(idx->name_terms_[k]));
    for (uint32_t k = r.first; k < r.first + r.count; ++k) {
      auto term = idx->name_terms_[k];
      double w = shaped_weight(idx->vocabulary_.idf(term), texts, k - r.first,
                               r.type == entity_type::individual, options);
      if (idx->name_legal_[k])
        w *= options.legal_form_weight / idx->name_legal_[k];
      idx->name_weights_[k] = static_cast<float>(w);
      total += idx->name_weights_[k];
    }
    r.total_weight = total;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (auto t : distinct)
      ++counts[t + 1];
  }
  idx->name_texts_.reserve(idx->name_terms_.size());
  idx->name_keys_.reserve(idx->name_terms_.size());
  for (auto t : idx->name_terms_) {
    idx->name_texts_.push_back(idx->vocabulary_.text(t));
    idx->name_keys_.push_back(idx->vocabulary_.key(t));
  }
  std::partial_sum(counts.begin(), counts.end(), counts.begin());
  idx->posting_offsets_ = counts;
  idx->postings_.resize(counts.back());
  std::vector<uint32_t> fill(counts.begin(), counts.end() - 1);
  for (uint32_t n = 0; n < idx->names_.size(); ++n) {
    const auto& r = idx->names_[n];
    distinct.assign(idx->name_terms_.begin() + r.first,
                    idx->name_terms_.begin() + r.first + r.count);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (auto t : distinct)
      idx->postings_[fill[t]++] = n;
  }
  auto& s = idx->stats_;
  s.lists = idx->lists_.size();
  s.entities = idx->entities_.size();
  s.names = idx->names_.size();
  s.terms = idx->vocabulary_.size();
  s.postings = idx->postings_.size();
  s.one_edit_entries = idx->vocabulary_.deletion_entries();
  s.build_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return std::shared_ptr<const screening_index>(std::move(idx));
}

result<std::shared_ptr<const screening_index>, load_error>
screening_index::load(const std::vector<list_source>& sources,
                      const match_options& options) {
  auto lists = load_lists(sources);
  if (!lists)
    return lists.error();
  return build(std::move(lists.value()), options);
}

const sanctioned_entity& screening_index::entity(uint32_t g) const {
  const auto& ref = entities_[g];
  return lists_[ref.list].entities[ref.index];
}

const std::string& screening_index::name_text(const name_record& r) const {
  const auto& e = entity(r.entity);
  return r.alias < 0 ? e.primary_name : e.aliases[r.alias].name;
}

double screening_index::alias_factor(const name_record& r) const {
  return r.weak ? options_.weak_alias_factor : 1.0;
}

std::vector<list_metadata> screening_index::lists() const {
  std::vector<list_metadata> out;
  for (auto& l : lists_)
    out.push_back(l.metadata);
  return out;
}

std::optional<sanctions_list> screening_index::list_copy(const std::string& name) const {
  for (auto& l : lists_)
    if (l.metadata.name == name)
      return l;
  return std::nullopt;
}

const sanctioned_entity* screening_index::find_entity(const std::string& list,
                                                      const std::string& id) const {
  auto l = by_id_.find(list);
  if (l == by_id_.end())
    return nullptr;
  auto e = l->second.find(id);
  return e == l->second.end() ? nullptr : &entity(e->second);
}

void screening_index::prepare(const validated_query& v, prepared_query& q) const {
  size_t n = v.tokens.size();
  q.token_text = v.tokens;
  q.transliterated = normalizer::foreign_script(v.name);
  q.strict = q.transliterated && normalizer::syllabic_script(v.name);
  q.token_key.clear();
  q.token_neighbours.resize(n);
  const auto& legal_forms = legal_form_table::builtin();
  std::vector<uint8_t> legal(n, 0);
  if (v.type != entity_type::individual)
    legal = legal_forms.phrases(v.tokens);
  auto& side = q.side;
  auto& side_legal = q.side_legal;
  side.clear();
  side_legal.clear();
  for (size_t i = 0; i < n; ++i) {
    q.token_key.push_back(phonetic_key(q.token_text[i]));
    vocabulary_.neighbours(q.token_text[i], q.token_key[i], similarity_,
                           q.token_neighbours[i], q.strict);
  }
  q.pair_text.clear();
  q.pair_key.clear();
  q.pair_neighbours.resize(n > 0 ? n - 1 : 0);
  for (size_t i = 0; i + 1 < n; ++i) {
    q.pair_text.push_back(q.token_text[i] + q.token_text[i + 1]);
    q.pair_key.push_back(phonetic_key(q.pair_text.back()));
    vocabulary_.neighbours(q.pair_text[i], q.pair_key[i], similarity_,
                           q.pair_neighbours[i], q.strict, false);
  }
  q.token_splits.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto& splits = q.token_splits[i];
    splits.clear();
    const auto& t = q.token_text[i];
    for (size_t k = 2; k + 2 <= t.size(); ++k) {
      auto a = vocabulary_.find(std::string_view(t).substr(0, k));
      if (a == vocabulary::npos)
        continue;
      auto b = vocabulary_.find(std::string_view(t).substr(k));
      if (b != vocabulary::npos)
        splits.emplace_back(a, b);
    }
  }
  // Weights: plain (as a person's name) and with legal forms down-weighted.
  std::vector<double> plain(n), with_legal(n);
  for (size_t i = 0; i < n; ++i) {
    plain[i] = vocabulary_.estimate_weight(q.token_text[i], q.token_neighbours[i]);
    with_legal[i] = plain[i];
    if (vocabulary_.find(q.token_text[i]) == vocabulary::npos &&
        q.token_neighbours[i].empty()) {
      // Not a term and like none: before calling it unseen (the highest weight), see
      // whether it is two listed words run together, or half of a listed word that
      // the query splits in two. Either way it weighs what those words weigh.
      double explained = 0, explained_legal = 0;
      for (auto& [a, b] : q.token_splits[i]) {
        double sum = vocabulary_.idf(a) + vocabulary_.idf(b);
        auto forms = legal_forms.phrases(
            {std::string(vocabulary_.text(a)), std::string(vocabulary_.text(b))});
        double sum_legal = 0;
        for (int k = 0; k < 2; ++k) {
          double w = vocabulary_.idf(k == 0 ? a : b);
          sum_legal += forms[k] ? w * options_.legal_form_weight / forms[k] : w;
        }
        explained = explained == 0 ? sum : std::min(explained, sum);
        explained_legal =
            explained_legal == 0 ? sum_legal : std::min(explained_legal, sum_legal);
      }
      auto halves = [&](size_t pair) {
        for (auto& [term, sim] : q.pair_neighbours[pair]) {
          double half = vocabulary_.idf(term) / 2;
          explained = explained == 0 ? half : std::min(explained, half);
          explained_legal = explained_legal == 0 ? half : std::min(explained_legal, half);
        }
      };
      if (i > 0)
        halves(i - 1);
      if (i + 1 < n)
        halves(i);
      if (explained > 0) {
        plain[i] = explained;
        with_legal[i] = explained_legal;
      }
    }
    if (legal[i])
      with_legal[i] *= options_.legal_form_weight / legal[i];
  }
  std::vector<std::string_view> texts(q.token_text.begin(), q.token_text.end());
  for (size_t i = 0; i < n; ++i) {
    side.texts.push_back(q.token_text[i]);
    side.keys.push_back(q.token_key[i]);
    side.weights.push_back(
        static_cast<float>(shaped_weight(plain[i], texts, i, true, options_)));
    side.legal.push_back(0);
    side.terms.push_back(vocabulary_.find(q.token_text[i]));
    side.total_weight += side.weights.back();
  }
  side_legal.texts = side.texts;
  side_legal.keys = side.keys;
  side_legal.legal = legal;
  side_legal.terms = side.terms;
  side_legal.weights.clear();
  side_legal.total_weight = 0;
  for (size_t i = 0; i < n; ++i) {
    side_legal.weights.push_back(
        static_cast<float>(shaped_weight(with_legal[i], texts, i, false, options_)));
    side_legal.total_weight += side_legal.weights.back();
  }
}

scored_tokens screening_index::query_side(const prepared_query& q,
                                          const name_record& r) const {
  // Legal forms are only marked in names of non-individuals; weigh the query alike.
  return r.type == entity_type::individual ? q.side.view() : q.side_legal.view();
}

scored_tokens screening_index::list_side(uint32_t name) const {
  const auto& r = names_[name];
  scored_tokens v;
  v.texts = name_texts_.data() + r.first;
  v.keys = name_keys_.data() + r.first;
  v.weights = name_weights_.data() + r.first;
  v.legal = name_legal_.data() + r.first;
  v.terms = name_terms_.data() + r.first;
  v.count = r.count;
  v.total_weight = r.total_weight;
  return v;
}

void screening_index::collect_candidates(const prepared_query& q, double threshold,
                                         std::vector<uint32_t>& out) const {
  thread_local candidate_marks marks;
  marks.begin(names_.size());
  size_t n = q.side.texts.size();
  // S: the commonest query tokens, as many as can be left out of retrieval while
  // 2 w(S) / (W + w(S)) stays below the threshold (see the class comment). A token is
  // skipped only if it is in S under both weightings of the query.
  //
  // A listed name holding an initial ("SMITH, J.") may also be credited for matching a
  // query word with it: at most initial_similarity * min(weight, initial_weight) per
  // query word outside S. For those names (name_record::has_initial) S is computed
  // with that credit (S_initials, a subset of S); initials themselves bring no
  // candidates (every name with a J would come).
  std::vector<bool> skipped(n, true), skipped_initials(n, true);
  for (const token_list* side : {&q.side, &q.side_legal}) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return side->weights[a] < side->weights[b];
    });
    auto credit = [&](size_t i) {
      return q.token_text[i].size() < 2
                 ? 0.0
                 : token_similarity::initial_similarity *
                       std::min<double>(side->weights[i], options_.initial_weight);
    };
    for (bool with_initials : {false, true}) {
      std::vector<bool> in_s(n, false);
      double w_all = side->total_weight;
      double w_skip = 0;
      double initials = 0;
      if (with_initials)
        for (size_t i = 0; i < n; ++i)
          initials += credit(i);
      const double margin = 1e-9;
      for (auto i : order) {
        double w = w_skip + side->weights[i];
        double rest = with_initials ? initials - credit(i) : 0.0;
        if (w_all <= 0 || 2 * (w + rest) / (w_all + w + rest) >= threshold - margin)
          break;
        w_skip = w;
        initials = rest;
        in_s[i] = true;
      }
      auto& skip = with_initials ? skipped_initials : skipped;
      for (size_t i = 0; i < n; ++i)
        skip[i] = skip[i] && in_s[i];
    }
  }
  auto add_postings = [&](uint32_t term, bool initials_only) {
    for (uint32_t p = posting_offsets_[term]; p < posting_offsets_[term + 1]; ++p) {
      auto name = postings_[p];
      if (marks.mark[name] != marks.epoch &&
          (!initials_only || names_[name].has_initial)) {
        marks.mark[name] = marks.epoch;
        out.push_back(name);
      }
    }
  };
  for (size_t i = 0; i < n; ++i) {
    if (skipped_initials[i])
      continue;
    // Outside S: every name; in S but not in S_initials: names holding an initial.
    bool initials_only = skipped[i];
    bool letter = q.token_text[i].size() == 1;
    for (auto& [term, s] : q.token_neighbours[i])
      // A query initial outside S brings the words it begins; a query word never
      // brings the listed initials (see above).
      if (letter ||
          !token_similarity::initial_of(q.token_text[i], vocabulary_.text(term)))
        add_postings(term, initials_only);
    // "JSCARGUMENT" against "JSC ARGUMENT": the rarer half brings every name holding
    // both halves.
    for (auto& [a, b] : q.token_splits[i])
      add_postings(
          vocabulary_.document_frequency(a) <= vocabulary_.document_frequency(b) ? a : b,
          initials_only);
  }
  for (size_t i = 0; i + 1 < n; ++i) {
    if (skipped_initials[i] && skipped_initials[i + 1])
      continue;
    bool initials_only = skipped[i] && skipped[i + 1];
    for (auto& [term, s] : q.pair_neighbours[i])
      add_postings(term, initials_only);
  }
}

screening_result screening_index::finish(const validated_query& v,
                                         const prepared_query& q,
                                         std::vector<scored_name>& scored) const {
  screening_result res;
  res.threshold = v.threshold;
  res.names_indexed = names_.size();
  // Best name per entity (ties: the lower name id, so both paths agree).
  std::unordered_map<uint32_t, scored_name> best;
  for (auto& s : scored) {
    auto it = best.find(s.entity);
    if (it == best.end())
      best.emplace(s.entity, s);
    else if (better(s.score, s.name, it->second.score, it->second.name))
      it->second = s;
  }
  std::set<uint32_t> id_matches;
  if (v.identifier) {
    auto it = by_identifier_.find(*v.identifier);
    if (it != by_identifier_.end())
      id_matches.insert(it->second.begin(), it->second.end());
  }
  for (auto g : id_matches) {
    if (best.count(g))
      continue;
    // Names are stored in entity order: the entity's first name is its primary one.
    // It is scored for the explanation; the identifier decides.
    auto it =
        std::lower_bound(names_.begin(), names_.end(), g,
                         [](const name_record& r, uint32_t e) { return r.entity < e; });
    if (it != names_.end() && it->entity == g)
      best.emplace(g, scored_name{g, static_cast<uint32_t>(it - names_.begin()), 0.0});
  }
  name_scorer scorer(options_, options_.min_evidence * vocabulary_.unseen_idf());
  direct_similarity direct(q, similarity_);
  for (auto& [g, s] : best) {
    const auto& e = entity(g);
    const auto& r = names_[s.name];
    match_explanation why;
    double score = s.score;
    bool id_match = id_matches.count(g) > 0;
    double factor = 1;
    if (v.date_of_birth) {
      refinement ref{"date_of_birth", "not_listed", 1,
                     birth_year_comparison(*v.date_of_birth, e.dates_of_birth)};
      if (!e.dates_of_birth.empty()) {
        bool ok = false;
        for (auto& d : e.dates_of_birth)
          ok = ok || d.compatible_with(*v.date_of_birth);
        ref.outcome = ok ? "match" : "mismatch";
        ref.factor = ok ? 1.0 : options_.dob_mismatch_factor;
      }
      factor *= ref.factor;
      why.refinements.push_back(ref);
    }
    if (v.country_code) {
      refinement ref{"country", "not_listed", 1, "query " + *v.country_code};
      if (!e.countries.empty()) {
        bool ok = std::find(e.countries.begin(), e.countries.end(), *v.country_code) !=
                  e.countries.end();
        std::string listed;
        for (auto& c : e.countries)
          listed += (listed.empty() ? "" : ", ") + c;
        ref.outcome = ok ? "match" : "mismatch";
        ref.factor = ok ? 1.0 : options_.country_mismatch_factor;
        ref.detail += " vs listed " + listed;
      }
      factor *= ref.factor;
      why.refinements.push_back(ref);
    }
    if (v.identifier) {
      refinement ref{"identifier", id_match ? "match" : "not_listed", 1, ""};
      if (id_match) {
        for (auto& id : e.identifiers)
          if (normalize_identifier(id.value) == *v.identifier)
            ref.detail = id.type + " " + id.value;
      }
      why.refinements.push_back(ref);
    }
    double final_score = id_match ? 1.0 : score * factor;
    if (final_score < v.threshold)
      continue;
    // Explanations come from the direct path: identical values, and it also covers
    // names that only an identifier brought in.
    scorer.score(q, query_side(q, r), list_side(s.name), direct, &why);
    why.alias_factor = alias_factor(r);
    screening_hit hit;
    const auto& meta = lists_[entities_[g].list].metadata;
    hit.list = meta.name;
    hit.list_version = meta.version;
    hit.entity_id = e.id;
    hit.type = e.type;
    hit.primary_name = e.primary_name;
    hit.matched_name = name_text(r);
    hit.matched_alias = r.alias >= 0;
    hit.matched_alias_weak = r.weak;
    hit.score = final_score;
    hit.explanation = std::move(why);
    hit.programs = e.programs;
    res.hits.push_back(std::move(hit));
  }
  std::sort(res.hits.begin(), res.hits.end(), [](const auto& a, const auto& b) {
    if (a.score != b.score)
      return a.score > b.score;
    if (a.list != b.list)
      return a.list < b.list;
    return a.entity_id < b.entity_id;
  });
  if (res.hits.size() > options_.max_hits)
    res.hits.resize(options_.max_hits);
  return res;
}

result<screening_result, query_error> screening_index::run(const screening_query& query,
                                                           bool brute_force) const {
  auto v = validate_query(query, options_);
  if (!v)
    return v.error();
  const auto& vq = v.value();
  thread_local prepared_query q;
  prepare(vq, q);
  name_scorer scorer(options_, options_.min_evidence * vocabulary_.unseen_idf());
  thread_local std::vector<uint32_t> candidates;
  std::vector<scored_name> scored;
  size_t scored_count = 0;
  auto consider = [&](uint32_t name, const similarity_source& sims) {
    const auto& r = names_[name];
    if (!types_compatible(vq.type, r.type))
      return;
    ++scored_count;
    auto ps = scorer.score(q, query_side(q, r), list_side(name), sims, nullptr);
    double s = ps.score * alias_factor(r);
    if (s >= vq.threshold)
      scored.push_back(scored_name{r.entity, name, s});
  };
  if (brute_force) {
    direct_similarity sims(q, similarity_);
    for (uint32_t n = 0; n < names_.size(); ++n)
      consider(n, sims);
  } else {
    candidates.clear();
    collect_candidates(q, vq.threshold, candidates);
    neighbour_similarity sims(q, vocabulary_.size());
    for (auto n : candidates)
      consider(n, sims);
  }
  auto res = finish(vq, q, scored);
  res.candidates_scored = scored_count;
  return res;
}

result<screening_result, query_error>
screening_index::screen(const screening_query& query) const {
  return run(query, false);
}

result<screening_result, query_error>
screening_index::screen_brute_force(const screening_query& query) const {
  return run(query, true);
}

result<comparison, query_error>
screening_index::compare(const std::string& name_a, const std::string& name_b,
                         const std::optional<std::string>& type) const {
  auto ta = validate_name(name_a, "name_a", options_);
  if (!ta)
    return ta.error();
  auto tb = validate_name(name_b, "name_b", options_);
  if (!tb)
    return tb.error();
  validated_query va;
  va.name = name_a;
  va.tokens = std::move(ta.value());
  if (type && !type->empty()) {
    auto t = parse_entity_type(*type);
    if (!t)
      return query_error{query_error_code::unknown_type, "type",
                         "type must be individual, entity, vessel or aircraft"};
    va.type = *t;
  }
  prepared_query q;
  prepare(va, q);
  // The second name is prepared like a query too (its weights estimated from the
  // index), then scored as the listed side.
  validated_query vb = va;
  vb.name = name_b;
  vb.tokens = std::move(tb.value());
  prepared_query b;
  prepare(vb, b);
  comparison c;
  c.threshold = options_.threshold;
  name_scorer scorer(options_, options_.min_evidence * vocabulary_.unseen_idf());
  direct_similarity sims(q, similarity_);
  // Legal forms count alike on both sides: marked in both unless type is individual.
  auto ps =
      scorer.score(q, q.side_legal.view(), b.side_legal.view(), sims, &c.explanation);
  c.score = ps.score;
  c.match = ps.score >= c.threshold;
  return c;
}

} // namespace kyb::screening

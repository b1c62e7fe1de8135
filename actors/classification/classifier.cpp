#include "actors/classification/classifier.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "actors/classification/crosswalk_builder.hpp"
#include "actors/classification/industry_codes.hpp"

namespace kyb::classification {

namespace {

constexpr size_t max_alternates = 4;
constexpr size_t max_evidence = 8;
constexpr float min_class_mass = 1e-3f; // classes below this skip the link marginals

uint64_t fnv1a(char kind, std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  h = (h ^ static_cast<unsigned char>(kind)) * 1099511628211ULL;
  for (unsigned char c : text)
    h = (h ^ c) * 1099511628211ULL;
  return h;
}

} // namespace

uint64_t gazetteer_key_hash(const std::string& compact_key) {
  return fnv1a('g', compact_key);
}

uint64_t refiner_term_hash(const std::string& term) {
  return fnv1a('t', term);
}

classifier::classifier(model m) : model_(std::move(m)), extractor_(model_.features) {
  class_links_.resize(model_.classes.size());
  log_link_weight_.resize(model_.links.size());
  std::map<std::string, uint32_t> naics_ids, sic_ids, sector_ids;
  auto id_of = [](std::map<std::string, uint32_t>& ids, const std::string& code) {
    return ids.emplace(code, static_cast<uint32_t>(ids.size())).first->second;
  };
  for (uint32_t i = 0; i < model_.links.size(); ++i) {
    const auto& l = model_.links[i];
    class_links_[l.cls].push_back(i);
    log_link_weight_[i] = std::log(l.weight);
    link_naics_.push_back(id_of(naics_ids, l.naics));
    link_sic_.push_back(id_of(sic_ids, l.sic));
    link_sector_.push_back(id_of(sector_ids, industry_codes::naics_sector(l.naics)));
  }
  sector_titles_.resize(sector_ids.size());
  for (const auto& [sector, id] : sector_ids)
    for (const auto& s : model_.sectors)
      if (s.first == sector)
        sector_titles_[id] = s.second;
}

expected<classifier> classifier::load(const std::string& path) {
  auto m = read_model_file(path);
  if (!m)
    return m.err();
  return from_model(std::move(*m));
}

expected<classifier> classifier::from_model(model m) {
  if (m.classes.empty() || m.lr.num_classes() != m.classes.size())
    return error{errc::model_malformed, "model has no classes or inconsistent tables"};
  std::vector<bool> linked(m.classes.size(), false);
  for (const auto& l : m.links)
    if (l.cls < linked.size())
      linked[l.cls] = true;
  if (std::find(linked.begin(), linked.end(), false) != linked.end())
    return error{errc::model_malformed, "a class has no crosswalk link"};
  return classifier(std::move(m));
}

void classifier::features_of(const classification_input& input,
                             std::vector<token>& tokens,
                             std::vector<feature>& features) const {
  std::vector<std::string> countries;
  if (!input.country.empty())
    countries.push_back(input.country);
  extractor_.extract_business(input, countries, tokens, features);
}

void classifier::raw_scores(const classification_input& input,
                            std::vector<float>& scores) const {
  std::vector<token> tokens;
  std::vector<feature> features;
  features_of(input, tokens, features);
  model_.lr.score(features, scores);
}

bool classifier::gazetteer_lookup(const classification_input& input,
                                  std::vector<float>& dist) const {
  if (model_.gazetteer.keys.empty() || model_.gazetteer_weight <= 0.0f)
    return false;
  dist.assign(model_.classes.size(), 0.0f);
  int hits = 0;
  for (const auto* name : {&input.legal_name, &input.dba_name}) {
    if (name->empty())
      continue;
    auto key = text_normalizer::compact_key(*name);
    if (key.empty())
      continue;
    auto slot = model_.gazetteer.find(gazetteer_key_hash(key));
    if (slot < 0)
      continue;
    ++hits;
    for (uint32_t k = model_.gazetteer.offsets[static_cast<size_t>(slot)];
         k < model_.gazetteer.offsets[static_cast<size_t>(slot) + 1]; ++k)
      dist[model_.gazetteer.target[k]] += model_.gazetteer.value[k];
  }
  if (hits == 0)
    return false;
  for (auto& d : dist)
    d /= static_cast<float>(hits);
  return true;
}

void classifier::probabilities(const classification_input& input, bool use_gazetteer,
                               std::vector<float>& probs, bool* known_merchant) const {
  std::vector<float> scores;
  raw_scores(input, scores);
  const auto nc = static_cast<uint32_t>(scores.size());
  model_.calibration.probabilities(scores.data(), nc, probs);
  auto top =
      static_cast<uint32_t>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  model_.calibration.calibrate(probs, top);
  std::vector<float> dist;
  const bool hit = use_gazetteer && gazetteer_lookup(input, dist);
  if (hit) {
    const float gw = model_.gazetteer_weight;
    for (uint32_t c = 0; c < nc; ++c)
      probs[c] = (1.0f - gw) * probs[c] + gw * dist[c];
  }
  if (known_merchant)
    *known_merchant = hit;
}

expected<classification_result>
classifier::classify(const classification_input& input) const {
  if (auto err = validate_input(input, limits))
    return *err;
  return classify_valid(input);
}

classification_result
classifier::classify_valid(const classification_input& input) const {
  const auto nc = static_cast<uint32_t>(model_.classes.size());

  // The working vectors, kept per thread: a classification allocates little but its
  // answer.
  thread_local struct {
    std::vector<token> tokens;
    std::vector<feature> features;
    std::vector<float> scores, probs, dist, bonus, link_prob, q, per_token;
    std::vector<int32_t> slots, best_link;
    std::vector<uint32_t> order;
    std::vector<size_t> idx;
  } scratch;
  auto& tokens = scratch.tokens;
  auto& features = scratch.features;
  auto& scores = scratch.scores;
  auto& slots = scratch.slots;
  auto& probs = scratch.probs;

  // 1. Features and class scores.
  tokens.clear();
  features_of(input, tokens, features);
  model_.lr.score(features, scores, &slots);

  // 2. Calibrated probabilities, then the gazetteer of known merchants.
  probs.clear();
  model_.calibration.probabilities(scores.data(), nc, probs);
  auto top =
      static_cast<uint32_t>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  model_.calibration.calibrate(probs, top);
  classification_result result;
  result.model_version = model_.version;
  auto& dist = scratch.dist;
  if (gazetteer_lookup(input, dist)) {
    result.known_merchant = true;
    const float gw = model_.gazetteer_weight;
    for (uint32_t c = 0; c < nc; ++c)
      probs[c] = (1.0f - gw) * probs[c] + gw * dist[c];
  }
  auto& order = scratch.order;
  order.resize(nc);
  std::iota(order.begin(), order.end(), 0u);
  const size_t ranked = std::min<size_t>(nc, 1 + max_alternates);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(ranked),
                    order.end(), [&](uint32_t a, uint32_t b) {
                      return probs[a] != probs[b] ? probs[a] > probs[b] : a < b;
                    });
  top = order[0];

  // 3. Links: which (NAICS, SIC) pair of each likely MCC fits the input's words.
  auto& bonus = scratch.bonus;
  bonus.assign(model_.links.size(), 0.0f);
  for (const auto& t : tokens) {
    if (t.unsegmented)
      continue;
    auto term = crosswalk_builder::term_of(t.text);
    if (term.empty())
      continue;
    auto slot = model_.refiner.find(refiner_term_hash(term));
    if (slot < 0)
      continue;
    for (uint32_t k = model_.refiner.offsets[static_cast<size_t>(slot)];
         k < model_.refiner.offsets[static_cast<size_t>(slot) + 1]; ++k)
      bonus[model_.refiner.target[k]] += model_.refiner.value[k];
  }
  auto& link_prob = scratch.link_prob; // P(link | class, input)
  link_prob.assign(model_.links.size(), 0.0f);
  auto& best_link = scratch.best_link;
  best_link.assign(nc, -1);
  for (uint32_t c = 0; c < nc; ++c) {
    if (probs[c] < min_class_mass && c != top &&
        std::find(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(ranked),
                  c) == order.begin() + static_cast<std::ptrdiff_t>(ranked))
      continue;
    const auto& ls = class_links_[c];
    float mx = -1e30f;
    for (auto l : ls)
      mx = std::max(mx, log_link_weight_[l] + bonus[l]);
    float z = 0.0f;
    for (auto l : ls) {
      link_prob[l] = std::exp(log_link_weight_[l] + bonus[l] - mx);
      z += link_prob[l];
    }
    for (auto l : ls) {
      link_prob[l] /= z;
      if (best_link[c] < 0 ||
          link_prob[l] > link_prob[static_cast<uint32_t>(best_link[c])])
        best_link[c] = static_cast<int32_t>(l);
    }
  }
  auto make_mcc = [&](uint32_t c) {
    mcc_prediction p;
    p.code = model_.classes[c].mcc;
    p.title = model_.classes[c].description;
    p.confidence = probs[c];
    const auto& l = model_.links[static_cast<uint32_t>(best_link[c])];
    p.naics = l.naics;
    p.sic = l.sic;
    return p;
  };
  result.mcc = make_mcc(top);
  for (size_t i = 1; i < ranked; ++i)
    result.mcc_alternates.push_back(make_mcc(order[i]));

  // 4. NAICS, sector and SIC: the codes of the primary MCC's best link, with the
  // probability mass every likely MCC's links give them.
  const auto chosen_link = static_cast<uint32_t>(best_link[top]);
  const auto& chosen = model_.links[chosen_link];
  const uint32_t naics_id = link_naics_[chosen_link], sic_id = link_sic_[chosen_link],
                 sector_id = link_sector_[chosen_link];
  float p_naics = 0.0f, p_sector = 0.0f, p_sic = 0.0f;
  for (uint32_t l = 0; l < model_.links.size(); ++l) {
    if (link_prob[l] <= 0.0f)
      continue;
    const float mass = probs[model_.links[l].cls] * link_prob[l];
    if (link_naics_[l] == naics_id)
      p_naics += mass;
    if (link_sic_[l] == sic_id)
      p_sic += mass;
    if (link_sector_[l] == sector_id)
      p_sector += mass;
  }
  result.naics =
      code_prediction{chosen.naics, chosen.naics_title, std::min(p_naics, 1.0f)};
  result.sic = code_prediction{chosen.sic, chosen.sic_title, std::min(p_sic, 1.0f)};
  result.naics_sector =
      code_prediction{industry_codes::naics_sector(chosen.naics),
                      sector_titles_[sector_id], std::min(p_sector, 1.0f)};

  // 5. Evidence: per input term, what its features add to the primary MCC's score
  // beyond what they add, on average, to the other classes weighted by their
  // probability.
  auto& q = scratch.q;
  q.assign(probs.begin(), probs.end());
  q[top] = 0.0f;
  float rest = std::accumulate(q.begin(), q.end(), 0.0f);
  if (rest <= 1e-9f) {
    std::fill(q.begin(), q.end(), 1.0f / static_cast<float>(nc > 1 ? nc - 1 : 1));
    q[top] = 0.0f;
  } else {
    for (auto& v : q)
      v /= rest;
  }
  auto& per_token = scratch.per_token; // last slot: country
  per_token.assign(tokens.size() + 1, 0.0f);
  // Shape features (no token, not the country) describe the name, not a term of it.
  const float scale = linear_model::input_scale(features);
  const uint64_t country =
      input.country.empty() ? 0 : feature_extractor::country_hash(input.country);
  for (size_t i = 0; i < features.size(); ++i) {
    if (slots[i] < 0 || (features[i].token < 0 && features[i].hash != country))
      continue;
    const float margin = model_.lr.margin(slots[i], static_cast<uint16_t>(top), q);
    const size_t idx =
        features[i].token < 0 ? tokens.size() : static_cast<size_t>(features[i].token);
    per_token[idx] += features[i].weight * scale * margin;
  }
  auto& idx = scratch.idx;
  idx.resize(per_token.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return per_token[a] > per_token[b]; });
  for (size_t i : idx) {
    if (result.evidence.size() >= max_evidence || per_token[i] <= 0.0f)
      break;
    evidence_term e;
    if (i == tokens.size()) {
      e.term = "country:" + input.country;
      for (auto& ch : e.term)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      e.term.replace(0, 8, "country:");
      e.field = input_field::name;
      e.is_country = true;
    } else {
      // The same word in two fields is reported once, under its first field.
      bool dup = false;
      for (const auto& prev : result.evidence)
        dup = dup || (!prev.is_country && prev.term == tokens[i].text);
      if (dup)
        continue;
      e.term = tokens[i].text;
      e.field = tokens[i].field;
    }
    e.weight = per_token[i];
    result.evidence.push_back(std::move(e));
  }
  result.needs_review = result.mcc.confidence < review_below;
  return result;
}

} // namespace kyb::classification

#include "actors/classification/trainer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "actors/classification/crosswalk_builder.hpp"

namespace kyb::classification {

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s)
    h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::vector<feature> text_features(const feature_extractor& fx, const std::string& text) {
  std::vector<token> toks;
  text_normalizer::tokenize(text, input_field::description, 100000, toks);
  std::vector<feature> out;
  fx.extract(toks, "", out);
  return out;
}

// The words that describe a crosswalk link: NAICS title and description, SIC title
// and the concordance notes of the (SIC, NAICS) pair.
std::string link_text(const industry_codes& codes, const crosswalk_entry& e) {
  std::string text = e.naics_title + ". " + e.sic_title + ". ";
  if (auto it = codes.naics_description.find(e.naics);
      it != codes.naics_description.end())
    text += it->second + ' ';
  for (const auto& l : codes.sic_to_naics)
    if (l.sic == e.sic && l.naics == e.naics)
      text += l.sic_note + ". ";
  return text;
}

} // namespace

trainer::trainer(const industry_codes& codes, const crosswalk& links,
                 trainer_options options)
    : codes_(codes), links_(links), options_(std::move(options)), classes_(links.mccs()) {
  // Short documents, one per title, look like the names the model reads: "Paint and
  // Wallpaper Retailers" teaches "paint" more clearly than a paragraph does.
  // The long NAICS/SIC texts give words only: their character n-grams would cost most
  // of the training time and add nothing the titles' n-grams do not.
  const feature_extractor fx(options_.features);
  feature_options words_only = options_.features;
  words_only.char_max_n = 0;
  const feature_extractor fx_words(words_only);
  for (size_t c = 0; c < classes_.size(); ++c) {
    const auto cls = static_cast<uint16_t>(c);
    auto add = [&](const std::string& text, float weight, bool words = false) {
      if (weight > 0.0f)
        code_documents_.push_back(
            document{text_features(words ? fx_words : fx, text), cls, weight});
    };
    if (const auto* e = codes_.find_mcc(classes_[c])) {
      add(e->description, options_.mcc_text_weight);
      for (const auto& t : e->other_texts)
        add(t, options_.mcc_text_weight * options_.mcc_other_text_share);
    }
    for (auto i : links_.entries_for(classes_[c])) {
      const auto& entry = links_.entries()[i];
      const float w = options_.code_text_weight * entry.weight;
      add(entry.naics_title, w);
      add(entry.sic_title, w);
      add(link_text(codes_, entry), w * options_.link_text_share, true);
    }
  }
}

int trainer::class_of(const std::string& mcc) const {
  auto it = std::lower_bound(classes_.begin(), classes_.end(), mcc);
  if (it == classes_.end() || *it != mcc)
    return -1;
  return static_cast<int>(it - classes_.begin());
}

std::pair<bool, bool> trainer::code_hits(const std::string& mcc,
                                         const classification_result& answer) const {
  bool naics = false, sic = false;
  for (auto l : links_.entries_for(mcc)) {
    naics |= links_.entries()[l].naics == answer.naics.code;
    sic |= links_.entries()[l].sic == answer.sic.code;
  }
  return {naics, sic};
}

std::vector<feature> trainer::brand_features(const labelled_brand& row,
                                             input_mode mode) const {
  // Every listed country is evidence, sharing one country weight between them.
  std::vector<token> toks;
  std::vector<feature> out;
  feature_extractor(options_.features)
      .extract_business(to_input(row, mode), row.countries, toks, out);
  return out;
}

expected<model> trainer::fit(const std::vector<labelled_brand>& rows,
                             const std::vector<bool>& include) const {
  const auto nc = static_cast<uint32_t>(classes_.size());
  if (nc == 0 || nc > UINT16_MAX)
    return error{errc::invalid_argument, "the crosswalk has no MCC or too many"};
  model m;
  m.features = options_.features;
  m.lr_settings = options_.lr;
  for (const auto& mcc : classes_) {
    const auto* e = codes_.find_mcc(mcc);
    m.classes.push_back(model_class{
        mcc, e ? e->description
               : links_.entries()[links_.entries_for(mcc).front()].mcc_description});
  }
  linear_model lr;
  lr.begin(nc);
  for (const auto& d : code_documents_)
    lr.add(d.features, d.cls, d.weight);
  std::map<std::string, std::map<uint16_t, float>> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!include.empty() && !include[i])
      continue;
    const int cls = class_of(rows[i].mcc);
    if (cls < 0)
      return error{errc::data_malformed, "label " + rows[i].mcc + " of " +
                                             rows[i].nsi_id + " has no crosswalk entry"};
    lr.add(brand_features(rows[i], input_mode::name_only), static_cast<uint16_t>(cls),
           1.0f);
    if (!rows[i].description.empty() && options_.described_weight > 0.0f)
      lr.add(brand_features(rows[i], input_mode::described), static_cast<uint16_t>(cls),
             options_.described_weight);
    if (!rows[i].description.empty() && options_.description_only_weight > 0.0f) {
      auto in = to_input(rows[i], input_mode::described);
      in.legal_name.clear();
      in.dba_name.clear();
      std::vector<token> toks;
      std::vector<feature> f;
      feature_extractor(options_.features)
          .extract_business(in, rows[i].countries, toks, f);
      lr.add(f, static_cast<uint16_t>(cls), options_.description_only_weight);
    }
    if (options_.gazetteer) {
      std::set<std::string> keys{text_normalizer::compact_key(rows[i].brand),
                                 text_normalizer::compact_key(rows[i].name)};
      for (const auto& k : keys)
        if (!k.empty())
          names[k][static_cast<uint16_t>(cls)] += 1.0f;
    }
  }
  lr.finalize(options_.lr);
  m.lr = std::move(lr);

  // Crosswalk links, grouped by class, and the refiner's term index over them.
  std::vector<std::set<std::string>> link_terms;
  for (uint32_t c = 0; c < nc; ++c)
    for (auto i : links_.entries_for(classes_[c])) {
      const auto& e = links_.entries()[i];
      m.links.push_back(model_link{static_cast<uint16_t>(c), e.naics, e.naics_title,
                                   e.sic, e.sic_title, e.weight});
      auto terms = crosswalk_builder::terms(link_text(codes_, e));
      link_terms.emplace_back(terms.begin(), terms.end());
    }
  std::map<std::string, uint32_t> df;
  for (const auto& ts : link_terms)
    for (const auto& t : ts)
      ++df[t];
  std::vector<std::pair<uint64_t, std::pair<uint32_t, float>>> items;
  const auto num_links = static_cast<double>(m.links.size());
  for (uint32_t l = 0; l < link_terms.size(); ++l)
    for (const auto& t : link_terms[l])
      items.push_back(
          {refiner_term_hash(t), {l, static_cast<float>(std::log(num_links / df[t]))}});
  m.refiner = posting_index::build(std::move(items));

  // NAICS sector titles.
  for (const auto& [code, title] : codes_.naics_title)
    if (code.size() == 2 || (code.size() == 5 && code[2] == '-'))
      m.sectors.emplace_back(code, title);

  // The gazetteer: each known name's label shares.
  items.clear();
  for (const auto& [key, counts] : names) {
    float total = 0.0f;
    for (const auto& kv : counts)
      total += kv.second;
    for (const auto& [cls, n] : counts)
      items.push_back({gazetteer_key_hash(key), {cls, n / total}});
  }
  m.gazetteer = posting_index::build(std::move(items));
  m.gazetteer_weight = options_.gazetteer ? options_.gazetteer_weight : 0.0f;
  m.version = "uncalibrated";
  return m;
}

expected<out_of_fold>
trainer::cross_validate(const std::vector<labelled_brand>& rows,
                        const std::vector<uint32_t>& folds, uint32_t k,
                        const std::vector<bool>& subset,
                        const std::vector<input_mode>& modes) const {
  out_of_fold oof;
  oof.num_classes = static_cast<uint32_t>(classes_.size());
  std::vector<float> scores;
  for (uint32_t f = 0; f < k; ++f) {
    std::vector<bool> include(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      include[i] = folds[i] != f && (subset.empty() || subset[i]);
    auto m = fit(rows, include);
    if (!m)
      return m.err();
    auto clf = classifier::from_model(std::move(*m));
    if (!clf)
      return clf.err();
    const auto& gaz = clf->get_model().gazetteer;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (folds[i] != f || (!subset.empty() && !subset[i]))
        continue;
      const int cls = class_of(rows[i].mcc);
      if (cls < 0)
        return error{errc::data_malformed,
                     "label " + rows[i].mcc + " has no crosswalk entry"};
      for (auto mode : modes) {
        if (mode == input_mode::described && rows[i].description.empty())
          continue;
        const auto input = to_input(rows[i], mode);
        clf->raw_scores(input, scores);
        auto [naics, sic] = code_hits(rows[i].mcc, clf->classify_valid(input));
        oof.naics_right.push_back(naics);
        oof.sic_right.push_back(sic);
        oof.rows.push_back(static_cast<uint32_t>(i));
        oof.labels.push_back(static_cast<uint16_t>(cls));
        oof.folds.push_back(f);
        oof.modes.push_back(mode);
        oof.scores.insert(oof.scores.end(), scores.begin(), scores.end());
      }
      for (const auto* name : {&rows[i].brand, &rows[i].name}) {
        auto key = text_normalizer::compact_key(*name);
        if (!key.empty() && gaz.find(gazetteer_key_hash(key)) >= 0) {
          ++oof.gazetteer_hits;
          break;
        }
      }
    }
  }
  return oof;
}

uint32_t rank_of(const float* s, uint32_t nc, uint32_t truth) {
  uint32_t better = 0;
  for (uint32_t c = 0; c < nc; ++c)
    if (s[c] > s[truth] || (s[c] == s[truth] && c < truth))
      ++better;
  return better;
}

mode_summary summarize(const out_of_fold& oof, const std::vector<float>& confidence,
                       input_mode mode) {
  const uint32_t nc = oof.num_classes;
  mode_summary ms;
  uint32_t top1 = 0, top3 = 0, naics = 0, sic = 0, confident_right = 0;
  std::array<double, 10> bin_conf{}, bin_right{};
  std::array<uint32_t, 10> bin_count{};
  for (size_t i = 0; i < oof.labels.size(); ++i) {
    if (oof.modes[i] != mode)
      continue;
    ++ms.examples;
    const uint32_t better = rank_of(oof.scores.data() + i * nc, nc, oof.labels[i]);
    top1 += better == 0;
    top3 += better < 3;
    naics += oof.naics_right[i];
    sic += oof.sic_right[i];
    const auto b =
        static_cast<size_t>(std::clamp(static_cast<int>(confidence[i] * 10.0f), 0, 9));
    ++bin_count[b];
    bin_conf[b] += confidence[i];
    bin_right[b] += better == 0;
    if (confidence[i] >= 0.8f) {
      ++ms.confident;
      confident_right += better == 0;
    }
  }
  const auto share = [&](uint32_t n, uint32_t d) {
    return d ? static_cast<float>(n) / static_cast<float>(d) : 0.0f;
  };
  ms.top1 = share(top1, ms.examples);
  ms.top3 = share(top3, ms.examples);
  ms.naics = share(naics, ms.examples);
  ms.sic = share(sic, ms.examples);
  ms.confident_accuracy = share(confident_right, ms.confident);
  double ece = 0.0;
  for (size_t b = 0; b < bin_count.size(); ++b)
    ece += std::fabs(bin_right[b] - bin_conf[b]);
  ms.calibration_error =
      ms.examples ? static_cast<float>(ece / static_cast<double>(ms.examples)) : 0.0f;
  return ms;
}

expected<model> trainer::train(const std::vector<labelled_brand>& rows) const {
  const uint32_t k = std::max(options_.calibration_folds, 2u);
  const auto folds = assign_folds(rows, brand_groups(rows), k);
  auto oof =
      cross_validate(rows, folds, k, {}, {input_mode::name_only, input_mode::described});
  if (!oof)
    return oof.err();
  const uint32_t nc = oof->num_classes;
  auto m = fit(rows, {});
  if (!m)
    return m.err();
  m->calibration = calibrator::fit(oof->scores, nc, oof->labels);
  // Evaluation summary shipped with the model, per kind of caller (confidence
  // cross-fitted: each fold's from a calibrator fitted on the other folds).
  const auto conf = calibrator::cross_fit(oof->scores, nc, oof->labels, oof->folds, k);
  m->evaluation.folds = k;
  m->evaluation.name_only = summarize(*oof, conf, input_mode::name_only);
  m->evaluation.described = summarize(*oof, conf, input_mode::described);
  // The version names the content: a digest of the model with an empty version.
  m->version.clear();
  const uint64_t digest = fnv1a(serialize_model(*m));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(digest));
  m->training_digest = hex;
  m->version = std::string("mcc-lr-3.") + std::string(hex, 12);
  return m;
}

} // namespace kyb::classification

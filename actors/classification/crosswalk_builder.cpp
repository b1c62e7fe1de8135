#include "actors/classification/crosswalk_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include "actors/classification/csv_table.hpp"
#include "actors/classification/text_normalizer.hpp"
#include "runtime/base/text.hpp"

namespace kyb::classification {

namespace {

const std::set<std::string>& stop_words() {
  static const std::set<std::string> words{"a",
                                           "an",
                                           "and",
                                           "or",
                                           "of",
                                           "the",
                                           "for",
                                           "to",
                                           "in",
                                           "on",
                                           "by",
                                           "with",
                                           "as",
                                           "at",
                                           "is",
                                           "are",
                                           "be",
                                           "this",
                                           "that",
                                           "which",
                                           "such",
                                           "these",
                                           "its",
                                           "their",
                                           "from",
                                           "not",
                                           "no",
                                           "nec",
                                           "n",
                                           "e",
                                           "c",
                                           "except",
                                           "elsewhere",
                                           "classified",
                                           "other",
                                           "misc",
                                           "miscellaneous",
                                           "etc",
                                           "including",
                                           "includes",
                                           "primarily",
                                           "engaged",
                                           "establishment",
                                           "establishments",
                                           "comprises",
                                           "industry",
                                           "known",
                                           "also",
                                           "may",
                                           "u",
                                           "s",
                                           "ii",
                                           "i",
                                           "related",
                                           "activities",
                                           "generally",
                                           "usually",
                                           "mainly"};
  return words;
}

std::string stem(std::string w) {
  auto ends = [&](const char* suf) {
    size_t n = std::char_traits<char>::length(suf);
    return w.size() > n + 2 && w.compare(w.size() - n, n, suf) == 0;
  };
  if (ends("ies"))
    w.replace(w.size() - 3, 3, "y");
  else if (ends("sses"))
    w.erase(w.size() - 2);
  else if (ends("es") && (ends("ches") || ends("shes") || ends("xes")))
    w.erase(w.size() - 2);
  else if (ends("s") && !ends("ss") && !ends("us") && !ends("is"))
    w.erase(w.size() - 1);
  if (ends("ing") && w.size() > 6)
    w.erase(w.size() - 3);
  else if (ends("ers") || ends("er"))
    w.erase(w.size() - (ends("ers") ? 3 : 2));
  return w;
}

using sparse = std::vector<std::pair<uint32_t, float>>;

class vectorizer {
public:
  uint32_t id(const std::string& term) {
    auto [it, inserted] = ids_.emplace(term, static_cast<uint32_t>(ids_.size()));
    if (inserted)
      df_.push_back(0);
    return it->second;
  }

  // Term frequencies of `text` scaled by `weight`, accumulated into `tf`.
  void add(std::map<uint32_t, float>& tf, const std::string& text, float weight) {
    for (const auto& t : crosswalk_builder::terms(text))
      tf[id(t)] += weight;
  }

  void count_document(const std::map<uint32_t, float>& tf) {
    for (const auto& kv : tf)
      ++df_[kv.first];
    ++docs_;
  }

  sparse finish(const std::map<uint32_t, float>& tf) const {
    sparse v;
    double norm = 0.0;
    for (const auto& [term, f] : tf) {
      double idf = std::log((1.0 + docs_) / (1.0 + df_[term])) + 1.0;
      double w = (1.0 + std::log(f > 1.0f ? f : 1.0f)) * idf * std::min(f, 1.0f);
      v.emplace_back(term, static_cast<float>(w));
      norm += w * w;
    }
    norm = std::sqrt(norm);
    if (norm > 0)
      for (auto& kv : v)
        kv.second = static_cast<float>(kv.second / norm);
    return v;
  }

private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<uint32_t> df_;
  uint32_t docs_ = 0;
};

float cosine(const sparse& a, const sparse& b) {
  float s = 0.0f;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].first == b[j].first)
      s += a[i++].second * b[j++].second;
    else if (a[i].first < b[j].first)
      ++i;
    else
      ++j;
  }
  return s;
}

} // namespace

crosswalk_builder::crosswalk_builder(const industry_codes& codes) : codes_(codes) {}

std::string crosswalk_builder::term_of(const std::string& w) {
  if (w.empty() || stop_words().count(w) ||
      std::isdigit(static_cast<unsigned char>(w[0])))
    return {};
  auto s = stem(w);
  if (s.size() <= 1 || stop_words().count(s))
    return {};
  return s;
}

std::vector<std::string> crosswalk_builder::terms(const std::string& text) {
  std::vector<std::string> out;
  for (auto& w : text_normalizer::words(text))
    if (auto t = term_of(w); !t.empty())
      out.push_back(std::move(t));
  return out;
}

expected<std::vector<crosswalk_override>>
crosswalk_builder::read_overrides(const std::string& path) {
  auto table = csv_table::read(path);
  if (!table)
    return table.err();
  int c_mcc = table->column("mcc"), c_naics = table->column("naics_2022"),
      c_sic = table->column("sic_1987"), c_w = table->column("weight"),
      c_reason = table->column("reason");
  if (c_mcc < 0 || c_naics < 0 || c_sic < 0 || c_w < 0 || c_reason < 0)
    return error{errc::data_malformed,
                 path + " lacks mcc,naics_2022,sic_1987,weight,reason"};
  std::vector<crosswalk_override> out;
  for (const auto& row : table->rows()) {
    crosswalk_override o;
    o.mcc = base::trim_copy(csv_table::cell(row, c_mcc));
    o.naics = base::trim_copy(csv_table::cell(row, c_naics));
    o.sic = base::trim_copy(csv_table::cell(row, c_sic));
    o.reason = base::trim_copy(csv_table::cell(row, c_reason));
    const auto& w = csv_table::cell(row, c_w);
    char* end = nullptr;
    o.weight = std::strtof(w.c_str(), &end);
    if (w.empty() || end != w.c_str() + w.size() || !(o.weight > 0.0f) ||
        o.mcc.size() != 4 || o.naics.size() != 6 || o.sic.size() != 4 || o.reason.empty())
      return error{errc::data_malformed, path + ": bad override row for '" + o.mcc + "'"};
    out.push_back(std::move(o));
  }
  return out;
}

expected<crosswalk>
crosswalk_builder::build(const std::vector<std::string>& mccs,
                         const std::vector<crosswalk_override>& overrides,
                         std::vector<std::string>* skipped, size_t max_links,
                         float keep_ratio) const {
  const auto& links = codes_.sic_to_naics;
  vectorizer vec;
  // Documents: each MCC, each SIC, each NAICS, each concordance note. Document
  // frequencies are counted over all of them.
  std::vector<std::map<uint32_t, float>> mcc_tf(mccs.size());
  for (size_t i = 0; i < mccs.size(); ++i) {
    const auto* e = codes_.find_mcc(mccs[i]);
    if (!e)
      return error{errc::data_malformed, "MCC " + mccs[i] + " has no description"};
    vec.add(mcc_tf[i], e->description, 1.0f);
    for (const auto& t : e->other_texts)
      vec.add(mcc_tf[i], t, 0.5f);
    vec.count_document(mcc_tf[i]);
  }
  std::map<std::string, std::map<uint32_t, float>> sic_tf, naics_tf;
  std::vector<std::map<uint32_t, float>> note_tf(links.size());
  for (size_t r = 0; r < links.size(); ++r) {
    const auto& l = links[r];
    if (!sic_tf.count(l.sic)) {
      auto& tf = sic_tf[l.sic];
      vec.add(tf, codes_.sic_title.at(l.sic), 1.0f);
      if (auto it = codes_.sic_sec_title.find(l.sic); it != codes_.sic_sec_title.end())
        vec.add(tf, it->second, 0.5f);
      vec.count_document(tf);
    }
    if (!naics_tf.count(l.naics)) {
      auto& tf = naics_tf[l.naics];
      vec.add(tf, codes_.naics_title.at(l.naics), 1.0f);
      if (auto it = codes_.naics_description.find(l.naics);
          it != codes_.naics_description.end())
        vec.add(tf, it->second, 0.3f);
      vec.count_document(tf);
    }
    vec.add(note_tf[r], l.sic_note, 1.0f);
    vec.count_document(note_tf[r]);
  }
  std::map<std::string, sparse> sic_v, naics_v;
  for (const auto& [k, tf] : sic_tf)
    sic_v[k] = vec.finish(tf);
  for (const auto& [k, tf] : naics_tf)
    naics_v[k] = vec.finish(tf);
  std::vector<sparse> note_v(links.size());
  for (size_t r = 0; r < links.size(); ++r)
    note_v[r] = vec.finish(note_tf[r]);

  std::set<std::pair<std::string, std::string>> concordance;
  for (const auto& l : links)
    concordance.emplace(l.sic, l.naics);
  std::map<std::string, std::vector<const crosswalk_override*>> by_mcc;
  for (const auto& o : overrides) {
    if (!concordance.count({o.sic, o.naics}))
      return error{errc::data_malformed, "override " + o.mcc + " -> SIC " + o.sic +
                                             " / NAICS " + o.naics +
                                             " is not a SIC->NAICS 2022 concordance row"};
    by_mcc[o.mcc].push_back(&o);
  }

  crosswalk xw;
  for (size_t i = 0; i < mccs.size(); ++i) {
    const auto* mcc = codes_.find_mcc(mccs[i]);
    if (auto it = by_mcc.find(mccs[i]); it != by_mcc.end()) {
      float total = 0.0f;
      for (const auto* o : it->second)
        total += o->weight;
      for (const auto* o : it->second)
        xw.add(crosswalk_entry{
            mccs[i], mcc->description, o->naics, codes_.naics_title.at(o->naics), o->sic,
            codes_.sic_title.at(o->sic), o->weight / total, "override", 0.0f});
      continue;
    }
    const sparse m = vec.finish(mcc_tf[i]);
    bool describes_stores = false;
    for (const auto& t : terms(mcc->description))
      describes_stores = describes_stores || t == "store" || t == "retail";
    struct candidate {
      float score;
      size_t row;
    };
    std::vector<candidate> cands;
    for (size_t r = 0; r < links.size(); ++r) {
      const auto& l = links[r];
      float s_sic = cosine(m, sic_v[l.sic]);
      float score = s_sic + cosine(m, naics_v[l.naics]) + 0.5f * cosine(m, note_v[r]);
      if (l.sic == mccs[i] && s_sic >= 0.1f)
        score += 0.15f;
      // Card merchants sell and serve; they rarely farm, mine or manufacture, and only
      // the 50xx-51xx MCCs are wholesale.
      const auto sector = l.naics.substr(0, 2);
      if (sector == "11" || sector == "21" || sector == "31" || sector == "32" ||
          sector == "33" || (sector == "42" && !(mccs[i] >= "5000" && mccs[i] <= "5199")))
        score -= 0.3f;
      // An MCC for stores is retail trade.
      if (describes_stores && sector != "44" && sector != "45")
        score -= 0.3f;
      if (score > 0.0f)
        cands.push_back(candidate{score, r});
    }
    std::stable_sort(
        cands.begin(), cands.end(),
        [](const candidate& a, const candidate& b) { return a.score > b.score; });
    std::vector<candidate> kept;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& c : cands) {
      if (kept.size() >= max_links || c.score < keep_ratio * cands.front().score)
        break;
      const auto& l = links[c.row];
      if (seen.emplace(l.sic, l.naics).second)
        kept.push_back(c);
    }
    if (kept.empty() && skipped) {
      skipped->push_back(mccs[i]);
      continue;
    }
    if (kept.empty())
      return error{errc::data_malformed,
                   "MCC " + mccs[i] + " matches no concordance row; add an override"};
    float total = 0.0f;
    for (const auto& c : kept)
      total += c.score;
    for (const auto& c : kept) {
      const auto& l = links[c.row];
      xw.add(crosswalk_entry{
          mccs[i], mcc->description, l.naics, codes_.naics_title.at(l.naics), l.sic,
          codes_.sic_title.at(l.sic), c.score / total, "text", c.score});
    }
  }
  return xw;
}

} // namespace kyb::classification

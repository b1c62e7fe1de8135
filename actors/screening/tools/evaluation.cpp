#include "actors/screening/tools/evaluation.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "runtime/base/csv_reader.hpp"

namespace kyb::screening::eval {

namespace {

double ratio(size_t a, size_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

std::string name_key(const std::string& name) {
  auto t = normalizer::tokens(name);
  std::sort(t.begin(), t.end());
  std::string k;
  for (auto& s : t)
    k += s + ' ';
  return k;
}

} // namespace

result<std::vector<std::map<std::string, std::string>>, std::string>
read_table(const std::string& path) {
  auto bytes = read_file_bytes(path);
  if (!bytes)
    return bytes.error().to_string();
  auto text = decode_list_text(bytes.value(), text_encoding::utf8, path);
  if (!text)
    return text.error().to_string();
  base::csv_reader reader(text.value());
  std::vector<std::string> header, row;
  std::vector<std::map<std::string, std::string>> out;
  bool have_header = false;
  for (;;) {
    auto st = reader.next(row);
    if (st == base::csv_reader::status::end)
      break;
    if (st == base::csv_reader::status::malformed)
      return path + ":" + std::to_string(reader.line()) + ": " + reader.error();
    if (!row.empty() && !row[0].empty() && row[0][0] == '#')
      continue;
    if (!have_header) {
      header = row;
      have_header = true;
      continue;
    }
    std::map<std::string, std::string> m;
    for (size_t i = 0; i < header.size() && i < row.size(); ++i)
      m[header[i]] = row[i];
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<list_source> ofac_un_sources(const std::string& data_dir) {
  auto s = data_dir + "/sanctions/";
  list_source sdn;
  sdn.name = "ofac_sdn";
  sdn.format = list_format::ofac_csv;
  sdn.path = s + "ofac_sdn_2024-07-02/sdn.csv";
  sdn.aliases_path = s + "ofac_aux_2025-12-24/alt.csv";
  sdn.addresses_path = s + "ofac_aux_2025-12-24/add.csv";
  sdn.comments_path = s + "ofac_aux_2025-12-24/sdn_comments.csv";
  list_source un;
  un.name = "un";
  un.format = list_format::un_xml;
  un.path = s + "un/UN_consolidated_2026-02-27.xml";
  return {sdn, un};
}

std::vector<list_source> full_sources(const std::string& data_dir) {
  auto out = ofac_un_sources(data_dir);
  auto s = data_dir + "/sanctions/";
  list_source cons;
  cons.name = "ofac_non_sdn";
  cons.format = list_format::ofac_csv;
  cons.path = s + "ofac_nonsdn_consolidated/cons_prim.csv";
  cons.aliases_path = s + "ofac_nonsdn_consolidated/cons_alt.csv";
  cons.addresses_path = s + "ofac_nonsdn_consolidated/cons_add.csv";
  cons.comments_path = s + "ofac_nonsdn_consolidated/cons_comments.csv";
  list_source csl;
  csl.name = "us_csl";
  csl.format = list_format::us_csl_csv;
  csl.path = s + "us_csl/csl_2023-11.csv";
  csl.options.max_bad_rows = 1; // the test copy is cut off inside its last row
  out.push_back(cons);
  out.push_back(csl);
  return out;
}

double confusion::precision() const {
  return ratio(tp, tp + fp);
}
double confusion::recall() const {
  return ratio(tp, tp + fn);
}
double confusion::f1() const {
  double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}
double confusion::false_positive_rate() const {
  return ratio(fp, fp + tn);
}

result<report, std::string> run(const screening_index& index, const options& opts) {
  auto started = std::chrono::steady_clock::now();
  report rep;
  rep.threshold = index.options().threshold;
  const auto& dir = opts.data_dir;

  // Resolve each original name to the UN entities carrying it.
  auto un_list = load_list(ofac_un_sources(dir)[1]);
  if (!un_list)
    return un_list.error().to_string();
  std::map<std::string, std::set<std::string>> un_by_name;
  for (auto& e : un_list->entities) {
    un_by_name[name_key(e.primary_name)].insert(e.id);
    for (auto& a : e.aliases)
      un_by_name[name_key(a.name)].insert(e.id);
  }

  auto pairs =
      read_table(dir + "/matching/yente_un_treated_vs_untreated_pairs_DERIVED.csv");
  if (!pairs)
    return pairs.error();
  for (auto& row : pairs.value()) {
    ++rep.pairs;
    const auto& original = row["name_original"];
    const auto& perturbed = row["name_perturbed"];
    std::set<std::string> targets;
    if (auto it = un_by_name.find(name_key(original)); it != un_by_name.end()) {
      targets = it->second;
      ++rep.pairs_target_by_name;
    } else {
      screening_query q;
      q.name = original;
      auto r = index.screen(q);
      if (r)
        for (auto& h : r->hits)
          if (h.list == "un") {
            targets.insert(h.entity_id);
            break;
          }
      if (targets.empty())
        ++rep.pairs_no_target;
      else
        ++rep.pairs_target_fallback;
    }
    screening_query q;
    q.name = perturbed;
    if (opts.with_dates) {
      if (!row["dob_perturbed"].empty())
        q.date_of_birth = row["dob_perturbed"];
      if (!row["nationality"].empty())
        q.country = row["nationality"];
    }
    auto r = index.screen(q);
    bool hit = false, top1 = false;
    if (r) {
      for (auto& h : r->hits) {
        if (h.list == "un" && targets.count(h.entity_id)) {
          hit = true;
          // The same person is often on several lists: a tie for first place counts.
          top1 = top1 || h.score >= r->hits.front().score;
        }
      }
    }
    rep.pairs_recalled += hit;
    rep.pairs_top1 += top1;
    if (!hit)
      rep.missed.push_back(perturbed + " -> " + original);
    auto c = index.compare(perturbed, original);
    if (c && c->match)
      ++rep.pairs_compare_match;
  }

  auto negatives = read_table(dir + "/matching/yente_negatives_us.csv");
  if (!negatives)
    return negatives.error();
  size_t total = negatives->size();
  size_t step = 1;
  if (opts.negatives_limit > 0 && opts.negatives_limit < total)
    step = total / opts.negatives_limit;
  for (size_t i = 0; i < total; i += step) {
    if (opts.negatives_limit > 0 && rep.negatives >= opts.negatives_limit)
      break;
    auto& row = negatives.value()[i];
    screening_query q;
    q.name = row["full_name"];
    if (opts.with_dates) {
      if (!row["date_of_birth"].empty())
        q.date_of_birth = row["date_of_birth"];
      if (!row["nationality"].empty())
        q.country = row["nationality"];
    }
    ++rep.negatives;
    auto r = index.screen(q);
    if (!r) {
      // A query the API would refuse raises no hit; say so rather than hide it.
      rep.false_hits.push_back(false_hit{q.name, "(invalid)", "", r.error().message, 0});
      continue;
    }
    if (!r->hits.empty()) {
      ++rep.negatives_with_hit;
      auto& h = r->hits.front();
      rep.false_hits.push_back(
          false_hit{q.name, h.list, h.entity_id, h.matched_name, h.score});
    }
  }

  auto congress = read_table(dir + "/matching/yente_positives_us_congress_untreated.csv");
  if (!congress)
    return congress.error();
  for (auto& row : congress.value()) {
    screening_query q;
    q.name = row["full_name"];
    ++rep.congress;
    auto r = index.screen(q);
    if (r && !r->hits.empty())
      ++rep.congress_with_hit;
  }

  {
    // Comment lines first, then "query,expected,min score,description" rows.
    const auto path = dir + "/matching/watchman_cross_script_pairs.csv";
    auto bytes = read_file_bytes(path);
    if (!bytes)
      return bytes.error().to_string();
    auto text = decode_list_text(bytes.value(), text_encoding::utf8, path);
    if (!text)
      return text.error().to_string();
    base::csv_reader reader(text.value());
    std::vector<std::string> row;
    while (reader.next(row) == base::csv_reader::status::record) {
      if (row.size() < 4 || row[0].empty() || row[0][0] == '#')
        continue;
      cross_script_pair p;
      p.query = row[0];
      p.expected = row[1];
      p.watchman_min = std::atof(row[2].c_str());
      p.description = row[3];
      auto c = index.compare(p.query, p.expected);
      if (c) {
        p.score = c->score;
        p.match = c->match;
      }
      rep.cross_script.push_back(p);
    }
  }

  rep.overall.tp = rep.pairs_recalled;
  rep.overall.fn = rep.pairs - rep.pairs_recalled;
  rep.overall.fp = rep.negatives_with_hit;
  rep.overall.tn = rep.negatives - rep.negatives_with_hit;
  rep.screening_time = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return rep;
}

std::string describe(const screening_hit& h) {
  std::ostringstream o;
  char buf[512];
  const auto& x = h.explanation;
  std::snprintf(buf, sizeof(buf), "  %.4f %s %s \"%s\" (matched \"%s\"%s)\n", h.score,
                h.list.c_str(), h.entity_id.c_str(), h.primary_name.c_str(),
                h.matched_name.c_str(), h.matched_alias_weak ? ", weak alias" : "");
  o << buf;
  std::snprintf(
      buf, sizeof(buf),
      "      name score %.4f = 2 x matched / owed %.2f (query %.2f + list %.2f); "
      "evidence %.2f (needs %.2f); alias factor %.2f\n",
      x.name_score, x.owed_weight, x.query_weight, x.list_weight, x.evidence,
      x.evidence_required, x.alias_factor);
  o << buf;
  for (auto& m : x.matches) {
    std::string q, l;
    for (auto& t : m.query_tokens)
      q += (q.empty() ? "" : "+") + t;
    for (auto& t : m.list_tokens)
      l += (l.empty() ? "" : "+") + t;
    std::snprintf(buf, sizeof(buf),
                  "      %-9s %s ~ %s  sim %.3f weight %.2f -> %.4f%s\n",
                  to_string(m.kind), q.c_str(), l.c_str(), m.similarity, m.weight,
                  m.contribution, m.legal_form ? " (legal form)" : "");
    o << buf;
  }
  for (auto& u : x.unmatched_query) {
    std::snprintf(buf, sizeof(buf), "      unmatched query %s weight %.2f\n",
                  u.token.c_str(), u.weight);
    o << buf;
  }
  for (auto& u : x.unmatched_list) {
    std::snprintf(buf, sizeof(buf), "      unmatched list %s weight %.2f\n",
                  u.token.c_str(), u.weight);
    o << buf;
  }
  for (auto& rf : x.refinements) {
    std::snprintf(buf, sizeof(buf), "      %s %s x%.2f %s\n", rf.field.c_str(),
                  rf.outcome.c_str(), rf.factor, rf.detail.c_str());
    o << buf;
  }
  return o.str();
}

std::string format(const report& r, size_t max_listed) {
  std::ostringstream o;
  char buf[256];
  o << "threshold " << r.threshold << "\n\n";
  o << "UN typo pairs (yente_un_treated_vs_untreated_pairs_DERIVED.csv): " << r.pairs
    << " pairs; name_perturbed screened against all lists, the hit must be the UN\n"
    << "entity name_original names (" << r.pairs_target_by_name << " by equal name, "
    << r.pairs_target_fallback << " by the top UN hit of name_original, "
    << r.pairs_no_target << " unresolved)\n";
  std::snprintf(buf, sizeof(buf),
                "  recall (right entity among hits)   %.4f  (%zu/%zu)\n"
                "  right entity is the top hit        %.4f\n"
                "  pair score >= threshold (compare)  %.4f\n",
                ratio(r.pairs_recalled, r.pairs), r.pairs_recalled, r.pairs,
                ratio(r.pairs_top1, r.pairs), ratio(r.pairs_compare_match, r.pairs));
  o << buf;
  for (size_t i = 0; i < r.missed.size() && i < max_listed; ++i)
    o << "    missed: " << r.missed[i] << "\n";
  std::snprintf(
      buf, sizeof(buf),
      "\nNegatives (yente_negatives_us.csv): %zu names, %zu raised a hit: %.4f %%\n",
      r.negatives, r.negatives_with_hit,
      100.0 * ratio(r.negatives_with_hit, r.negatives));
  o << buf;
  for (size_t i = 0; i < r.false_hits.size() && i < max_listed; ++i) {
    auto& f = r.false_hits[i];
    std::snprintf(buf, sizeof(buf), "    %-34s -> %s %s \"%s\" %.3f\n", f.query.c_str(),
                  f.list.c_str(), f.entity_id.c_str(), f.matched_name.c_str(), f.score);
    o << buf;
  }
  std::snprintf(buf, sizeof(buf),
                "\nUS Congress members (not sanctioned; reported only): %zu names, %zu "
                "raised a hit\n",
                r.congress, r.congress_with_hit);
  o << buf;
  o << "\nCross-script pairs (watchman_cross_script_pairs.csv, compare()):\n";
  size_t matched = 0, reached = 0;
  for (auto& p : r.cross_script) {
    matched += p.match;
    reached += p.score >= p.watchman_min;
    std::snprintf(buf, sizeof(buf), "  %-24s %-20s score %.3f  watchman min %.2f  %s\n",
                  p.query.c_str(), p.expected.c_str(), p.score, p.watchman_min,
                  p.match ? "MATCH" : "-");
    o << buf;
  }
  std::snprintf(buf, sizeof(buf),
                "  %zu/%zu match at our threshold; %zu/%zu reach watchman's minimum\n",
                matched, r.cross_script.size(), reached, r.cross_script.size());
  o << buf;
  auto& c = r.overall;
  std::snprintf(buf, sizeof(buf),
                "\nOverall (positives = UN pairs, negatives = yente negatives):\n"
                "  TP %zu  FN %zu  FP %zu  TN %zu\n"
                "  precision %.4f  recall %.4f  F1 %.4f  false-positive rate %.4f\n",
                c.tp, c.fn, c.fp, c.tn, c.precision(), c.recall(), c.f1(),
                c.false_positive_rate());
  o << buf;
  return o.str();
}

} // namespace kyb::screening::eval

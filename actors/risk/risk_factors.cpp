#include "actors/risk/risk_factors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "actors/risk/name_words.hpp"

namespace kyb::risk {

namespace {

factor_result start(risk_factor f, const risk_rules& rules) {
  factor_result r;
  r.factor = f;
  auto it = rules.weights.find(f);
  r.weight = it == rules.weights.end() ? 0 : it->second;
  return r;
}

factor_result unknown(factor_result r, std::string fact, std::string detail) {
  r.state = factor_state::unknown;
  r.evidence.push_back({std::move(fact), "", std::move(detail), std::nullopt});
  return r;
}

/// Marks `r` scored with `sub_score` (clamped to 0..100).
factor_result scored(factor_result r, int sub_score) {
  r.state = factor_state::scored;
  r.sub_score = std::clamp(sub_score, 0, 100);
  return r;
}

std::string two_decimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string indexed(const char* base, size_t i) {
  return std::string{base} + '[' + std::to_string(i) + ']';
}

template <class Key>
int score_in(const std::map<Key, int>& m, Key k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

/// "on call_for_action as of 2025-06-13 (FATF ...)" for each listing, "; " between.
std::string listing_detail(const std::vector<const country_listing*>& listings) {
  std::string out;
  for (auto* l : listings) {
    if (!out.empty())
      out += "; ";
    out += std::string{"on "} + to_string(l->list) + " as of " + l->as_of.to_string() +
           " (" + l->source + ")";
  }
  return out;
}

} // namespace

factor_result score_sanctions(const risk_inputs& in, const risk_rules& rules) {
  auto r = start(risk_factor::sanctions, rules);
  if (!in.screening)
    return unknown(std::move(r), "screening", "the business has not been screened");
  const auto& hits = in.screening->hits;
  int sub = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    std::string value = h.subject_kind + " '" + h.subject_name + "' ~ '" +
                        h.matched_name + "' (" + h.list + " " + h.entity_id + ")";
    std::string detail =
        std::string{to_string(h.status)} + ", score " + two_decimals(h.score);
    std::optional<int> points;
    if (h.status == hit_status::confirmed) {
      points = 100;
      detail += ": confirmed match";
    } else if (h.status == hit_status::open) {
      points = static_cast<int>(std::lround(std::clamp(h.score, 0.0, 1.0) * 100));
      detail += ": open, awaiting review";
    } else {
      detail += ": decided a false positive, not counted";
    }
    if (points)
      sub = std::max(sub, *points);
    r.evidence.push_back({indexed("screening.hits", i), value, detail, points});
  }
  if (hits.empty())
    r.evidence.push_back(
        {"screening.hits", "0 hits",
         "screened at " + in.screening->screened_at + ", nothing matched", 0});
  return scored(std::move(r), sub);
}

factor_result score_industry(const risk_inputs& in, const risk_rules& rules,
                             const risk_tables& tables) {
  auto r = start(risk_factor::industry, rules);
  if (!in.classification)
    return unknown(std::move(r), "classification",
                   "the business has not been classified");
  const auto& c = *in.classification;
  std::vector<std::pair<std::string, const mcc_candidate*>> candidates{
      {"classification.mcc", &c.mcc}};
  for (size_t i = 0; i < c.alternates.size(); ++i)
    candidates.emplace_back(indexed("classification.alternates", i), &c.alternates[i]);
  bool used = false;
  int sub = 0;
  for (auto& [fact, m] : candidates) {
    std::string detail =
        "confidence " + two_decimals(m->confidence) + " (model " + c.model_version + ")";
    if (m->confidence < rules.industry.min_confidence) {
      r.evidence.push_back({fact, m->code,
                            detail + ", below " +
                                two_decimals(rules.industry.min_confidence) +
                                ": not used",
                            std::nullopt});
      continue;
    }
    int points = rules.industry.unlisted_score;
    if (const auto* listing = tables.mccs.find(m->code)) {
      points = score_in(rules.industry.tier_scores, listing->tier);
      detail += std::string{"; tier "} + to_string(listing->tier) + ": " +
                listing->description + " (" + listing->source + ")";
    } else {
      detail += "; not in the MCC risk tiers";
    }
    used = true;
    sub = std::max(sub, points);
    r.evidence.push_back({fact, m->code, detail, points});
  }
  if (!used) {
    r.state = factor_state::unknown;
    return r;
  }
  return scored(std::move(r), sub);
}

factor_result score_country(const risk_inputs& in, const risk_rules& rules,
                            const risk_tables& tables) {
  auto r = start(risk_factor::country, rules);
  std::vector<std::pair<std::string, std::string>> subjects; // (fact, code)
  if (in.business) {
    if (in.business->country)
      subjects.emplace_back("business.country", *in.business->country);
    for (size_t i = 0; i < in.business->owners.size(); ++i)
      if (auto& n = in.business->owners[i].nationality)
        subjects.emplace_back(indexed("business.owners", i) + ".nationality", *n);
  }
  bool used = false;
  int sub = 0;
  for (auto& [fact, code] : subjects) {
    if (!is_country_code(code)) {
      r.evidence.push_back(
          {fact, code, "not an ISO 3166-1 alpha-2 code: not used", std::nullopt});
      continue;
    }
    auto listings = tables.countries.listings_of(code);
    int points = rules.country.unlisted_score;
    std::string detail;
    if (listings.empty()) {
      detail =
          "on no list of the country file as of " + tables.countries.as_of().to_string();
    } else {
      points = 0;
      for (auto* l : listings)
        points = std::max(points, score_in(rules.country.list_scores, l->list));
      detail = listing_detail(listings);
    }
    used = true;
    sub = std::max(sub, points);
    r.evidence.push_back({fact, code, detail, points});
  }
  if (!used)
    return unknown(std::move(r), "business.country",
                   "neither the business's country nor an owner's nationality is known");
  return scored(std::move(r), sub);
}

factor_result score_business_age(const risk_inputs& in, const risk_rules& rules) {
  auto r = start(risk_factor::business_age, rules);
  std::optional<std::pair<std::string, civil_date>> chosen; // (fact, date)
  std::optional<civil_date> declared;
  for (size_t i = 0; i < in.registry.size() && !chosen; ++i) {
    const auto& g = in.registry[i];
    if (!g.found || !g.incorporation_date)
      continue;
    if (auto d = civil_date::parse(*g.incorporation_date))
      chosen.emplace(indexed("registry", i) + ".incorporation_date", *d);
    else
      r.evidence.push_back({indexed("registry", i) + ".incorporation_date",
                            *g.incorporation_date, "not a date: not used", std::nullopt});
  }
  if (in.business && in.business->incorporation_date) {
    declared = civil_date::parse(*in.business->incorporation_date);
    if (!declared)
      r.evidence.push_back({"business.incorporation_date",
                            *in.business->incorporation_date, "not a date: not used",
                            std::nullopt});
    else if (chosen && chosen->second != *declared)
      r.evidence.push_back({"business.incorporation_date", declared->to_string(),
                            "differs from the registry's " + chosen->second.to_string() +
                                ", which is used",
                            std::nullopt});
    else if (!chosen)
      chosen.emplace("business.incorporation_date", *declared);
  }
  if (!chosen) {
    r.evidence.push_back({"business.incorporation_date", "",
                          "no incorporation date is known", std::nullopt});
    r.state = factor_state::unknown;
    return r;
  }
  int64_t age = in.assessed_on.days() - chosen->second.days();
  std::string detail;
  if (age < 0) {
    detail = "after the assessment date " + in.assessed_on.to_string() +
             ": counted as 0 days old; ";
    age = 0;
  }
  detail += std::to_string(age) + " days old on " + in.assessed_on.to_string();
  int points = rules.business_age.otherwise_score;
  auto band =
      std::find_if(rules.business_age.bands.begin(), rules.business_age.bands.end(),
                   [age](const age_band& b) { return age < b.under_days; });
  if (band != rules.business_age.bands.end())
    detail += ", under " + std::to_string(band->under_days) + " days";
  else
    detail += ", older than every band";
  if (band != rules.business_age.bands.end())
    points = band->score;
  r.evidence.push_back({chosen->first, chosen->second.to_string(), detail, points});
  return scored(std::move(r), points);
}

factor_result score_ownership(const risk_inputs& in, const risk_rules& rules,
                              const risk_tables& tables) {
  auto r = start(risk_factor::ownership, rules);
  if (!in.business)
    return unknown(std::move(r), "business", "no business record");
  const auto& owners = in.business->owners;
  const auto& o = rules.ownership;
  int sum = 0;
  double declared = 0;
  for (auto& w : owners)
    declared += w.ownership_percent.value_or(0);
  bool under = declared < o.min_declared_percent;
  sum += under ? o.undeclared_points : 0;
  r.evidence.push_back({"business.owners", two_decimals(declared) + "%",
                        std::to_string(owners.size()) + " owners declare " +
                            two_decimals(declared) + "%, " +
                            (under ? "under " : "at least ") +
                            std::to_string(o.min_declared_percent) + "%",
                        under ? o.undeclared_points : 0});
  for (size_t i = 0; i < owners.size(); ++i) {
    const auto& w = owners[i];
    std::string missing;
    if (!w.date_of_birth)
      missing = "no date of birth";
    if (!w.nationality)
      missing += std::string{missing.empty() ? "" : ", "} + "no nationality";
    if (!missing.empty()) {
      sum += o.missing_identity_points;
      r.evidence.push_back(
          {indexed("business.owners", i), w.name, missing, o.missing_identity_points});
    }
  }
  if (owners.size() == 1) {
    auto words = name_words(owners.front().name);
    for (auto& term : o.nominee_terms)
      if (contains_phrase(words, term)) {
        sum += o.nominee_points;
        r.evidence.push_back({"business.owners[0]", owners.front().name,
                              "the only owner, nominee-like ('" + term + "')",
                              o.nominee_points});
        break;
      }
  }
  for (size_t i = 0; i < owners.size(); ++i) {
    const auto& n = owners[i].nationality;
    if (!n || !is_country_code(*n))
      continue;
    auto listings = tables.countries.listings_of(*n);
    if (listings.empty())
      continue;
    sum += o.high_risk_country_points;
    r.evidence.push_back({indexed("business.owners", i) + ".nationality", *n,
                          listing_detail(listings), o.high_risk_country_points});
  }
  return scored(std::move(r), sum);
}

factor_result score_website(const risk_inputs& in, const risk_rules& rules) {
  auto r = start(risk_factor::website, rules);
  if (!in.website)
    return unknown(std::move(r), "website", "no website analysis");
  const auto& w = *in.website;
  const auto& p = rules.website;
  int sum = 0;
  auto add = [&](std::string fact, std::string value, std::string detail,
                 std::optional<int> points) {
    sum += points.value_or(0);
    r.evidence.push_back({std::move(fact), std::move(value), std::move(detail), points});
  };
  add("website.reachable", w.reachable ? "true" : "false",
      w.url + (w.reachable ? " was fetched" : " could not be fetched"),
      w.reachable ? 0 : p.unreachable_points);
  if (!w.tls_valid)
    add("website.tls_valid", "", "not checked", std::nullopt);
  else
    add("website.tls_valid", *w.tls_valid ? "true" : "false",
        *w.tls_valid ? "valid certificate" : "invalid certificate",
        *w.tls_valid ? 0 : p.tls_invalid_points);
  if (!w.contact_details_found)
    add("website.contact_details_found", "", "not checked", std::nullopt);
  else
    add("website.contact_details_found", *w.contact_details_found ? "true" : "false",
        *w.contact_details_found ? "contact details published" : "no contact details",
        *w.contact_details_found ? 0 : p.no_contact_points);
  for (size_t i = 0; i < w.prohibited_content.size(); ++i)
    add(indexed("website.prohibited_content", i), w.prohibited_content[i],
        "prohibited-content signal", p.prohibited_content_points);
  return scored(std::move(r), sum);
}

factor_result score_registry(const risk_inputs& in, const risk_rules& rules) {
  auto r = start(risk_factor::registry, rules);
  if (in.registry.empty())
    return unknown(std::move(r), "registry", "no registry lookup");
  const auto& p = rules.registry;
  auto comparable = [&](const std::string& name) {
    auto words = name_words(name);
    words.erase(std::remove_if(words.begin(), words.end(),
                               [&](const std::string& w) {
                                 return std::find(p.ignored_name_words.begin(),
                                                  p.ignored_name_words.end(),
                                                  w) != p.ignored_name_words.end();
                               }),
                words.end());
    return joined_words(words);
  };
  std::vector<std::string> recorded;
  if (in.business) {
    recorded.push_back(comparable(in.business->legal_name));
    if (in.business->dba_name)
      recorded.push_back(comparable(*in.business->dba_name));
  }
  bool found = false;
  int worst = 0;
  std::string searched;
  for (size_t i = 0; i < in.registry.size(); ++i) {
    const auto& g = in.registry[i];
    auto fact = indexed("registry", i);
    searched += (searched.empty() ? "" : ", ") + g.source;
    if (!g.found) {
      r.evidence.push_back({fact, g.source, "not found", std::nullopt});
      continue;
    }
    found = true;
    int points = 0;
    if (g.status == registry_status::dissolved)
      points = p.dissolved_points;
    else if (g.status == registry_status::inactive)
      points = p.inactive_points;
    r.evidence.push_back(
        {fact + ".status", to_string(g.status), "status at " + g.source, points});
    if (g.registered_name && !recorded.empty()) {
      auto name = comparable(*g.registered_name);
      bool same = std::find(recorded.begin(), recorded.end(), name) != recorded.end();
      r.evidence.push_back({fact + ".registered_name", *g.registered_name,
                            same ? "matches the recorded name"
                                 : "differs from the recorded legal and DBA names",
                            same ? 0 : p.name_mismatch_points});
      points += same ? 0 : p.name_mismatch_points;
    }
    worst = std::max(worst, std::min(points, 100));
  }
  if (!found) {
    r.evidence.push_back({"registry", std::to_string(in.registry.size()) + " lookups",
                          "found in none of: " + searched, p.not_found_points});
    return scored(std::move(r), p.not_found_points);
  }
  return scored(std::move(r), worst);
}

} // namespace kyb::risk

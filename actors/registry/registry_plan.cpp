#include "actors/registry/registry_plan.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "actors/registry/registry_parse.hpp"
#include "actors/screening/engine/legal_form_table.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/text.hpp"

namespace kyb::registry {

namespace {

// Stages of the step machine (lookup_state::stage).
enum stage : int {
  stage_search = 1, // a name search or company_tickers.json
  stage_main = 2,   // the entity's main document
  stage_details = 3 // parents, PSCs, officers...
};

std::string trimmed(const std::string& s) {
  return std::string(base::trim(s));
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

plan_step failure(registry_kind registry, lookup_error_code code, std::string message,
                  std::string url = {}) {
  plan_step s;
  lookup_error e;
  e.registry = registry;
  e.code = code;
  e.message = std::move(message);
  e.url = std::move(url);
  s.error = std::move(e);
  return s;
}

plan_step failure(lookup_error e) {
  plan_step s;
  s.error = std::move(e);
  return s;
}

http_request make_request(const lookup_state& st, std::string url, std::string purpose,
                          bool absent_ok = false) {
  http_request r;
  r.url = std::move(url);
  r.log_url = redact_query(r.url, {"api_token"});
  r.purpose = std::move(purpose);
  r.absent_ok = absent_ok;
  r.headers.push_back({"Accept", "application/json"});
  if (!st.config.user_agent.empty())
    r.headers.push_back({"User-Agent", st.config.user_agent});
  // Companies House: the key is the basic-auth user name, the password empty.
  if (st.registry == registry_kind::companies_house)
    r.headers.push_back(
        {"Authorization", "Basic " + base::base64_encode(st.config.api_key + ":")});
  return r;
}

plan_step ask(lookup_state& st, std::vector<http_request> requests) {
  st.outstanding = requests;
  plan_step s;
  s.requests = std::move(requests);
  return s;
}

// A company number as Companies House writes it: upper case, digits-only numbers
// padded to 8 ("4366849" -> "04366849"). nullopt when not 1-8 letters and digits.
std::optional<std::string> ch_number(const std::string& text) {
  std::string n;
  for (unsigned char c : text) {
    if (std::isspace(c))
      continue;
    if (!std::isalnum(c))
      return std::nullopt;
    n.push_back(static_cast<char>(std::toupper(c)));
  }
  if (n.empty() || n.size() > 8)
    return std::nullopt;
  if (std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c); }))
    n.insert(0, 8 - n.size(), '0');
  return n;
}

// OpenCorporates jurisdiction codes: "US-DE" -> "us_de", "GB" -> "gb".
std::string oc_jurisdiction(const business_identifiers& ids) {
  auto j = trimmed(!ids.jurisdiction.empty() ? ids.jurisdiction : ids.country);
  j = base::to_lower_ascii(j);
  std::replace(j.begin(), j.end(), '-', '_');
  return j;
}

std::string declared_jurisdiction(const business_identifiers& ids) {
  return !ids.jurisdiction.empty() ? ids.jurisdiction : ids.country;
}

// The best-named candidate at or above the configured score; jurisdiction agreement
// and an active status break ties.
std::optional<candidate> best_candidate(const lookup_state& st,
                                        const std::vector<candidate>& found,
                                        std::string& why_not) {
  const candidate* best = nullptr;
  double best_key = -1, best_score = 0;
  auto declared = declared_jurisdiction(st.ids);
  // Long lists (EDGAR's ~10,000 tickers) are narrowed first to names sharing a word's
  // first three letters with the declared name (legal forms aside): the pair score of
  // a name with no such word is far below any threshold, and scoring every row costs
  // ~10,000 comparisons.
  std::vector<std::string> prefixes;
  if (found.size() > 200) {
    auto tokens = screening::normalizer::tokens(st.ids.legal_name);
    auto legal = screening::legal_form_table::builtin().mark(tokens);
    for (size_t i = 0; i < tokens.size(); ++i)
      if (!legal[i])
        prefixes.push_back(tokens[i].substr(0, 3));
  }
  auto may_match = [&](const candidate& c) {
    if (prefixes.empty())
      return true;
    for (const auto& t : screening::normalizer::tokens(c.name))
      if (std::find(prefixes.begin(), prefixes.end(), t.substr(0, 3)) != prefixes.end())
        return true;
    return false;
  };
  for (const auto& c : found) {
    if (!may_match(c))
      continue;
    double s = st.names->entity_score(st.ids.legal_name, c.name);
    double key = s;
    if (!declared.empty() && !c.jurisdiction.empty() &&
        same_jurisdiction(declared, c.jurisdiction))
      key += 0.001;
    auto status = base::to_lower_ascii(c.status);
    if (status == "active")
      key += 0.0005;
    if (key > best_key) {
      best_key = key;
      best = &c;
      best_score = s;
    }
  }
  if (!best) {
    why_not = "the search found no candidate for \"" + st.ids.legal_name + "\"";
    return std::nullopt;
  }
  if (best_score < st.config.min_candidate_score) {
    why_not = "no candidate's name matches \"" + st.ids.legal_name + "\" (best: \"" +
              best->name + "\", score " + std::to_string(best_score).substr(0, 4) +
              ", needed " + std::to_string(st.config.min_candidate_score).substr(0, 4) +
              ")";
    return std::nullopt;
  }
  return *best;
}

// A search answer's best candidate, or the step that ends the lookup: the answer did not
// parse, or no candidate is named well enough (not_found, naming the search).
std::variant<candidate, plan_step>
chosen_candidate(const lookup_state& st, parsed<std::vector<candidate>> found) {
  if (!found)
    return failure(found.error());
  std::string why;
  auto best = best_candidate(st, found.value(), why);
  if (!best)
    return failure(st.registry, lookup_error_code::not_found, why,
                   st.outstanding.at(0).log_url);
  return std::move(*best);
}

plan_step finish(lookup_state& st) {
  plan_step s;
  auto r = std::move(*st.partial);
  st.partial.reset();
  r.documents = st.documents;
  r.match = evaluate_match(st.ids, r, *st.names);
  st.outstanding.clear();
  s.result = std::move(r);
  return s;
}

// Takes the entity's main document: keeps the result, its URL and fetch time.
void take_main(lookup_state& st, registry_result r, const http_request& req,
               const http_response& resp) {
  r.source_url = req.log_url;
  r.fetched_at = resp.fetched_at;
  st.entity_id = r.entity_id;
  st.partial = std::move(r);
}

// --- GLEIF ------------------------------------------------------------------------

plan_step gleif_record(lookup_state& st, const std::string& lei) {
  st.stage = stage_main;
  return ask(st, {make_request(st, build_url(st.config.base_url, "/lei-records/" + lei),
                               "lei-record")});
}

plan_step gleif_first(lookup_state& st) {
  auto lei = upper(trimmed(st.ids.lei));
  if (!lei.empty()) {
    if (!valid_lei(lei))
      return failure(st.registry, lookup_error_code::bad_input,
                     "\"" + lei +
                         "\" is not a valid LEI (20 characters, ISO 17442 "
                         "check digits)");
    return gleif_record(st, lei);
  }
  if (st.ids.legal_name.empty())
    return failure(st.registry, lookup_error_code::bad_input,
                   "an LEI or a legal name is needed");
  st.stage = stage_search;
  return ask(st, {make_request(
                     st,
                     build_url(st.config.base_url, "/fuzzycompletions",
                               {{"field", "entity.legalName"}, {"q", st.ids.legal_name}}),
                     "fuzzycompletions")});
}

plan_step gleif_next(lookup_state& st, const std::vector<http_response>& rs) {
  const auto& reqs = st.outstanding;
  if (st.stage == stage_search) {
    auto chosen = chosen_candidate(st, parse_gleif_fuzzy_completions(rs[0].body));
    if (auto* end = std::get_if<plan_step>(&chosen))
      return std::move(*end);
    const auto* best = &std::get<candidate>(chosen);
    return gleif_record(st, best->id);
  }
  if (st.stage == stage_main) {
    auto r = parse_gleif_lei_record(rs[0].body);
    if (!r)
      return failure(r.error());
    take_main(st, std::move(r.value()), reqs[0], rs[0]);
    st.stage = stage_details;
    auto base = "/lei-records/" + st.entity_id;
    return ask(st,
               {make_request(st, build_url(st.config.base_url, base + "/direct-parent"),
                             "direct-parent", true),
                make_request(st, build_url(st.config.base_url, base + "/ultimate-parent"),
                             "ultimate-parent", true)});
  }
  for (size_t i = 0; i < rs.size(); ++i) {
    if (rs[i].status == 404 || rs[i].status == 410)
      continue; // no parent reported
    auto relation = i == 0 ? "direct" : "ultimate";
    auto p = parse_gleif_parent(rs[i].body, relation);
    if (!p)
      return failure(p.error());
    st.partial->parents.push_back(std::move(p.value()));
  }
  return finish(st);
}

// --- Companies House --------------------------------------------------------------

plan_step ch_profile(lookup_state& st, const std::string& number) {
  st.stage = stage_main;
  return ask(st, {make_request(st, build_url(st.config.base_url, "/company/" + number),
                               "company-profile")});
}

plan_step ch_first(lookup_state& st) {
  if (st.config.api_key.empty())
    return failure(st.registry, lookup_error_code::not_configured,
                   "no API key configured (Companies House needs one)");
  if (!st.ids.registration_number.empty()) {
    auto n = ch_number(st.ids.registration_number);
    if (!n)
      return failure(st.registry, lookup_error_code::bad_input,
                     "\"" + st.ids.registration_number +
                         "\" is not a company number (1 to 8 letters and digits)");
    return ch_profile(st, *n);
  }
  if (st.ids.legal_name.empty())
    return failure(st.registry, lookup_error_code::bad_input,
                   "a company number or a legal name is needed");
  st.stage = stage_search;
  return ask(st,
             {make_request(st,
                           build_url(st.config.base_url, "/search/companies",
                                     {{"q", st.ids.legal_name},
                                      {"items_per_page",
                                       std::to_string(st.config.max_search_results)}}),
                           "search")});
}

plan_step ch_next(lookup_state& st, const std::vector<http_response>& rs) {
  const auto& reqs = st.outstanding;
  if (st.stage == stage_search) {
    auto chosen = chosen_candidate(st, parse_ch_search(rs[0].body));
    if (auto* end = std::get_if<plan_step>(&chosen))
      return std::move(*end);
    const auto* best = &std::get<candidate>(chosen);
    auto n = ch_number(best->id);
    if (!n)
      return failure(st.registry, lookup_error_code::malformed_response,
                     "search: company_number \"" + best->id +
                         "\" is not a company number");
    return ch_profile(st, *n);
  }
  if (st.stage == stage_main) {
    auto r = parse_ch_profile(rs[0].body);
    if (!r)
      return failure(r.error());
    auto n = ch_number(r.value().entity_id);
    if (!n)
      return failure(st.registry, lookup_error_code::malformed_response,
                     "company profile: company_number \"" + r.value().entity_id +
                         "\" is not a company number");
    bool insolvency = r.value().insolvency_history.value_or(false);
    bool charges = !r.value().outstanding_charges.has_value();
    take_main(st, std::move(r.value()), reqs[0], rs[0]);
    st.stage = stage_details;
    auto base = "/company/" + *n;
    const auto& url = st.config.base_url;
    std::vector<http_request> next{
        make_request(st,
                     build_url(url, base + "/persons-with-significant-control",
                               {{"items_per_page", "100"}}),
                     "psc", true),
        make_request(st, build_url(url, base + "/officers", {{"items_per_page", "100"}}),
                     "officers", true),
        make_request(st,
                     build_url(url, base + "/filing-history", {{"items_per_page", "25"}}),
                     "filing-history", true)};
    if (insolvency)
      next.push_back(
          make_request(st, build_url(url, base + "/insolvency"), "insolvency", true));
    if (charges)
      next.push_back(
          make_request(st, build_url(url, base + "/charges"), "charges", true));
    return ask(st, std::move(next));
  }
  auto& r = *st.partial;
  for (size_t i = 0; i < rs.size(); ++i) {
    const auto& purpose = reqs[i].purpose;
    bool absent = rs[i].status == 404 || rs[i].status == 410;
    if (purpose == "psc") {
      if (absent)
        continue;
      auto p = parse_ch_pscs(rs[i].body);
      if (!p)
        return failure(p.error());
      r.significant_control = std::move(p.value());
    } else if (purpose == "officers") {
      if (absent)
        continue;
      auto p = parse_ch_officers(rs[i].body);
      if (!p)
        return failure(p.error());
      r.officers = std::move(p.value());
    } else if (purpose == "filing-history") {
      if (absent)
        continue;
      auto p = parse_ch_filing_history(rs[i].body);
      if (!p)
        return failure(p.error());
      r.last_filing_date = p.value();
    } else if (purpose == "insolvency") {
      if (absent) {
        r.insolvency_history = false;
        continue;
      }
      auto p = parse_ch_insolvency(rs[i].body);
      if (!p)
        return failure(p.error());
      r.insolvency_history = p.value() > 0;
    } else if (purpose == "charges") {
      if (absent) {
        r.outstanding_charges = 0;
        continue;
      }
      auto p = parse_ch_charges(rs[i].body);
      if (!p)
        return failure(p.error());
      r.outstanding_charges = p.value();
    }
  }
  return finish(st);
}

// --- SEC EDGAR --------------------------------------------------------------------

plan_step sec_submissions(lookup_state& st, const std::string& cik10) {
  st.stage = stage_main;
  return ask(st,
             {make_request(
                 st, build_url(st.config.base_url, "/submissions/CIK" + cik10 + ".json"),
                 "submissions")});
}

plan_step sec_first(lookup_state& st) {
  if (trimmed(st.config.user_agent).empty())
    return failure(st.registry, lookup_error_code::not_configured,
                   "no User-Agent configured (the SEC requires one naming a contact)");
  auto cik = trimmed(st.ids.cik);
  if (!cik.empty()) {
    auto c = normalize_cik(cik);
    if (!c)
      return failure(st.registry, lookup_error_code::bad_input,
                     "\"" + cik + "\" is not a CIK (1 to 10 digits)");
    return sec_submissions(st, *c);
  }
  if (trimmed(st.ids.ticker).empty() && st.ids.legal_name.empty())
    return failure(st.registry, lookup_error_code::bad_input,
                   "a CIK, a ticker or a legal name is needed");
  if (st.config.tickers_url.empty())
    return failure(st.registry, lookup_error_code::not_configured,
                   "no company_tickers.json URL configured");
  st.stage = stage_search;
  return ask(st, {make_request(st, st.config.tickers_url, "company-tickers")});
}

plan_step sec_next(lookup_state& st, const std::vector<http_response>& rs) {
  const auto& reqs = st.outstanding;
  if (st.stage == stage_search) {
    auto ticker = trimmed(st.ids.ticker);
    if (!ticker.empty()) {
      auto found = parse_sec_tickers(rs[0].body, ticker);
      if (!found)
        return failure(found.error());
      if (!found.value().empty())
        return sec_submissions(st, found.value().front().id);
      if (st.ids.legal_name.empty())
        return failure(st.registry, lookup_error_code::not_found,
                       "no company has the ticker \"" + ticker + "\"", reqs[0].log_url);
    }
    auto all = parse_sec_tickers(rs[0].body, "");
    if (!all)
      return failure(all.error());
    std::string why;
    auto best = best_candidate(st, all.value(), why);
    if (!best)
      return failure(st.registry, lookup_error_code::not_found, why, reqs[0].log_url);
    return sec_submissions(st, best->id);
  }
  auto r = parse_sec_submissions(rs[0].body);
  if (!r)
    return failure(r.error());
  take_main(st, std::move(r.value()), reqs[0], rs[0]);
  return finish(st);
}

// --- OpenCorporates ---------------------------------------------------------------

plan_step oc_company(lookup_state& st, const std::string& jurisdiction,
                     const std::string& number) {
  st.stage = stage_main;
  return ask(st, {make_request(st,
                               build_url(st.config.base_url,
                                         "/companies/" + percent_encode(jurisdiction) +
                                             "/" + percent_encode(number),
                                         {{"api_token", st.config.api_key}}),
                               "company")});
}

plan_step oc_first(lookup_state& st) {
  if (st.config.api_key.empty())
    return failure(st.registry, lookup_error_code::not_configured,
                   "no API token configured (OpenCorporates needs one)");
  auto jur = oc_jurisdiction(st.ids);
  auto number = trimmed(st.ids.registration_number);
  if (!jur.empty() && !number.empty())
    return oc_company(st, jur, number);
  if (st.ids.legal_name.empty())
    return failure(st.registry, lookup_error_code::bad_input,
                   "a jurisdiction and company number, or a legal name, is needed");
  std::vector<std::pair<std::string, std::string>> q{{"q", st.ids.legal_name}};
  if (!jur.empty())
    q.emplace_back("jurisdiction_code", jur);
  q.emplace_back("per_page", std::to_string(st.config.max_search_results));
  q.emplace_back("api_token", st.config.api_key);
  st.stage = stage_search;
  return ask(st, {make_request(st, build_url(st.config.base_url, "/companies/search", q),
                               "companies-search")});
}

plan_step oc_next(lookup_state& st, const std::vector<http_response>& rs) {
  const auto& reqs = st.outstanding;
  if (st.stage == stage_search) {
    auto chosen = chosen_candidate(st, parse_oc_search(rs[0].body));
    if (auto* end = std::get_if<plan_step>(&chosen))
      return std::move(*end);
    const auto* best = &std::get<candidate>(chosen);
    auto slash = best->id.find('/');
    return oc_company(st, best->id.substr(0, slash), best->id.substr(slash + 1));
  }
  auto r = parse_oc_company(rs[0].body);
  if (!r)
    return failure(r.error());
  take_main(st, std::move(r.value()), reqs[0], rs[0]);
  return finish(st);
}

} // namespace

plan_step plan_first(lookup_state& state, registry_kind registry,
                     const business_identifiers& ids, const adapter_config& config,
                     const name_matcher& names) {
  state = lookup_state{};
  state.registry = registry;
  state.ids = ids;
  state.ids.legal_name = trimmed(ids.legal_name);
  state.config = config;
  state.names = &names;
  if (trimmed(config.base_url).empty())
    return failure(registry, lookup_error_code::not_configured, "no base URL configured");
  switch (registry) {
  case registry_kind::gleif:
    return gleif_first(state);
  case registry_kind::companies_house:
    return ch_first(state);
  case registry_kind::sec_edgar:
    return sec_first(state);
  case registry_kind::opencorporates:
    return oc_first(state);
  }
  return failure(registry, lookup_error_code::bad_input, "unknown registry");
}

plan_step plan_next(lookup_state& st, const std::vector<http_response>& responses) {
  if (st.stage == 0 || !st.names || st.outstanding.empty())
    return failure(st.registry, lookup_error_code::bad_input,
                   "plan_next without requests outstanding (the lookup has ended)");
  if (responses.size() != st.outstanding.size())
    return failure(st.registry, lookup_error_code::bad_input,
                   std::to_string(responses.size()) + " responses to " +
                       std::to_string(st.outstanding.size()) + " requests");
  for (size_t i = 0; i < responses.size(); ++i) {
    const auto& req = st.outstanding[i];
    const auto& resp = responses[i];
    st.documents.push_back(
        describe(req.log_url, resp.body, resp.status, resp.fetched_at));
    if (auto e = check_status(st.registry, req, resp)) {
      st.outstanding.clear();
      return failure(std::move(*e));
    }
  }
  plan_step s;
  switch (st.registry) {
  case registry_kind::gleif:
    s = gleif_next(st, responses);
    break;
  case registry_kind::companies_house:
    s = ch_next(st, responses);
    break;
  case registry_kind::sec_edgar:
    s = sec_next(st, responses);
    break;
  case registry_kind::opencorporates:
    s = oc_next(st, responses);
    break;
  }
  if (s.done())
    st.outstanding.clear();
  return s;
}

source_document describe(std::string_view url, std::string_view body, int http_status,
                         std::chrono::system_clock::time_point fetched_at) {
  source_document d;
  d.url = std::string(url);
  d.sha256 = base::sha256_hex(body);
  d.http_status = http_status;
  d.fetched_at = fetched_at;
  return d;
}

std::vector<registry_kind> select_registries(const business_identifiers& ids,
                                             const registry_availability& available) {
  std::vector<registry_kind> out;
  auto country = upper(trimmed(ids.country));
  auto jurisdiction = upper(trimmed(ids.jurisdiction));
  if (country.empty() && jurisdiction.size() >= 2)
    country = jurisdiction.substr(0, 2);
  bool has_name = !trimmed(ids.legal_name).empty();
  bool has_number = !trimmed(ids.registration_number).empty();
  if (available.gleif && !trimmed(ids.lei).empty())
    out.push_back(registry_kind::gleif);
  // Companies House for British companies: by number, or by name in its search.
  if (available.companies_house && (country == "GB" || country == "UK") &&
      (has_number || has_name))
    out.push_back(registry_kind::companies_house);
  if (available.sec_edgar && country == "US" &&
      (!trimmed(ids.cik).empty() || !trimmed(ids.ticker).empty()))
    out.push_back(registry_kind::sec_edgar);
  if (!out.empty())
    return out;
  if (available.opencorporates && (has_name || (has_number && !country.empty())))
    out.push_back(registry_kind::opencorporates);
  if (available.gleif && has_name)
    out.push_back(registry_kind::gleif);
  return out;
}

} // namespace kyb::registry

#include "actors/registry/registry_json.hpp"

#include <ctime>

namespace kyb::registry {

using nlohmann::json;

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void put(json& j, const char* key, const std::string& v) {
  if (!v.empty())
    j[key] = v;
}

void put(json& j, const char* key, const std::optional<std::string>& v) {
  if (v)
    j[key] = *v;
}

json address_json(const registry_address& a) {
  json j = json::object();
  j["lines"] = a.lines;
  put(j, "city", a.city);
  put(j, "region", a.region);
  put(j, "postal_code", a.postal_code);
  put(j, "country", a.country);
  return j;
}

json person_json(const registry_person& p, bool reveal) {
  json j = {{"name", p.name}, {"ceased", p.ceased}};
  put(j, "role", p.role);
  put(j, "kind", p.kind);
  put(j, "appointed_on", p.appointed_on);
  put(j, "ceased_on", p.ceased_on);
  put(j, "nationality", p.nationality);
  if (p.birth_month)
    j["birth_month"] = reveal ? *p.birth_month : p.birth_month->substr(0, 4) + "-**";
  if (!p.natures_of_control.empty())
    j["natures_of_control"] = p.natures_of_control;
  return j;
}

} // namespace

json to_json(const registry_result& r, bool reveal_personal_data) {
  json j;
  j["registry"] = to_string(r.registry);
  j["entity_id"] = r.entity_id;
  json m = {{"confidence", r.match.confidence}};
  if (r.match.name_score)
    m["name_score"] = *r.match.name_score;
  if (r.match.jurisdiction_agrees)
    m["jurisdiction_agrees"] = *r.match.jurisdiction_agrees;
  if (r.match.number_agrees)
    m["registration_number_agrees"] = *r.match.number_agrees;
  j["match"] = std::move(m);
  j["status"] = to_string(r.status);
  j["registry_status"] = r.registry_status;
  j["legal_name"] = r.legal_name;
  if (!r.previous_names.empty())
    j["previous_names"] = r.previous_names;
  put(j, "jurisdiction", r.jurisdiction);
  put(j, "registration_number", r.registration_number);
  put(j, "incorporation_date", r.incorporation_date);
  put(j, "dissolution_date", r.dissolution_date);
  put(j, "legal_form", r.legal_form);
  if (!r.registered_address.empty())
    j["registered_address"] = address_json(r.registered_address);
  if (r.business_address)
    j["business_address"] = address_json(*r.business_address);
  if (r.mailing_address)
    j["mailing_address"] = address_json(*r.mailing_address);
  j["officers"] = json::array();
  for (const auto& p : r.officers)
    j["officers"].push_back(person_json(p, reveal_personal_data));
  j["persons_with_significant_control"] = json::array();
  for (const auto& p : r.significant_control)
    j["persons_with_significant_control"].push_back(person_json(p, reveal_personal_data));
  if (r.owners) {
    json o = {{"matched", json::array()},
              {"missing", r.owners->missing},
              {"extra", r.owners->extra}};
    for (const auto& p : r.owners->matched)
      o["matched"].push_back(
          {{"declared", p.declared}, {"registered", p.registered}, {"score", p.score}});
    j["owners"] = std::move(o);
  }
  j["industry_codes"] = json::array();
  for (const auto& c : r.industry_codes) {
    json cj = {{"scheme", c.scheme}, {"code", c.code}};
    put(cj, "description", c.description);
    j["industry_codes"].push_back(std::move(cj));
  }
  j["parents"] = json::array();
  for (const auto& p : r.parents) {
    json pj = {{"relation", p.relation}, {"id", p.id}, {"name", p.name}};
    put(pj, "jurisdiction", p.jurisdiction);
    j["parents"].push_back(std::move(pj));
  }
  if (r.insolvency_history)
    j["insolvency_history"] = *r.insolvency_history;
  if (r.outstanding_charges)
    j["outstanding_charges"] = *r.outstanding_charges;
  put(j, "last_filing_date", r.last_filing_date);
  j["source_url"] = r.source_url;
  j["fetched_at"] = rfc3339(r.fetched_at);
  j["documents"] = json::array();
  for (const auto& d : r.documents)
    j["documents"].push_back({{"url", d.url},
                              {"sha256", d.sha256},
                              {"http_status", d.http_status},
                              {"fetched_at", rfc3339(d.fetched_at)}});
  return j;
}

json to_json(const lookup_error& e) {
  json j = {{"registry", to_string(e.registry)},
            {"code", to_string(e.code)},
            {"message", e.message}};
  if (e.http_status != 0)
    j["http_status"] = e.http_status;
  if (e.retry_after)
    j["retry_after_seconds"] = e.retry_after->count();
  if (!e.url.empty())
    j["url"] = e.url;
  return j;
}

risk::registry_input to_risk_input(const registry_result& r, double min_confidence) {
  risk::registry_input in;
  in.source = to_string(r.registry);
  if (r.match.confidence < min_confidence)
    return in; // another company: found = false
  in.found = true;
  switch (r.status) {
  case company_status::active:
    in.status = risk::registry_status::active;
    break;
  case company_status::inactive:
    in.status = risk::registry_status::inactive;
    break;
  case company_status::dissolved:
    in.status = risk::registry_status::dissolved;
    break;
  case company_status::unknown:
    in.status = risk::registry_status::unknown;
    break;
  }
  if (!r.legal_name.empty())
    in.registered_name = r.legal_name;
  in.incorporation_date = r.incorporation_date;
  return in;
}

std::optional<risk::registry_input> to_risk_input(const lookup_error& e) {
  if (e.code != lookup_error_code::not_found && e.code != lookup_error_code::gone)
    return std::nullopt;
  risk::registry_input in;
  in.source = to_string(e.registry);
  in.found = false;
  return in;
}

} // namespace kyb::registry

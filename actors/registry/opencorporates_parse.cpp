// OpenCorporates API v0.4: companies/search and companies/{jurisdiction}/{number}, in
// the shape its API reference documents (no recorded response was available).
#include <algorithm>
#include <cctype>

#include "actors/registry/json_reader.hpp"
#include "actors/registry/registry_match.hpp"
#include "actors/registry/registry_parse.hpp"

namespace kyb::registry {

using detail::json;
using detail::json_reader;

namespace {

bool contains(const std::string& text, const char* word) {
  return text.find(word) != std::string::npos;
}

// current_status is each register's own word ("Active", "Dissolved", "In
// Liquidation", "Struck Off", "Good Standing"...).
company_status oc_status(std::string word, std::optional<bool> inactive,
                         bool has_dissolution_date) {
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (contains(word, "dissolved") || contains(word, "struck off") ||
      contains(word, "closed") || contains(word, "removed") || contains(word, "cancel"))
    return company_status::dissolved;
  if (contains(word, "liquidation") || contains(word, "administration") ||
      contains(word, "receivership") || contains(word, "inactive") ||
      contains(word, "dormant") || contains(word, "suspended"))
    return company_status::inactive;
  if (contains(word, "active") || contains(word, "live") ||
      contains(word, "good standing") || contains(word, "registered") ||
      contains(word, "in existence"))
    return company_status::active;
  if (has_dissolution_date)
    return company_status::dissolved;
  if (inactive)
    return *inactive ? company_status::inactive : company_status::active;
  return company_status::unknown;
}

const json* unwrap(json_reader& rd, const json& item, const std::string& path,
                   const char* key) {
  if (!item.is_object()) {
    rd.fail(path, "is " + detail::a_type(item) + ", expected an object");
    return nullptr;
  }
  return rd.object(item, path, key, true);
}

} // namespace

parsed<std::vector<candidate>> parse_oc_search(std::string_view body) {
  json_reader rd(registry_kind::opencorporates, "companies search");
  if (!rd.parse(body))
    return rd.error();
  std::vector<candidate> out;
  auto results = rd.object(rd.root(), "", "results", true);
  auto companies = results ? rd.array(*results, "results", "companies", true) : nullptr;
  if (companies) {
    for (size_t i = 0; i < companies->size() && !rd.failed(); ++i) {
      auto p = "results.companies[" + std::to_string(i) + "]";
      auto c = unwrap(rd, (*companies)[i], p, "company");
      if (!c)
        break;
      auto cp = p + ".company";
      candidate k;
      auto jur = rd.str(*c, cp, "jurisdiction_code", true);
      auto number = rd.str(*c, cp, "company_number", true);
      k.id = jur + "/" + number;
      k.name = rd.str(*c, cp, "name", true);
      k.jurisdiction = normalize_jurisdiction(jur);
      k.status = rd.str(*c, cp, "current_status");
      out.push_back(std::move(k));
    }
  }
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<registry_result> parse_oc_company(std::string_view body) {
  json_reader rd(registry_kind::opencorporates, "company");
  if (!rd.parse(body))
    return rd.error();
  auto results = rd.object(rd.root(), "", "results", true);
  auto c = results ? rd.object(*results, "results", "company", true) : nullptr;
  if (!c)
    return rd.error();
  const std::string cp = "results.company";
  registry_result r;
  r.registry = registry_kind::opencorporates;
  auto jur = rd.str(*c, cp, "jurisdiction_code", true);
  r.registration_number = rd.str(*c, cp, "company_number", true);
  r.entity_id = jur + "/" + r.registration_number;
  r.jurisdiction = normalize_jurisdiction(jur);
  r.legal_name = rd.str(*c, cp, "name", true);
  r.incorporation_date = rd.date(*c, cp, "incorporation_date");
  r.dissolution_date = rd.date(*c, cp, "dissolution_date");
  r.legal_form = rd.str(*c, cp, "company_type");
  r.registry_status = rd.str(*c, cp, "current_status");
  auto inactive = rd.boolean(*c, cp, "inactive");
  r.status = oc_status(r.registry_status, inactive, r.dissolution_date.has_value());
  r.source_url = rd.str(*c, cp, "opencorporates_url");
  if (auto a = rd.object(*c, cp, "registered_address")) {
    auto ap = cp + ".registered_address";
    auto street = rd.str(*a, ap, "street_address");
    if (!street.empty())
      r.registered_address.lines.push_back(street);
    r.registered_address.city = rd.str(*a, ap, "locality");
    r.registered_address.region = rd.str(*a, ap, "region");
    r.registered_address.postal_code = rd.str(*a, ap, "postal_code");
    r.registered_address.country = rd.str(*a, ap, "country");
  } else if (auto full = rd.str(*c, cp, "registered_address_in_full"); !full.empty()) {
    r.registered_address.lines.push_back(full);
  }
  if (auto prev = rd.array(*c, cp, "previous_names")) {
    for (size_t i = 0; i < prev->size() && !rd.failed(); ++i) {
      auto p = cp + ".previous_names[" + std::to_string(i) + "]";
      const auto& item = (*prev)[i];
      if (!item.is_object()) {
        rd.fail(p, "is " + detail::a_type(item) + ", expected an object");
        break;
      }
      auto n = rd.str(item, p, "company_name");
      if (!n.empty())
        r.previous_names.push_back(n);
    }
  }
  if (auto officers = rd.array(*c, cp, "officers")) {
    for (size_t i = 0; i < officers->size() && !rd.failed(); ++i) {
      auto p = cp + ".officers[" + std::to_string(i) + "]";
      auto o = unwrap(rd, (*officers)[i], p, "officer");
      if (!o)
        break;
      p += ".officer";
      registry_person person;
      person.name = rd.str(*o, p, "name", true);
      person.role = rd.str(*o, p, "position");
      person.appointed_on = rd.date(*o, p, "start_date");
      person.ceased_on = rd.date(*o, p, "end_date");
      person.ceased =
          person.ceased_on.has_value() || rd.boolean(*o, p, "inactive").value_or(false);
      person.nationality = rd.opt_str(*o, p, "nationality");
      r.officers.push_back(std::move(person));
    }
  }
  if (auto codes = rd.array(*c, cp, "industry_codes")) {
    for (size_t i = 0; i < codes->size() && !rd.failed(); ++i) {
      auto p = cp + ".industry_codes[" + std::to_string(i) + "]";
      auto ic = unwrap(rd, (*codes)[i], p, "industry_code");
      if (!ic)
        break;
      p += ".industry_code";
      industry_code code;
      code.code = rd.str(*ic, p, "code", true);
      code.description = rd.str(*ic, p, "description");
      auto scheme = rd.str(*ic, p, "code_scheme_id");
      code.scheme = contains(scheme, "naics") ? "NAICS"
                    : contains(scheme, "sic") ? "SIC"
                                              : scheme;
      r.industry_codes.push_back(std::move(code));
    }
  }
  if (rd.failed())
    return rd.error();
  return r;
}

} // namespace kyb::registry

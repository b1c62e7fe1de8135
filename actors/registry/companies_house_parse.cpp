// UK Companies House public data API: search, company profile, PSCs, officers,
// insolvency, charges, filing history.
#include "actors/registry/json_reader.hpp"
#include "actors/registry/registry_parse.hpp"

namespace kyb::registry {

using detail::json;
using detail::json_reader;

namespace {

company_status ch_status(const std::string& s) {
  if (s == "active" || s == "registered" || s == "open")
    return company_status::active;
  if (s == "dissolved" || s == "converted-closed" || s == "removed" || s == "closed")
    return company_status::dissolved;
  if (s == "liquidation" || s == "receivership" || s == "administration" ||
      s == "voluntary-arrangement" || s == "insolvency-proceedings")
    return company_status::inactive;
  return company_status::unknown;
}

registry_address read_address(json_reader& rd, const json& a, const std::string& path) {
  registry_address out;
  auto premises = rd.str(a, path, "premises");
  auto line1 = rd.str(a, path, "address_line_1");
  auto first = premises.empty() ? line1
               : line1.empty()  ? premises
                                : premises + " " + line1;
  if (!first.empty())
    out.lines.push_back(first);
  if (auto l2 = rd.str(a, path, "address_line_2"); !l2.empty())
    out.lines.push_back(l2);
  out.city = rd.str(a, path, "locality");
  out.region = rd.str(a, path, "region");
  out.postal_code = rd.str(a, path, "postal_code");
  out.country = rd.str(a, path, "country");
  return out;
}

std::vector<std::string> string_array(json_reader& rd, const json& obj,
                                      const std::string& path, const char* key) {
  std::vector<std::string> out;
  auto arr = rd.array(obj, path, key);
  if (!arr)
    return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto& v = (*arr)[i];
    if (!v.is_string()) {
      rd.fail(detail::join_path(path, key) + "[" + std::to_string(i) + "]",
              "is " + detail::a_type(v) + ", expected a string");
      break;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::string> birth_month(json_reader& rd, const json& p,
                                       const std::string& path) {
  auto dob = rd.object(p, path, "date_of_birth");
  if (!dob)
    return std::nullopt;
  auto dp = path + ".date_of_birth";
  auto year = rd.integer(*dob, dp, "year", 1800, 2200);
  auto month = rd.integer(*dob, dp, "month", 1, 12);
  if (!year || !month)
    return std::nullopt;
  return std::to_string(*year) + (*month < 10 ? "-0" : "-") + std::to_string(*month);
}

registry_person read_psc(json_reader& rd, const json& p, const std::string& path) {
  registry_person out;
  out.role = rd.str(p, path, "kind");
  if (out.role.rfind("individual", 0) == 0)
    out.kind = "individual";
  else if (out.role.rfind("corporate-entity", 0) == 0 ||
           out.role.rfind("legal-person", 0) == 0)
    out.kind = "corporate";
  // Individuals' name_elements are the name without title; "name" may be a
  // placeholder or carry the title ("Mr Phil Jones").
  if (auto ne = rd.object(p, path, "name_elements")) {
    auto np = path + ".name_elements";
    for (const char* key : {"forename", "other_forenames", "middle_name", "surname"}) {
      auto part = rd.str(*ne, np, key);
      if (!part.empty())
        out.name += (out.name.empty() ? "" : " ") + part;
    }
  }
  if (out.name.empty())
    out.name = rd.str(p, path, "name");
  out.nationality = rd.opt_str(p, path, "nationality");
  out.appointed_on = rd.date(p, path, "notified_on");
  out.ceased_on = rd.date(p, path, "ceased_on");
  out.ceased = out.ceased_on.has_value() || rd.boolean(p, path, "ceased").value_or(false);
  out.birth_month = birth_month(rd, p, path);
  out.natures_of_control = string_array(rd, p, path, "natures_of_control");
  return out;
}

template <class F>
void for_each_item(json_reader& rd, const json& items, const std::string& path, F f) {
  for (size_t i = 0; i < items.size() && !rd.failed(); ++i) {
    auto p = path + "[" + std::to_string(i) + "]";
    const auto& item = items[i];
    if (!item.is_object()) {
      rd.fail(p, "is " + detail::a_type(item) + ", expected an object");
      return;
    }
    f(item, p);
  }
}

} // namespace

parsed<std::vector<candidate>> parse_ch_search(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "search");
  if (!rd.parse(body))
    return rd.error();
  std::vector<candidate> out;
  auto items = rd.array(rd.root(), "", "items");
  if (items) {
    for_each_item(rd, *items, "items", [&](const json& item, const std::string& p) {
      auto kind = rd.str(item, p, "kind");
      if (!kind.empty() && kind != "searchresults#company")
        return; // officers and disqualified officers in a search#all answer
      candidate c;
      c.id = rd.str(item, p, "company_number", true);
      c.name = rd.str(item, p, "title", true);
      c.status = rd.str(item, p, "company_status");
      c.jurisdiction = "GB";
      out.push_back(std::move(c));
    });
  }
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<registry_result> parse_ch_profile(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "company profile");
  if (!rd.parse(body))
    return rd.error();
  const auto& j = rd.root();
  registry_result r;
  r.registry = registry_kind::companies_house;
  r.entity_id = rd.str(j, "", "company_number", true);
  r.registration_number = r.entity_id;
  r.legal_name = rd.str(j, "", "company_name", true);
  r.registry_status = rd.str(j, "", "company_status");
  r.status = ch_status(r.registry_status);
  r.incorporation_date = rd.date(j, "", "date_of_creation");
  r.dissolution_date = rd.date(j, "", "date_of_cessation");
  // Every Companies House jurisdiction (england-wales, scotland, northern-ireland,
  // wales, united-kingdom...) is in the United Kingdom.
  if (!rd.str(j, "", "jurisdiction").empty())
    r.jurisdiction = "GB";
  r.legal_form = rd.str(j, "", "type");
  if (auto a = rd.object(j, "", "registered_office_address"))
    r.registered_address = read_address(rd, *a, "registered_office_address");
  for (auto& code : string_array(rd, j, "", "sic_codes"))
    r.industry_codes.push_back({"SIC", code, ""});
  if (auto prev = rd.array(j, "", "previous_company_names"))
    for_each_item(rd, *prev, "previous_company_names",
                  [&](const json& item, const std::string& p) {
                    auto n = rd.str(item, p, "name");
                    if (!n.empty())
                      r.previous_names.push_back(n);
                  });
  r.insolvency_history = rd.boolean(j, "", "has_insolvency_history");
  // No charges registered: none outstanding (the charges list is then not asked for).
  if (rd.boolean(j, "", "has_charges") == false)
    r.outstanding_charges = 0;
  if (rd.failed())
    return rd.error();
  return r;
}

parsed<std::vector<registry_person>> parse_ch_pscs(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "persons with significant control");
  if (!rd.parse(body))
    return rd.error();
  std::vector<registry_person> out;
  const auto& j = rd.root();
  if (j.contains("items")) {
    if (auto items = rd.array(j, "", "items"))
      for_each_item(rd, *items, "items", [&](const json& item, const std::string& p) {
        out.push_back(read_psc(rd, item, p));
      });
  } else if (j.contains("kind")) {
    out.push_back(read_psc(rd, j, ""));
  } else {
    rd.fail("", "has neither items nor kind");
  }
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<std::vector<registry_person>> parse_ch_officers(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "officers");
  if (!rd.parse(body))
    return rd.error();
  std::vector<registry_person> out;
  if (auto items = rd.array(rd.root(), "", "items", true))
    for_each_item(rd, *items, "items", [&](const json& item, const std::string& p) {
      registry_person o;
      o.name = rd.str(item, p, "name", true);
      o.role = rd.str(item, p, "officer_role");
      o.kind = o.role.find("corporate") != std::string::npos ? "corporate" : "individual";
      o.appointed_on = rd.date(item, p, "appointed_on");
      o.ceased_on = rd.date(item, p, "resigned_on");
      o.ceased = o.ceased_on.has_value();
      o.nationality = rd.opt_str(item, p, "nationality");
      o.birth_month = birth_month(rd, item, p);
      out.push_back(std::move(o));
    });
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<int> parse_ch_insolvency(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "insolvency");
  if (!rd.parse(body))
    return rd.error();
  auto cases = rd.array(rd.root(), "", "cases", true);
  if (!cases)
    return rd.error();
  return static_cast<int>(cases->size());
}

parsed<int> parse_ch_charges(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "charges");
  if (!rd.parse(body))
    return rd.error();
  const auto& j = rd.root();
  constexpr int64_t most = 1'000'000;
  auto total = rd.integer(j, "", "total_count", 0, most);
  auto satisfied = rd.integer(j, "", "satisfied_count", 0, most);
  int outstanding = 0;
  if (auto items = rd.array(j, "", "items"))
    for_each_item(rd, *items, "items", [&](const json& item, const std::string& p) {
      auto s = rd.str(item, p, "status");
      if (s == "outstanding" || s == "part-satisfied")
        ++outstanding;
    });
  if (rd.failed())
    return rd.error();
  // The list is paged: the counts cover every charge when the registry gives them.
  if (total && satisfied) {
    if (*satisfied > *total) {
      rd.fail("satisfied_count", "exceeds total_count");
      return rd.error();
    }
    return static_cast<int>(*total - *satisfied);
  }
  return outstanding;
}

parsed<std::optional<std::string>> parse_ch_filing_history(std::string_view body) {
  json_reader rd(registry_kind::companies_house, "filing history");
  if (!rd.parse(body))
    return rd.error();
  std::optional<std::string> latest;
  if (auto items = rd.array(rd.root(), "", "items", true))
    for_each_item(rd, *items, "items", [&](const json& item, const std::string& p) {
      auto d = rd.date(item, p, "date");
      if (d && (!latest || *d > *latest))
        latest = d;
    });
  if (rd.failed())
    return rd.error();
  return latest;
}

} // namespace kyb::registry

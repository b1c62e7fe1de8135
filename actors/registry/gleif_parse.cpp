// GLEIF API v1 (JSON:API): lei-records, fuzzycompletions, direct / ultimate parents.
#include <cctype>

#include "actors/registry/json_reader.hpp"
#include "actors/registry/registry_parse.hpp"

namespace kyb::registry {

using detail::json;
using detail::json_reader;

namespace {

registry_address read_address(json_reader& rd, const json& a, const std::string& path) {
  registry_address out;
  if (auto lines = rd.array(a, path, "addressLines")) {
    for (size_t i = 0; i < lines->size(); ++i) {
      const auto& l = (*lines)[i];
      if (!l.is_string()) {
        rd.fail(path + ".addressLines[" + std::to_string(i) + "]",
                "is " + detail::a_type(l) + ", expected a string");
        break;
      }
      if (!l.get_ref<const std::string&>().empty())
        out.lines.push_back(l.get<std::string>());
    }
  }
  out.city = rd.str(a, path, "city");
  out.region = rd.str(a, path, "region");
  out.postal_code = rd.str(a, path, "postalCode");
  out.country = rd.str(a, path, "country");
  return out;
}

// The parts of a lei-record document every GLEIF answer shares (a record, a parent).
const json* record_attributes(json_reader& rd) {
  auto data = rd.object(rd.root(), "", "data", true);
  if (!data)
    return nullptr;
  return rd.object(*data, "data", "attributes", true);
}

} // namespace

parsed<registry_result> parse_gleif_lei_record(std::string_view body) {
  json_reader rd(registry_kind::gleif, "lei-record");
  if (!rd.parse(body))
    return rd.error();
  registry_result r;
  r.registry = registry_kind::gleif;
  const std::string ap = "data.attributes";
  auto attrs = record_attributes(rd);
  if (!attrs)
    return rd.error();
  r.entity_id = rd.str(*attrs, ap, "lei", true);
  const std::string ep = ap + ".entity";
  auto entity = rd.object(*attrs, ap, "entity", true);
  if (!entity)
    return rd.error();
  if (auto ln = rd.object(*entity, ep, "legalName", true))
    r.legal_name = rd.str(*ln, ep + ".legalName", "name", true);
  if (auto others = rd.array(*entity, ep, "otherNames")) {
    for (size_t i = 0; i < others->size() && !rd.failed(); ++i) {
      auto p = ep + ".otherNames[" + std::to_string(i) + "]";
      const auto& o = (*others)[i];
      if (!o.is_object()) {
        rd.fail(p, "is " + detail::a_type(o) + ", expected an object");
        break;
      }
      auto type = rd.str(o, p, "type");
      auto name = rd.str(o, p, "name");
      if (type == "PREVIOUS_LEGAL_NAME" && !name.empty())
        r.previous_names.push_back(name);
    }
  }
  if (auto a = rd.object(*entity, ep, "legalAddress"))
    r.registered_address = read_address(rd, *a, ep + ".legalAddress");
  if (auto a = rd.object(*entity, ep, "headquartersAddress"))
    r.business_address = read_address(rd, *a, ep + ".headquartersAddress");
  r.registration_number = rd.str(*entity, ep, "registeredAs");
  r.jurisdiction = rd.str(*entity, ep, "jurisdiction");
  if (auto lf = rd.object(*entity, ep, "legalForm")) {
    auto id = rd.str(*lf, ep + ".legalForm", "id");
    auto other = rd.str(*lf, ep + ".legalForm", "other");
    r.legal_form = !id.empty() ? "ELF " + id : other;
  }
  r.incorporation_date = rd.date(*entity, ep, "creationDate");
  auto entity_status = rd.str(*entity, ep, "status");
  std::string expiration_reason;
  if (auto ex = rd.object(*entity, ep, "expiration")) {
    expiration_reason = rd.str(*ex, ep + ".expiration", "reason");
    r.dissolution_date = rd.date(*ex, ep + ".expiration", "date");
  }
  std::string registration_status;
  if (auto reg = rd.object(*attrs, ap, "registration"))
    registration_status = rd.str(*reg, ap + ".registration", "status");
  if (entity_status == "ACTIVE")
    r.status = company_status::active;
  else if (entity_status == "INACTIVE")
    r.status = expiration_reason == "DISSOLVED" ? company_status::dissolved
                                                : company_status::inactive;
  else
    r.status = company_status::unknown;
  r.registry_status = entity_status;
  if (!registration_status.empty())
    r.registry_status += " (LEI " + registration_status + ")";
  if (auto data = rd.object(rd.root(), "", "data"))
    if (auto links = rd.object(*data, "data", "links"))
      r.source_url = rd.str(*links, "data.links", "self");
  if (rd.failed())
    return rd.error();
  return r;
}

parsed<std::vector<candidate>> parse_gleif_fuzzy_completions(std::string_view body) {
  json_reader rd(registry_kind::gleif, "fuzzycompletions");
  if (!rd.parse(body))
    return rd.error();
  auto data = rd.array(rd.root(), "", "data", true);
  if (!data)
    return rd.error();
  std::vector<candidate> out;
  for (size_t i = 0; i < data->size() && !rd.failed(); ++i) {
    auto p = "data[" + std::to_string(i) + "]";
    const auto& item = (*data)[i];
    auto attrs = rd.object(item, p, "attributes", true);
    if (!attrs)
      break;
    candidate c;
    c.name = rd.str(*attrs, p + ".attributes", "value", true);
    // A completion without a lei-records relationship names no entity: skipped.
    auto rel = rd.object(item, p, "relationships");
    auto rp = p + ".relationships";
    auto lr = rel ? rd.object(*rel, rp, "lei-records") : nullptr;
    auto d = lr ? rd.object(*lr, rp + ".lei-records", "data") : nullptr;
    if (d)
      c.id = rd.str(*d, rp + ".lei-records.data", "id");
    if (!c.id.empty())
      out.push_back(std::move(c));
  }
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<parent_entity> parse_gleif_parent(std::string_view body,
                                         const std::string& relation) {
  json_reader rd(registry_kind::gleif, relation + "-parent");
  if (!rd.parse(body))
    return rd.error();
  auto attrs = record_attributes(rd);
  if (!attrs)
    return rd.error();
  const std::string ap = "data.attributes";
  parent_entity p;
  p.relation = relation;
  p.id = rd.str(*attrs, ap, "lei", true);
  if (auto entity = rd.object(*attrs, ap, "entity", true)) {
    if (auto ln = rd.object(*entity, ap + ".entity", "legalName", true))
      p.name = rd.str(*ln, ap + ".entity.legalName", "name", true);
    p.jurisdiction = rd.str(*entity, ap + ".entity", "jurisdiction");
  }
  if (rd.failed())
    return rd.error();
  return p;
}

bool valid_lei(const std::string& lei) {
  if (lei.size() != 20)
    return false;
  // ISO 7064 MOD 97-10: letters as 10..35, the whole number mod 97 must be 1.
  int mod = 0;
  for (char ch : lei) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isdigit(c)) {
      mod = (mod * 10 + (c - '0')) % 97;
    } else if (std::isupper(c)) {
      int v = c - 'A' + 10;
      mod = (mod * 100 + v) % 97;
    } else {
      return false;
    }
  }
  return mod == 1;
}

} // namespace kyb::registry

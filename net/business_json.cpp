#include "net/business_json.hpp"

#include <set>

namespace kyb::net {

using actors::field_error;
using nlohmann::json;

namespace {

void read_text(const json& body, const char* key, actors::input_field<std::string>& f,
               std::vector<field_error>& errors) {
  auto it = body.find(key);
  if (it == body.end())
    return;
  if (it->is_null())
    f.set_null();
  else if (it->is_string())
    f.set(it->get<std::string>());
  else
    errors.push_back({std::string("/") + key, "must be a string or null"});
}

void read_opt_text(const json& obj, const char* key, const std::string& base,
                   std::optional<std::string>& out, std::vector<field_error>& errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return;
  if (it->is_string())
    out = it->get<std::string>();
  else
    errors.push_back({base + "/" + key, "must be a string or null"});
}

void unknown_keys(const json& obj, const std::set<std::string>& known,
                  const std::string& base, std::vector<field_error>& errors) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!known.count(it.key()))
      errors.push_back({base + "/" + it.key(), "is not a known field"});
}

json opt(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

} // namespace

const std::vector<std::string>& business_text_fields() {
  static const std::vector<std::string> all = {"legal_name",
                                               "dba_name",
                                               "tax_id",
                                               "website_url",
                                               "country",
                                               "registration_number",
                                               "registration_jurisdiction",
                                               "incorporation_date",
                                               "description"};
  return all;
}

const std::vector<std::string>& address_fields() {
  static const std::vector<std::string> all = {"line1", "line2",       "city",
                                               "state", "postal_code", "country"};
  return all;
}

std::vector<field_error> business_input_from_json(const json& body,
                                                  actors::business_input& out) {
  std::vector<field_error> errors;
  if (!body.is_object()) {
    errors.push_back({"", "the body must be a JSON object"});
    return errors;
  }
  static const std::set<std::string> known = [] {
    std::set<std::string> k(business_text_fields().begin(), business_text_fields().end());
    k.insert("address");
    k.insert("owners");
    return k;
  }();
  unknown_keys(body, known, "", errors);
  read_text(body, "legal_name", out.legal_name, errors);
  read_text(body, "dba_name", out.dba_name, errors);
  read_text(body, "tax_id", out.tax_id, errors);
  read_text(body, "website_url", out.website_url, errors);
  read_text(body, "country", out.country, errors);
  read_text(body, "registration_number", out.registration_number, errors);
  read_text(body, "registration_jurisdiction", out.registration_jurisdiction, errors);
  read_text(body, "incorporation_date", out.incorporation_date, errors);
  read_text(body, "description", out.description, errors);

  if (auto it = body.find("address"); it != body.end()) {
    if (it->is_null()) {
      out.address.set_null();
    } else if (!it->is_object()) {
      errors.push_back({"/address", "must be an object or null"});
    } else {
      static const std::set<std::string> addr_keys(address_fields().begin(),
                                                   address_fields().end());
      unknown_keys(*it, addr_keys, "/address", errors);
      actors::postal_address a;
      read_opt_text(*it, "line1", "/address", a.line1, errors);
      read_opt_text(*it, "line2", "/address", a.line2, errors);
      read_opt_text(*it, "city", "/address", a.city, errors);
      read_opt_text(*it, "state", "/address", a.state, errors);
      read_opt_text(*it, "postal_code", "/address", a.postal_code, errors);
      read_opt_text(*it, "country", "/address", a.country, errors);
      out.address.set(std::move(a));
    }
  }

  if (auto it = body.find("owners"); it != body.end()) {
    if (it->is_null()) {
      out.owners.set_null();
    } else if (!it->is_array()) {
      errors.push_back({"/owners", "must be an array or null"});
    } else {
      std::vector<actors::owner> owners;
      static const std::set<std::string> owner_keys = {
          "name", "date_of_birth", "nationality", "ownership_percent"};
      size_t i = 0;
      for (auto& o : *it) {
        auto base = "/owners/" + std::to_string(i++);
        if (!o.is_object()) {
          errors.push_back({base, "must be an object"});
          continue;
        }
        unknown_keys(o, owner_keys, base, errors);
        actors::owner ow;
        auto name = o.find("name");
        if (name == o.end() || name->is_null())
          errors.push_back({base + "/name", "is required"});
        else if (!name->is_string())
          errors.push_back({base + "/name", "must be a string"});
        else
          ow.name = name->get<std::string>();
        read_opt_text(o, "date_of_birth", base, ow.date_of_birth, errors);
        read_opt_text(o, "nationality", base, ow.nationality, errors);
        auto pct = o.find("ownership_percent");
        if (pct != o.end() && !pct->is_null()) {
          if (pct->is_number())
            ow.ownership_percent = pct->get<double>();
          else
            errors.push_back({base + "/ownership_percent", "must be a number or null"});
        }
        owners.push_back(std::move(ow));
      }
      out.owners.set(std::move(owners));
    }
  }
  return errors;
}

json business_to_json(const actors::business_record& rec) {
  json owners = json::array();
  for (auto& o : rec.owners) {
    owners.push_back(
        {{"name", o.name},
         {"date_of_birth", opt(o.date_of_birth)},
         {"nationality", opt(o.nationality)},
         {"ownership_percent",
          o.ownership_percent ? json(*o.ownership_percent) : json(nullptr)}});
  }
  json address = nullptr;
  if (rec.address) {
    auto& a = *rec.address;
    address = {{"line1", opt(a.line1)},
               {"line2", opt(a.line2)},
               {"city", opt(a.city)},
               {"state", opt(a.state)},
               {"postal_code", opt(a.postal_code)},
               {"country", opt(a.country)}};
  }
  return {{"id", rec.id.to_string()},
          {"object", "business"},
          {"legal_name", rec.legal_name},
          {"dba_name", opt(rec.dba_name)},
          {"tax_id", opt(rec.tax_id)},
          {"tax_id_masked", rec.tax_id.has_value() && !rec.tax_id_revealed},
          {"website_url", opt(rec.website_url)},
          {"country", rec.country},
          {"registration_number", opt(rec.registration_number)},
          {"registration_jurisdiction", opt(rec.registration_jurisdiction)},
          {"address", address},
          {"incorporation_date", opt(rec.incorporation_date)},
          {"description", opt(rec.description)},
          {"owners", owners},
          {"owners_masked", !rec.owners_revealed},
          {"region", rec.region},
          {"version", rec.version},
          {"created_at", rec.created_at},
          {"updated_at", rec.updated_at},
          {"deleted_at", opt(rec.deleted_at)}};
}

const std::string& rendered_json(const actors::business_view& view) {
  auto& d = *view.data;
  return d.rendered_with([&d] {
    return business_to_json(d.record).dump(-1, ' ', false,
                                           json::error_handler_t::replace);
  });
}

json business_summary_to_json(const actors::business_summary& s) {
  json risk = nullptr;
  if (s.risk_score)
    risk = {{"score", *s.risk_score},
            {"level", opt(s.risk_level)},
            {"assessed_at", opt(s.risk_assessed_at)}};
  return {{"id", s.id.to_string()},
          {"object", "business"},
          {"legal_name", s.legal_name},
          {"dba_name", opt(s.dba_name)},
          {"website_url", opt(s.website_url)},
          {"country", s.country},
          {"created_at", s.created_at},
          {"latest_risk_assessment", risk}};
}

} // namespace kyb::net

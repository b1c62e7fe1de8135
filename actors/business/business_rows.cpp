#include "actors/business/business_rows.hpp"

#include <nlohmann/json.hpp>

#include "actors/db.hpp"

namespace kyb::actors {

namespace {

constexpr const char* address_keys[] = {"line1", "line2",       "city",
                                        "state", "postal_code", "country"};

std::optional<std::string>* address_field(postal_address& a, size_t i) {
  std::optional<std::string>* fields[] = {&a.line1, &a.line2,       &a.city,
                                          &a.state, &a.postal_code, &a.country};
  return fields[i];
}

} // namespace

std::optional<postal_address> decode_address(const std::optional<std::string>& text) {
  if (!text)
    return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  postal_address a;
  for (size_t i = 0; i < 6; ++i) {
    auto it = j.find(address_keys[i]);
    if (it != j.end() && it->is_string())
      *address_field(a, i) = it->get<std::string>();
  }
  return a;
}

std::string encode_address(const postal_address& a) {
  nlohmann::json j = nlohmann::json::object();
  postal_address copy = a;
  for (size_t i = 0; i < 6; ++i)
    if (auto* f = address_field(copy, i); *f)
      j[address_keys[i]] = **f;
  return j.dump();
}

business_record decode_business_row(const row_columns& c,
                                    const std::vector<persistence::pg_value>& row,
                                    std::optional<std::string>& sealed_tax_id) {
  business_record r;
  r.id = uuid_col(row, c["id"]);
  r.tenant_id = uuid_col(row, c["tenant_id"]);
  r.region = col(row, c["region"]);
  r.legal_name = col(row, c["legal_name"]);
  r.dba_name = opt_col(row, c["dba_name"]);
  sealed_tax_id = bytea_col(row, c["tax_id_encrypted"]);
  r.website_url = opt_col(row, c["website_url"]);
  r.country = col(row, c["country"]);
  r.registration_number = opt_col(row, c["registration_number"]);
  r.registration_jurisdiction = opt_col(row, c["registration_jurisdiction"]);
  r.address = decode_address(opt_col(row, c["address"]));
  r.incorporation_date = opt_col(row, c["incorporation_date"]);
  r.description = opt_col(row, c["description"]);
  r.version = static_cast<int32_t>(std::stol(col(row, c["version"])));
  r.created_at = col(row, c["created_at"]);
  r.updated_at = col(row, c["updated_at"]);
  r.deleted_at = opt_col(row, c["deleted_at"]);
  return r;
}

std::string tax_id_aad(const business_record& rec) {
  return rec.tenant_id.to_hex() + rec.id.to_hex();
}

} // namespace kyb::actors

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

business_record decode_business_row(const std::vector<persistence::pg_value>& row,
                                    std::optional<std::string>& sealed_tax_id) {
  business_record r;
  r.id = uuid_col(row, 0);
  r.tenant_id = uuid_col(row, 1);
  r.region = col(row, 2);
  r.legal_name = col(row, 3);
  r.dba_name = opt_col(row, 4);
  sealed_tax_id = bytea_col(row, 5);
  r.website_url = opt_col(row, 6);
  r.country = col(row, 7);
  r.registration_number = opt_col(row, 8);
  r.registration_jurisdiction = opt_col(row, 9);
  r.address = decode_address(opt_col(row, 10));
  r.incorporation_date = opt_col(row, 11);
  r.description = opt_col(row, 12);
  r.version = static_cast<int32_t>(std::stol(col(row, 13)));
  r.created_at = col(row, 14);
  r.updated_at = col(row, 15);
  r.deleted_at = opt_col(row, 16);
  return r;
}

std::string tax_id_aad(const business_record& rec) {
  return rec.tenant_id.to_hex() + rec.id.to_hex();
}

} // namespace kyb::actors

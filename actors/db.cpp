#include "actors/db.hpp"

#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::actors {

std::optional<double> opt_double(const std::vector<pg_value>& row, size_t i) {
  if (!row.at(i))
    return std::nullopt;
  try {
    return std::stod(*row[i]);
  } catch (...) {
    return std::nullopt;
  }
}

base::uuid uuid_col(const std::vector<pg_value>& row, size_t i) {
  if (!row.at(i))
    return {};
  auto u = base::uuid::parse(*row[i]);
  return u ? *u : base::uuid{};
}

std::optional<std::string> bytea_col(const std::vector<pg_value>& row, size_t i) {
  if (!row.at(i))
    return std::nullopt;
  return persistence::parse_bytea(*row[i]);
}

void add_audit(pg_batch& batch, const base::uuid& tenant, const std::string& region,
               const std::string& actor, const std::string& action,
               const std::string& target_type, const std::string& target_id,
               const std::string& request_id, const std::string& details_json) {
  add(batch, persistence::q::audit_append,
      {val(base::uuid::make_v7()), val(tenant), val(region), val(actor), val(action),
       val(target_type), target_id.empty() ? null_value() : val(target_id),
       request_id.empty() ? null_value() : val(request_id), val(details_json)});
}

std::string tax_id_lookup_hash(const platform& p, const std::string& normalized_tax_id) {
  return base::hmac_sha256_hex(p.tax_id_hmac_key, normalized_tax_id);
}

} // namespace kyb::actors

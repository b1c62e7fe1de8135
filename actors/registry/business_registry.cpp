#include "actors/registry/business_registry.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "actors/row_columns.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::actors {

namespace q = persistence::q;
using nlohmann::json;

std::string registry_cache_key(const registry_job& job) {
  json d = {job.registry,
            job.legal_name,
            job.country,
            job.jurisdiction,
            job.registration_number,
            job.lei,
            job.cik,
            job.ticker,
            job.owners};
  return base::sha256_hex(d.dump()).substr(0, 32);
}

namespace {

std::string confidence_text(double c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", c < 0 ? 0.0 : (c > 1 ? 1.0 : c));
  return buf;
}

/// PostgreSQL's text[] literal of hex digests (no quoting needed).
std::string hex_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return out + "}";
}

std::vector<std::string> parse_hex_array(const std::string& text) {
  std::vector<std::string> out;
  if (text.size() < 2)
    return out;
  std::string item;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == ',') {
      out.push_back(std::move(item));
      item.clear();
    } else {
      item += text[i];
    }
  }
  if (!item.empty())
    out.push_back(std::move(item));
  return out;
}

} // namespace

void add_registry_row(pg_batch& batch, const business_registry_data& r) {
  const auto& rep = r.report;
  add(batch, q::registry_lookup_insert,
      {val(r.id), val(r.business_id), val(r.tenant_id), val(r.region), val(rep.registry),
       val(rep.outcome), val(rep.entity_id),
       pg_value{confidence_text(rep.match_confidence)}, val(rep.status),
       val(rep.registry_status), val(rep.result_json),
       val(hex_array(rep.document_hashes)), val(r.cache_key), val(r.created_by),
       val(r.looked_up_at)});
}

std::vector<stored_registry> decode_registry_rows(const pg_rows& rows) {
  std::vector<stored_registry> out;
  if (rows.rows.empty())
    return out;
  row_columns c(rows);
  for (const auto& row : rows.rows) {
    stored_registry s;
    auto& r = s.data;
    r.id = uuid_col(row, c["id"]);
    r.business_id = uuid_col(row, c["business_id"]);
    r.tenant_id = uuid_col(row, c["tenant_id"]);
    r.region = col(row, c["region"]);
    r.report.registry = col(row, c["registry"]);
    r.report.outcome = col(row, c["outcome"]);
    r.report.entity_id = col(row, c["entity_id"]);
    r.report.match_confidence = std::stod(col(row, c["match_confidence"]));
    r.report.status = col(row, c["status"]);
    r.report.registry_status = col(row, c["registry_status"]);
    r.report.result_json = col(row, c["result"]);
    r.report.document_hashes = parse_hex_array(col(row, c["document_hashes"]));
    r.cache_key = col(row, c["cache_key"]);
    r.created_by = col(row, c["created_by"]);
    r.looked_up_at = col(row, c["looked_up_at"]);
    s.age_seconds = std::stod(col(row, c["age_seconds"]));
    out.push_back(std::move(s));
  }
  return out;
}

std::string registry_json_text(const base::uuid& business_id,
                               const std::vector<business_registry_data>& lookups,
                               bool cached) {
  std::string out = "{\"business_id\":" + json(business_id.to_string()).dump() +
                    ",\"cached\":" + (cached ? "true" : "false") + ",\"lookups\":[";
  for (size_t i = 0; i < lookups.size(); ++i) {
    const auto& l = lookups[i];
    const auto& rep = l.report;
    json head = {{"id", l.id.to_string()},
                 {"registry", rep.registry},
                 {"outcome", rep.outcome},
                 {"entity_id", rep.entity_id.empty() ? json() : json(rep.entity_id)},
                 {"match_confidence", rep.match_confidence},
                 {"status", rep.status},
                 {"registry_status",
                  rep.registry_status.empty() ? json() : json(rep.registry_status)},
                 {"document_hashes", rep.document_hashes},
                 {"looked_up_at", l.looked_up_at},
                 {"created_by", l.created_by}};
    auto text = head.dump();
    text.pop_back(); // the closing brace: "result" follows, as stored
    out += (i ? "," : "") + text + ",\"result\":" +
           (rep.result_json.empty() ? std::string("{}") : rep.result_json) + "}";
  }
  return out + "]}";
}

std::optional<risk::registry_input> registry_risk_input(const business_registry_data& r) {
  auto doc = json::parse(r.report.result_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("risk_input") || !doc["risk_input"].is_object())
    return std::nullopt;
  const auto& j = doc["risk_input"];
  risk::registry_input in;
  in.source = j.value("source", r.report.registry);
  in.found = j.value("found", false);
  auto status = j.value("status", std::string("unknown"));
  in.status = status == "active"      ? risk::registry_status::active
              : status == "inactive"  ? risk::registry_status::inactive
              : status == "dissolved" ? risk::registry_status::dissolved
                                      : risk::registry_status::unknown;
  if (j.contains("registered_name") && j["registered_name"].is_string())
    in.registered_name = j["registered_name"].get<std::string>();
  if (j.contains("incorporation_date") && j["incorporation_date"].is_string())
    in.incorporation_date = j["incorporation_date"].get<std::string>();
  return in;
}

void register_registry_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<registry_job>("kyb::registry_job");
  cfg.add_message_type<registry_report>("kyb::registry_report");
  cfg.add_message_type<std::vector<registry_report>>("kyb::registry_reports");
  cfg.add_message_type<business_registry_data>("kyb::business_registry_data");
  cfg.add_message_type<business_registry>("kyb::business_registry");
  cfg.add_message_type<registry_request>("kyb::registry_request");
  cfg.add_message_type<registry_actor>("kyb::registry_actor");
}

} // namespace kyb::actors

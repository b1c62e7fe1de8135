#include "actors/website/business_website.hpp"

#include <nlohmann/json.hpp>

#include "actors/row_columns.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::actors {

namespace q = persistence::q;
using nlohmann::json;

std::string website_cache_key(const website_job& job) {
  // Unit separators keep ("ab", "c") and ("a", "bc") apart.
  return base::sha256_hex(job.url + '\x1f' + job.legal_name + '\x1f' + job.dba_name +
                          '\x1f' + job.stored_mcc)
      .substr(0, 32);
}

void add_website_row(pg_batch& batch, const business_website_data& w) {
  add(batch, q::website_analysis_insert,
      {val(w.id), val(w.business_id), val(w.tenant_id), val(w.region),
       val(w.requested_url), val(w.final_url), val(w.outcome), val_int(w.http_status),
       val(w.result_json), val(w.cache_key), val(w.created_by), val(w.analysed_at)});
}

std::optional<stored_website> decode_website_row(const pg_rows& rows) {
  if (rows.rows.empty())
    return std::nullopt;
  row_columns c(rows);
  const auto& row = rows.rows.front();
  stored_website out;
  auto& w = out.data;
  w.id = uuid_col(row, c["id"]);
  w.business_id = uuid_col(row, c["business_id"]);
  w.tenant_id = uuid_col(row, c["tenant_id"]);
  w.region = col(row, c["region"]);
  w.requested_url = col(row, c["requested_url"]);
  w.final_url = col(row, c["final_url"]);
  w.outcome = col(row, c["outcome"]);
  w.http_status = int_col(row, c["http_status"]);
  w.result_json = col(row, c["result"]);
  w.cache_key = col(row, c["cache_key"]);
  w.created_by = col(row, c["created_by"]);
  w.analysed_at = col(row, c["analysed_at"]);
  out.age_seconds = std::stod(col(row, c["age_seconds"]));
  return out;
}

std::string website_json_text(const business_website_data& w, bool cached) {
  json head = {{"id", w.id.to_string()},
               {"business_id", w.business_id.to_string()},
               {"requested_url", w.requested_url},
               {"outcome", w.outcome},
               {"analysed_at", w.analysed_at},
               {"created_by", w.created_by},
               {"cached", cached}};
  auto out = head.dump();
  out.pop_back(); // the closing brace: "result" follows, as stored
  out += ",\"result\":";
  out += w.result_json.empty() ? "{}" : w.result_json;
  out += '}';
  return out;
}

std::optional<stored_website_risk> decode_website_risk(const pg_rows& rows) {
  if (rows.rows.empty())
    return std::nullopt;
  row_columns c(rows);
  const auto& row = rows.rows.front();
  stored_website_risk out;
  out.id = col(row, c["id"]);
  out.analysed_at = col(row, c["analysed_at"]);
  auto r = json::parse(col(row, c["risk_input"]), nullptr, false);
  if (!r.is_object())
    return out;
  risk::website_input in;
  in.url = r.value("url", col(row, c["requested_url"]));
  in.reachable = r.value("reachable", false);
  if (r.contains("tls_valid") && r["tls_valid"].is_boolean())
    in.tls_valid = r["tls_valid"].get<bool>();
  if (r.contains("contact_details_found") && r["contact_details_found"].is_boolean())
    in.contact_details_found = r["contact_details_found"].get<bool>();
  if (r.contains("prohibited_content") && r["prohibited_content"].is_array())
    for (auto& s : r["prohibited_content"])
      if (s.is_string())
        in.prohibited_content.push_back(s.get<std::string>());
  out.input = std::move(in);
  return out;
}

std::shared_ptr<const std::string> website_visible_text(const business_website_data& w) {
  auto doc = json::parse(w.result_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("visible_text") ||
      !doc["visible_text"].is_string())
    return nullptr;
  auto text = doc["visible_text"].get<std::string>();
  if (text.empty())
    return nullptr;
  return std::make_shared<const std::string>(std::move(text));
}

void register_website_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<website_job>("kyb::website_job");
  cfg.add_message_type<website_report>("kyb::website_report");
  cfg.add_message_type<business_website_data>("kyb::business_website_data");
  cfg.add_message_type<business_website>("kyb::business_website");
  cfg.add_message_type<website_request>("kyb::website_request");
  cfg.add_message_type<website_actor>("kyb::website_actor");
}

} // namespace kyb::actors

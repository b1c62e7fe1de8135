#include "actors/risk/business_risk.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "actors/business/business_query_actor.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/cache/cache_key.hpp"

namespace kyb::actors {

namespace q = persistence::q;
using nlohmann::json;

namespace {

risk::hit_status status_of(const stored_hit& h) {
  if (h.decision == "confirmed")
    return risk::hit_status::confirmed;
  if (h.decision == "false_positive")
    return risk::hit_status::false_positive;
  return risk::hit_status::open;
}

json optional_text(const std::optional<std::string>& s) {
  return s ? json(*s) : json();
}

std::string two_decimals(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", d);
  return buf;
}

} // namespace

risk::risk_inputs risk_inputs_of(const risk_sources& src, risk::civil_date today) {
  risk::risk_inputs in;
  in.assessed_on = today;
  if (src.record) {
    const auto& rec = *src.record;
    risk::risk_business b;
    b.legal_name = rec.legal_name;
    b.dba_name = rec.dba_name;
    if (!rec.country.empty())
      b.country = rec.country;
    b.incorporation_date = rec.incorporation_date;
    for (const auto& o : rec.owners)
      b.owners.push_back({o.name, o.date_of_birth, o.nationality, o.ownership_percent});
    in.business = std::move(b);
  }
  if (src.screening) {
    risk::screening_input s;
    s.screened_at = src.screening->screened_at;
    for (const auto& h : src.screening->hits) {
      if (!h.raised && h.decision.empty())
        continue; // below the threshold and never decided: not a hit
      s.hits.push_back({h.subject_kind, h.subject_name, h.list, h.entity_id,
                        h.matched_name, h.score, status_of(h)});
    }
    in.screening = std::move(s);
  }
  if (src.classification) {
    const auto& c = *src.classification;
    risk::classification_input ci;
    ci.mcc = {c.mcc.code, c.mcc.confidence};
    for (const auto& a : c.mcc_alternates)
      ci.alternates.push_back({a.code, a.confidence});
    ci.model_version = c.model_version;
    in.classification = std::move(ci);
  }
  if (src.website)
    in.website = src.website->input;
  for (const auto& r : src.registry)
    in.registry.push_back(r.input);
  return in;
}

json risk_inputs_summary(const risk_sources& src) {
  json out = json::object();
  out["business"] = {{"state", "used"}};
  if (src.screening)
    out["screening"] = {{"state", "used"},
                        {"id", src.screening->id.to_string()},
                        {"screened_at", src.screening->screened_at},
                        {"lists_generation", src.screening->generation}};
  else
    out["screening"] = {{"state", "unknown"}, {"reason", src.screening_note}};
  if (src.classification)
    out["classification"] = {{"state", "used"},
                             {"id", src.classification->id.to_string()},
                             {"mcc", src.classification->mcc.code},
                             {"model_version", src.classification->model_version},
                             {"classified_at", src.classification->classified_at}};
  else
    out["classification"] = {{"state", "unknown"}, {"reason", src.classification_note}};
  // Without an analysis or a lookup their factors are reported unknown, never read as
  // zero risk.
  if (src.website)
    out["website"] = {{"state", "used"},
                      {"id", src.website->id},
                      {"url", src.website->input.url},
                      {"analysed_at", src.website->analysed_at}};
  else
    out["website"] = {
        {"state", "unknown"},
        {"reason", src.website_note.empty()
                       ? std::string("no website analysis exists for this business")
                       : src.website_note}};
  if (!src.registry.empty()) {
    json lookups = json::array();
    for (const auto& r : src.registry)
      lookups.push_back({{"id", r.id},
                         {"registry", r.input.source},
                         {"found", r.input.found},
                         {"status", risk::to_string(r.input.status)},
                         {"looked_up_at", r.looked_up_at}});
    out["registry"] = {{"state", "used"}, {"lookups", lookups}};
  } else {
    out["registry"] = {
        {"state", "unknown"},
        {"reason", src.registry_note.empty()
                       ? std::string("no registry lookup exists for this business")
                       : src.registry_note}};
  }
  out["computed"] = src.computed;
  return out;
}

std::string risk_input_key(const risk::risk_inputs& in, int32_t rules_version,
                           const std::string& reference_version) {
  json d = json::object();
  d["rules_version"] = rules_version;
  d["reference"] = reference_version;
  if (in.business) {
    const auto& b = *in.business;
    json owners = json::array();
    for (const auto& o : b.owners)
      owners.push_back({optional_text(o.date_of_birth), optional_text(o.nationality),
                        o.ownership_percent ? json(*o.ownership_percent) : json(),
                        o.name});
    d["business"] = {b.legal_name, optional_text(b.dba_name), optional_text(b.country),
                     optional_text(b.incorporation_date), owners};
  }
  if (in.screening) {
    json hits = json::array();
    for (const auto& h : in.screening->hits)
      hits.push_back({h.subject_kind, h.subject_name, h.list, h.entity_id, h.matched_name,
                      two_decimals(h.score * 100), risk::to_string(h.status)});
    d["screening"] = hits;
  }
  if (in.classification) {
    json mccs = json::array();
    mccs.push_back({in.classification->mcc.code,
                    two_decimals(in.classification->mcc.confidence * 100)});
    for (const auto& a : in.classification->alternates)
      mccs.push_back({a.code, two_decimals(a.confidence * 100)});
    d["classification"] = mccs;
  }
  if (in.website) {
    const auto& w = *in.website;
    d["website"] = {w.url, w.reachable, w.tls_valid ? json(*w.tls_valid) : json(),
                    w.contact_details_found ? json(*w.contact_details_found) : json(),
                    w.prohibited_content};
  }
  if (!in.registry.empty()) {
    json lookups = json::array();
    for (const auto& r : in.registry)
      lookups.push_back({r.source, r.found, risk::to_string(r.status),
                         optional_text(r.registered_name),
                         optional_text(r.incorporation_date)});
    d["registry"] = lookups;
  }
  return runtime::generate_cache_key("risk", d);
}

business_risk_data
assemble_risk(const business_record& rec, const risk::risk_assessment& a,
              const risk_sources& src, const std::string& input_key,
              const std::string& reference_version, const std::string& assessment_type,
              const std::string& created_by, const std::string& assessed_at) {
  business_risk_data r;
  r.id = base::uuid::make_v7();
  r.business_id = rec.id;
  r.tenant_id = rec.tenant_id;
  r.region = rec.region;
  r.score = a.score;
  r.level = risk::to_string(a.level);
  r.review_required = a.review_required;
  r.coverage_percent =
      a.total_weight > 0 ? (a.scored_weight * 10000 / a.total_weight) / 100.0 : 0;
  r.rules_version = a.rules_version;
  r.reference_version = reference_version;
  r.assessment_type = assessment_type;
  r.assessed_at = assessed_at;
  r.input_key = input_key;
  auto full = risk::to_json(a);
  r.factors_json = json{{"weighted_score", full["weighted_score"]},
                        {"coverage", full["coverage"]},
                        {"factors", full["factors"]},
                        {"applied", full["applied"]},
                        {"assessed_on", full["assessed_on"]}}
                       .dump();
  r.inputs_json = risk_inputs_summary(src).dump();
  r.created_by = created_by;
  return r;
}

void add_risk_row(pg_batch& batch, const business_risk_data& r) {
  add(batch, q::risk_assessment_insert,
      {val(r.id), val(r.business_id), val(r.tenant_id), val(r.region), val_int(r.score),
       val(r.level), val(r.factors_json), val_int(r.rules_version), val(r.assessed_at),
       val(r.assessment_type), val_bool(r.review_required),
       pg_value{two_decimals(r.coverage_percent)}, val(r.inputs_json), val(r.input_key),
       val(r.reference_version), val(r.created_by)});
}

void add_level_changed_event(pg_batch& batch, const business_risk_data& before,
                             const business_risk_data& now) {
  json payload = {{"business_id", now.business_id.to_string()},
                  {"assessment_id", now.id.to_string()},
                  {"previous_assessment_id", before.id.to_string()},
                  {"previous_level", before.level},
                  {"level", now.level},
                  {"previous_score", before.score},
                  {"score", now.score},
                  {"assessment_type", now.assessment_type},
                  {"assessed_at", now.assessed_at}};
  add(batch, q::outbox_event_insert,
      {val(base::uuid::make_v7()), val(now.tenant_id), val(now.region),
       val("risk.level_changed"), val("business"), val(now.business_id),
       val(payload.dump()), val(now.assessed_at)});
}

stored_risk decode_risk_row(const pg_rows& rows, size_t i) {
  row_columns c(rows);
  const auto& row = rows.rows.at(i);
  stored_risk out;
  auto& r = out.data;
  r.id = uuid_col(row, c["id"]);
  r.business_id = uuid_col(row, c["business_id"]);
  r.tenant_id = uuid_col(row, c["tenant_id"]);
  r.region = col(row, c["region"]);
  r.score = static_cast<int32_t>(std::stod(col(row, c["score"])));
  r.level = col(row, c["risk_level"]);
  r.review_required = bool_col(row, c["review_required"]);
  r.coverage_percent = std::stod(col(row, c["coverage_percent"]));
  r.rules_version = int_col(row, c["rules_version"]);
  r.reference_version = col(row, c["reference_version"]);
  r.assessment_type = col(row, c["assessment_type"]);
  r.assessed_at = col(row, c["assessed_at"]);
  r.input_key = col(row, c["input_key"]);
  r.factors_json = col(row, c["factors"]);
  r.inputs_json = col(row, c["inputs"]);
  r.created_by = col(row, c["created_by"]);
  out.age_seconds = std::stod(col(row, c["age_seconds"]));
  return out;
}

std::string encode_risk_cursor(const business_risk_data& last) {
  return encode_business_cursor(last.assessed_at, last.id);
}

bool decode_risk_cursor(const std::string& cursor, std::string& assessed_at,
                        base::uuid& id) {
  return decode_business_cursor(cursor, assessed_at, id);
}

std::string risk_json_text(const business_risk_data& r, bool cached) {
  json head = {{"id", r.id.to_string()},
               {"business_id", r.business_id.to_string()},
               {"score", r.score},
               {"level", r.level},
               {"review_required", r.review_required},
               {"assessment_type", r.assessment_type},
               {"rules_version", r.rules_version},
               {"reference_version", r.reference_version},
               {"assessed_at", r.assessed_at},
               {"created_by", r.created_by},
               {"cached", cached}};
  auto out = head.dump();
  out.pop_back(); // the closing brace
  // factors_json and inputs_json are objects this file wrote (assemble_risk) or read
  // back from jsonb: their members follow head's.
  auto members = [](const std::string& object) {
    auto open = object.find('{');
    auto close = object.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close <= open + 1)
      return std::string();
    return object.substr(open + 1, close - open - 1);
  };
  auto factors = members(r.factors_json);
  if (!factors.empty())
    out += "," + factors;
  auto inputs = members(r.inputs_json);
  out += ",\"inputs\":{" + inputs + "}}";
  return out;
}

} // namespace kyb::actors

#include "actors/verification/verification.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/row_columns.hpp"

namespace kyb::actors {

namespace {

using nlohmann::json;

std::string str_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

} // namespace

verification_step_data* verification_data::step(const std::string& name) {
  for (auto& s : steps)
    if (s.step == name)
      return &s;
  return nullptr;
}

std::vector<verification_data> decode_verification_rows(const pg_rows& rows) {
  std::vector<verification_data> out;
  if (rows.rows.empty())
    return out;
  row_columns c(rows);
  for (const auto& row : rows.rows) {
    verification_data v;
    v.id = uuid_col(row, c["id"]);
    v.tenant_id = uuid_col(row, c["tenant_id"]);
    v.region = col(row, c["region"]);
    v.business_id = uuid_col(row, c["business_id"]);
    v.status = col(row, c["status"]);
    for (auto& s : json::parse(col(row, c["checks"]), nullptr, false))
      if (s.is_string())
        v.checks.push_back(s.get<std::string>());
    v.webhook = bool_col(row, c["webhook"]);
    v.policy_version = int_col(row, c["policy_version"]);
    v.verdict = col(row, c["verdict"]);
    v.reasons_json = col(row, c["reasons"]);
    v.created_by = col(row, c["created_by"]);
    v.key_id = uuid_col(row, c["key_id"]);
    v.created_at = col(row, c["created_at"]);
    v.started_at = col(row, c["started_at"]);
    v.completed_at = col(row, c["completed_at"]);
    v.cancelled_at = col(row, c["cancelled_at"]);
    auto steps = json::parse(col(row, c["steps"]), nullptr, false);
    if (steps.is_array())
      for (auto& s : steps) {
        verification_step_data d;
        d.step = str_of(s, "step");
        d.status = str_of(s, "status");
        d.attempts = s.value("attempts", 0);
        d.started_at = str_of(s, "started_at");
        d.finished_at = str_of(s, "finished_at");
        d.duration_ms = s.contains("duration_ms") && s["duration_ms"].is_number_integer()
                            ? s["duration_ms"].get<int64_t>()
                            : -1;
        d.summary_json = s.contains("summary") && s["summary"].is_object()
                             ? s["summary"].dump()
                             : std::string("{}");
        d.error_json = s.contains("error") && s["error"].is_object() ? s["error"].dump()
                                                                     : std::string{};
        v.steps.push_back(std::move(d));
      }
    out.push_back(std::move(v));
  }
  return out;
}

verification_policy_version decode_policy_row(const pg_rows& rows) {
  verification_policy_version out;
  if (rows.rows.empty())
    return out;
  row_columns c(rows);
  const auto& row = rows.rows.front();
  out.version = int_col(row, c["version"]);
  out.document = col(row, c["document"]);
  out.created_by = col(row, c["created_by"]);
  out.created_at = col(row, c["created_at"]);
  return out;
}

// -- summaries ------------------------------------------------------------------------

std::string registry_summary(const business_registry& r) {
  json out = {{"cached", r.cached}, {"lookups", json::array()}};
  if (r.lookups)
    for (const auto& l : *r.lookups) {
      json one = {{"lookup_id", l.id.to_string()},
                  {"registry", l.report.registry},
                  {"outcome", l.report.outcome},
                  {"status", l.report.status},
                  {"match_confidence", l.report.match_confidence},
                  {"entity_id", l.report.entity_id},
                  {"owners_missing", json::array()}};
      auto doc = json::parse(l.report.result_json, nullptr, false);
      if (doc.is_object() && doc.contains("owners") && doc["owners"].is_object() &&
          doc["owners"].contains("missing") && doc["owners"]["missing"].is_array())
        for (auto& m : doc["owners"]["missing"])
          if (m.is_string())
            one["owners_missing"].push_back(m);
      if (l.report.outcome == "failed" && doc.is_object() && doc.contains("error"))
        one["error"] = doc["error"];
      out["lookups"].push_back(std::move(one));
    }
  return out.dump();
}

std::string website_summary(const business_website& w) {
  json out = {{"cached", w.cached}};
  if (w.data) {
    const auto& d = *w.data;
    out["analysis_id"] = d.id.to_string();
    out["url"] = d.requested_url;
    out["final_url"] = d.final_url;
    out["outcome"] = d.outcome;
    out["http_status"] = d.http_status;
    out["prohibited_content"] = json::array();
    auto doc = json::parse(d.result_json, nullptr, false);
    if (doc.is_object() && doc.contains("risk_input") && doc["risk_input"].is_object()) {
      auto& in = doc["risk_input"];
      if (in.contains("prohibited_content") && in["prohibited_content"].is_array())
        for (auto& p : in["prohibited_content"])
          if (p.is_string())
            out["prohibited_content"].push_back(p);
      if (in.contains("tls_valid") && in["tls_valid"].is_boolean())
        out["tls_valid"] = in["tls_valid"];
    }
  }
  return out.dump();
}

std::string classification_summary(const business_classification& c) {
  json out = {{"cached", c.cached}};
  if (c.data) {
    const auto& d = *c.data;
    out["classification_id"] = d.id.to_string();
    out["model_version"] = d.model_version;
    out["mcc"] = {
        {"code", d.mcc.code}, {"title", d.mcc.title}, {"confidence", d.mcc.confidence}};
    out["needs_review"] = d.needs_review;
    out["naics"] = {{"code", d.naics.code}, {"title", d.naics.title}};
    out["sic"] = {{"code", d.sic.code}, {"title", d.sic.title}};
  }
  return out.dump();
}

std::string screening_summary(const business_screening& s) {
  json out = {{"cached", s.cached}, {"hits", json::array()}};
  if (s.data) {
    const auto& d = *s.data;
    out["screening_id"] = d.id.to_string();
    out["outcome"] = d.outcome;
    out["screened_at"] = d.screened_at;
    int open = 0, confirmed = 0, false_positive = 0;
    for (const auto& h : d.hits) {
      if (!h.raised)
        continue;
      auto status = h.status();
      open += status == "open";
      confirmed += status == "confirmed";
      false_positive += status == "false_positive";
      out["hits"].push_back({{"hit_id", h.id.to_string()},
                             {"subject_kind", h.subject_kind},
                             {"subject_name", h.subject_name},
                             {"list", h.list},
                             {"entity_id", h.entity_id},
                             {"matched_name", h.matched_name},
                             {"score", h.score},
                             {"status", status}});
    }
    out["open_hits"] = open;
    out["confirmed_hits"] = confirmed;
    out["false_positive_hits"] = false_positive;
  }
  return out.dump();
}

std::string risk_summary(const business_risk& r) {
  json out = {{"cached", r.cached}};
  if (r.data) {
    const auto& d = *r.data;
    out["assessment_id"] = d.id.to_string();
    out["score"] = d.score;
    out["level"] = d.level;
    out["review_required"] = d.review_required;
    out["coverage_percent"] = d.coverage_percent;
    out["rules_version"] = d.rules_version;
  }
  return out.dump();
}

std::string skipped_summary(const std::string& why) {
  return json{{"reason", why}}.dump();
}

std::string error_summary(const caf::error& err) {
  return json{{"code", to_string(code_of(err))}, {"detail", detail_of(err)}}.dump();
}

// -- facts ----------------------------------------------------------------------------

verification::verification_facts facts_of(const verification_data& v) {
  verification::verification_facts f;
  for (const auto& s : v.steps) {
    // A step not asked for is no finding (not even a skipped one).
    if (std::find(v.checks.begin(), v.checks.end(), s.step) == v.checks.end())
      continue;
    auto summary = json::parse(s.summary_json, nullptr, false);
    if (!summary.is_object())
      summary = json::object();
    std::string reason;
    if (s.status == "failed") {
      auto err = json::parse(s.error_json.empty() ? "{}" : s.error_json, nullptr, false);
      reason = err.is_object() ? str_of(err, "detail") : std::string{};
    } else if (s.status == "skipped") {
      reason = str_of(summary, "reason");
    }
    f.steps.push_back({s.step, s.status, reason});
    if (s.status != "succeeded")
      continue;
    if (s.step == "screening") {
      std::vector<verification::hit_fact> hits;
      for (auto& h : summary.value("hits", json::array()))
        hits.push_back({str_of(h, "subject_name"), str_of(h, "list"),
                        str_of(h, "entity_id"), str_of(h, "matched_name"),
                        str_of(h, "status")});
      f.screening = std::move(hits);
    } else if (s.step == "registry") {
      std::vector<verification::registry_fact> regs;
      for (auto& l : summary.value("lookups", json::array())) {
        verification::registry_fact r;
        r.registry = str_of(l, "registry");
        r.outcome = str_of(l, "outcome");
        r.status = str_of(l, "status");
        r.match_confidence = l.value("match_confidence", 0.0);
        for (auto& m : l.value("owners_missing", json::array()))
          if (m.is_string())
            r.owners_missing.push_back(m.get<std::string>());
        regs.push_back(std::move(r));
      }
      f.registry = std::move(regs);
    } else if (s.step == "website") {
      verification::website_fact w;
      w.url = str_of(summary, "url");
      w.outcome = str_of(summary, "outcome");
      for (auto& p : summary.value("prohibited_content", json::array()))
        if (p.is_string())
          w.prohibited_content.push_back(p.get<std::string>());
      f.website = std::move(w);
    } else if (s.step == "classification") {
      const auto mcc = summary.value("mcc", json::object());
      f.classification = verification::classification_fact{
          str_of(mcc, "code"), mcc.is_object() ? mcc.value("confidence", 0.0) : 0.0,
          summary.value("needs_review", false)};
    } else if (s.step == "risk") {
      f.risk =
          verification::risk_fact{str_of(summary, "level"), summary.value("score", 0),
                                  summary.value("review_required", false)};
    }
  }
  return f;
}

void register_verification_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<verification_input>("kyb::verification_input");
  cfg.add_message_type<verification_step_data>("kyb::verification_step_data");
  cfg.add_message_type<std::vector<verification_step_data>>(
      "kyb::verification_step_datas");
  cfg.add_message_type<verification_data>("kyb::verification_data");
  cfg.add_message_type<std::vector<verification_data>>("kyb::verification_datas");
  cfg.add_message_type<verification_page>("kyb::verification_page");
  cfg.add_message_type<verification_policy_version>("kyb::verification_policy_version");
}

} // namespace kyb::actors

#include "net/screening_json.hpp"

#include "actors/screening/explanation_json.hpp"
#include "runtime/base/redact.hpp"

namespace kyb::net {

namespace {

using actors::round4;
using nlohmann::json;

json nullable(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json progress_to_json(const actors::monitor_progress& m) {
  return {{"status", m.status},
          {"generation", nullable(m.generation)},
          {"changed_lists", m.changed_lists},
          {"started_at", nullable(m.started_at)},
          {"finished_at", nullable(m.finished_at)},
          {"businesses_total", m.businesses_total},
          {"businesses_screened", m.businesses_screened},
          {"businesses_failed", m.businesses_failed},
          {"businesses_skipped", m.businesses_skipped},
          {"new_hits", m.new_hits}};
}

} // namespace

json screening_hit_to_json(const screening::screening_hit& h) {
  return {{"list", h.list},
          {"list_version", h.list_version},
          {"entity_id", h.entity_id},
          {"entity_type", screening::to_string(h.type)},
          {"primary_name", h.primary_name},
          {"matched_name", h.matched_name},
          {"matched_alias", h.matched_alias},
          {"matched_alias_weak", h.matched_alias_weak},
          {"score", round4(h.score)},
          {"programs", h.programs},
          {"explanation", actors::explanation_to_json(h.explanation)}};
}

json screening_result_to_json(const screening::screening_result& r) {
  json hits = json::array();
  for (auto& h : r.hits)
    hits.push_back(screening_hit_to_json(h));
  return {{"object", "screening"},
          {"threshold", round4(r.threshold)},
          {"hits", hits},
          {"candidates_scored", r.candidates_scored},
          {"names_indexed", r.names_indexed}};
}

json comparison_to_json(const screening::comparison& c) {
  return {{"object", "comparison"},
          {"score", round4(c.score)},
          {"match", c.match},
          {"threshold", round4(c.threshold)},
          {"explanation", actors::explanation_to_json(c.explanation)}};
}

json stored_hit_to_json(const actors::stored_hit& h) {
  auto explanation = json::parse(h.explanation_json, nullptr, false);
  json decision = nullptr;
  if (!h.decision.empty())
    decision = {{"decision", h.decision},
                {"reason", h.decision_reason},
                {"decided_by", h.decided_by},
                {"decided_at", h.decided_at}};
  return {{"id", h.id.to_string()},
          {"object", "screening_hit"},
          {"status", h.status()},
          {"raised", h.raised},
          {"new", h.is_new},
          {"entry_changed", h.entry_changed},
          {"subject", {{"kind", h.subject_kind}, {"name", h.subject_name}}},
          {"list", h.list},
          {"list_version", h.list_version},
          {"entity_id", h.entity_id},
          {"entity_type", h.entity_type},
          {"primary_name", h.primary_name},
          {"matched_name", h.matched_name},
          {"matched_alias", h.matched_alias},
          {"score", round4(h.score)},
          {"programs", h.programs},
          {"entity_fingerprint", h.fingerprint},
          {"explanation", explanation.is_discarded()
                              ? json(nullptr)
                              : actors::answer_explanation(std::move(explanation))},
          {"decision", decision}};
}

json business_screening_to_json(const actors::business_screening& s) {
  static const actors::business_screening_data empty;
  auto& d = s.data ? *s.data : empty;
  json lists = json::array();
  for (auto& l : d.lists)
    lists.push_back({{"name", l.name}, {"version", l.version}});
  json subjects = json::array();
  for (auto& sub : d.subjects) {
    json j = {{"kind", sub.kind}, {"name", sub.name}, {"type", sub.type}};
    j["error"] = nullable(sub.error);
    subjects.push_back(std::move(j));
  }
  json hits = json::array();
  for (auto& h : d.hits)
    hits.push_back(stored_hit_to_json(h));
  return {{"id", d.id.to_string()},
          {"object", "business_screening"},
          {"business_id", d.business_id.to_string()},
          {"business_version", d.business_version},
          {"triggered_by", d.triggered_by},
          {"outcome", d.outcome},
          {"threshold", round4(d.threshold)},
          {"generation", d.generation},
          {"lists", lists},
          {"subjects", subjects},
          {"hit_count", d.hit_count},
          {"raised_count", d.raised_count},
          {"new_count", d.new_count},
          {"hits", hits},
          {"screened_at", d.screened_at},
          {"cached", s.cached}};
}

json list_failures_to_json(const std::vector<actors::list_failure>& failures) {
  json out = json::array();
  for (auto& f : failures)
    out.push_back(
        {{"list", f.list},
         {"file", f.file.empty() ? json(nullptr) : json(base::redact_url(f.file))},
         {"line", f.line == 0 ? json(nullptr) : json(f.line)},
         {"message", f.message},
         {"serving_previous", f.serving_previous}});
  return out;
}

json reload_report_to_json(const actors::reload_report& r) {
  json downloads = json::array();
  for (auto& d : r.downloads) {
    json j = {{"list", d.list},
              {"outcome", d.outcome},
              {"http_status", d.http_status},
              {"bytes", d.bytes},
              {"error", nullable(d.error)},
              {"used_earlier_copy", d.used_copy}};
    if (!d.url.empty())
      j["url"] = base::redact_url(d.url);
    downloads.push_back(std::move(j));
  }
  json error = nullptr;
  json failures = list_failures_to_json(r.failures);
  if (r.status == "failed")
    error = {{"file", nullable(r.error_file)},
             {"line", r.error_line == 0 ? json(nullptr) : json(r.error_line)},
             {"message", r.error_message}};
  return {{"object", "list_reload"},
          {"status", r.status},
          {"trigger", r.trigger},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"seconds", round4(r.seconds)},
          {"generation", nullable(r.generation)},
          {"changed_lists", r.changed_lists},
          {"downloads", downloads},
          {"failures", failures},
          {"error", error}};
}

json lists_status_to_json(const actors::lists_status& s) {
  json lists = json::array();
  for (auto& l : s.lists) {
    json j = {{"name", l.name},
              {"object", "sanctions_list"},
              {"format", l.format},
              {"version", l.version},
              {"entity_count", l.entity_count},
              {"name_count", l.name_count},
              {"warning_count", l.warning_count},
              {"loaded_at", l.loaded_at},
              {"load_seconds", round4(l.load_seconds)}};
    if (!l.source_paths.empty())
      j["source_paths"] = l.source_paths;
    if (!l.source_urls.empty()) {
      json urls = json::array();
      for (auto& u : l.source_urls)
        urls.push_back(base::redact_url(u));
      j["source_urls"] = std::move(urls);
    }
    if (!l.warnings.empty())
      j["warnings"] = l.warnings;
    lists.push_back(std::move(j));
  }
  return {{"object", "list"},
          {"data", lists},
          {"generation", nullable(s.generation)},
          {"threshold", round4(s.threshold)},
          {"index",
           {{"entities", s.index_entities},
            {"names", s.index_names},
            {"terms", s.index_terms},
            {"build_seconds", round4(s.index_build_seconds)}}},
          {"reloading", s.reloading},
          {"last_reload",
           s.has_last_reload ? reload_report_to_json(s.last_reload) : json(nullptr)},
          {"next_refresh_at", nullable(s.next_refresh_at)},
          {"failing", list_failures_to_json(s.failing)},
          {"next_retry_at", nullable(s.next_retry_at)},
          {"monitoring", progress_to_json(s.monitoring)}};
}

} // namespace kyb::net

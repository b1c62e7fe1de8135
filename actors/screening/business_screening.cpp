#include "actors/screening/business_screening.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "actors/screening/explanation_json.hpp"
#include "persistence/queries.hpp"
#include "runtime/cache/cache_key.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using nlohmann::json;

pg_value opt_text(const std::string& s) {
  return s.empty() ? null_value() : val(s);
}

std::vector<std::string> string_array(const std::string& text) {
  std::vector<std::string> out;
  auto j = json::parse(text, nullptr, false);
  if (j.is_array())
    for (auto& e : j)
      if (e.is_string())
        out.push_back(e.get<std::string>());
  return out;
}

} // namespace

std::string stored_hit::status() const {
  if (!decision.empty())
    return decision;
  return raised ? "open" : "false_positive";
}

std::vector<screening_subject> screening_subjects(const business_record& rec) {
  std::vector<screening_subject> out;
  out.push_back({"legal_name", rec.legal_name, "entity", {}});
  if (rec.dba_name && !rec.dba_name->empty() && *rec.dba_name != rec.legal_name)
    out.push_back({"dba_name", *rec.dba_name, "entity", {}});
  for (auto& o : rec.owners)
    out.push_back({"owner", o.name, "individual", {}});
  return out;
}

std::vector<screening::screening_query> screening_queries(const business_record& rec) {
  std::vector<screening::screening_query> out;
  auto entity = [&](const std::string& name) {
    screening::screening_query q;
    q.name = name;
    q.type = "entity";
    if (!rec.country.empty())
      q.country = rec.country;
    return q;
  };
  out.push_back(entity(rec.legal_name));
  if (rec.dba_name && !rec.dba_name->empty() && *rec.dba_name != rec.legal_name)
    out.push_back(entity(*rec.dba_name));
  for (auto& o : rec.owners) {
    screening::screening_query q;
    q.name = o.name;
    q.type = "individual";
    q.date_of_birth = o.date_of_birth;
    q.country = o.nationality;
    out.push_back(std::move(q));
  }
  return out;
}

std::string screening_cache_key(const std::string& generation,
                                const business_record& rec) {
  json subjects = json::array();
  for (auto& q : screening_queries(rec))
    subjects.push_back({q.name, q.type.value_or(""), q.country.value_or(""),
                        q.date_of_birth.value_or("")});
  return runtime::generate_cache_key(
      "sanctions_screening", {{"generation", generation}, {"subjects", subjects}});
}

decision_map decode_decisions(const pg_rows& rows) {
  decision_map out;
  row_columns c(rows);
  for (auto& r : rows.rows)
    out[hit_key{col(r, c["subject_name"]), col(r, c["list_name"]),
                col(r, c["entity_id"])}] = prior_decision{
        col(r, c["decision"]), col(r, c["reason"]), col(r, c["decided_by"]),
        col(r, c["decided_at"]), col(r, c["entity_fingerprint"])};
  return out;
}

std::set<hit_key> decode_raised(const pg_rows& rows) {
  std::set<hit_key> out;
  row_columns c(rows);
  for (auto& r : rows.rows)
    out.insert(hit_key{col(r, c["subject_name"]), col(r, c["list_name"]),
                       col(r, c["entity_id"])});
  return out;
}

business_screening_data
assemble_screening(const business_record& rec, std::vector<screening_subject> subjects,
                   const batch_screening& batch, const decision_map& decisions,
                   const std::set<hit_key>& previously_raised,
                   const std::string& triggered_by, const std::string& screened_at) {
  business_screening_data s;
  s.id = base::uuid::make_v7();
  s.business_id = rec.id;
  s.tenant_id = rec.tenant_id;
  s.region = rec.region;
  s.business_version = rec.version;
  s.triggered_by = triggered_by;
  s.threshold = batch.threshold;
  s.generation = batch.generation;
  s.lists = batch.lists;
  s.screened_at = screened_at;
  for (size_t i = 0; i < subjects.size() && i < batch.subjects.size(); ++i) {
    auto& subject = subjects[i];
    auto& found = batch.subjects[i];
    if (!found.error.empty()) {
      subject.error = found.error;
      continue;
    }
    for (size_t j = 0; j < found.hits.size(); ++j) {
      auto& h = found.hits[j];
      stored_hit out;
      out.id = base::uuid::make_v7();
      out.position = static_cast<int32_t>(s.hits.size());
      out.subject_kind = subject.kind;
      out.subject_name = subject.name;
      out.list = h.list;
      out.list_version = h.list_version;
      out.entity_id = h.entity_id;
      out.entity_type = screening::to_string(h.type);
      out.primary_name = h.primary_name;
      out.matched_name = h.matched_name;
      out.matched_alias = h.matched_alias;
      out.score = h.score;
      out.programs = h.programs;
      out.explanation_json = explanation_to_json(h.explanation).dump();
      out.fingerprint = j < found.fingerprints.size() ? found.fingerprints[j] : "";
      hit_key key{subject.name, h.list, h.entity_id};
      if (auto it = decisions.find(key); it != decisions.end()) {
        auto& d = it->second;
        bool same_entry = d.fingerprint == out.fingerprint;
        if (d.decision == "confirmed" || same_entry) {
          out.decision = d.decision;
          out.decision_reason = d.reason;
          out.decided_by = d.decided_by;
          out.decided_at = d.decided_at;
          out.raised = d.decision != "false_positive";
        } else {
          out.entry_changed = true; // a false positive on an older version of the entry
        }
      }
      out.is_new = out.raised && !previously_raised.count(key);
      s.hit_count += 1;
      s.raised_count += out.raised ? 1 : 0;
      s.new_count += out.is_new ? 1 : 0;
      s.hits.push_back(std::move(out));
    }
  }
  s.subjects = std::move(subjects);
  s.outcome = s.raised_count > 0 ? "match" : "clear";
  return s;
}

void add_screening_rows(pg_batch& batch, const business_screening_data& s) {
  json lists = json::array();
  for (auto& l : s.lists)
    lists.push_back({{"name", l.name}, {"version", l.version}});
  json subjects = json::array();
  for (auto& sub : s.subjects) {
    json j = {{"kind", sub.kind}, {"name", sub.name}, {"type", sub.type}};
    if (!sub.error.empty())
      j["error"] = sub.error;
    subjects.push_back(std::move(j));
  }
  add(batch, q::screening_result_insert,
      {val(s.id), val(s.tenant_id), val(s.region), val(s.business_id),
       val_int(s.business_version), val(s.triggered_by), val(s.outcome),
       val_score(s.threshold), val(s.generation), val(lists.dump()), val(subjects.dump()),
       val_int(s.hit_count), val_int(s.raised_count), val_int(s.new_count),
       val(s.screened_at)});
  for (auto& h : s.hits)
    add(batch, q::screening_hit_insert,
        {val(h.id),
         val(s.id),
         val(s.business_id),
         val(s.tenant_id),
         val(s.region),
         val_int(h.position),
         val(h.subject_kind),
         val(h.subject_name),
         val(h.list),
         val(h.list_version),
         val(h.entity_id),
         val(h.entity_type),
         val(h.primary_name),
         val(h.matched_name),
         val_bool(h.matched_alias),
         val_score(h.score),
         val(json(h.programs).dump()),
         val(h.explanation_json),
         val(h.fingerprint),
         val_bool(h.raised),
         val_bool(h.is_new),
         val_bool(h.entry_changed),
         opt_text(h.decision),
         opt_text(h.decision_reason),
         opt_text(h.decided_by),
         opt_text(h.decided_at),
         val(s.screened_at)});
}

stored_hit decode_stored_hit(const row_columns& c, const std::vector<pg_value>& row) {
  stored_hit h;
  h.id = uuid_col(row, c["id"]);
  h.position = int_col(row, c["position"]);
  h.subject_kind = col(row, c["subject_kind"]);
  h.subject_name = col(row, c["subject_name"]);
  h.list = col(row, c["list_name"]);
  h.list_version = col(row, c["list_version"]);
  h.entity_id = col(row, c["entity_id"]);
  h.entity_type = col(row, c["entity_type"]);
  h.primary_name = col(row, c["primary_name"]);
  h.matched_name = col(row, c["matched_name"]);
  h.matched_alias = bool_col(row, c["matched_alias"]);
  h.score = opt_double(row, c["score"]).value_or(0);
  h.programs = string_array(col(row, c["programs"]));
  h.explanation_json = col(row, c["explanation"]);
  h.fingerprint = col(row, c["entity_fingerprint"]);
  h.raised = bool_col(row, c["raised"]);
  h.is_new = bool_col(row, c["is_new"]);
  h.entry_changed = bool_col(row, c["entry_changed"]);
  h.decision = col(row, c["decision"]);
  h.decision_reason = col(row, c["decision_reason"]);
  h.decided_by = col(row, c["decided_by"]);
  h.decided_at = col(row, c["decided_at"]);
  return h;
}

std::optional<business_screening_data> decode_stored_screening(const pg_rows& result,
                                                               const pg_rows& hits) {
  if (result.rows.empty())
    return std::nullopt;
  auto& r = result.rows.front();
  row_columns c(result);
  business_screening_data s;
  s.id = uuid_col(r, c["id"]);
  s.business_id = uuid_col(r, c["business_id"]);
  s.tenant_id = uuid_col(r, c["tenant_id"]);
  s.region = col(r, c["region"]);
  s.business_version = int_col(r, c["business_version"]);
  s.triggered_by = col(r, c["triggered_by"]);
  s.outcome = col(r, c["outcome"]);
  s.threshold = opt_double(r, c["threshold"]).value_or(0);
  s.generation = col(r, c["generation"]);
  auto lists = json::parse(col(r, c["lists"]), nullptr, false);
  if (lists.is_array())
    for (auto& l : lists)
      if (l.is_object())
        s.lists.push_back(list_version{l.value("name", std::string{}),
                                       l.value("version", std::string{})});
  auto subjects = json::parse(col(r, c["subjects"]), nullptr, false);
  if (subjects.is_array())
    for (auto& j : subjects)
      if (j.is_object())
        s.subjects.push_back(
            {j.value("kind", std::string{}), j.value("name", std::string{}),
             j.value("type", std::string{}), j.value("error", std::string{})});
  s.hit_count = int_col(r, c["hit_count"]);
  s.raised_count = int_col(r, c["raised_count"]);
  s.new_count = int_col(r, c["new_count"]);
  s.screened_at = col(r, c["screened_at"]);
  row_columns hit_columns(hits);
  for (auto& row : hits.rows)
    s.hits.push_back(decode_stored_hit(hit_columns, row));
  return s;
}

} // namespace kyb::actors

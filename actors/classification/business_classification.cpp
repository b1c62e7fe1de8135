#include "actors/classification/business_classification.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/cache/cache_key.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using nlohmann::json;

double round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

stored_code stored(const std::string& code, const std::string& title, double confidence) {
  return {code, title, round4(confidence), {}, {}};
}

json evidence_json(const std::vector<stored_evidence>& evidence) {
  json out = json::array();
  for (const auto& e : evidence)
    out.push_back({{"term", e.term}, {"field", e.field}, {"weight", e.weight}});
  return out;
}

/// An MCC row's evidence column: {"terms": [...], "naics", "sic", "known_merchant"}
/// (rows stored before held the terms array alone).
json mcc_row_json(const stored_code& mcc, const std::vector<stored_evidence>* terms,
                  bool known_merchant) {
  json out = {{"naics", mcc.naics}, {"sic", mcc.sic}};
  if (terms) {
    out["terms"] = evidence_json(*terms);
    out["known_merchant"] = known_merchant;
  }
  return out;
}

std::vector<stored_evidence> evidence_of(const json& parsed) {
  std::vector<stored_evidence> out;
  const json& j =
      parsed.is_object() && parsed.contains("terms") ? parsed["terms"] : parsed;
  if (!j.is_array())
    return out;
  for (const auto& e : j)
    if (e.is_object() && e.value("term", json()).is_string())
      out.push_back({e["term"].get<std::string>(), e.value("field", std::string()),
                     e.value("weight", 0.0)});
  return out;
}

} // namespace

classification::classification_input
classification_input_of(const business_record& rec, const std::string& website_text) {
  classification::classification_input in;
  in.legal_name = rec.legal_name;
  in.dba_name = rec.dba_name.value_or("");
  in.description = rec.description.value_or("");
  in.website_text = website_text;
  in.country = rec.country;
  return in;
}

std::string classification_input_key(const std::string& prefix,
                                     const std::string& model_version,
                                     const classification::classification_input& in) {
  return runtime::generate_cache_key(prefix, {{"model_version", model_version},
                                              {"legal_name", in.legal_name},
                                              {"dba_name", in.dba_name},
                                              {"description", in.description},
                                              {"website_text", in.website_text},
                                              {"country", in.country}});
}

std::string classification_cache_key(const std::string& model_version,
                                     const business_record& rec,
                                     const std::string& website_text) {
  return classification_input_key("classification", model_version,
                                  classification_input_of(rec, website_text));
}

business_classification_data
assemble_classification(const business_record& rec,
                        const classification::classification_result& r,
                        const std::string& cache_key, const std::string& classified_at) {
  business_classification_data c;
  c.id = base::uuid::make_v7();
  c.business_id = rec.id;
  c.tenant_id = rec.tenant_id;
  c.region = rec.region;
  c.model_version = r.model_version;
  c.mcc = stored(r.mcc.code, r.mcc.title, r.mcc.confidence);
  c.mcc.naics = r.mcc.naics;
  c.mcc.sic = r.mcc.sic;
  for (const auto& a : r.mcc_alternates) {
    c.mcc_alternates.push_back(stored(a.code, a.title, a.confidence));
    c.mcc_alternates.back().naics = a.naics;
    c.mcc_alternates.back().sic = a.sic;
  }
  c.known_merchant = r.known_merchant;
  c.needs_review = r.needs_review;
  c.naics = stored(r.naics.code, r.naics.title, r.naics.confidence);
  c.naics_sector =
      stored(r.naics_sector.code, r.naics_sector.title, r.naics_sector.confidence);
  c.sic = stored(r.sic.code, r.sic.title, r.sic.confidence);
  for (const auto& e : r.evidence)
    c.evidence.push_back({e.term,
                          e.is_country ? "country" : classification::field_name(e.field),
                          round4(e.weight)});
  c.cache_key = cache_key;
  c.classified_at = classified_at;
  return c;
}

void add_classification_rows(pg_batch& batch, const business_classification_data& c) {
  auto evidence = evidence_json(c.evidence).dump();
  auto row = [&](const char* type, const stored_code& code, bool primary, int rank,
                 const std::string& ev) {
    add(batch, q::classification_insert,
        {val(base::uuid::make_v7()), val(c.id), val(c.business_id), val(c.tenant_id),
         val(c.region), val(type), val(code.code), val(code.title),
         val_score(code.confidence), val_bool(primary), val_int(rank),
         val(c.model_version), val(ev), val(c.cache_key), val(c.classified_at),
         val_bool(c.needs_review)});
  };
  row("mcc", c.mcc, true, 0, mcc_row_json(c.mcc, &c.evidence, c.known_merchant).dump());
  int rank = 0;
  for (const auto& a : c.mcc_alternates)
    row("mcc", a, false, ++rank, mcc_row_json(a, nullptr, false).dump());
  row("naics", c.naics, true, 0, evidence);
  row("naics_sector", c.naics_sector, true, 0, "[]");
  row("sic", c.sic, true, 0, evidence);
}

std::optional<stored_classification>
decode_stored_classification(const pg_rows& rows, const business_record& rec) {
  if (rows.rows.empty())
    return std::nullopt;
  business_classification_data c;
  c.business_id = rec.id;
  c.tenant_id = rec.tenant_id;
  c.region = rec.region;
  double age = 0;
  row_columns cols(rows);
  for (const auto& r : rows.rows) {
    stored_code code{col(r, cols["code"]),
                     col(r, cols["title"]),
                     opt_double(r, cols["confidence_score"]).value_or(0),
                     {},
                     {}};
    const auto& type = col(r, cols["classification_type"]);
    bool primary = bool_col(r, cols["is_primary"]);
    if (type == "mcc") {
      auto extra = json::parse(col(r, cols["evidence"]), nullptr, false);
      if (extra.is_object()) {
        code.naics = extra.value("naics", std::string());
        code.sic = extra.value("sic", std::string());
      }
      if (primary) {
        c.evidence = evidence_of(extra);
        c.known_merchant = extra.is_object() && extra.value("known_merchant", false);
      }
    }
    if (type == "mcc" && primary) {
      c.mcc = std::move(code);
    } else if (type == "mcc") {
      c.mcc_alternates.push_back(std::move(code)); // ordered by rank
    } else if (type == "naics") {
      c.naics = std::move(code);
    } else if (type == "naics_sector") {
      c.naics_sector = std::move(code);
    } else if (type == "sic") {
      c.sic = std::move(code);
    }
    c.id = uuid_col(r, cols["classification_id"]);
    c.model_version = col(r, cols["model_version"]);
    c.cache_key = col(r, cols["cache_key"]);
    c.classified_at = col(r, cols["created_at"]);
    age = opt_double(r, cols["age_seconds"]).value_or(0);
    c.needs_review = bool_col(r, cols["needs_review"]);
  }
  return stored_classification{
      std::make_shared<const business_classification_data>(std::move(c)), age};
}

} // namespace kyb::actors

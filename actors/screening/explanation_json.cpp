#include "actors/screening/explanation_json.hpp"

#include <cmath>

#include "actors/screening/engine/date_parser.hpp"

namespace kyb::actors {

namespace {

using nlohmann::json;

json unmatched(const std::vector<screening::unmatched_token>& tokens) {
  json out = json::array();
  for (auto& t : tokens)
    out.push_back(
        {{"token", t.token}, {"weight", round4(t.weight)}, {"legal_form", t.legal_form}});
  return out;
}

/// The years-only form of a stored "query Q[ vs listed L1, L2]" detail; when a part does
/// not parse, a form that names no date at all.
std::string years_only_detail(const std::string& detail, const std::string& outcome) {
  static const std::string query = "query ", vs = " vs listed ";
  auto fallback = [&] {
    if (outcome == "match")
      return std::string("year of birth matches");
    if (outcome == "mismatch")
      return std::string("date of birth differs");
    return std::string("no date of birth listed");
  };
  auto at = detail.find(vs);
  auto q = screening::parse_iso_partial_date(detail.substr(
      query.size(), at == std::string::npos ? std::string::npos : at - query.size()));
  if (!q)
    return fallback();
  std::vector<screening::date_of_birth> listed;
  if (at != std::string::npos) {
    auto rest = detail.substr(at + vs.size());
    size_t start = 0;
    while (start <= rest.size()) {
      auto comma = rest.find(", ", start);
      auto d = screening::parse_list_date(rest.substr(start, comma - start));
      if (!d)
        return fallback();
      listed.push_back(*d);
      if (comma == std::string::npos)
        break;
      start = comma + 2;
    }
  }
  return screening::birth_year_comparison(*q, listed);
}

} // namespace

json answer_explanation(json stored) {
  auto refinements = stored.find("refinements");
  if (refinements == stored.end() || !refinements->is_array())
    return stored;
  auto text_of = [](const json& r, const char* key) {
    auto it = r.find(key);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (auto& r : *refinements) {
    if (!r.is_object() || text_of(r, "field") != "date_of_birth")
      continue;
    auto text = text_of(r, "detail");
    if (text.rfind("query ", 0) == 0)
      r["detail"] = years_only_detail(text, text_of(r, "outcome"));
  }
  return stored;
}

double round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

json explanation_to_json(const screening::match_explanation& e) {
  json matches = json::array();
  for (auto& m : e.matches)
    matches.push_back({{"query_tokens", m.query_tokens},
                       {"list_tokens", m.list_tokens},
                       {"kind", screening::to_string(m.kind)},
                       {"similarity", round4(m.similarity)},
                       {"weight", round4(m.weight)},
                       {"contribution", round4(m.contribution)},
                       {"legal_form", m.legal_form}});
  json refinements = json::array();
  for (auto& r : e.refinements)
    refinements.push_back({{"field", r.field},
                           {"outcome", r.outcome},
                           {"factor", round4(r.factor)},
                           {"detail", r.detail}});
  return {{"query_tokens", e.query_tokens},
          {"list_tokens", e.list_tokens},
          {"matches", matches},
          {"unmatched_query", unmatched(e.unmatched_query)},
          {"unmatched_list", unmatched(e.unmatched_list)},
          {"query_weight", round4(e.query_weight)},
          {"owed_weight", round4(e.owed_weight)},
          {"list_weight", round4(e.list_weight)},
          {"evidence", round4(e.evidence)},
          {"evidence_required", round4(e.evidence_required)},
          {"name_score", round4(e.name_score)},
          {"alias_factor", round4(e.alias_factor)},
          {"refinements", refinements}};
}

} // namespace kyb::actors

// GET /v1/risk/trends: a tenant's risk assessments per business per month, and per
// month across the tenant (actors/business/risk_trends.hpp).
#include "actors/business/business_query_actor.hpp"
#include "net/handlers/handlers.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;

nlohmann::json month_to_json(const risk_trend_month& m) {
  return {{"month", m.month},
          {"assessments", m.assessments},
          {"average_score", m.average_score},
          {"first_score", m.first_score},
          {"last_score", m.last_score},
          {"change", m.change},
          {"trend", m.trend}};
}

nlohmann::json summary_to_json(const risk_trend_summary& s) {
  return {{"month", s.month},
          {"businesses", s.businesses},
          {"assessments", s.assessments},
          {"average_score",
           s.average_score ? nlohmann::json(*s.average_score) : nlohmann::json(nullptr)},
          {"risk_levels",
           {{"low", s.low},
            {"medium", s.medium},
            {"high", s.high},
            {"critical", s.critical}}},
          {"trends",
           {{"increasing", s.increasing},
            {"decreasing", s.decreasing},
            {"stable", s.stable}}}};
}

} // namespace

void get_risk_trends(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  std::vector<field_error> bad;
  for (auto& [name, value] : *q)
    if (name != "months" && name != "business_id" && name != "cursor" && name != "limit")
      bad.push_back(
          {name, "unknown query parameter (months, business_id, cursor, limit)"});
  risk_trends_query rq;
  if (auto it = q->find("months"); it != q->end()) {
    auto& v = it->second;
    bool digits = !v.empty() && v.size() <= 2 &&
                  v.find_first_not_of("0123456789") == std::string::npos;
    auto n = digits ? std::stoi(v) : 0;
    if (n < 1 || n > 60)
      bad.push_back({"months", "must be an integer from 1 to 60"});
    rq.months = n;
  }
  if (auto it = q->find("business_id"); it != q->end()) {
    rq.business_id = base::uuid::parse(it->second);
    if (!rq.business_id || it->second.size() != 36)
      bad.push_back({"business_id", "must be a business id (a UUID)"});
    if (q->count("cursor") != 0)
      bad.push_back(
          {"cursor", "is not used with business_id (one business is one page)"});
  }
  if (auto it = q->find("cursor"); it != q->end() && it->second.empty())
    bad.push_back(
        {"cursor", "must be the next_cursor of a page (omit it for the first)"});
  if (!bad.empty()) {
    ex->reply_invalid(bad);
    return;
  }
  auto page = ex->page_params(*q);
  if (!page)
    return;
  std::tie(rq.cursor, rq.limit) = *page;
  auto months = rq.months;
  ex->ask<risk_trends>(
      ex->services().business_query->get(),
      [ex, months](risk_trends& t) {
        nlohmann::json data = nlohmann::json::array();
        for (auto& b : t.businesses) {
          nlohmann::json ms = nlohmann::json::array();
          for (auto& m : b.months)
            ms.push_back(month_to_json(m));
          data.push_back({{"business_id", b.business_id.to_string()}, {"months", ms}});
        }
        nlohmann::json summary = nullptr;
        if (t.summary) {
          summary = nlohmann::json::array();
          for (auto& s : *t.summary)
            summary.push_back(summary_to_json(s));
        }
        ex->reply_json(200,
                       {{"object", "risk_trends"},
                        {"months", months},
                        {"data", data},
                        {"summary", summary},
                        {"next_cursor", t.next_cursor ? nlohmann::json(*t.next_cursor)
                                                      : nlohmann::json(nullptr)},
                        {"has_more", t.next_cursor.has_value()}});
      },
      risk_trends_atom::value, ex->meta(), rq);
}

} // namespace kyb::net::handlers

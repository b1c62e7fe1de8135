#include "actors/usage/usage_actor.hpp"
#include "net/handlers/handlers.hpp"

namespace kyb::net::handlers {

namespace {

/// Accepts RFC 3339 UTC times ("2026-11-25T00:00:00Z") and dates ("2026-11-25").
bool valid_time(const std::string& t) {
  if (t.size() == 10)
    return actors::is_iso_date(t);
  if (t.size() != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return false;
  if (!actors::is_iso_date(t.substr(0, 10)))
    return false;
  for (size_t i : {11, 12, 14, 15, 17, 18})
    if (!std::isdigit(static_cast<unsigned char>(t[i])))
      return false;
  return std::stoi(t.substr(11, 2)) < 24 && std::stoi(t.substr(14, 2)) < 60 &&
         std::stoi(t.substr(17, 2)) < 60;
}

std::string normalize_time(const std::string& t) {
  return t.size() == 10 ? t + "T00:00:00Z" : t;
}

} // namespace

void get_usage(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  std::vector<actors::field_error> errors;
  std::string from;
  std::string to;
  if (auto it = q->find("from"); it == q->end() || !valid_time(it->second))
    errors.push_back(
        {"from", "is required: a date (2026-11-01) or UTC time (2026-11-01T00:00:00Z)"});
  else
    from = normalize_time(it->second);
  if (auto it = q->find("to"); it == q->end() || !valid_time(it->second))
    errors.push_back(
        {"to", "is required: a date (2026-12-01) or UTC time (2026-12-01T00:00:00Z)"});
  else
    to = normalize_time(it->second);
  if (errors.empty() && to <= from)
    errors.push_back({"to", "must be after from"});
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  ex->ask<std::vector<actors::usage_row>>(
      ex->services().usage->get(),
      [ex, from, to](std::vector<actors::usage_row>& rows) {
        nlohmann::json items = nlohmann::json::array();
        uint64_t total = 0;
        for (auto& r : rows) {
          total += r.requests;
          items.push_back({{"endpoint", r.endpoint},
                           {"method", r.method},
                           {"status_code", r.status},
                           {"requests", r.requests},
                           {"avg_duration_seconds", r.avg_duration_seconds}});
        }
        ex->reply_json(200, {{"object", "usage"},
                             {"from", from},
                             {"to", to},
                             {"total_requests", total},
                             {"data", items}});
      },
      actors::list_atom::value, ex->meta(), from, to);
}

} // namespace kyb::net::handlers

#include "actors/usage/usage_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"

namespace kyb::net::handlers {

void get_usage(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  std::vector<actors::field_error> errors;
  std::string from;
  std::string to;
  auto it = q->find("from");
  if (auto t = it == q->end() ? std::nullopt : utc_time(it->second))
    from = *t;
  else
    errors.push_back(
        {"from", "is required: a date (2026-11-01) or UTC time (2026-11-01T00:00:00Z)"});
  it = q->find("to");
  if (auto t = it == q->end() ? std::nullopt : utc_time(it->second))
    to = *t;
  else
    errors.push_back(
        {"to", "is required: a date (2026-12-01) or UTC time (2026-12-01T00:00:00Z)"});
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

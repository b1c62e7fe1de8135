#include "actors/audit/audit_actor.hpp"
#include "net/handlers/handlers.hpp"

namespace kyb::net::handlers {

using namespace kyb::actors;
using nlohmann::json;

void list_audit_logs(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  auto page = ex->page_params(*q);
  if (!page)
    return;
  auto [cursor, limit] = *page;
  ex->ask<audit_page>(
      ex->services().audit->get(),
      [ex](audit_page& page) {
        json items = json::array();
        for (auto& e : page.items) {
          auto details = json::parse(e.details, nullptr, false);
          items.push_back(
              {{"id", e.id},
               {"object", "audit_log"},
               {"seq", e.seq},
               {"actor", e.actor},
               {"action", e.action},
               {"target_type", e.target_type},
               {"target_id", e.target_id ? json(*e.target_id) : json(nullptr)},
               {"request_id", e.request_id ? json(*e.request_id) : json(nullptr)},
               {"details", details.is_discarded() ? json(e.details) : details},
               {"created_at", e.created_at},
               {"row_hash", e.row_hash}});
        }
        ex->reply_json(200, {{"object", "list"},
                             {"data", items},
                             {"next_cursor",
                              page.next_cursor ? json(*page.next_cursor) : json(nullptr)},
                             {"has_more", page.next_cursor.has_value()}});
      },
      list_atom::value, ex->meta(), cursor, limit);
}

void verify_audit_logs(const exchange_ptr& ex) {
  ex->ask<audit_verification>(
      ex->services().audit->get(),
      [ex](audit_verification& v) {
        json out = {{"object", "audit_verification"},
                    {"valid", v.valid},
                    {"rows_checked", v.rows_checked},
                    {"head_seq", v.head_seq},
                    {"legacy_rows", v.legacy_rows},
                    {"retired_through_seq", v.retired_through_seq}};
        if (v.first_bad_seq)
          out["first_invalid"] = {
              {"seq", *v.first_bad_seq},
              {"id", v.first_bad_id ? json(*v.first_bad_id) : json(nullptr)},
              {"reason", v.reason ? json(*v.reason) : json(nullptr)}};
        if (v.unchecked_rows > 0) {
          out["unverifiable"] = {{"rows", v.unchecked_rows},
                                 {"first_seq", v.first_unchecked_seq
                                                   ? json(*v.first_unchecked_seq)
                                                   : json(nullptr)},
                                 {"key_ids", v.unknown_key_ids}};
          if (!v.first_bad_seq && v.reason)
            out["unverifiable"]["reason"] = *v.reason;
        }
        ex->reply_json(200, out);
      },
      verify_atom::value, ex->meta());
}

} // namespace kyb::net::handlers

// Risk assessments of businesses (the business actor's risk flow) and the operator's
// reload of the risk reference data (the node's risk monitor).
#include "actors/risk/business_risk.hpp"
#include "actors/risk/risk_messages.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/list_page.hpp"
#include "net/handlers/object_body.hpp"
#include "net/http_error.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;

nlohmann::json monitor_status_to_json(const risk_monitor_status& s) {
  return {{"reference_version", s.reference_version},
          {"queued", s.queued},
          {"in_flight", s.in_flight},
          {"reassessed", s.reassessed},
          {"unchanged", s.unchanged},
          {"skipped", s.skipped},
          {"failed", s.failed}};
}

} // namespace

void assess_business_risk(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  risk_request req;
  if (!ex->req.body.empty()) {
    auto body = read_object(ex, {"assessment_type"}, {});
    if (!body)
      return;
    req.assessment_type = opt_string(*body, "assessment_type").value_or("manual");
    if (req.assessment_type != "manual" && req.assessment_type != "verification") {
      ex->reply_error(invalid_fields(
          {{"/assessment_type", "assessment_type must be 'manual' or 'verification' "
                                "(monitoring assessments are made by the platform)"}}));
      return;
    }
  }
  const auto& svc = ex->services();
  if (svc.screening)
    req.screening = svc.screening->get();
  if (svc.classification) {
    req.classification = svc.classification->get();
    req.classification_model_version = svc.classification_model_version;
  }
  ex->ask_entity<business_risk>(
      business_entity, *id,
      [ex](business_risk& r) {
        // 201: a new assessment was stored; 200: the stored one still holds.
        ex->respond(r.cached ? 200 : 201, "application/json",
                    risk_json_text(*r.data, r.cached));
      },
      assess_atom::value, ex->meta(), req);
}

void get_latest_business_risk(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_risk>(
      business_entity, *id,
      [ex](business_risk& r) {
        ex->respond(200, "application/json", risk_json_text(*r.data, false));
      },
      latest_risk_atom::value, ex->meta());
}

void list_business_risks(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto page = cursor_page(ex);
  if (!page)
    return;
  auto [cursor, limit] = *page;
  ex->ask_entity<business_risk_page>(
      business_entity, *id,
      [ex](business_risk_page& page) {
        // The items' JSON is spliced as text (risk_json_text), like a single answer's.
        bool more = !page.next_cursor.empty();
        std::string body = "{\"object\":\"list\",\"data\":[";
        for (size_t i = 0; i < page.items.size(); ++i)
          body += (i ? "," : "") + risk_json_text(page.items[i], false);
        body +=
            "],\"next_cursor\":" +
            (more ? nlohmann::json(page.next_cursor) : nlohmann::json(nullptr)).dump() +
            ",\"has_more\":" + (more ? "true" : "false") + "}";
        ex->respond(200, "application/json", std::move(body));
      },
      risk_history_atom::value, ex->meta(), cursor, limit);
}

void reload_risk_reference(const exchange_ptr& ex) {
  if (!ex->req.body.empty() && !read_object(ex, {}, {}))
    return;
  const auto& slot = ex->services().risk_monitor;
  if (!slot || !slot->get()) {
    ex->reply_problem(problem_type::unavailable, "the risk monitor is not running",
                      {{"Retry-After", "5"}});
    return;
  }
  ex->ask<risk_monitor_status>(
      slot->get(),
      [ex](risk_monitor_status& s) { ex->reply_json(200, monitor_status_to_json(s)); },
      reload_atom::value);
}

} // namespace kyb::net::handlers

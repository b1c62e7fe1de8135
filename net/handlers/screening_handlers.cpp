#include "actors/business/business_actor.hpp"
#include "actors/screening/screening_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"
#include "net/screening_json.hpp"
#include "runtime/base/redact.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

bool has_control(const std::string& s, bool allow_newlines) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(allow_newlines && (c == '\n' || c == '\t'))) || u == 0x7F)
      return true;
  }
  return false;
}

} // namespace

void screen_name(const exchange_ptr& ex) {
  auto body = read_object(
      ex, {"name", "type", "country", "date_of_birth", "threshold", "identifier"},
      {"name"}, {"threshold"});
  if (!body)
    return;
  screening::screening_query q;
  q.name = (*body)["name"].get<std::string>();
  q.type = opt_string(*body, "type");
  q.country = opt_string(*body, "country");
  q.date_of_birth = opt_string(*body, "date_of_birth");
  q.identifier = opt_string(*body, "identifier");
  if (auto it = body->find("threshold"); it != body->end() && !it->is_null())
    q.threshold = it->get<double>();
  ex->ask<screening::screening_result>(
      ex->services().screening->get(),
      [ex](screening::screening_result& r) {
        ex->reply_json(200, screening_result_to_json(r));
      },
      screen_atom::value, std::move(q));
}

void compare_names(const exchange_ptr& ex) {
  auto body = read_object(ex, {"name_a", "name_b", "type"}, {"name_a", "name_b"});
  if (!body)
    return;
  auto a = (*body)["name_a"].get<std::string>();
  auto b = (*body)["name_b"].get<std::string>();
  auto type = opt_string(*body, "type").value_or("");
  ex->ask<screening::comparison>(
      ex->services().screening->get(),
      [ex](screening::comparison& c) { ex->reply_json(200, comparison_to_json(c)); },
      compare_atom::value, std::move(a), std::move(b), std::move(type));
}

void screen_business(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  if (!ex->req.body.empty() && !read_object(ex, {}, {}))
    return; // a body, if any, must be an empty object
  ex->ask_entity<business_screening>(
      business_entity, *id,
      [ex](business_screening& s) { ex->reply_json(200, business_screening_to_json(s)); },
      screen_atom::value, ex->meta(), screen_request{"api"},
      ex->services().screening->get());
}

void get_business_screening(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_screening>(
      business_entity, *id,
      [ex](business_screening& s) { ex->reply_json(200, business_screening_to_json(s)); },
      latest_atom::value, ex->meta());
}

void decide_screening_hit(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto hit = ex->uuid_param("hit_id");
  if (!hit)
    return;
  // Types and unknown members first; then every problem of the values at once (a
  // missing member is one of them).
  auto body = read_object(ex, {"decision", "reason"}, {});
  if (!body)
    return;
  auto decision_in = opt_string(*body, "decision");
  auto reason_in = opt_string(*body, "reason");
  auto decision = decision_in.value_or("");
  auto reason = reason_in.value_or("");
  std::vector<field_error> errors;
  if (!decision_in)
    errors.push_back({"/decision", "is required: 'false_positive' or 'confirmed'"});
  else if (decision != "false_positive" && decision != "confirmed")
    errors.push_back({"/decision", "must be 'false_positive' or 'confirmed'"});
  auto first = reason.find_first_not_of(" \t\n");
  if (!reason_in)
    errors.push_back({"/reason", "is required: say why (1 to 2000 characters)"});
  else if (first == std::string::npos)
    errors.push_back({"/reason", "must say why (1 to 2000 characters)"});
  else if (reason.size() > 2000)
    errors.push_back({"/reason", "must be at most 2000 bytes"});
  else if (has_control(reason, true))
    errors.push_back({"/reason", "must not contain control characters"});
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  ex->ask_entity<stored_hit>(
      business_entity, *id,
      [ex](stored_hit& h) { ex->reply_json(200, stored_hit_to_json(h)); },
      decide_atom::value, ex->meta(), *hit, std::move(decision), std::move(reason));
}

void list_sanctions_lists(const exchange_ptr& ex) {
  ex->ask<lists_status>(
      ex->services().screening->get(),
      [ex](lists_status& s) { ex->reply_json(200, lists_status_to_json(s)); },
      list_atom::value, *ex->who);
}

void reload_sanctions_lists(const exchange_ptr& ex) {
  if (!ex->req.body.empty() && !read_object(ex, {}, {}))
    return;
  ex->ask<reload_report>(
      ex->services().screening->get(),
      [ex](reload_report& r) {
        auto report = reload_report_to_json(r);
        if (r.status == "partial") {
          // The other lists were reloaded; say which did not, and why.
          auto& f = r.failures.front();
          std::string where = base::redact_url(f.file);
          if (f.line > 0)
            where += ":" + std::to_string(f.line);
          ex->reply_problem(
              problem_type::unprocessable,
              std::to_string(r.failures.size()) +
                  (r.failures.size() == 1 ? " list was" : " lists were") +
                  " not reloaded (the others were; a list's previous version serves on "
                  "where it had one): " +
                  f.list + ": " + (where.empty() ? "" : where + ": ") + f.message,
              {},
              {{"file", report["failures"][0]["file"]},
               {"line", report["failures"][0]["line"]},
               {"reload", report}});
          return;
        }
        if (r.status != "failed") {
          ex->reply_json(200, report);
          return;
        }
        // The old lists keep serving; say exactly what could not be read.
        std::string where = r.error_file;
        if (r.error_line > 0)
          where += ":" + std::to_string(r.error_line);
        ex->reply_problem(
            problem_type::unprocessable,
            "the lists were not reloaded (the previous ones keep serving): " +
                (where.empty() ? "" : where + ": ") + r.error_message,
            {},
            {{"file", report["error"]["file"]},
             {"line", report["error"]["line"]},
             {"reload", report}});
      },
      reload_atom::value, std::string("api"));
}

} // namespace kyb::net::handlers

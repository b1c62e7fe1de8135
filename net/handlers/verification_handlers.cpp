// Verifications of businesses (the verification actor, placed like every entity) and a
// tenant's verification policy (its tenant actor). The policy document is validated
// here, over the shipped defaults, with every problem named by its JSON pointer (422),
// before the tenant actor stores it as a new version.
#include <cstdint>
#include <limits>

#include "actors/business/business_query_actor.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "actors/verification/verification_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/idempotency_key.hpp"
#include "net/handlers/list_page.hpp"
#include "net/handlers/object_body.hpp"
#include "net/verification_json.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

std::string location_of(const verification_data& v) {
  return "/v1/verifications/" + v.id.to_string();
}

/// Reads the optional body of POST .../verifications: {"checks": [step names],
/// "webhook": bool}. Answers 400 and returns false on a problem.
bool read_verification_input(const exchange_ptr& ex, verification_input& in) {
  for (auto* s : verification::step_names)
    in.checks.emplace_back(s);
  if (ex->req.body.empty())
    return true;
  auto body = ex->json_body();
  if (!body)
    return false;
  if (!body->is_object()) {
    ex->reply_invalid({{"", "the body must be a JSON object"}});
    return false;
  }
  std::vector<field_error> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "checks") {
      if (!v.is_array() || v.empty()) {
        errors.push_back({"/checks", "must be a non-empty array of step names"});
        continue;
      }
      std::vector<std::string> checks;
      for (size_t i = 0; i < v.size(); ++i) {
        auto ptr = "/checks/" + std::to_string(i);
        if (!v[i].is_string() || !verification::is_step(v[i].get<std::string>())) {
          errors.push_back({ptr, "must be 'registry', 'website', 'classification', "
                                 "'screening' or 'risk'"});
          continue;
        }
        auto name = v[i].get<std::string>();
        if (std::find(checks.begin(), checks.end(), name) != checks.end()) {
          errors.push_back({ptr, "'" + name + "' is listed twice"});
          continue;
        }
        checks.push_back(name);
      }
      // Kept in step order, whatever order they were listed in.
      in.checks.clear();
      for (auto* s : verification::step_names)
        if (std::find(checks.begin(), checks.end(), s) != checks.end())
          in.checks.emplace_back(s);
    } else if (key == "webhook") {
      if (!v.is_boolean())
        errors.push_back({"/webhook", "must be true or false"});
      else
        in.webhook = v.get<bool>();
    } else {
      errors.push_back({"/" + key, "unknown member '" + key + "'"});
    }
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return false;
  }
  return true;
}

void answer_accepted(const exchange_ptr& ex, const verification_data& v, bool replayed) {
  exchange::header_list h = {{"Location", location_of(v)}};
  if (replayed)
    h.emplace_back("Idempotent-Replayed", "true");
  ex->respond(202, "application/json", verification_to_json(v).dump(), h);
}

} // namespace

void create_verification(const exchange_ptr& ex) {
  auto business = ex->uuid_param("id");
  if (!business)
    return;
  verification_input in;
  in.business_id = *business;
  if (!read_verification_input(ex, in))
    return;
  if (!ex->req.headers.contains("idempotency-key")) {
    ex->ask_entity<verification_data>(
        verification_entity, base::uuid::make_v7(),
        [ex](verification_data& v) { answer_accepted(ex, v, false); }, create_atom::value,
        ex->meta(), in);
    return;
  }
  std::string key(ex->req.header("idempotency-key"));
  if (!valid_idempotency_key(key)) {
    ex->reply_invalid({{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
    return;
  }
  // The fingerprint covers what is asked: the business and the (ordered) checks.
  auto fp = base::sha256_hex("POST /v1/businesses/" + business->to_string() +
                             "/verifications\n" +
                             json{{"checks", in.checks}, {"webhook", in.webhook}}.dump());
  auto tenant = ex->who->tenant_id;
  auto idem = ex->services().idempotency->get();
  ex->ask<idempotency_outcome>(
      idem,
      [ex, in, key, fp, tenant, idem](idempotency_outcome& out) mutable {
        if (out.replay) {
          exchange::header_list h = {{"Idempotent-Replayed", "true"}};
          if (!out.location.empty())
            h.emplace_back("Location", out.location);
          ex->respond(out.status, "application/json", out.body, h);
          return;
        }
        auto id = idempotent_id("verification", tenant, key);
        auto store_and_answer = [ex, idem, key, fp, tenant](const verification_data& v,
                                                            bool replayed) {
          auto body = verification_to_json(v).dump();
          // Stored before answering, so that a retry right after the answer replays it.
          ex->self
              ->request(idem, actor_timeout(*ex), complete_atom::value, tenant, key, fp,
                        uint16_t{202}, body, location_of(v))
              .then([ex, v, replayed](ok_atom) { answer_accepted(ex, v, replayed); },
                    [ex, v, replayed](caf::error&) { answer_accepted(ex, v, replayed); });
        };
        ex->ask_entity_or<verification_data>(
            verification_entity, id,
            [store_and_answer](verification_data& v) { store_and_answer(v, false); },
            [ex, idem, key, fp, tenant, id, store_and_answer](caf::error& err) {
              if (code_of(err) == errc::conflict) {
                // An earlier attempt with this key committed: answer with what it made.
                ex->ask_entity<verification_data>(
                    verification_entity, id,
                    [store_and_answer](verification_data& v) {
                      store_and_answer(v, true);
                    },
                    get_atom::value, ex->meta());
                return;
              }
              ex->self->send(idem, abort_atom::value, tenant, key, fp);
              ex->reply_error(err);
            },
            create_atom::value, ex->meta(), in);
      },
      begin_atom::value, tenant, key, fp);
}

void get_verification(const exchange_ptr& ex) {
  auto id = ex->uuid_param("vid");
  if (!id)
    return;
  ex->ask_entity<verification_data>(
      verification_entity, *id,
      [ex](verification_data& v) { ex->reply_json(200, verification_to_json(v)); },
      get_atom::value, ex->meta());
}

void cancel_verification(const exchange_ptr& ex) {
  auto id = ex->uuid_param("vid");
  if (!id)
    return;
  if (!empty_body(ex))
    return;
  ex->ask_entity<verification_data>(
      verification_entity, *id,
      [ex](verification_data& v) { ex->reply_json(200, verification_to_json(v)); },
      cancel_verification_atom::value, ex->meta());
}

void list_business_verifications(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto page = cursor_page(ex);
  if (!page)
    return;
  auto [cursor, limit] = *page;
  ex->ask<verification_page>(
      ex->services().business_query->get(),
      [ex](verification_page& page) {
        auto data = json::array();
        for (auto& v : page.items)
          data.push_back(verification_to_json(v));
        ex->reply_json(200, list_page_json(std::move(data), page.next_cursor));
      },
      list_verifications_atom::value, ex->meta(), *id, cursor, limit);
}

void put_verification_policy(const exchange_ptr& ex) {
  auto body = ex->json_body();
  if (!body)
    return;
  auto parsed = verification::parse_policy(*body, verification::default_policy());
  if (!parsed) {
    auto p = make_problem(problem_type::unprocessable,
                          "the verification policy has " +
                              std::to_string(parsed.problems.size()) +
                              (parsed.problems.size() == 1 ? " problem" : " problems") +
                              "; the first: " + parsed.problems[0].pointer + ": " +
                              parsed.problems[0].problem);
    for (auto& pr : parsed.problems)
      p.errors.push_back({pr.pointer, pr.problem});
    ex->send_problem(std::move(p), {});
    return;
  }
  ex->ask_entity<verification_policy_version>(
      tenant_entity, ex->who->tenant_id,
      [ex](verification_policy_version& v) {
        ex->reply_json(200, verification_policy_to_json(v));
      },
      put_verification_policy_atom::value, ex->meta(), body->dump());
}

void get_verification_policy(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  int32_t version = -1;
  for (auto& [name, text] : *q) {
    if (name != "version") {
      ex->reply_invalid({{name, "unknown query parameter '" + name + "'"}});
      return;
    }
    bool ok = !text.empty() && text.size() <= 10 &&
              text.find_first_not_of("0123456789") == std::string::npos &&
              std::stoll(text) <= std::numeric_limits<int32_t>::max();
    if (!ok) {
      ex->reply_invalid({{"version", "must be a whole number from 0 to 2147483647"}});
      return;
    }
    version = static_cast<int32_t>(std::stoll(text));
  }
  ex->ask_entity<verification_policy_version>(
      tenant_entity, ex->who->tenant_id,
      [ex](verification_policy_version& v) {
        ex->reply_json(200, verification_policy_to_json(v));
      },
      verification_policy_atom::value, ex->meta(), version);
}

} // namespace kyb::net::handlers

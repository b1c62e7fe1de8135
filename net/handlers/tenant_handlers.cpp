#include <algorithm>
#include <cmath>

#include "actors/tenant/tenant_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"
#include "net/region_gateway.hpp"
#include "runtime/base/log.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

json plan_to_json(const std::optional<tenant_plan>& p) {
  if (!p)
    return nullptr;
  return {{"type", p->type},
          {"monthly_price", static_cast<double>(p->monthly_price_cents) / 100},
          {"currency", "USD"},
          {"status", p->status},
          {"started_at", p->started_at},
          {"cancelled_at", p->cancelled_at ? json(*p->cancelled_at) : json(nullptr)}};
}

json tenant_to_json(const tenant_record& t) {
  return {{"id", t.id.to_string()},
          {"object", "tenant"},
          {"name", t.name},
          {"region", t.region},
          {"rate_limit",
           {{"requests_per_second",
             t.rate_limit_per_second ? json(*t.rate_limit_per_second) : json(nullptr)},
            {"burst", t.rate_limit_burst ? json(*t.rate_limit_burst) : json(nullptr)}}},
          {"created_at", t.created_at},
          {"plan", plan_to_json(t.plan)}};
}

json key_to_json(const api_key_info& k) {
  json scopes = json::array();
  for (auto s : {scope_read, scope_write, scope_admin, scope_operator})
    if (k.scopes & s)
      scopes.push_back(scopes_to_string(s));
  return {{"id", k.id.to_string()},
          {"object", "api_key"},
          {"tenant_id", k.tenant_id.to_string()},
          {"name", k.name},
          {"scopes", scopes},
          {"created_at", k.created_at},
          {"revoked_at", k.revoked_at ? json(*k.revoked_at) : json(nullptr)}};
}

std::optional<double> positive_number(const json& body, const char* key,
                                      std::vector<field_error>& errors, double max) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null())
    return std::nullopt;
  if (!it->is_number() || it->get<double>() <= 0 || it->get<double>() > max) {
    errors.push_back({std::string("/rate_limit/") + key,
                      "must be a number above 0 and at most " + std::to_string(max)});
    return std::nullopt;
  }
  return it->get<double>();
}

} // namespace

/// Runs `run` in the region that must serve a request about tenant `id` (its routes
/// leave regions to the handler): a tenant's own key goes by its residency; an
/// operator's by the addressed tenant's, read from this region's copy (US tenants are
/// in every region, EU tenants only in eu-west-1; one this region lacks is asked for
/// in the write regions not visited yet).
void in_tenant_region(const exchange_ptr& ex, const base::uuid& id, std::string group,
                      std::function<void()> run) {
  if (!ex->who->is_operator()) {
    if (!forward_if_elsewhere(ex, ex->who->region, group))
      run();
    return;
  }
  if (!ex->services().platform->routing->current()->multi_region) {
    run();
    return;
  }
  ex->ask_entity_or<tenant_record>(
      tenant_entity, id,
      [ex, group, run](tenant_record& t) {
        if (!forward_if_elsewhere(ex, t.region, group))
          run();
      },
      [ex](caf::error& err) {
        if (code_of(err) == errc::not_found && forward_unknown_tenant(ex))
          return;
        ex->reply_error(err);
      },
      get_atom::value, ex->meta());
}

void create_tenant(const exchange_ptr& ex) {
  auto body = ex->json_body();
  if (!body)
    return;
  std::vector<field_error> errors;
  tenant_spec spec;
  if (!body->is_object()) {
    ex->reply_invalid({{"", "the body must be a JSON object"}});
    return;
  }
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "name" && it.key() != "region" && it.key() != "rate_limit")
      errors.push_back({"/" + it.key(), "is not a known field"});
  auto name = body->find("name");
  if (name == body->end() || !name->is_string())
    errors.push_back({"/name", "is required and must be a string"});
  else {
    spec.name = name->get<std::string>();
    auto b = spec.name.find_first_not_of(' ');
    if (b == std::string::npos || spec.name.size() > 200)
      errors.push_back({"/name", "must have 1 to 200 characters"});
    for (char c : spec.name)
      if (static_cast<unsigned char>(c) < 0x20) {
        errors.push_back({"/name", "must not contain control characters"});
        break;
      }
  }
  auto region = body->find("region");
  spec.region = "us";
  if (region != body->end()) {
    if (!region->is_string() || (*region != "us" && *region != "eu"))
      errors.push_back({"/region", "must be 'us' or 'eu'"});
    else
      spec.region = region->get<std::string>();
  }
  if (auto rl = body->find("rate_limit"); rl != body->end() && !rl->is_null()) {
    if (!rl->is_object()) {
      errors.push_back({"/rate_limit", "must be an object"});
    } else {
      for (auto it = rl->begin(); it != rl->end(); ++it)
        if (it.key() != "requests_per_second" && it.key() != "burst")
          errors.push_back({"/rate_limit/" + it.key(), "is not a known field"});
      spec.rate_limit_per_second =
          positive_number(*rl, "requests_per_second", errors, 1e6);
      spec.rate_limit_burst = positive_number(*rl, "burst", errors, 1e7);
      if (spec.rate_limit_burst && *spec.rate_limit_burst < 1)
        errors.push_back({"/rate_limit/burst", "must be at least 1"});
    }
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  // The tenant is made in its own residency's write region (EU tenants only in
  // eu-west-1), whichever node the operator asked.
  if (forward_if_elsewhere(ex, spec.region, ""))
    return;
  auto id = base::uuid::make_v7();
  ex->ask_entity<tenant_record>(
      tenant_entity, id,
      [ex](tenant_record& t) {
        ex->respond(201, "application/json", tenant_to_json(t).dump(),
                    {{"Location", "/v1/tenants/" + t.id.to_string()}});
      },
      create_atom::value, ex->meta(), spec);
}

void get_tenant(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  in_tenant_region(ex, *id, "businesses", [ex, id = *id] {
    ex->ask_entity<tenant_record>(
        tenant_entity, id,
        [ex](tenant_record& t) { ex->reply_json(200, tenant_to_json(t)); },
        get_atom::value, ex->meta());
  });
}

void create_api_key(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto body = ex->json_body();
  if (!body)
    return;
  std::vector<field_error> errors;
  if (!body->is_object()) {
    ex->reply_invalid({{"", "the body must be a JSON object"}});
    return;
  }
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "name" && it.key() != "scopes")
      errors.push_back({"/" + it.key(), "is not a known field"});
  std::string name;
  if (auto n = body->find("name"); n != body->end() && !n->is_null()) {
    if (!n->is_string() || n->get<std::string>().size() > 100)
      errors.push_back({"/name", "must be a string of at most 100 characters"});
    else
      name = n->get<std::string>();
  }
  uint8_t scopes = 0;
  auto sc = body->find("scopes");
  if (sc == body->end() || !sc->is_array() || sc->empty()) {
    errors.push_back(
        {"/scopes", "is required: a non-empty array of 'read', 'write', 'admin'"});
  } else {
    size_t i = 0;
    for (auto& s : *sc) {
      auto bit = s.is_string() ? parse_scope(s.get<std::string>()) : uint8_t{0};
      if (bit == 0 || (bit == scope_operator && !id->is_nil()))
        errors.push_back(
            {"/scopes/" + std::to_string(i), "must be 'read', 'write' or 'admin'"});
      scopes |= bit;
      ++i;
    }
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  in_tenant_region(ex, *id, "", [ex, id = *id, name, scopes] {
    ex->ask_entity<issued_api_key>(
        tenant_entity, id,
        [ex](issued_api_key& k) {
          auto j = key_to_json(k.info);
          j["key"] = k.key;
          ex->respond(201, "application/json", j.dump(),
                      {{"Location", "/v1/tenants/" + k.info.tenant_id.to_string() +
                                        "/api-keys/" + k.info.id.to_string()},
                       {"Cache-Control", "no-store"}});
        },
        create_key_atom::value, ex->meta(), name, scopes);
  });
}

void list_api_keys(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  in_tenant_region(ex, *id, "businesses", [ex, id = *id] {
    ex->ask_entity<std::vector<api_key_info>>(
        tenant_entity, id,
        [ex](std::vector<api_key_info>& keys) {
          json items = json::array();
          for (auto& k : keys)
            items.push_back(key_to_json(k));
          ex->reply_json(200, {{"object", "list"}, {"data", items}});
        },
        list_keys_atom::value, ex->meta());
  });
}

void revoke_api_key(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto key_id = ex->uuid_param("key_id");
  if (!key_id)
    return;
  in_tenant_region(ex, *id, "", [ex, id = *id, key_id = *key_id] {
    ex->ask_entity<api_key_info>(
        tenant_entity, id, [ex](api_key_info& k) { ex->reply_json(200, key_to_json(k)); },
        revoke_key_atom::value, ex->meta(), key_id);
  });
}

void set_tenant_plan(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto body = read_object(ex, {"type", "monthly_price", "started_at"},
                          {"type", "monthly_price"}, {"monthly_price"});
  if (!body)
    return;
  std::vector<field_error> errors;
  tenant_plan_spec spec;
  spec.type = (*body)["type"].get<std::string>();
  if (std::none_of(plan_types.begin(), plan_types.end(),
                   [&](const char* t) { return spec.type == t; }))
    errors.push_back({"/type", "must be 'starter', 'growth' or 'enterprise'"});
  // Dollars to the cent: 0 to 1,000,000.
  auto price = (*body)["monthly_price"].get<double>();
  auto cents = price * 100;
  if (!(price >= 0 && cents <= static_cast<double>(max_plan_price_cents)) ||
      std::fabs(cents - std::round(cents)) > 1e-6)
    errors.push_back({"/monthly_price",
                      "must be US dollars from 0 to 1000000 with at most 2 decimals"});
  else
    spec.monthly_price_cents = std::llround(cents);
  if (auto started = opt_string(*body, "started_at")) {
    auto t = utc_time(*started);
    // utc_time()'s form compares as text; the current second is not the future.
    if (!t || *t > base::utc_timestamp().substr(0, 19) + "Z")
      errors.push_back({"/started_at", "must be a UTC time (2026-11-01T00:00:00Z) or "
                                       "date (2026-11-01), not in the future"});
    else
      spec.started_at = *t;
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  in_tenant_region(ex, *id, "", [ex, id = *id, spec] {
    ex->ask_entity<tenant_record>(
        tenant_entity, id,
        [ex](tenant_record& t) { ex->reply_json(200, tenant_to_json(t)); },
        set_plan_atom::value, ex->meta(), spec);
  });
}

void cancel_tenant_plan(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  if (!empty_body(ex))
    return;
  in_tenant_region(ex, *id, "", [ex, id = *id] {
    ex->ask_entity<tenant_record>(
        tenant_entity, id,
        [ex](tenant_record& t) { ex->reply_json(200, tenant_to_json(t)); },
        cancel_plan_atom::value, ex->meta());
  });
}

} // namespace kyb::net::handlers

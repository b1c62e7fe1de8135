// Webhook endpoints and their deliveries (the node's webhook service,
// actors/webhooks/). Bodies are validated here: an endpoint's URL is https (http only
// with webhooks.allow_http), names a host, carries no credentials and, when it is an
// address, one the outbound client's SSRF rules let a tenant reach, on an allowed port;
// the events are known types. The secret is in the answer of a create and a rotation
// only.
#include <algorithm>

#include "actors/business/business_validation.hpp"
#include "actors/webhooks/webhook_actor.hpp"
#include "actors/webhooks/webhook_signature.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/list_page.hpp"
#include "net/handlers/object_body.hpp"
#include "net/outbound_address.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

json text_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json endpoint_json(const webhook_endpoint_data& e) {
  json j = {{"object", "webhook_endpoint"},
            {"id", e.id.to_string()},
            {"url", e.url},
            {"events", e.events},
            {"description", e.description},
            {"enabled", e.enabled},
            {"disabled_reason", text_or_null(e.disabled_reason)},
            {"previous_secret_expires_at", text_or_null(e.previous_secret_expires_at)},
            {"created_by", e.created_by},
            {"created_at", e.created_at},
            {"updated_at", e.updated_at}};
  if (!e.secret.empty())
    j["secret"] = e.secret;
  return j;
}

json delivery_json(const webhook_delivery_data& d) {
  return {{"object", "webhook_delivery"},
          {"id", d.id.to_string()},
          {"endpoint_id", d.endpoint_id.to_string()},
          {"event_id", d.event_id.to_string()},
          {"event_type", d.event_type},
          {"subject_id", d.subject_id.to_string()},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at",
           d.status == "pending" ? text_or_null(d.next_attempt_at) : json(nullptr)},
          {"last_attempt_at", text_or_null(d.last_attempt_at)},
          {"last_status_code",
           d.last_status_code > 0 ? json(d.last_status_code) : json(nullptr)},
          {"last_latency_ms",
           d.last_latency_ms >= 0 ? json(d.last_latency_ms) : json(nullptr)},
          {"last_error", text_or_null(d.last_error)},
          {"attempt_log", json::parse(d.attempt_log_json, nullptr, false).is_array()
                              ? json::parse(d.attempt_log_json)
                              : json::array()},
          {"created_at", d.created_at},
          {"delivered_at", text_or_null(d.delivered_at)}};
}

/// The host and port of an http(s) URL valid_url() accepted.
std::pair<std::string, uint16_t> host_port(const std::string& url) {
  bool https = url.size() > 5 && (url[4] == 's' || url[4] == 'S');
  auto start = url.find("://") + 3;
  auto end = url.find_first_of("/?#", start);
  auto authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  uint16_t port = https ? 443 : 80;
  auto colon = authority.rfind(':');
  if (colon != std::string::npos) {
    auto digits = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
    if (!digits.empty() && digits.size() <= 5 &&
        digits.find_first_not_of("0123456789") == std::string::npos &&
        std::stoi(digits) <= 65535)
      port = static_cast<uint16_t>(std::stoi(digits));
    else
      port = 0;
  }
  return {authority, port};
}

/// Reads a create (`creating`) or patch body; answers 400 and returns nullopt on a
/// problem.
std::optional<webhook_endpoint_input> read_endpoint(const exchange_ptr& ex,
                                                    bool creating) {
  auto body = ex->json_body();
  if (!body)
    return std::nullopt;
  if (!body->is_object()) {
    ex->reply_invalid({{"", "the body must be a JSON object"}});
    return std::nullopt;
  }
  const auto& settings = ex->services().platform->settings;
  webhook_endpoint_input in;
  std::vector<field_error> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "url") {
      std::string why;
      if (!v.is_string() || v.get<std::string>().size() > 2048) {
        errors.push_back({"/url", "must be a URL of at most 2048 characters"});
        continue;
      }
      auto url = v.get<std::string>();
      if (!valid_url(url, why)) {
        errors.push_back({"/url", why});
        continue;
      }
      bool https = url.rfind("https://", 0) == 0 || url.rfind("HTTPS://", 0) == 0;
      if (!https && !settings.webhooks.allow_http) {
        errors.push_back({"/url", "must be an https:// URL"});
        continue;
      }
      auto [host, port] = host_port(url);
      const auto& ports = settings.outbound.allowed_ports;
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
        errors.push_back({"/url", "port " + std::to_string(port) +
                                      " is not allowed (outbound.allowed_ports)"});
        continue;
      }
      // An address is checked now; a name is resolved and checked at every attempt.
      if (auto kind = classify_address(host);
          kind && *kind != address_kind::global && !settings.outbound.allow_private) {
        errors.push_back(
            {"/url", std::string("may not reach a ") + to_string(*kind) + " address"});
        continue;
      }
      in.url = url;
    } else if (key == "events") {
      if (!v.is_array() || v.empty()) {
        errors.push_back({"/events", "must be a non-empty array of event types"});
        continue;
      }
      std::vector<std::string> events;
      for (size_t i = 0; i < v.size(); ++i) {
        auto ptr = "/events/" + std::to_string(i);
        if (!v[i].is_string() || !webhooks::is_event_type(v[i].get<std::string>())) {
          errors.push_back({ptr,
                            "must be 'verification.completed', 'risk.level_changed', "
                            "'screening.hit_created' or 'import.completed'"});
          continue;
        }
        auto t = v[i].get<std::string>();
        if (std::find(events.begin(), events.end(), t) != events.end()) {
          errors.push_back({ptr, "'" + t + "' is listed twice"});
          continue;
        }
        events.push_back(t);
      }
      in.events = events;
    } else if (key == "description") {
      if (!v.is_string() || v.get<std::string>().size() > 500)
        errors.push_back({"/description", "must be a string of at most 500 characters"});
      else
        in.description = v.get<std::string>();
    } else if (key == "enabled" && !creating) {
      if (!v.is_boolean())
        errors.push_back({"/enabled", "must be true or false"});
      else
        in.enabled = v.get<bool>();
    } else {
      errors.push_back({"/" + key, "unknown member '" + key + "'"});
    }
  }
  if (creating && !in.url && !body->contains("url"))
    errors.push_back({"/url", "is required"});
  if (creating && !in.events && !body->contains("events"))
    errors.push_back({"/events", "is required"});
  if (!creating && errors.empty() && !in.url && !in.events && !in.description &&
      !in.enabled)
    errors.push_back({"", "name at least one of url, events, description, enabled"});
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return std::nullopt;
  }
  return in;
}

/// The node's webhook service, or a 503 and nullptr.
webhook_actor service_of(const exchange_ptr& ex) {
  const auto& slot = ex->services().webhooks;
  auto a = slot ? slot->get() : webhook_actor{};
  if (!a)
    ex->reply_problem(problem_type::unavailable, "the webhook service is not running",
                      {{"Retry-After", "5"}});
  return a;
}

} // namespace

void create_webhook_endpoint(const exchange_ptr& ex) {
  auto in = read_endpoint(ex, true);
  if (!in)
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_endpoint_data>(
      svc,
      [ex](webhook_endpoint_data& e) {
        ex->reply_json(201, endpoint_json(e),
                       {{"Location", "/v1/webhook-endpoints/" + e.id.to_string()}});
      },
      create_atom::value, ex->meta(), *in);
}

void list_webhook_endpoints(const exchange_ptr& ex) {
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<std::vector<webhook_endpoint_data>>(
      svc,
      [ex](std::vector<webhook_endpoint_data>& all) {
        auto data = json::array();
        for (auto& e : all)
          data.push_back(endpoint_json(e));
        ex->reply_json(
            200, {{"object", "list"}, {"data", std::move(data)}, {"has_more", false}});
      },
      list_atom::value, ex->meta());
}

void get_webhook_endpoint(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_endpoint_data>(
      svc, [ex](webhook_endpoint_data& e) { ex->reply_json(200, endpoint_json(e)); },
      get_atom::value, ex->meta(), *id);
}

void update_webhook_endpoint(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto in = read_endpoint(ex, false);
  if (!in)
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_endpoint_data>(
      svc, [ex](webhook_endpoint_data& e) { ex->reply_json(200, endpoint_json(e)); },
      update_atom::value, ex->meta(), *id, *in);
}

void delete_webhook_endpoint(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_endpoint_data>(
      svc,
      [ex](webhook_endpoint_data& e) {
        auto j = endpoint_json(e);
        j["deleted"] = true;
        j["enabled"] = false;
        ex->reply_json(200, j);
      },
      delete_atom::value, ex->meta(), *id);
}

void rotate_webhook_secret(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  int64_t overlap_ms = -1;
  if (!ex->req.body.empty()) {
    auto body = ex->json_body();
    if (!body)
      return;
    if (!body->is_object()) {
      ex->reply_invalid({{"", "the body must be a JSON object"}});
      return;
    }
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it.key() != "overlap_seconds") {
        ex->reply_invalid({{"/" + it.key(), "unknown member '" + it.key() + "'"}});
        return;
      }
      auto& v = it.value();
      if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
          v.get<int64_t>() > 30 * 86400) {
        ex->reply_invalid(
            {{"/overlap_seconds", "must be a whole number of seconds from 0 "
                                  "to 2592000 (30 days)"}});
        return;
      }
      overlap_ms = v.get<int64_t>() * 1000;
    }
  }
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_endpoint_data>(
      svc, [ex](webhook_endpoint_data& e) { ex->reply_json(200, endpoint_json(e)); },
      rotate_secret_atom::value, ex->meta(), *id, overlap_ms);
}

void list_webhook_deliveries(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto page = cursor_page(ex);
  if (!page)
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  auto [cursor, limit] = *page;
  ex->ask<webhook_delivery_page>(
      svc,
      [ex](webhook_delivery_page& page) {
        auto data = json::array();
        for (auto& d : page.items)
          data.push_back(delivery_json(d));
        ex->reply_json(200, list_page_json(std::move(data), page.next_cursor));
      },
      deliveries_atom::value, ex->meta(), *id, cursor, limit);
}

void redeliver_webhook(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  if (!empty_body(ex))
    return;
  auto svc = service_of(ex);
  if (!svc)
    return;
  ex->ask<webhook_delivery_data>(
      svc, [ex](webhook_delivery_data& d) { ex->reply_json(202, delivery_json(d)); },
      redeliver_atom::value, ex->meta(), *id);
}

} // namespace kyb::net::handlers

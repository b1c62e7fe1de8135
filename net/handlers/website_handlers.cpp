// Website analysis of businesses (the business actor's website flow, through the node's
// website service).
#include "actors/website/business_website.hpp"
#include "net/handlers/handlers.hpp"
#include "net/http_error.hpp"

namespace kyb::net::handlers {

using namespace kyb::actors;

void analyse_business_website(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  website_request req;
  if (!ex->req.body.empty()) {
    auto body = ex->json_body();
    if (!body)
      return;
    if (!body->is_object()) {
      ex->reply_error(invalid_fields({{"", "the body must be a JSON object"}}));
      return;
    }
    std::vector<problem_field_error> errors;
    for (auto& [name, value] : body->items()) {
      if (name == "url") {
        if (value.is_string() && !value.get<std::string>().empty() &&
            value.get<std::string>().size() <= 2048)
          req.url = value.get<std::string>();
        else if (!value.is_null())
          errors.push_back({"/url", "url must be an http(s) URL of at most 2048 bytes"});
      } else if (name == "refresh") {
        if (value.is_boolean())
          req.refresh = value.get<bool>();
        else if (!value.is_null())
          errors.push_back({"/refresh", "refresh must be true or false"});
      } else {
        errors.push_back({"/" + name, "unknown member '" + name + "'"});
      }
    }
    if (!req.url.empty() && req.url.rfind("http://", 0) != 0 &&
        req.url.rfind("https://", 0) != 0)
      errors.push_back({"/url", "url must start with http:// or https://"});
    if (!errors.empty()) {
      ex->reply_error(invalid_fields(std::move(errors)));
      return;
    }
  }
  const auto& slot = ex->services().website;
  if (!slot || !slot->get()) {
    ex->reply_problem(problem_type::unavailable, "no website service runs on this node",
                      {{"Retry-After", "5"}});
    return;
  }
  req.service = slot->get();
  ex->ask_entity<business_website>(
      business_entity, *id,
      [ex](business_website& w) {
        // 201: a new analysis was stored; 200: a stored one still holds.
        ex->respond(w.cached ? 200 : 201, "application/json",
                    website_json_text(*w.data, w.cached));
      },
      analyse_website_atom::value, ex->meta(), req);
}

void get_business_website(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_website>(
      business_entity, *id,
      [ex](business_website& w) {
        ex->respond(200, "application/json", website_json_text(*w.data, w.cached));
      },
      latest_website_atom::value, ex->meta());
}

} // namespace kyb::net::handlers

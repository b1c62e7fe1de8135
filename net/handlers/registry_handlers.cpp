// Registry lookups of businesses (the business actor's registry flow, through the
// node's registry service).
#include "actors/registry/business_registry.hpp"
#include "net/handlers/handlers.hpp"
#include "net/http_error.hpp"

namespace kyb::net::handlers {

using namespace kyb::actors;

namespace {

/// `value` if it is a string of 1..`max` characters from `allowed`, else an error.
bool identifier(const nlohmann::json& value, size_t max, const char* allowed,
                std::string& out) {
  if (!value.is_string())
    return false;
  auto s = value.get<std::string>();
  if (s.empty() || s.size() > max || s.find_first_not_of(allowed) != std::string::npos)
    return false;
  out = std::move(s);
  return true;
}

} // namespace

void lookup_business_registry(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  registry_request req;
  if (!ex->req.body.empty()) {
    auto body = ex->json_body();
    if (!body)
      return;
    if (!body->is_object()) {
      ex->reply_error(invalid_fields({{"", "the body must be a JSON object"}}));
      return;
    }
    static const char* upper_digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::vector<problem_field_error> errors;
    for (auto& [name, value] : body->items()) {
      if (value.is_null())
        continue;
      if (name == "registry") {
        if (!identifier(value, 40, "abcdefghijklmnopqrstuvwxyz_", req.registry))
          errors.push_back({"/registry", "registry must be one of gleif, "
                                         "companies_house, sec_edgar, opencorporates"});
      } else if (name == "lei") {
        if (!identifier(value, 20, upper_digits, req.lei) || req.lei.size() != 20)
          errors.push_back(
              {"/lei", "lei must be 20 upper-case letters and digits (ISO 17442)"});
      } else if (name == "cik") {
        if (!identifier(value, 10, "0123456789", req.cik))
          errors.push_back({"/cik", "cik must be 1 to 10 digits"});
      } else if (name == "ticker") {
        if (!identifier(value, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", req.ticker))
          errors.push_back({"/ticker", "ticker must be 1 to 10 upper-case letters, "
                                       "digits, '.' or '-'"});
      } else if (name == "refresh") {
        if (value.is_boolean())
          req.refresh = value.get<bool>();
        else
          errors.push_back({"/refresh", "refresh must be true or false"});
      } else {
        errors.push_back({"/" + name, "unknown member '" + name + "'"});
      }
    }
    if (!errors.empty()) {
      ex->reply_error(invalid_fields(std::move(errors)));
      return;
    }
  }
  const auto& slot = ex->services().registry;
  if (!slot || !slot->get()) {
    ex->reply_problem(problem_type::unavailable, "no registry service runs on this node",
                      {{"Retry-After", "5"}});
    return;
  }
  req.service = slot->get();
  ex->ask_entity<business_registry>(
      business_entity, *id,
      [ex, id = *id](business_registry& r) {
        // 201: new lookups were stored; 200: stored ones still hold.
        ex->respond(r.cached ? 200 : 201, "application/json",
                    registry_json_text(id, *r.lookups, r.cached));
      },
      lookup_registry_atom::value, ex->meta(), req);
}

void get_business_registry(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_registry>(
      business_entity, *id,
      [ex, id = *id](business_registry& r) {
        ex->respond(200, "application/json", registry_json_text(id, *r.lookups, true));
      },
      latest_registry_atom::value, ex->meta());
}

} // namespace kyb::net::handlers

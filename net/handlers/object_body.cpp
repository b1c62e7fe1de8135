#include "net/handlers/object_body.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "actors/business/business_validation.hpp"

namespace kyb::net::handlers {

using actors::field_error;

std::optional<nlohmann::json> read_object(const exchange_ptr& ex,
                                          std::initializer_list<const char*> known,
                                          std::initializer_list<const char*> required,
                                          std::initializer_list<const char*> numbers) {
  auto body = ex->json_body();
  if (!body)
    return std::nullopt;
  if (!body->is_object()) {
    ex->reply_invalid({{"", "the body must be a JSON object"}});
    return std::nullopt;
  }
  std::vector<field_error> errors;
  for (auto it = body->begin(); it != body->end(); ++it) {
    bool is_known = false;
    for (auto k : known)
      is_known = is_known || it.key() == k;
    if (!is_known) {
      errors.push_back({"/" + it.key(), "is not a known field"});
      continue;
    }
    bool is_number = false;
    for (auto n : numbers)
      is_number = is_number || it.key() == n;
    if (it->is_null())
      continue;
    if (is_number && !it->is_number())
      errors.push_back({"/" + it.key(), "must be a number"});
    else if (!is_number && !it->is_string())
      errors.push_back({"/" + it.key(), "must be a string"});
  }
  for (auto r : required) {
    auto it = body->find(r);
    if (it == body->end() || it->is_null())
      errors.push_back({std::string("/") + r, "is required"});
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return std::nullopt;
  }
  return body;
}

std::optional<std::string> opt_string(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null())
    return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> utc_time(const std::string& t) {
  if (t.size() == 10)
    return actors::is_iso_date(t) ? std::optional<std::string>(t + "T00:00:00Z")
                                  : std::nullopt;
  if (t.size() != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return std::nullopt;
  if (!actors::is_iso_date(t.substr(0, 10)))
    return std::nullopt;
  for (size_t i : {11, 12, 14, 15, 17, 18})
    if (!std::isdigit(static_cast<unsigned char>(t[i])))
      return std::nullopt;
  if (std::stoi(t.substr(11, 2)) >= 24 || std::stoi(t.substr(14, 2)) >= 60 ||
      std::stoi(t.substr(17, 2)) >= 60)
    return std::nullopt;
  return t;
}

bool empty_body(const exchange_ptr& ex) {
  if (ex->req.body.empty())
    return true;
  auto body = ex->json_body();
  if (!body)
    return false;
  if (!body->is_object() || !body->empty()) {
    ex->reply_invalid({{"", "the body must be empty or {}"}});
    return false;
  }
  return true;
}

} // namespace kyb::net::handlers

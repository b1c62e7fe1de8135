#include "net/handlers/object_body.hpp"

#include <string>
#include <vector>

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

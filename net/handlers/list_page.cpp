#include "net/handlers/list_page.hpp"

namespace kyb::net::handlers {

std::optional<std::pair<std::string, uint32_t>> cursor_page(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return std::nullopt;
  for (auto& [name, value] : *q)
    if (name != "cursor" && name != "limit") {
      ex->reply_invalid({{name, "unknown query parameter '" + name + "'"}});
      return std::nullopt;
    }
  return ex->page_params(*q);
}

nlohmann::json list_page_json(nlohmann::json data, const std::string& next_cursor) {
  bool more = !next_cursor.empty();
  return {{"object", "list"},
          {"data", std::move(data)},
          {"next_cursor", more ? nlohmann::json(next_cursor) : nlohmann::json(nullptr)},
          {"has_more", more}};
}

} // namespace kyb::net::handlers

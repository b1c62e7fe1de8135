// The list endpoints' shared shape: ?cursor= and ?limit= (and no other query
// parameter), and the answer {"object": "list", "data": [...], "next_cursor",
// "has_more"}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "net/exchange.hpp"

namespace kyb::net::handlers {

/// The cursor ("" when absent) and limit of a list request; answers 400 and returns
/// nullopt on a malformed query, a bad cursor or limit, or another query parameter.
std::optional<std::pair<std::string, uint32_t>> cursor_page(const exchange_ptr& ex);

/// The list answer: `data` and, when `next_cursor` is not empty, more to read from it.
nlohmann::json list_page_json(nlohmann::json data, const std::string& next_cursor);

} // namespace kyb::net::handlers

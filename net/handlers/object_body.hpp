// A flat JSON object body, as the engine endpoints take it (screening, classification):
// every member known, strings and numbers checked for type, required ones present. The
// values themselves are the engine's to judge.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "net/exchange.hpp"

namespace kyb::net::handlers {

/// Reads a JSON object body whose members are all in `known` (strings, or numbers for
/// those in `numbers`; null means absent) and that has every member in `required`.
/// Answers 400/413/415 and returns nullopt on a problem.
std::optional<nlohmann::json>
read_object(const exchange_ptr& ex, std::initializer_list<const char*> known,
            std::initializer_list<const char*> required,
            std::initializer_list<const char*> numbers = {});

/// For actions that take no input: an empty body or `{}` passes; anything else answers
/// 400 (or the body's own 413/415) and returns false.
bool empty_body(const exchange_ptr& ex);

/// An RFC 3339 UTC time ("2026-11-25T00:00:00Z") or a date ("2026-11-25": its midnight
/// UTC) as a UTC time "YYYY-MM-DDTHH:MM:SSZ" (which compare as text); nullopt for
/// anything else.
std::optional<std::string> utc_time(const std::string& text);

/// The string member `key`, or nullopt when absent or null.
std::optional<std::string> opt_string(const nlohmann::json& body, const char* key);

} // namespace kyb::net::handlers

// Keys of shared (non-actor) caches:
//   prefix + ":" + sha256(canonical JSON)[:16]
// where the canonical JSON of an object is Python's json.dumps(data, sort_keys=True)
// (", " and ": " separators, non-ASCII escaped as \uXXXX) and any other value is its
// Python str(). A Python service that builds its keys the same way shares them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kyb::runtime {

/// The key of `data` under `prefix` (see above).
std::string generate_cache_key(const std::string& prefix, const nlohmann::json& data);

/// Python's json.dumps(value, sort_keys=True) of a JSON value.
std::string python_json_dumps(const nlohmann::json& value);

} // namespace kyb::runtime

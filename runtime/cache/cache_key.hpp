// Keys of shared (non-actor) caches, as the seed's generate_cache_key makes them:
//   prefix + ":" + sha256(canonical JSON)[:16]
// where the canonical JSON of an object is Python's json.dumps(data, sort_keys=True)
// (", " and ": " separators, non-ASCII escaped as \uXXXX) and any other value is its
// Python str(). Keys therefore match those of services written against the seed.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kyb::runtime {

/// The seed's generate_cache_key(prefix, data).
std::string generate_cache_key(const std::string& prefix, const nlohmann::json& data);

/// Python's json.dumps(value, sort_keys=True) of a JSON value.
std::string python_json_dumps(const nlohmann::json& value);

} // namespace kyb::runtime

// Reads the node configuration: one INI-style file format with KYB_* environment
// overrides; every default lives in defaults.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace kyb::config {

/// A configuration problem, always naming the key it is about.
struct config_error {
  std::string key;     ///< "http.max_body_bytes", or "" for file-level problems.
  std::string source;  ///< "default", "file:line" or "env KYB_HTTP_MAX_BODY_BYTES".
  std::string message; ///< What is wrong and what was expected.

  std::string to_string() const;
};

/// Result of loading: either settings or the first error found.
struct load_result {
  std::optional<settings> value;
  std::optional<config_error> error;
  explicit operator bool() const { return value.has_value(); }
};

/// Environment as name -> value (tests pass their own; the node passes environ).
using environment = std::map<std::string, std::string>;

/// Returns the process environment restricted to KYB_* variables.
environment process_environment();

/// Loads defaults, then `path` (if not empty; a missing file is an error), then `env`.
load_result load(const std::string& path, const environment& env);

/// Loads defaults, then the given INI text (for tests), then `env`.
load_result load_text(const std::string& text, const environment& env);

/// One documented option: its key, default and help text.
struct option_doc {
  std::string key;
  std::string default_value;
  std::string help;
};

/// All options with their defaults (`kyb-node --print-defaults`).
std::vector<option_doc> documented_options();

/// The environment variable that overrides `key`: "http.max_body_bytes" ->
/// "KYB_HTTP_MAX_BODY_BYTES".
std::string env_name(const std::string& key);

// Value parsers, exposed for reuse and tests. Each returns std::nullopt on a bad value.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
std::optional<size_t> parse_size(const std::string& text);
std::optional<bool> parse_bool(const std::string& text);
/// Calendar months: "13months", "1month", "18mo", "7y", "2years" -> 13, 1, 18, 84, 24.
std::optional<int> parse_months(const std::string& text);

} // namespace kyb::config

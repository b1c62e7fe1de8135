// Structured logs: one JSON object per line on stderr, written by a background
// thread so that callers (brokers, actors) never wait on the terminal or a pipe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kyb::base {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

/// Parses "debug", "info", "warn", "error"; anything else yields info.
log_level parse_log_level(std::string_view name);

class logger {
public:
  /// The process-wide logger.
  static logger& global();

  void set_level(log_level level) noexcept;
  bool enabled(log_level level) const noexcept;

  /// Writes {"ts","level","event",...fields} as one line. `fields` must be an object.
  void write(log_level level, std::string_view event, const nlohmann::json& fields = {});
  /// Queues a line that is already a complete JSON object (the access log builds its
  /// own).
  void write_line(std::string line);
  /// Blocks until everything queued so far is written.
  void flush();

  /// Stops the writer thread after writing what is queued.
  ~logger();

private:
  logger();
  struct impl;
  impl* impl_;
};

inline void log_debug(std::string_view event, const nlohmann::json& fields = {}) {
  if (logger::global().enabled(log_level::debug))
    logger::global().write(log_level::debug, event, fields);
}
inline void log_info(std::string_view event, const nlohmann::json& fields = {}) {
  logger::global().write(log_level::info, event, fields);
}
inline void log_warn(std::string_view event, const nlohmann::json& fields = {}) {
  logger::global().write(log_level::warn, event, fields);
}
inline void log_error(std::string_view event, const nlohmann::json& fields = {}) {
  logger::global().write(log_level::error, event, fields);
}

/// Appends `s` to `out` as a JSON string body (without quotes); invalid UTF-8 bytes
/// are replaced with U+FFFD so a log line is always valid JSON.
void append_json_escaped(std::string& out, std::string_view s);

/// Current UTC time as RFC 3339 with microseconds: 2026-11-25T16:00:00.123456Z.
std::string utc_timestamp();

} // namespace kyb::base

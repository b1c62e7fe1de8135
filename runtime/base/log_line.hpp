// One structured log line as text, for writers that batch their lines and hand them to
// logger::write_line in blocks (the HTTP access log): the same line logger::write
// queues.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/base/log.hpp"

namespace kyb::base {

/// Appends the log line {"ts","level","event",...fields} (fields in key order, no
/// newline) to `out`. `fields` must be an object.
void append_log_line(std::string& out, log_level level, std::string_view event,
                     const nlohmann::json& fields);

/// The start of such a line, up to its event: a writer that appends its own fields
/// (`,"key":value`, in key order) without building a JSON object closes it with '}'.
void append_log_line_start(std::string& out, log_level level, std::string_view event);

} // namespace kyb::base

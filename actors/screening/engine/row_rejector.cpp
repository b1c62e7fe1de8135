#include "actors/screening/engine/row_rejector.hpp"

namespace kyb::screening {

std::optional<load_error> row_rejector::reject(const std::string& file, size_t line,
                                               std::string message) {
  ++rejected_;
  if (rejected_ > options_.max_bad_rows) {
    if (options_.max_bad_rows > 0)
      message +=
          " (more than " + std::to_string(options_.max_bad_rows) + " bad rows allowed)";
    return load_error{file, line, std::move(message)};
  }
  list_.warn(file, line, "row skipped: " + message);
  return std::nullopt;
}

} // namespace kyb::screening

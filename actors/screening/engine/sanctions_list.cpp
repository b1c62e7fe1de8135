#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

namespace {

std::string format_location(const std::string& file, size_t line,
                            const std::string& message) {
  std::string s = file;
  if (line > 0)
    s += ":" + std::to_string(line);
  s += ": ";
  s += message;
  return s;
}

} // namespace

std::string load_error::to_string() const {
  return format_location(file, line, message);
}

std::string load_warning::to_string() const {
  return format_location(file, line, message);
}

void sanctions_list::warn(std::string file, size_t line, std::string message) {
  ++metadata.warning_count;
  if (warnings.size() < max_kept_warnings)
    warnings.push_back(load_warning{std::move(file), line, std::move(message)});
}

} // namespace kyb::screening

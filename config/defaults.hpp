// The one table of configuration options: key, default, help, and how a value is
// parsed into settings. config.cpp applies it; nothing else holds a default.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace kyb::config::detail {

/// Parses `value` into `s`; returns an error message naming what was expected.
using apply_fn =
    std::function<std::optional<std::string>(settings& s, const std::string& value)>;

struct option {
  const char* key;
  const char* default_value;
  const char* help;
  apply_fn apply;
};

/// Every option the node understands, in documentation order.
const std::vector<option>& options();

/// Checks that hold across options (e.g. default page limit <= max page limit).
std::optional<std::string> cross_check(const settings& s, std::string& key);

} // namespace kyb::config::detail

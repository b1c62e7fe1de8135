#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "config/defaults.hpp"
#include "runtime/base/text.hpp"

extern char** environ;

namespace kyb::config {

namespace {

const detail::option* find_option(const std::string& key) {
  for (auto& o : detail::options())
    if (key == o.key)
      return &o;
  return nullptr;
}

struct raw_value {
  std::string value;
  std::string source;
};

/// Parses INI text into key -> value; reports the first syntax problem.
std::optional<config_error> parse_ini(const std::string& text, const std::string& name,
                                      std::map<std::string, raw_value>& out) {
  std::istringstream in(text);
  std::string line;
  std::string section;
  int lineno = 0;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    ++lineno;
    auto where = name + ":" + std::to_string(lineno);
    auto t = base::trim_copy(line);
    if (t.empty() || t[0] == '#' || t[0] == ';')
      continue;
    if (t.front() == '[') {
      if (t.back() != ']' || t.size() < 3)
        return config_error{"", where, "malformed section header '" + t + "'"};
      section = base::trim_copy(t.substr(1, t.size() - 2));
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos)
      return config_error{"", where, "expected 'key = value', got '" + t + "'"};
    auto key = base::trim_copy(t.substr(0, eq));
    auto value = base::trim_copy(t.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    auto full = section.empty() ? key : section + "." + key;
    if (!find_option(full))
      return config_error{full, where, "unknown option"};
    if (!seen.insert(full).second)
      return config_error{full, where, "set twice in the same file"};
    out[full] = raw_value{value, where};
  }
  return std::nullopt;
}

load_result finish(std::map<std::string, raw_value> values, const environment& env) {
  for (auto& o : detail::options()) {
    auto it = env.find(env_name(o.key));
    if (it != env.end())
      values[o.key] = raw_value{it->second, "env " + it->first};
  }
  settings s;
  for (auto& o : detail::options()) {
    auto it = values.find(o.key);
    raw_value rv =
        it != values.end() ? it->second : raw_value{o.default_value, "default"};
    if (auto err = o.apply(s, rv.value))
      return load_result{std::nullopt, config_error{o.key, rv.source, *err}};
  }
  std::string key;
  if (auto err = detail::cross_check(s, key)) {
    auto it = values.find(key);
    return load_result{
        std::nullopt,
        config_error{key, it != values.end() ? it->second.source : "default", *err}};
  }
  return load_result{std::move(s), std::nullopt};
}

} // namespace

std::vector<std::string> comma_list(std::string_view v) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= v.size()) {
    auto j = v.find(',', i);
    if (j == std::string::npos)
      j = v.size();
    auto item = v.substr(i, j - i);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty())
      out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

std::string config_error::to_string() const {
  std::string out = "configuration error";
  if (!key.empty())
    out += ": " + key;
  if (!source.empty())
    out += " (" + source + ")";
  return out + ": " + message;
}

environment process_environment() {
  environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("KYB_", 0) == 0)
      env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

std::string env_name(const std::string& key) {
  std::string out = "KYB_";
  for (char c : key)
    out +=
        c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

load_result load_text(const std::string& text, const environment& env) {
  std::map<std::string, raw_value> values;
  if (auto err = parse_ini(text, "<text>", values))
    return load_result{std::nullopt, *err};
  return finish(std::move(values), env);
}

load_result load(const std::string& path, const environment& env) {
  std::map<std::string, raw_value> values;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return load_result{std::nullopt, config_error{"", path, "cannot read the file"}};
    std::stringstream buf;
    buf << in.rdbuf();
    if (auto err = parse_ini(buf.str(), path, values))
      return load_result{std::nullopt, *err};
  }
  return finish(std::move(values), env);
}

std::vector<option_doc> documented_options() {
  std::vector<option_doc> out;
  for (auto& o : detail::options())
    out.push_back({o.key, o.default_value, o.help});
  return out;
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  auto t = base::trim_copy(text);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.'))
    ++i;
  if (i == 0 || i > 15)
    return std::nullopt;
  double n = 0;
  try {
    size_t pos = 0;
    n = std::stod(t.substr(0, i), &pos);
    if (pos != i)
      return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  auto unit = base::trim_copy(t.substr(i));
  double factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "min" || unit == "m")
    factor = 60000;
  else if (unit == "h")
    factor = 3600000;
  else if (unit == "d")
    factor = 86400000;
  else
    return std::nullopt;
  // Beyond what milliseconds hold (15 digits of days are): refused, not undefined.
  double count = n * factor + 0.5;
  if (!(count < static_cast<double>(std::numeric_limits<long long>::max())))
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<long long>(count)};
}

std::optional<int> parse_months(const std::string& text) {
  auto t = base::trim_copy(text);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
    ++i;
  if (i == 0 || i > 5)
    return std::nullopt;
  int n = std::stoi(t.substr(0, i));
  auto unit = base::trim_copy(t.substr(i));
  if (unit == "months" || unit == "month" || unit == "mo")
    return n;
  if (unit == "years" || unit == "year" || unit == "y")
    return n * 12;
  return std::nullopt;
}

std::optional<size_t> parse_size(const std::string& text) {
  auto t = base::trim_copy(text);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
    ++i;
  if (i == 0 || i > 15)
    return std::nullopt;
  size_t n = std::stoull(t.substr(0, i));
  auto unit = base::trim_copy(t.substr(i));
  size_t factor = 0;
  if (unit.empty() || unit == "B")
    factor = 1;
  else if (unit == "KiB" || unit == "K" || unit == "KB")
    factor = size_t{1} << 10;
  else if (unit == "MiB" || unit == "M" || unit == "MB")
    factor = size_t{1} << 20;
  else if (unit == "GiB" || unit == "G" || unit == "GB")
    factor = size_t{1} << 30;
  else
    return std::nullopt;
  if (n > std::numeric_limits<size_t>::max() / factor)
    return std::nullopt; // would wrap around to a small size
  return n * factor;
}

std::optional<bool> parse_bool(const std::string& text) {
  auto t = base::trim_copy(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "yes" || t == "on" || t == "1")
    return true;
  if (t == "false" || t == "no" || t == "off" || t == "0")
    return false;
  return std::nullopt;
}

} // namespace kyb::config

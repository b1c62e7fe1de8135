#include "runtime/cache/cache_key.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "runtime/base/crypto.hpp"
#include "runtime/base/json_escape.hpp"

namespace kyb::runtime {

namespace {

/// Python's repr() of a float: the shortest digits that round-trip, written in fixed
/// notation when the decimal exponent is in [-4, 16), else as d.ddde+XX.
std::string python_float(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr); // e.g. "-1.2345e+03"
  bool neg = sci[0] == '-';
  if (neg)
    sci.erase(0, 1);
  auto epos = sci.find('e');
  std::string mantissa = sci.substr(0, epos);
  int exp = std::stoi(sci.substr(epos + 1));
  std::string digits;
  for (char c : mantissa)
    if (c != '.')
      digits += c;
  std::string out;
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      if (static_cast<int>(digits.size()) <= exp + 1) {
        out = digits + std::string(exp + 1 - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
      }
    } else {
      out = "0." + std::string(-exp - 1, '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1)
      out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += e;
  }
  return neg ? "-" + out : out;
}

/// Appends `s` as a Python json string literal with ensure_ascii=True.
void python_string(std::string& out, const std::string& s) {
  out += '"';
  base::append_json_escaped(out, s, base::json_escape::ascii);
  out += '"';
}

void dump(std::string& out, const nlohmann::json& v) {
  switch (v.type()) {
  case nlohmann::json::value_t::null:
    out += "null";
    break;
  case nlohmann::json::value_t::boolean:
    out += v.get<bool>() ? "true" : "false";
    break;
  case nlohmann::json::value_t::number_integer:
    out += std::to_string(v.get<int64_t>());
    break;
  case nlohmann::json::value_t::number_unsigned:
    out += std::to_string(v.get<uint64_t>());
    break;
  case nlohmann::json::value_t::number_float:
    out += python_float(v.get<double>());
    break;
  case nlohmann::json::value_t::string:
    python_string(out, v.get_ref<const std::string&>());
    break;
  case nlohmann::json::value_t::array: {
    out += '[';
    bool first = true;
    for (auto& x : v) {
      if (!first)
        out += ", ";
      first = false;
      dump(out, x);
    }
    out += ']';
    break;
  }
  case nlohmann::json::value_t::object: {
    // nlohmann's default object is a std::map: keys iterate sorted by bytes, which for
    // UTF-8 is code point order, the order Python's sort_keys uses.
    out += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first)
        out += ", ";
      first = false;
      python_string(out, it.key());
      out += ": ";
      dump(out, it.value());
    }
    out += '}';
    break;
  }
  default:
    out += "null";
  }
}

} // namespace

std::string python_json_dumps(const nlohmann::json& value) {
  std::string out;
  dump(out, value);
  return out;
}

std::string generate_cache_key(const std::string& prefix, const nlohmann::json& data) {
  std::string text;
  if (data.is_object())
    text = python_json_dumps(data);
  else if (data.is_string())
    text = data.get<std::string>(); // str() of a str is the str
  else if (data.is_boolean())
    text = data.get<bool>() ? "True" : "False";
  else if (data.is_null())
    text = "None";
  else
    text = python_json_dumps(data); // numbers print the same; lists approximately
  return prefix + ":" + base::sha256_hex(text).substr(0, 16);
}

} // namespace kyb::runtime

#include "actors/registry/json_reader.hpp"

#include <cctype>
#include <cmath>

namespace kyb::registry::detail {

std::string join_path(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty())
    out.push_back('.');
  out.append(key);
  return out;
}

std::string clip(const std::string& s, size_t n) {
  if (s.size() <= n)
    return s;
  // Back up to the start of a UTF-8 sequence: the message must stay valid UTF-8 (the
  // JSON writer refuses anything else).
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return s.substr(0, n) + "...";
}

std::string a_type(const json& v) {
  if (v.is_null())
    return "null";
  std::string t = v.type_name();
  return (t == "object" || t == "array" ? "an " : "a ") + t;
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool json_reader::parse(std::string_view body) {
  if (body.empty()) {
    fail("", "empty body");
    return false;
  }
  // allow_exceptions = false: a syntax error gives a discarded value, never a throw.
  root_ = json::parse(body, nullptr, false);
  if (root_.is_discarded()) {
    fail("", "not valid JSON (malformed or truncated, " + std::to_string(body.size()) +
                 " bytes)");
    return false;
  }
  if (!root_.is_object()) {
    fail("", "the top level is " + a_type(root_) + ", expected an object");
    return false;
  }
  return true;
}

void json_reader::fail(std::string_view path, const std::string& what) {
  if (failed_)
    return;
  failed_ = true;
  message_ =
      document_ + ": " + (path.empty() ? std::string() : std::string(path) + " ") + what;
}

lookup_error json_reader::error() const {
  lookup_error e;
  e.registry = registry_;
  e.code = lookup_error_code::malformed_response;
  e.message = message_;
  return e;
}

const json* json_reader::member(const json& obj, std::string_view path, const char* key,
                                bool required) {
  if (!obj.is_object()) {
    fail(path, "is " + detail::a_type(obj) + ", expected an object");
    return nullptr;
  }
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required)
      fail(join_path(path, key), "is missing");
    return nullptr;
  }
  return &*it;
}

const json* json_reader::object(const json& obj, std::string_view path, const char* key,
                                bool required) {
  auto v = member(obj, path, key, required);
  if (v && !v->is_object()) {
    fail(join_path(path, key), "is " + detail::a_type(*v) + ", expected an object");
    return nullptr;
  }
  return v;
}

const json* json_reader::array(const json& obj, std::string_view path, const char* key,
                               bool required) {
  auto v = member(obj, path, key, required);
  if (v && !v->is_array()) {
    fail(join_path(path, key), "is " + detail::a_type(*v) + ", expected an array");
    return nullptr;
  }
  return v;
}

std::string json_reader::str(const json& obj, std::string_view path, const char* key,
                             bool required) {
  auto v = opt_str(obj, path, key);
  if (!v) {
    if (required && !failed_)
      fail(join_path(path, key), "is missing");
    return {};
  }
  if (required && v->empty())
    fail(join_path(path, key), "is empty");
  return std::move(*v);
}

std::optional<std::string> json_reader::opt_str(const json& obj, std::string_view path,
                                                const char* key) {
  auto v = member(obj, path, key, false);
  if (!v)
    return std::nullopt;
  if (!v->is_string()) {
    fail(join_path(path, key), "is " + detail::a_type(*v) + ", expected a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> json_reader::date(const json& obj, std::string_view path,
                                             const char* key) {
  auto v = opt_str(obj, path, key);
  if (!v || v->empty())
    return std::nullopt;
  auto d = v->substr(0, 10);
  if (!is_date(d) || (v->size() > 10 && (*v)[10] != 'T')) {
    fail(join_path(path, key), "is \"" + clip(*v, 40) + "\", expected a date");
    return std::nullopt;
  }
  return d;
}

std::optional<int64_t> json_reader::integer(const json& obj, std::string_view path,
                                            const char* key, int64_t min, int64_t max,
                                            bool digits_ok) {
  auto v = member(obj, path, key, false);
  if (!v)
    return std::nullopt;
  auto where = join_path(path, key);
  auto out_of_range = [&]() {
    fail(where,
         "is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  };
  if (v->is_number_unsigned()) {
    auto u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(max))
      return out_of_range();
    auto i = static_cast<int64_t>(u);
    if (i < min)
      return out_of_range();
    return i;
  }
  if (v->is_number_integer()) {
    auto i = v->get<int64_t>();
    if (i < min || i > max)
      return out_of_range();
    return i;
  }
  if (v->is_number_float()) {
    // Integers beyond 64 bits arrive as doubles: out of range, not a fraction.
    double d = v->get<double>();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18)
      return out_of_range();
    if (d != std::floor(d)) {
      fail(where, "is a fraction, expected an integer");
      return std::nullopt;
    }
    auto i = static_cast<int64_t>(d);
    if (i < min || i > max)
      return out_of_range();
    return i;
  }
  if (digits_ok && v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    bool all_digits = !s.empty() && s.size() <= 18;
    for (char c : s)
      all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    if (!all_digits) {
      fail(where, "is \"" + clip(s, 40) + "\", expected at most 18 digits");
      return std::nullopt;
    }
    auto i = std::stoll(s);
    if (i < min || i > max)
      return out_of_range();
    return i;
  }
  fail(where, "is " + detail::a_type(*v) + ", expected an integer");
  return std::nullopt;
}

std::optional<bool> json_reader::boolean(const json& obj, std::string_view path,
                                         const char* key) {
  auto v = member(obj, path, key, false);
  if (!v)
    return std::nullopt;
  if (!v->is_boolean()) {
    fail(join_path(path, key), "is " + detail::a_type(*v) + ", expected a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

} // namespace kyb::registry::detail

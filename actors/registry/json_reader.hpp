// Reads a registry's JSON document without exceptions: the body is parsed once
// (nothing is thrown on bad input), and every field access checks the type, so the
// first problem becomes a lookup_error naming the registry, the document and the
// field's path. Null counts as absent. Internal to the registry engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/registry/registry_result.hpp"

namespace kyb::registry::detail {

using json = nlohmann::json;

class json_reader {
public:
  /// `document` names what is read ("lei-record", "company profile").
  json_reader(registry_kind registry, std::string document)
      : registry_(registry), document_(std::move(document)) {}

  /// Parses `body`; false (and error() set) when it is empty or not JSON, or its top
  /// level is not an object.
  bool parse(std::string_view body);
  /// The parsed document (valid after parse() returned true).
  const json& root() const noexcept { return root_; }

  /// The member `key` of `obj` if it is an object; null when absent or null (an
  /// error when `required`); an error when of another type.
  const json* object(const json& obj, std::string_view path, const char* key,
                     bool required = false);
  /// Same for an array.
  const json* array(const json& obj, std::string_view path, const char* key,
                    bool required = false);
  /// A string member ("" when absent or null; an error for other types, or when
  /// `required` and absent). Numbers are not converted.
  std::string str(const json& obj, std::string_view path, const char* key,
                  bool required = false);
  /// A string member that may be absent.
  std::optional<std::string> opt_str(const json& obj, std::string_view path,
                                     const char* key);
  /// A date member: "YYYY-MM-DD" or an RFC 3339 time starting with one; the date
  /// part. Other text is an error.
  std::optional<std::string> date(const json& obj, std::string_view path,
                                  const char* key);
  /// An integer member (JSON integer, or a string of digits when `digits_ok`) within
  /// [min, max]; out of range or fractional: an error.
  std::optional<int64_t> integer(const json& obj, std::string_view path, const char* key,
                                 int64_t min, int64_t max, bool digits_ok = false);
  /// A boolean member.
  std::optional<bool> boolean(const json& obj, std::string_view path, const char* key);

  /// Records a problem at `path` (only the first is kept).
  void fail(std::string_view path, const std::string& what);
  bool failed() const noexcept { return failed_; }
  /// The first problem as a malformed_response error.
  lookup_error error() const;

private:
  const json* member(const json& obj, std::string_view path, const char* key,
                     bool required);
  registry_kind registry_;
  std::string document_;
  json root_;
  bool failed_ = false;
  std::string message_;
};

/// "path.key" (or "key" when path is empty).
std::string join_path(std::string_view path, std::string_view key);

/// The first `n` bytes of `s` (fewer, to end on a UTF-8 character boundary) and "..."
/// when cut.
std::string clip(const std::string& s, size_t n);

/// The JSON type of `v` with its article: "an object", "a string", "null"...
std::string a_type(const json& v);

/// True for "YYYY-MM-DD" with plausible month and day.
bool is_date(std::string_view s);

} // namespace kyb::registry::detail

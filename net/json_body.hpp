// Request bodies as JSON: strict UTF-8, bounded nesting, no duplicate keys, and errors
// that say where (byte offset, line and column).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "net/http_error.hpp"
#include "net/http_request.hpp"
#include "net/result.hpp"

namespace kyb::net {

/// The byte offset of the first byte of `text` that does not begin a well-formed UTF-8
/// sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no
/// truncated sequence), or std::string_view::npos when all of `text` is valid.
size_t find_invalid_utf8(std::string_view text) noexcept;

/// Accepts `application/json` (and, when `merge_patch`, `application/merge-patch+json`,
/// RFC 7396's type for a PATCH body), optionally with `charset=utf-8` (names and values
/// compared ignoring case, the value may be quoted). Anything else, including a missing
/// Content-Type, other parameters and other charsets, is an unsupported_media_type
/// (415) error with a detail saying what was received and what to send.
std::optional<http_error> check_json_content_type(std::string_view content_type,
                                                  bool merge_patch = false);

/// Parses `body` as one JSON document (RFC 8259). Errors (invalid_json, or
/// json_too_deep when objects and arrays nest more than `max_depth` levels: `{}` is one
/// level) carry the position as "line L, column C (byte offset O)", lines and columns
/// counted from 1 and columns in characters. Rejects an empty body, invalid UTF-8 and
/// duplicate object keys. Never throws; errors keep the connection open.
result<nlohmann::json> parse_json_body(std::string_view body, size_t max_depth);

/// check_json_content_type() on the request's Content-Type (merge-patch+json too for a
/// PATCH), then parse_json_body().
result<nlohmann::json> parse_json_request(const http_request& req, size_t max_depth);

} // namespace kyb::net

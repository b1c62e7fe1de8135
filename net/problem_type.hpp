// The catalogue of problem types the HTTP API answers with (RFC 9457). Each type has one
// status, one title and one stable URI `https://kyb.example/problems/<slug>`; the list
// and when each type is used are documented in net/PROBLEMS.md (a test keeps the two in
// step).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kyb::net {

/// Every problem type the platform emits. Add a type here, in problem_type.cpp, in
/// `all_problem_types` and in net/PROBLEMS.md; never change a published slug.
enum class problem_type : uint8_t {
  malformed_request,          ///< 400: the HTTP message itself is broken.
  ambiguous_framing,          ///< 400: conflicting Content-Length / Transfer-Encoding.
  invalid_json,               ///< 400: the body is not well-formed UTF-8 JSON.
  json_too_deep,              ///< 400: the JSON body nests deeper than allowed.
  validation_failed,          ///< 400: well-formed input with invalid fields
                              ///< (errc::invalid_argument).
  unauthorized,               ///< 401
  forbidden,                  ///< 403
  not_found,                  ///< 404
  method_not_allowed,         ///< 405 (with Allow).
  request_timeout,            ///< 408: the client was too slow to send its request.
  conflict,                   ///< 409
  payload_too_large,          ///< 413
  uri_too_long,               ///< 414
  unsupported_media_type,     ///< 415
  expectation_failed,         ///< 417
  unprocessable,              ///< 422 (errc::unprocessable, e.g. idempotency key reuse).
  rate_limited,               ///< 429 (with Retry-After).
  headers_too_large,          ///< 431
  internal_error,             ///< 500
  not_implemented,            ///< 501: e.g. an unsupported transfer coding.
  unavailable,                ///< 503 (retryable).
  timeout,                    ///< 504
  http_version_not_supported, ///< 505
};

/// Every enumerator of problem_type, in declaration order.
inline constexpr problem_type all_problem_types[] = {
    problem_type::malformed_request,
    problem_type::ambiguous_framing,
    problem_type::invalid_json,
    problem_type::json_too_deep,
    problem_type::validation_failed,
    problem_type::unauthorized,
    problem_type::forbidden,
    problem_type::not_found,
    problem_type::method_not_allowed,
    problem_type::request_timeout,
    problem_type::conflict,
    problem_type::payload_too_large,
    problem_type::uri_too_long,
    problem_type::unsupported_media_type,
    problem_type::expectation_failed,
    problem_type::unprocessable,
    problem_type::rate_limited,
    problem_type::headers_too_large,
    problem_type::internal_error,
    problem_type::not_implemented,
    problem_type::unavailable,
    problem_type::timeout,
    problem_type::http_version_not_supported,
};

/// The prefix of every problem type URI.
inline constexpr std::string_view problem_type_base = "https://kyb.example/problems/";

/// What the catalogue says about one type.
struct problem_type_info {
  int status;             ///< The HTTP status answered with this type.
  std::string_view slug;  ///< The last URI segment, e.g. "not-found".
  std::string_view title; ///< Short, human-readable, the same for every occurrence.
};

/// The catalogue entry of `type`.
const problem_type_info& describe(problem_type type) noexcept;

/// The HTTP status of `type`.
inline int status_of(problem_type type) noexcept {
  return describe(type).status;
}

/// The full type URI, e.g. "https://kyb.example/problems/not-found".
std::string type_uri(problem_type type);

} // namespace kyb::net

// The one writer of `application/problem+json` (RFC 9457) and the mapping from the
// platform's error codes (runtime/error.hpp) to problem types. Types: net/PROBLEMS.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "net/http_error.hpp"
#include "net/http_response.hpp"
#include "net/problem_type.hpp"
#include "runtime/error.hpp"

namespace kyb::net {

/// A problem details object. `type` fixes `status` and `title`.
struct problem {
  problem_type type = problem_type::internal_error;
  std::string detail;     ///< This occurrence; omitted when empty.
  std::string instance;   ///< The request path; omitted when empty.
  std::string request_id; ///< Extension member `request_id`; omitted when empty.
  std::vector<problem_field_error> errors; ///< Extension member `errors`; omitted when
                                           ///< empty.
  /// Further extension members (an object). Members named like the standard ones or
  /// the two extensions above are ignored.
  nlohmann::json extensions = nlohmann::json::object();
  std::optional<uint32_t> retry_after; ///< Seconds: a Retry-After field (429, 503).
  std::string allow;                   ///< For 405: the Allow field ("GET, HEAD").
};

/// The problem type answering `code` (errc::none, a bug, answers internal_error).
problem_type problem_type_for(errc code) noexcept;

/// A problem of `type` with a detail.
problem make_problem(problem_type type, std::string detail = {});

/// The problem for an error from the actors: its type from code_of(err), its detail
/// from detail_of(err) and, for invalid_argument, an `errors` entry for field_of(err).
/// Internal errors (500) and fenced writers get a generic detail instead, so no SQL,
/// node name or stack detail reaches a client: log the original. 503s carry
/// Retry-After: 1, 429s the wait in field_of(err) (1 when none).
problem make_problem(const caf::error& err);

/// The problem for a net-layer error (codec, body, query), its field errors included.
problem make_problem(const http_error& err);

/// The problem serialised as application/problem+json, members in the order type,
/// title, status, detail, instance, request_id, errors, then the extensions. Strings
/// that are not valid UTF-8 have the bad bytes replaced by U+FFFD.
std::string problem_json(const problem& p);

/// A complete response: status, `application/problem+json` body, and the fields the
/// type calls for (Retry-After, Allow, `WWW-Authenticate: Bearer` for 401).
http_response make_problem_response(const problem& p, bool keep_alive);

} // namespace kyb::net

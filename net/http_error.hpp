// The net layer's one failure value: a request that cannot be served, what to answer
// (a problem type, a detail, the fields at fault) and whether the connection survives.
// The codec, the body parsers and the query parsers all report it; domain errors arrive
// as caf::error instead. Both become problem+json in net/problem.cpp only.
#pragma once

#include <string>
#include <vector>

#include "net/problem_type.hpp"

namespace kyb::net {

/// One invalid input field, listed in the problem's `errors` member.
struct problem_field_error {
  std::string field;  ///< JSON pointer into the request ("/owners/0/name"), or a
                      ///< parameter name ("limit").
  std::string detail; ///< What is wrong with it.
};

/// A request that cannot be served, produced by the codec, the body and the query
/// parsers. The broker answers it with net/problem.hpp's make_problem(err) and, when
/// `close` is set, closes the connection after writing the answer.
struct http_error {
  problem_type type = problem_type::malformed_request; ///< Decides status and title.
  std::string detail; ///< What exactly is wrong and where; safe to show the client.
  bool close = true;  ///< The connection's framing is lost: close after answering.
  std::vector<problem_field_error> errors; ///< The input fields at fault, if any.

  /// The HTTP status to answer with.
  int status() const noexcept { return status_of(type); }
};

/// 400 validation_failed listing `errors` (at least one), its detail the first of them
/// ("limit must be ...", "(and 2 more)"); the connection stays open.
http_error invalid_fields(std::vector<problem_field_error> errors);

} // namespace kyb::net

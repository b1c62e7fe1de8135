// An HTTP-level failure as a value: what to answer and whether the connection survives.
#pragma once

#include <string>

#include "net/problem_type.hpp"

namespace kyb::net {

/// A request that cannot be served, produced by the codec and the body parsers. The
/// broker answers it with net/problem.hpp's make_problem(err) and, when `close` is set,
/// closes the connection after writing the answer.
struct http_error {
  problem_type type = problem_type::malformed_request; ///< Decides status and title.
  std::string detail; ///< What exactly is wrong and where; safe to show the client.
  bool close = true;  ///< The connection's framing is lost: close after answering.

  /// The HTTP status to answer with.
  int status() const noexcept { return status_of(type); }
};

} // namespace kyb::net

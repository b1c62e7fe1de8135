// The platform's error codes. Errors cross message boundaries as caf::error values in
// the "kyb" category; the HTTP layer maps each code to one status (net/problem.cpp).
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace kyb {

enum class errc : uint8_t {
  none = 0,
  invalid_argument,  ///< Input failed validation (400 / 422). Context: field, detail.
  not_found,         ///< No such resource for this caller (404).
  conflict,          ///< Unique key or version conflict (409).
  unauthorized,      ///< Missing or unknown credentials (401).
  forbidden,         ///< Credentials lack the scope (403).
  rate_limited,      ///< Token bucket empty (429). Context: retry-after seconds.
  unavailable,       ///< A dependency is down or an actor is moving (503, retryable).
  timeout,           ///< The platform did not answer in time (504).
  payload_too_large, ///< Over a size limit (413).
  unprocessable, ///< Well-formed but not acceptable, e.g. an idempotency mismatch (422).
  fenced,        ///< The writer's epoch is stale: another owner took over (503).
  db_error,      ///< Unexpected database failure (500). Context: SQLSTATE, message.
  internal,      ///< A bug (500).
};

/// The atom naming our error category.
using kyb_error_atom = caf::atom_constant<caf::atom("kyb")>;

/// Returns a name such as "not_found".
const char* to_string(errc code);

/// Makes a caf::error in our category carrying a human-readable detail. For
/// invalid_argument, `field` names the offending input field (JSON pointer style).
inline caf::error make_error(errc code, std::string detail, std::string field = {}) {
  return caf::error{static_cast<uint8_t>(code), kyb_error_atom::value,
                    caf::make_message(std::move(detail), std::move(field))};
}

/// The code of `err` if it is one of ours, errc::internal for CAF system errors
/// that mean a peer is gone (mapped to unavailable), or errc::internal otherwise.
errc code_of(const caf::error& err);
/// The detail text of one of our errors, or CAF's rendering of a foreign one.
std::string detail_of(const caf::error& err);
/// The field name carried by an invalid_argument error ("" when none).
std::string field_of(const caf::error& err);
/// The SQLSTATE of an error that came from PostgreSQL (persistence/pg_error.hpp makes
/// them), "" for every other error.
std::string sqlstate_of(const caf::error& err);

} // namespace kyb

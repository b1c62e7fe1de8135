// PostgreSQL failures as our errors: the ONE mapping from SQLSTATE to kyb::errc, and
// caf::errors that carry the SQLSTATE, the failing statement and the constraint.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <caf/error.hpp>

#include "runtime/error.hpp"

struct pg_result; // libpq's PGresult

namespace kyb::persistence {

/// Maps a SQLSTATE to our error code:
///   23505 unique, 23P01 exclusion            -> conflict
///   other class 23 (23503 FK, 23514 check, 23502 not null), class 22 (data) ->
///   invalid_argument 40001 serialization, 40P01 deadlock      -> unavailable (retry the
///   batch) class 08 (connection), 57P01-57P03 (shutdown), class 53 (resources) ->
///   unavailable 57014 statement timeout, 55P03 lock timeout -> timeout our own codes
///   (RAISE ... USING ERRCODE): KY409 -> conflict, KY404 -> not_found, KY400 ->
///   invalid_argument, KY422 -> unprocessable anything else (syntax, undefined table,
///   ...) -> db_error
errc errc_from_sqlstate(std::string_view sqlstate);

/// True for errors a caller may retry as they are: the transaction did not commit (or,
/// for "connection lost; outcome unknown", may have: make such writes idempotent).
bool is_retryable(const caf::error& err);

/// A caf::error in the kyb category whose context is
/// (detail, field = "", sqlstate, statement index or -1, constraint), so that
/// kyb::detail_of / code_of work on it and the accessors below find the rest.
caf::error make_pg_error(std::string_view sqlstate, std::string detail,
                         std::optional<size_t> statement = std::nullopt,
                         std::string constraint = {});

/// The same with an explicit code instead of the one the SQLSTATE maps to.
caf::error make_pg_error(errc code, std::string_view sqlstate, std::string detail,
                         std::optional<size_t> statement = std::nullopt,
                         std::string constraint = {});

/// Builds the error for a failed libpq result: "<what>: SQLSTATE 23505: <message>
/// (<detail>)", with the code the SQLSTATE maps to unless `code` is given.
caf::error make_pg_error(const pg_result* res, std::string_view what,
                         std::optional<size_t> statement = std::nullopt,
                         std::optional<errc> code = std::nullopt);

/// A libpq message (PQerrorMessage, a notice) as one line: its trailing newline and
/// blanks dropped, inner newlines made spaces ("" for nullptr).
std::string libpq_message(const char* msg);

// The SQLSTATE of an error made by make_pg_error: kyb::sqlstate_of (runtime/error.hpp).
/// The index of the failing statement within its batch, if the error names one.
std::optional<size_t> statement_index_of(const caf::error& err);
/// The violated constraint's name (unique, foreign key, check), if PostgreSQL named one.
std::string constraint_of(const caf::error& err);

} // namespace kyb::persistence

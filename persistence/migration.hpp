// Versioned SQL migrations: what one is, where they come from (embedded at build time,
// or a directory for tests and tools), and how a no-transaction file is split.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

namespace kyb::persistence {

/// One migration: the file persistence/migrations/NNNN_name.sql.
struct migration {
  int version = 0;  ///< NNNN; unique, > 0; applied in ascending order.
  std::string name; ///< The part after "NNNN_", without ".sql".
  std::string sql;  ///< The file's bytes.
  std::string file; ///< The file name; empty = made from version and name.

  /// "0001_create_tenants.sql" (the real file name when known).
  std::string file_name() const;
  /// SHA-256 of `sql`, hex: recorded when applied, compared on every start.
  std::string checksum() const;
  /// True if the first line is exactly "-- kyb:no-transaction" (trailing blanks and a
  /// CR allowed): the statements then run one by one outside a transaction.
  bool no_transaction() const;
};

/// The migrations embedded from persistence/migrations/ at build time, by version.
std::vector<migration> embedded_migrations();

/// Reads every *.sql file of `dir` (named NNNN_name.sql) sorted by version. Fails on a
/// badly named file, a duplicate version or an unreadable file.
caf::expected<std::vector<migration>> load_migrations(const std::string& dir);

/// One statement of a no-transaction migration: its text from its first token (blanks
/// and comments before it dropped) and the line that token is on (1-based).
struct sql_statement {
  std::string text;
  size_t line = 1;
};

/// Splits SQL into statements at each `;` that is outside single-quoted strings
/// (including E'' strings with backslash escapes), double-quoted identifiers,
/// dollar-quoted bodies ($$...$$, $tag$...$tag$), -- line comments and /* block */
/// comments (nested). Statements holding only blanks and comments are dropped; a last
/// statement without `;` is kept.
std::vector<sql_statement> split_sql(std::string_view sql);

/// The 1-based line of the 1-based character position `pos` (PostgreSQL's error
/// position, counted in UTF-8 characters) within `text`.
size_t line_of_position(std::string_view text, size_t pos);

} // namespace kyb::persistence

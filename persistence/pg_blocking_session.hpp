// One blocking libpq session, for work that runs on a thread of its own and never on
// the scheduler: the migrator at start-up, and the region replicas and procedures
// (detached actors). Statements run in autocommit (CREATE SUBSCRIPTION refuses a
// transaction block) unless the caller sends BEGIN. Failures are values: a statement
// that fails answers make_pg_error's error (its SQLSTATE mapped to our code); a server
// that cannot be reached, or a connection that broke, answers errc::unavailable with no
// SQLSTATE (is_connection_error), and the next call connects again.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

struct pg_conn; // libpq's PGconn

namespace kyb::persistence {

struct pg_blocking_options {
  /// Names the session in every error ("migrations", "us-east-1").
  std::string label = "database";
  std::string application_name = "kyb";
  /// Connect (libpq counts whole seconds: see connect_timeout_seconds).
  std::chrono::milliseconds connect_timeout{5000};
  /// Run after each connect (SET ...); its failure fails the connect.
  std::string setup_sql;
};

/// A result as text: rows of fields, SQL NULL reading as "".
using pg_text_rows = std::vector<std::vector<std::string>>;

class pg_blocking_session {
public:
  explicit pg_blocking_session(std::string url, pg_blocking_options opts = {});
  ~pg_blocking_session();
  pg_blocking_session(const pg_blocking_session&) = delete;
  pg_blocking_session& operator=(const pg_blocking_session&) = delete;

  /// Connects unless connected. An empty URL is refused (errc::invalid_argument), never
  /// handed to libpq (which would try its defaults).
  caf::error connect();
  /// Runs `sql` (connecting first when needed) and answers its rows.
  caf::expected<pg_text_rows> query(const std::string& sql);
  /// Runs `sql` with $1.. bound to `params` (text; nullopt is NULL) and answers its rows.
  caf::expected<pg_text_rows>
  query(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  /// Runs `sql`, ignoring its rows.
  caf::error exec(const std::string& sql);
  /// The first field of the first row, or "" when there is none.
  caf::expected<std::string> scalar(const std::string& sql);
  /// Drops the connection (the next call connects again).
  void reset();
  bool connected() const;
  /// The connection for statements this class does not offer (parameters, error fields);
  /// nullptr unless connected.
  pg_conn* native() const { return conn_; }

  const std::string& label() const { return opts_.label; }
  const std::string& url() const { return url_; }

private:
  std::string url_;
  pg_blocking_options opts_;
  pg_conn* conn_ = nullptr;
};

/// True for the errors of a server that could not be reached or a connection that broke
/// (as opposed to a statement PostgreSQL refused).
bool is_connection_error(const caf::error& err);

/// libpq's connect_timeout for `timeout`: whole seconds, rounded up, at least 1 (libpq
/// reads 0 as "wait forever").
std::string connect_timeout_seconds(std::chrono::milliseconds timeout);

/// A SQL string literal ('...' with quotes doubled), for statements built as text.
std::string sql_literal(const std::string& s);
/// A quoted SQL identifier ("..." with quotes doubled).
std::string sql_identifier(const std::string& s);

} // namespace kyb::persistence

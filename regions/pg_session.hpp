// One blocking libpq session to a region's PostgreSQL, for replication control: the
// region replica actors and the failover procedures run on threads of their own
// (detached actors), never on the scheduler. Statements run in autocommit (CREATE
// SUBSCRIPTION refuses a transaction block); failures throw region_error naming the
// region and what failed, so a procedure reports the step that broke.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kyb::regions {

struct region_error : std::runtime_error {
  region_error(const std::string& region, const std::string& what, bool down)
      : std::runtime_error(region + ": " + what), unreachable(down) {}
  bool unreachable; ///< the server could not be reached (vs. a statement failed)
};

/// A result: rows of text fields; SQL NULL reads as "".
using rows = std::vector<std::vector<std::string>>;

class pg_session {
public:
  pg_session(std::string region, std::string url,
             std::chrono::milliseconds connect_timeout = std::chrono::seconds(2),
             std::chrono::milliseconds statement_timeout = std::chrono::seconds(30));
  ~pg_session();
  pg_session(const pg_session&) = delete;
  pg_session& operator=(const pg_session&) = delete;

  /// Runs `sql` (connecting first when needed); throws region_error.
  rows query(const std::string& sql);
  /// The first field of the first row, or "" when there is none.
  std::string scalar(const std::string& sql);
  /// Like query, but answers nullopt instead of throwing when the server is unreachable.
  std::optional<rows> try_query(const std::string& sql);
  /// Drops the connection (the next query reconnects).
  void reset();
  bool connected() const;

  const std::string& region() const { return region_; }
  const std::string& url() const { return url_; }

private:
  void connect();

  std::string region_;
  std::string url_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds statement_timeout_;
  void* conn_ = nullptr; // PGconn
};

/// A SQL string literal ('...' with quotes doubled).
std::string sql_literal(const std::string& s);

} // namespace kyb::regions

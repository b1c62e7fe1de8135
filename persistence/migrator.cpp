#include "persistence/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <libpq-fe.h>

#include "persistence/pg_blocking_session.hpp"
#include "persistence/pg_error.hpp"
#include "runtime/base/log.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

std::string migration_status::to_string() const {
  std::string out =
      "applied " + std::to_string(latest_applied) + " of " + std::to_string(latest_known);
  if (!pending.empty()) {
    out += "; pending";
    for (size_t i = 0; i < pending.size(); ++i)
      out += (i == 0 ? " " : ", ") + std::to_string(pending[i]);
  }
  if (!unknown_applied.empty())
    out += "; applied by a newer version: " + std::to_string(unknown_applied.back());
  return out;
}

namespace {

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

bool ok(const result_ptr& r) {
  auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/// The migrator's session (NOTICEs such as "relation already exists, skipping" are
/// expected here: the session drops them).
std::unique_ptr<pg_blocking_session> session(const std::string& url,
                                             const migrator_options& opts) {
  pg_blocking_options o;
  o.label = "migrations";
  o.application_name = opts.application_name;
  o.connect_timeout = opts.connect_timeout;
  o.setup_sql = "SET client_min_messages = warning";
  return std::make_unique<pg_blocking_session>(url, std::move(o));
}

// Runs one SQL string; an error names `what`.
caf::error exec(PGconn* conn, const std::string& sql, const std::string& what) {
  result_ptr r{PQexec(conn, sql.c_str())};
  if (ok(r))
    return {};
  if (!r || PQstatus(conn) == CONNECTION_BAD)
    return make_error(errc::unavailable,
                      what + ": connection lost: " + libpq_message(PQerrorMessage(conn)));
  return make_pg_error(r.get(), what, std::nullopt, errc::db_error);
}

caf::expected<std::vector<migration>> sorted_checked(std::vector<migration> ms) {
  std::sort(ms.begin(), ms.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
  for (size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].version <= 0)
      return make_error(errc::internal,
                        "migration " + ms[i].file_name() + ": version must be positive");
    if (i > 0 && ms[i].version == ms[i - 1].version)
      return make_error(errc::internal, "migrations " + ms[i - 1].file_name() + " and " +
                                            ms[i].file_name() + " have the same version");
  }
  return ms;
}

struct applied_row {
  std::string name;
  std::string checksum;
};

// schema_migrations as version -> row; empty if the table does not exist yet.
caf::expected<std::map<int, applied_row>> read_applied(PGconn* conn) {
  std::map<int, applied_row> out;
  result_ptr exists{PQexec(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL")};
  if (!ok(exists))
    return make_pg_error(exists.get(), "migrations: reading schema_migrations",
                         std::nullopt, errc::db_error);
  if (std::string{PQgetvalue(exists.get(), 0, 0)} != "t")
    return out;
  result_ptr rows{PQexec(
      conn, "SELECT version, name, checksum FROM schema_migrations ORDER BY version")};
  if (!ok(rows))
    return make_pg_error(rows.get(), "migrations: reading schema_migrations",
                         std::nullopt, errc::db_error);
  for (int i = 0; i < PQntuples(rows.get()); ++i)
    out.emplace(std::atoi(PQgetvalue(rows.get(), i, 0)),
                applied_row{PQgetvalue(rows.get(), i, 1), PQgetvalue(rows.get(), i, 2)});
  return out;
}

// "migration 0002_x.sql failed at line 7" when PostgreSQL reports a position (parse and
// analysis errors), "migration 0002_x.sql failed" otherwise (errors while executing).
std::string failure_text(const migration& m, const PGresult* r, std::string_view sql,
                         size_t first_line) {
  std::string out = "migration " + m.file_name() + " failed";
  if (auto pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION))
    out += " at line " +
           std::to_string(first_line - 1 +
                          line_of_position(sql, std::strtoull(pos, nullptr, 10)));
  return out;
}

caf::error record(PGconn* conn, const migration& m) {
  auto version = std::to_string(m.version);
  auto sum = m.checksum();
  const char* params[] = {version.c_str(), m.name.c_str(), sum.c_str()};
  result_ptr r{PQexecParams(conn,
                            "INSERT INTO schema_migrations (version, name, checksum) "
                            "VALUES ($1, $2, $3)",
                            3, nullptr, params, nullptr, nullptr, 0)};
  if (ok(r))
    return {};
  return make_pg_error(r.get(), "migration " + m.file_name() + ": recording it",
                       std::nullopt, errc::db_error);
}

caf::error apply_in_transaction(PGconn* conn, const migration& m) {
  if (auto err = exec(conn, "BEGIN", "migration " + m.file_name()))
    return err;
  result_ptr r{PQexec(conn, m.sql.c_str())};
  if (!ok(r)) {
    caf::error err;
    if (!r || PQstatus(conn) == CONNECTION_BAD)
      err = make_error(errc::unavailable,
                       "migration " + m.file_name() +
                           ": connection lost: " + libpq_message(PQerrorMessage(conn)));
    else
      err = make_pg_error(r.get(), failure_text(m, r.get(), m.sql, 1) + " (rolled back)",
                          std::nullopt, errc::db_error);
    exec(conn, "ROLLBACK", "rollback");
    return err;
  }
  if (auto err = record(conn, m)) {
    exec(conn, "ROLLBACK", "rollback");
    return err;
  }
  return exec(conn, "COMMIT", "migration " + m.file_name() + ": COMMIT");
}

caf::error apply_statement_by_statement(PGconn* conn, const migration& m) {
  auto statements = split_sql(m.sql);
  for (size_t i = 0; i < statements.size(); ++i) {
    auto& s = statements[i];
    result_ptr r{PQexec(conn, s.text.c_str())};
    if (ok(r))
      continue;
    if (!r || PQstatus(conn) == CONNECTION_BAD)
      return make_error(errc::unavailable,
                        "migration " + m.file_name() +
                            ": connection lost: " + libpq_message(PQerrorMessage(conn)));
    return make_pg_error(r.get(),
                         failure_text(m, r.get(), s.text, s.line) +
                             " (no-transaction file: statement " + std::to_string(i + 1) +
                             " of " + std::to_string(statements.size()) + "; the " +
                             std::to_string(i) +
                             " before it stay applied and must be re-runnable)",
                         std::nullopt, errc::db_error);
  }
  return record(conn, m);
}

} // namespace

migrator::migrator(std::string database_url, std::vector<migration> migrations,
                   migrator_options opts)
    : url_(std::move(database_url)), migrations_(std::move(migrations)),
      opts_(std::move(opts)) {
  std::sort(migrations_.begin(), migrations_.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
}

caf::expected<std::vector<int>> migrator::run() const {
  auto set = sorted_checked(migrations_);
  if (!set)
    return set.error();
  auto db = session(url_, opts_);
  if (auto err = db->connect())
    return err;
  PGconn* c = db->native();
  auto key = std::to_string(opts_.lock_key);
  // The lock is polled, never waited for in pg_advisory_lock(): a session blocked in it
  // holds its statement's transaction open, and the holder's CREATE INDEX CONCURRENTLY
  // (a no-transaction migration) waits for every open transaction to end: a deadlock
  // PostgreSQL ends by failing one of them. Each try is a transaction of its own that
  // ends at once.
  auto pause = std::chrono::milliseconds(20);
  for (bool logged = false;;
       pause = std::min(pause * 2, std::chrono::milliseconds(500))) {
    result_ptr r{PQexec(c, ("SELECT pg_try_advisory_lock(" + key + ")").c_str())};
    if (!ok(r))
      return make_pg_error(r.get(), "migrations: taking the lock", std::nullopt,
                           errc::db_error);
    if (std::string{PQgetvalue(r.get(), 0, 0)} == "t")
      break;
    if (!logged) {
      base::log_info("migration_lock_wait", {{"detail", "another node is migrating"}});
      logged = true;
    }
    std::this_thread::sleep_for(pause);
  }
  // Only lock holders get here, so CREATE ... IF NOT EXISTS cannot race.
  if (auto err = exec(c,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version int PRIMARY KEY,"
                      " name text NOT NULL,"
                      " checksum text NOT NULL,"
                      " applied_at timestamptz NOT NULL DEFAULT now())",
                      "migrations: creating schema_migrations"))
    return err;
  auto applied = read_applied(c);
  if (!applied)
    return applied.error();
  int max_applied = applied->empty() ? 0 : applied->rbegin()->first;
  std::vector<const migration*> pending;
  for (auto& m : *set) {
    auto i = applied->find(m.version);
    if (i != applied->end()) {
      if (i->second.checksum != m.checksum())
        return make_error(errc::conflict,
                          "migration " + m.file_name() +
                              " was changed after it was applied (recorded checksum " +
                              i->second.checksum.substr(0, 12) + ", file " +
                              m.checksum().substr(0, 12) +
                              "); restore the file and add a new migration instead");
      continue;
    }
    if (m.version < max_applied)
      return make_error(errc::conflict, "migration " + m.file_name() +
                                            " is not applied but the later version " +
                                            std::to_string(max_applied) +
                                            " is; give it a version above " +
                                            std::to_string(max_applied));
    pending.push_back(&m);
  }
  std::vector<int> done;
  for (auto* m : pending) {
    auto start = std::chrono::steady_clock::now();
    auto err = m->no_transaction() ? apply_statement_by_statement(c, *m)
                                   : apply_in_transaction(c, *m);
    if (err) {
      base::log_error("migration_failed",
                      {{"file", m->file_name()}, {"error", detail_of(err)}});
      return err;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    base::log_info("migration_applied", {{"file", m->file_name()},
                                         {"version", m->version},
                                         {"no_transaction", m->no_transaction()},
                                         {"ms", ms}});
    done.push_back(m->version);
  }
  exec(c, "SELECT pg_advisory_unlock(" + key + ")", "migrations: unlock");
  return done;
}

caf::expected<migration_status> migrator::status() const {
  auto db = session(url_, opts_);
  if (auto err = db->connect())
    return err;
  auto applied = read_applied(db->native());
  if (!applied)
    return applied.error();
  migration_status st;
  std::set<int> known;
  for (auto& m : migrations_) {
    known.insert(m.version);
    st.latest_known = std::max(st.latest_known, m.version);
    if (applied->count(m.version) == 0)
      st.pending.push_back(m.version);
  }
  for (auto& [version, row] : *applied) {
    st.latest_applied = std::max(st.latest_applied, version);
    if (known.count(version) == 0)
      st.unknown_applied.push_back(version);
  }
  return st;
}

} // namespace kyb::persistence

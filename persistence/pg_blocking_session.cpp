#include "persistence/pg_blocking_session.hpp"

#include <algorithm>

#include <libpq-fe.h>

#include "persistence/pg_error.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

namespace {

void quiet(void*, const char*) {
  // NOTICEs ("relation already exists, skipping") are expected and answer nothing.
}

} // namespace

std::string connect_timeout_seconds(std::chrono::milliseconds timeout) {
  return std::to_string(std::max<long long>(1, (timeout.count() + 999) / 1000));
}

namespace {

std::string quoted(const std::string& s, char quote) {
  std::string out(1, quote);
  for (char c : s) {
    if (c == quote)
      out += quote;
    out += c;
  }
  return out + quote;
}

} // namespace

std::string sql_literal(const std::string& s) {
  return quoted(s, '\'');
}

std::string sql_identifier(const std::string& s) {
  return quoted(s, '"');
}

bool is_connection_error(const caf::error& err) {
  return err && code_of(err) == errc::unavailable && sqlstate_of(err).empty();
}

pg_blocking_session::pg_blocking_session(std::string url, pg_blocking_options opts)
    : url_(std::move(url)), opts_(std::move(opts)) {}

pg_blocking_session::~pg_blocking_session() {
  reset();
}

void pg_blocking_session::reset() {
  if (conn_)
    PQfinish(conn_);
  conn_ = nullptr;
}

bool pg_blocking_session::connected() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

caf::error pg_blocking_session::connect() {
  if (connected())
    return {};
  reset();
  if (url_.empty())
    return make_error(errc::invalid_argument,
                      opts_.label + ": no database URL is configured");
  auto timeout = connect_timeout_seconds(opts_.connect_timeout);
  const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
  const char* values[] = {url_.c_str(), opts_.application_name.c_str(), timeout.c_str(),
                          nullptr};
  auto* c = PQconnectdbParams(keys, values, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    auto msg = c ? libpq_message(PQerrorMessage(c)) : std::string("no memory");
    if (c)
      PQfinish(c);
    return make_error(errc::unavailable, opts_.label + ": cannot connect: " + msg);
  }
  PQsetNoticeProcessor(c, quiet, nullptr);
  conn_ = c;
  if (!opts_.setup_sql.empty())
    if (auto err = exec(opts_.setup_sql)) {
      reset();
      return err;
    }
  return {};
}

caf::expected<pg_text_rows> pg_blocking_session::query(const std::string& sql) {
  return query(sql, {});
}

caf::expected<pg_text_rows>
pg_blocking_session::query(const std::string& sql,
                           const std::vector<std::optional<std::string>>& params) {
  if (auto err = connect())
    return err;
  PGresult* r = nullptr;
  if (params.empty()) {
    r = PQexec(conn_, sql.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (auto& p : params)
      values.push_back(p ? p->c_str() : nullptr);
    r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                     values.data(), nullptr, nullptr, 0);
  }
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    caf::error err;
    if (!r || PQstatus(conn_) == CONNECTION_BAD) {
      err = make_error(errc::unavailable, opts_.label + ": connection lost: " +
                                              libpq_message(PQerrorMessage(conn_)));
      reset();
    } else {
      err = make_pg_error(r, opts_.label);
    }
    if (r)
      PQclear(r);
    return err;
  }
  pg_text_rows out;
  int n = PQntuples(r), m = PQnfields(r);
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> row;
    row.reserve(static_cast<size_t>(m));
    for (int j = 0; j < m; ++j)
      row.emplace_back(PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
    out.push_back(std::move(row));
  }
  PQclear(r);
  return out;
}

caf::error pg_blocking_session::exec(const std::string& sql) {
  auto r = query(sql);
  return r ? caf::error{} : std::move(r.error());
}

caf::expected<std::string> pg_blocking_session::scalar(const std::string& sql) {
  auto r = query(sql);
  if (!r)
    return std::move(r.error());
  return r->empty() || r->front().empty() ? std::string{} : r->front().front();
}

} // namespace kyb::persistence

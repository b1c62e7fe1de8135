#include "regions/pg_session.hpp"

#include <libpq-fe.h>

namespace kyb::regions {

namespace {

void quiet(void*, const char*) {}

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

PGconn* as_conn(void* p) {
  return static_cast<PGconn*>(p);
}

} // namespace

std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += '\'';
    out += c;
  }
  return out + "'";
}

pg_session::pg_session(std::string region, std::string url,
                       std::chrono::milliseconds connect_timeout,
                       std::chrono::milliseconds statement_timeout)
    : region_(std::move(region)), url_(std::move(url)), connect_timeout_(connect_timeout),
      statement_timeout_(statement_timeout) {}

pg_session::~pg_session() {
  reset();
}

void pg_session::reset() {
  if (conn_)
    PQfinish(as_conn(conn_));
  conn_ = nullptr;
}

bool pg_session::connected() const {
  return conn_ && PQstatus(as_conn(conn_)) == CONNECTION_OK;
}

void pg_session::connect() {
  reset();
  auto timeout =
      std::to_string(std::max<long long>(1, (connect_timeout_.count() + 999) / 1000));
  const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
  const char* values[] = {url_.c_str(), "kyb-regions", timeout.c_str(), nullptr};
  auto* c = PQconnectdbParams(keys, values, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    auto msg = c ? trimmed(PQerrorMessage(c)) : std::string("no memory");
    if (c)
      PQfinish(c);
    throw region_error(region_, "cannot connect: " + msg, true);
  }
  PQsetNoticeProcessor(c, quiet, nullptr);
  conn_ = c;
  // A fenced region is read-only for the application (default_transaction_read_only);
  // replication control must still write there (failback), so this session is not.
  query("SET default_transaction_read_only = off; SET TimeZone = 'UTC'; "
        "SET statement_timeout = " +
        std::to_string(statement_timeout_.count()));
}

rows pg_session::query(const std::string& sql) {
  if (!connected())
    connect();
  PGresult* r = PQexec(as_conn(conn_), sql.c_str());
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    bool lost = !r || PQstatus(as_conn(conn_)) == CONNECTION_BAD;
    auto msg = r && PQresultErrorMessage(r)[0] ? trimmed(PQresultErrorMessage(r))
                                               : trimmed(PQerrorMessage(as_conn(conn_)));
    if (r)
      PQclear(r);
    if (lost)
      reset();
    throw region_error(region_, (lost ? "connection lost: " : "") + msg, lost);
  }
  rows out;
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

std::string pg_session::scalar(const std::string& sql) {
  auto r = query(sql);
  return r.empty() || r[0].empty() ? std::string{} : r[0][0];
}

std::optional<rows> pg_session::try_query(const std::string& sql) {
  try {
    return query(sql);
  } catch (const region_error& e) {
    if (e.unreachable)
      return std::nullopt;
    throw;
  }
}

} // namespace kyb::regions

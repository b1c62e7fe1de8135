#include "test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <libpq-fe.h>
#include <unistd.h>

#include "persistence/register_types.hpp"
#include "runtime/base/log.hpp"

namespace kyb::test {

namespace {

// Tests print their own findings; the platform's info lines would bury them.
const bool quiet_logs = [] {
  base::logger::global().set_level(base::log_level::warn);
  return true;
}();

} // namespace

std::string require_env(const char* name) {
  const char* value = std::getenv(name);
  BOOST_REQUIRE_MESSAGE(
      value && *value,
      name << " is not set: run the tests through `deploy/local/kyb test`, "
              "or export it (see `deploy/local/kyb env test`)");
  return value;
}

std::string with_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  BOOST_REQUIRE_MESSAGE(scheme != std::string::npos, "not a URL: " << url);
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string head = url.substr(0, slash == std::string::npos ? query : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + name + tail;
}

std::vector<std::vector<persistence::pg_value>> sql(const std::string& url,
                                                    const std::string& statement) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    BOOST_FAIL("cannot connect to " << url << ": " << msg);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, statement.c_str());
  auto st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(res);
    PQclear(res);
    PQfinish(conn);
    BOOST_FAIL("SQL failed: " << statement << ": " << msg);
  }
  std::vector<std::vector<persistence::pg_value>> rows;
  for (int r = 0; r < PQntuples(res); ++r) {
    rows.emplace_back();
    for (int c = 0; c < PQnfields(res); ++c) {
      if (PQgetisnull(res, r, c))
        rows.back().emplace_back(std::nullopt);
      else
        rows.back().emplace_back(std::string{
            PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))});
    }
  }
  PQclear(res);
  PQfinish(conn);
  return rows;
}

std::string sql_value(const std::string& url, const std::string& statement) {
  auto rows = sql(url, statement);
  BOOST_REQUIRE_MESSAGE(rows.size() == 1 && rows[0].size() == 1,
                        "expected one value from: " << statement);
  return rows[0][0].value_or("");
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid()) + "_" + std::to_string(++counter);
}

scratch_database::scratch_database(const std::string& prefix) {
  admin_url_ = require_env("KYB_TEST_DATABASE_URL");
  name_ = prefix + "_" + unique_suffix();
  sql(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  sql(admin_url_, "CREATE DATABASE " + name_ + " TEMPLATE template0");
  url_ = with_database(admin_url_, name_);
}

scratch_database::~scratch_database() {
  try {
    sql(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // A failed clean-up must not hide the test's own result.
  }
}

caf::actor_system_config& actor_system_fixture::prepare(caf::actor_system_config& cfg) {
  base::logger::global().set_level(base::log_level::warn);
  persistence::register_types(cfg);
  return cfg;
}

} // namespace kyb::test

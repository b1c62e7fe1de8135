// Helpers shared by the persistence tests: the services the test command started, a
// scratch database per fixture, blocking SQL for checking what reached PostgreSQL, and an
// actor system with our types registered.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "persistence/pg_types.hpp"
#include "runtime/error.hpp"
#include "test/support/eventually.hpp"

namespace kyb::test {

/// The value of an environment variable the test command sets; fails the test with a
/// clear message when it is missing.
std::string require_env(const char* name);

/// `url` with its database name replaced ("postgresql://u@h:p/kyb" -> ".../name").
std::string with_database(const std::string& url, const std::string& name);

/// Runs SQL on a blocking connection; fails the test on error. Returns rows as text.
std::vector<std::vector<persistence::pg_value>> sql(const std::string& url,
                                                    const std::string& statement);
/// The single value of a one-row, one-column query ("" for NULL).
std::string sql_value(const std::string& url, const std::string& statement);

/// A database of its own, created from template0 and dropped (WITH FORCE) at the end,
/// so tests never see each other's tables or schema_migrations.
class scratch_database {
public:
  explicit scratch_database(const std::string& prefix);
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

/// A unique suffix for names (pid and a counter).
std::string unique_suffix();

/// An actor system with the persistence types registered.
struct actor_system_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg);
  caf::actor_system_config cfg;
  caf::actor_system sys{prepare(cfg)};
};

/// Sends a request and waits for its answer (or `timeout`).
template <class T, class Handle, class... Ts>
caf::expected<T> call(caf::scoped_actor& self, const Handle& dest,
                      std::chrono::milliseconds timeout, Ts&&... xs) {
  caf::expected<T> out{caf::error{}};
  self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); },
               [&](caf::error& err) { out = std::move(err); });
  return out;
}

/// The error text of an expected value ("" when it holds a value): for test messages,
/// which Boost.Test may evaluate even when the check passes.
template <class T>
std::string why(const caf::expected<T>& x) {
  return x ? std::string{} : kyb::detail_of(x.error());
}

} // namespace kyb::test

// How Boost.Test prints values it compares.
namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<kyb::persistence::pg_value> {
  void operator()(std::ostream& os, const kyb::persistence::pg_value& v) {
    if (v)
      os << '\'' << *v << '\'';
    else
      os << "NULL";
  }
};
template <class Rep, class Period>
struct print_log_value<std::chrono::duration<Rep, Period>> {
  void operator()(std::ostream& os, const std::chrono::duration<Rep, Period>& d) {
    os << std::chrono::duration<double, std::milli>(d).count() << " ms";
  }
};
} // namespace boost::test_tools::tt_detail

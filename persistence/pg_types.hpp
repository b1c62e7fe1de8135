// The messages of the PostgreSQL layer: batches of prepared statements, their rows, and
// COPY loads. Values travel in libpq's text format; std::nullopt is SQL NULL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <caf/detail/scope_guard.hpp>
#include <caf/meta/type_name.hpp>

namespace kyb::persistence {

/// One value in PostgreSQL's text format; std::nullopt is NULL. bytea travels as its
/// hex form (`\x0aff`): see bytea_param and parse_bytea.
using pg_value = std::optional<std::string>;

/// One execution of a prepared statement of the connection's statement_catalog.
struct pg_statement {
  std::string name;             ///< Catalog name of the prepared statement.
  std::vector<pg_value> params; ///< $1, $2, ... in text format.
};

/// Statements that run as ONE transaction: the reply comes after the pipeline Sync that
/// commits them, and a failing statement rolls back all of them.
struct pg_batch {
  std::vector<pg_statement> statements;
};

/// The outcome of one statement of a batch.
struct pg_rows {
  std::vector<std::string> columns;        ///< Column names (empty for commands).
  std::vector<std::vector<pg_value>> rows; ///< Row-major values in text format.
  uint64_t affected = 0; ///< Rows inserted/updated/deleted/selected (PQcmdTuples).
};

/// A bulk load: `statement` names a `COPY ... FROM STDIN` entry of the catalog; `chunks`
/// are consecutive pieces of the COPY data in the format that statement declares (text
/// or CSV). Chunk borders need not fall on row borders. The load is one transaction,
/// acknowledged with the number of rows after it committed.
struct pg_copy {
  std::string statement;
  std::vector<std::string> chunks;
};

/// A PostgreSQL array literal in text format (`{"a",NULL,"b \"c\""}`) of `elements`
/// (nullopt = NULL), for `unnest($n::type[])` batch statements. Every element is quoted,
/// with `"` and `\` escaped, so any text (a bytea_param, JSON) is carried exactly.
std::string pg_array(const std::vector<std::optional<std::string>>& elements);

/// A bytea parameter in text format (`\x` followed by hex digits).
std::string bytea_param(std::string_view bytes);
/// Decodes a bytea column in text format (hex output, PostgreSQL's default);
/// std::nullopt if `text` is not in that form.
std::optional<std::string> parse_bytea(std::string_view text);

/// Shorthand for building parameters: pg_param("x"), pg_param(42), pg_null().
inline pg_value pg_null() {
  return std::nullopt;
}
inline pg_value pg_param(std::string v) {
  return pg_value{std::move(v)};
}
inline pg_value pg_param(const char* v) {
  return pg_value{std::string{v}};
}
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
pg_value pg_param(T v) {
  if constexpr (std::is_same_v<T, bool>)
    return pg_value{v ? "t" : "f"};
  else
    return pg_value{std::to_string(v)};
}

bool operator==(const pg_statement& a, const pg_statement& b);
bool operator==(const pg_rows& a, const pg_rows& b);

namespace detail {

// CAF 0.17 has no inspector for std::optional, so values travel as a flat list
// beside a NULL flag per value.
struct pg_values_wire {
  std::vector<uint8_t> nulls;
  std::vector<std::string> values;
};

pg_values_wire to_wire(const std::vector<pg_value>& xs);
std::vector<pg_value> from_wire(pg_values_wire& w);

} // namespace detail

/// CAF serialization of pg_statement.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_statement& x) {
  if constexpr (Inspector::reads_state) {
    auto w = detail::to_wire(x.params);
    return f(caf::meta::type_name("pg_statement"), x.name, w.nulls, w.values);
  } else {
    detail::pg_values_wire w;
    auto guard = caf::detail::make_scope_guard([&] { x.params = detail::from_wire(w); });
    return f(caf::meta::type_name("pg_statement"), x.name, w.nulls, w.values);
  }
}

/// CAF serialization of pg_batch.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_batch& x) {
  return f(caf::meta::type_name("pg_batch"), x.statements);
}

/// CAF serialization of pg_rows (cells flattened row by row).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_rows& x) {
  if constexpr (Inspector::reads_state) {
    uint64_t n = x.rows.size();
    std::vector<pg_value> cells;
    for (auto& row : x.rows)
      cells.insert(cells.end(), row.begin(), row.end());
    auto w = detail::to_wire(cells);
    return f(caf::meta::type_name("pg_rows"), x.columns, n, w.nulls, w.values,
             x.affected);
  } else {
    uint64_t n = 0;
    detail::pg_values_wire w;
    auto guard = caf::detail::make_scope_guard([&] {
      auto cells = detail::from_wire(w);
      x.rows.clear();
      auto width = x.columns.size();
      if (n == 0 || cells.size() != n * width)
        return;
      x.rows.reserve(n);
      for (uint64_t i = 0; i < n; ++i)
        x.rows.emplace_back(std::make_move_iterator(cells.begin() + i * width),
                            std::make_move_iterator(cells.begin() + (i + 1) * width));
    });
    return f(caf::meta::type_name("pg_rows"), x.columns, n, w.nulls, w.values,
             x.affected);
  }
}

/// CAF serialization of pg_copy.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_copy& x) {
  return f(caf::meta::type_name("pg_copy"), x.statement, x.chunks);
}

} // namespace kyb::persistence

// The SQL a process may run on its connections: named statements, prepared on every
// (re)connect. Batches name statements; no other SQL reaches PostgreSQL through the pool.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kyb::persistence {

/// One named statement. `sql` uses $1, $2, ... for parameters. An entry whose SQL starts
/// with COPY (a `COPY ... FROM STDIN`) is not prepared: pg_copy messages name it.
struct statement_def {
  std::string name;
  std::string sql;
};

/// An immutable-after-setup list of statements, shared by all connections of a pool as
/// `std::shared_ptr<const statement_catalog>`.
class statement_catalog {
public:
  statement_catalog() = default;
  /// Builds from a list; later duplicates of a name are ignored (see add).
  statement_catalog(std::initializer_list<statement_def> defs);
  explicit statement_catalog(std::vector<statement_def> defs);

  /// Adds a statement. Returns false (and changes nothing) if `name` is empty or taken.
  bool add(std::string name, std::string sql);
  /// Adds every statement of `other`; false if any name was taken (those are skipped).
  bool merge(const statement_catalog& other);

  /// The statement called `name`, or nullptr.
  const statement_def* find(std::string_view name) const;
  /// Its position in statements(), or -1.
  int index_of(std::string_view name) const;
  /// All statements in the order they were added.
  const std::vector<statement_def>& statements() const { return defs_; }
  size_t size() const { return defs_.size(); }

  /// True if `sql` is a COPY statement (first keyword, case-insensitive, after blanks
  /// and comments).
  static bool is_copy(std::string_view sql);

private:
  std::vector<statement_def> defs_;
  std::unordered_map<std::string, int> index_;
};

} // namespace kyb::persistence

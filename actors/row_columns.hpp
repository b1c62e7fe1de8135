// Reading result columns by the names their SELECT gives them (persistence/queries.cpp),
// not by positions far from it: a decoder asks `cols["legal_name"]` for the position in
// this result, so a column added, moved or renamed in the SQL cannot be read as another.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/pg_types.hpp"

namespace kyb::actors {

class row_columns {
public:
  /// The columns of `rows` (which must outlive this).
  explicit row_columns(const persistence::pg_rows& rows) : names_(&rows.columns) {}

  /// The position of column `name`. A name the SELECT does not give is a bug in the
  /// decoder: it throws std::out_of_range naming the column, like a bad position would.
  size_t operator[](std::string_view name) const {
    for (size_t i = 0; i < names_->size(); ++i)
      if ((*names_)[i] == name)
        return i;
    throw std::out_of_range("no column '" + std::string(name) + "' in the result");
  }

private:
  const std::vector<std::string>* names_;
};

} // namespace kyb::actors

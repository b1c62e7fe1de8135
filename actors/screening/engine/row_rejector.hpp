// The bad-row budget of one list load (load_options::max_bad_rows).
#pragma once

#include <optional>
#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Applies load_options::max_bad_rows while a parser walks its rows.
class row_rejector {
public:
  /// Counts against `options` and records warnings in `list`.
  row_rejector(sanctions_list& list, const load_options& options)
      : list_(list), options_(options) {}

  /// Counts a rejected row. Returns the error that fails the list once the budget is
  /// spent, otherwise records a warning and returns nullopt.
  std::optional<load_error> reject(const std::string& file, size_t line,
                                   std::string message);

  /// Rows rejected so far.
  size_t rejected() const noexcept { return rejected_; }

private:
  sanctions_list& list_;
  const load_options& options_;
  size_t rejected_ = 0;
};

} // namespace kyb::screening

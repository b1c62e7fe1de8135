// The engine's own list formats, CSV and JSON, for lists it has no dedicated loader
// for (the EU or UK consolidated lists after an operator's conversion). Both are
// specified in actors/screening/LIST_FORMATS.md.
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Parses the generic CSV: UTF-8, a header naming the columns (id and name required;
/// type, aliases, weak_aliases, countries, addresses, programs, dates_of_birth,
/// identifiers, remarks optional; others ignored with a warning), multi-valued cells
/// separated by ";". Identifiers are written "type: value" or "type: value (country)".
result<sanctions_list, load_error> parse_generic_csv(const std::string& list_name,
                                                     const source_file& file,
                                                     const load_options& options);

/// Parses the generic JSON: an array of entity objects, or {"entities": [...]}, with
/// the same fields as the CSV as JSON values (lists as arrays). Syntax errors name the
/// line; an invalid entity names its position ("entities[12]") and obeys
/// `options.max_bad_rows`.
result<sanctions_list, load_error> parse_generic_json(const std::string& list_name,
                                                      const source_file& file,
                                                      const load_options& options);

} // namespace kyb::screening

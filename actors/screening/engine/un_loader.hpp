// The UN Security Council consolidated list (XML, CONSOLIDATED_LIST schema).
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Parses INDIVIDUAL and ENTITY records: names (FIRST..FOURTH_NAME), aliases (quality
/// "Low" = weak), names in original script, nationalities, addresses, dates of birth
/// (exact, approximate, between years), documents, list type and reference number.
/// XML that does not parse fails with the line of the error; records without DATAID
/// or name obey `options.max_bad_rows`.
result<sanctions_list, load_error> parse_un_xml(const std::string& list_name,
                                                const source_file& file,
                                                const load_options& options);

} // namespace kyb::screening

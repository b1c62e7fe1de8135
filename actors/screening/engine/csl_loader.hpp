// The US Consolidated Screening List CSV as trade.gov publishes it: a header line
// (which the file repeats on line 2), one row per party, multi-valued fields joined
// by "; ".
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Parses the CSL columns (_id, source, type, programs, name, addresses, alt_names,
/// citizenships, nationalities, dates_of_birth, ids...), found by header name. Rows
/// that repeat the header are skipped; rows sharing an _id (one party on several
/// source lists) are merged; malformed rows obey `options.max_bad_rows`.
result<sanctions_list, load_error> parse_us_csl_csv(const std::string& list_name,
                                                    const source_file& file,
                                                    const load_options& options);

} // namespace kyb::screening

// OFAC's legacy CSV files: the SDN list (sdn.csv, alt.csv, add.csv, sdn_comments.csv)
// and the consolidated non-SDN list (cons_prim.csv, cons_alt.csv, cons_add.csv,
// cons_comments.csv), which share one layout: no header, Windows-1252, CRLF, "-0-"
// for an empty field, a trailing 0x1A byte.
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Parses the primary file and the optional alias, address and comment files (null =
/// not supplied). Alias, address and comment rows whose ent_num is not in the primary
/// file are skipped with a warning (the files are published separately and do not
/// always join); a primary entry without aliases or addresses is simply kept.
/// Malformed rows obey `options.max_bad_rows`.
result<sanctions_list, load_error>
parse_ofac_csv(const std::string& list_name, const source_file& primary,
               const source_file* aliases, const source_file* addresses,
               const source_file* comments, const load_options& options);

} // namespace kyb::screening

// Loads configured lists from their files: reads the bytes, dispatches to the format's
// parser, fills the metadata (content version, counts, load time) and tidies names.
#pragma once

#include <vector>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// Reads and parses one list. Every failure is a load_error naming the file (and the
/// line when it is about a place in the file); nothing throws.
result<sanctions_list, load_error> load_list(const list_source& source);

/// Parses one list from bytes already read: `files` holds the main file first, then
/// (OFAC only) the alias, address and comment files, each possibly with empty path
/// meaning "not supplied".
result<sanctions_list, load_error> parse_list(const list_source& source,
                                              const std::vector<source_file>& files);

/// Loads every list; the first failure stops and is returned, so a reload either
/// yields a complete set or leaves the caller's current index untouched.
result<std::vector<sanctions_list>, load_error>
load_lists(const std::vector<list_source>& sources);

/// "sha256:<hex>" of the files' bytes (each prefixed by its length).
std::string content_version(const std::vector<source_file>& files);

} // namespace kyb::screening

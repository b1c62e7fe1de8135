// A fingerprint of a listed entry's content, kept with every stored hit and with every
// analyst's decision: a false-positive decision holds only while the entry it was made
// on is unchanged.
#pragma once

#include <string>

#include "actors/screening/engine/entity.hpp"

namespace kyb::actors {

/// "sha256:<hex>" over everything that identifies the entry (type, names and aliases,
/// addresses, countries, programs, dates of birth, identifiers, remarks), in list
/// order; not over the list name or id, which locate it.
std::string entity_fingerprint(const screening::sanctioned_entity& e);

} // namespace kyb::actors

// The EU's consolidated list of persons, groups and entities subject to financial
// sanctions, in its official XML (the Financial Sanctions Files, "xmlFullSanctionsList
// 1.1"): <export> holds one <sanctionEntity logicalId euReferenceNumber> per party, with
// <subjectType code="person|enterprise">, <nameAlias wholeName strong>, <citizenship
// countryIso2Code>, <birthdate birthdate|year circa>, <identification number
// identificationTypeDescription countryIso2Code>, <address ... countryIso2Code>,
// <regulation programme> and <remark>. See LIST_FORMATS.md.
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

result<sanctions_list, load_error> parse_eu_fsf_xml(const std::string& list_name,
                                                    const source_file& file,
                                                    const load_options& options);

} // namespace kyb::screening

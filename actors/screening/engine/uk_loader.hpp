// The UK's consolidated list of financial sanctions targets (OFSI, HM Treasury) in its
// published CSV ("ConList.csv", 2022 format): a first line "Last Updated,dd/mm/yyyy",
// then a header row (Name 6, Name 1 .. Name 5, Title, Name Non-Latin Script, DOB,
// Nationality, Passport Number, National Identification Number, Address 1 .. 6,
// Post/Zip Code, Country, Other Information, Group Type, Alias Type, Alias Quality,
// Regime, Listed On, Last Updated, Group ID) and one row per name: the rows of one
// Group ID are one party, its "Primary name" row the primary name and the others its
// aliases. Dates are dd/mm/yyyy with 00 for an unknown day or month. See
// LIST_FORMATS.md.
#pragma once

#include <string>

#include "actors/screening/engine/list_source.hpp"
#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

result<sanctions_list, load_error> parse_uk_ofsi_csv(const std::string& list_name,
                                                     const source_file& file,
                                                     const load_options& options);

} // namespace kyb::screening

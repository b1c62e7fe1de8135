// Businesses as rows: decoding business_get / business_page results (the columns of
// KYB_BUSINESS_COLUMNS in persistence/queries.cpp) and encoding the address column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/business/business.hpp"
#include "actors/row_columns.hpp"
#include "persistence/pg_types.hpp"

namespace kyb::actors {

/// The record of one business row (columns `c` of a KYB_BUSINESS_COLUMNS result),
/// without owners. The tax id is not decrypted here: `sealed_tax_id` receives the stored
/// ciphertext (if any).
business_record decode_business_row(const row_columns& c,
                                    const std::vector<persistence::pg_value>& row,
                                    std::optional<std::string>& sealed_tax_id);

std::optional<postal_address> decode_address(const std::optional<std::string>& json_text);
std::string encode_address(const postal_address& a);

/// The associated data sealing a business's tax id (its tenant and its id): a tax id
/// copied into another business or tenant does not decrypt.
std::string tax_id_aad(const business_record& rec);

} // namespace kyb::actors

// A screening request as the API receives it, and its validation: every problem is a
// query_error value the HTTP layer turns into a 400 problem+json.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/screening/engine/entity.hpp"
#include "actors/screening/engine/match_options.hpp"
#include "actors/screening/engine/result.hpp"

namespace kyb::screening {

/// Fields of POST /v1/screenings (all strings as received; validated here).
struct screening_query {
  std::string name;                         ///< Required.
  std::optional<std::string> type;          ///< individual, entity, vessel, aircraft.
  std::optional<std::string> country;       ///< ISO alpha-2/alpha-3 code or a name.
  std::optional<std::string> date_of_birth; ///< YYYY, YYYY-MM or YYYY-MM-DD.
  std::optional<double> threshold;          ///< In (0, 1]; default from match_options.
  std::optional<std::string> identifier;    ///< A passport, tax or registry number.
};

/// What is wrong with a query.
enum class query_error_code {
  empty_name,        ///< Missing, blank, or no letters or digits.
  name_too_long,     ///< Over match_options::max_name_bytes bytes.
  too_many_tokens,   ///< Over match_options::max_query_tokens words.
  control_character, ///< C0/C1 control characters or DEL.
  invalid_utf8,
  unknown_type,
  bad_date,
  unknown_country,
  bad_threshold,
  bad_identifier,
};

/// "empty_name", "name_too_long"...
const char* to_string(query_error_code c) noexcept;

/// A validation failure: which field, and a sentence for the problem detail.
struct query_error {
  query_error_code code = query_error_code::empty_name;
  std::string field;
  std::string message;
};

/// A query that passed validation, in typed form.
struct validated_query {
  std::string name;
  std::vector<std::string> tokens; ///< The normalised name.
  entity_type type = entity_type::unknown;
  std::optional<std::string> country_code;
  std::optional<partial_date> date_of_birth;
  double threshold = 0;
  std::optional<std::string> identifier; ///< Normalised: upper-case letters and digits.
};

/// Checks a name on its own (used for both names of compare()). On success returns the
/// normalised tokens.
result<std::vector<std::string>, query_error> validate_name(const std::string& name,
                                                            const std::string& field,
                                                            const match_options& options);

/// Validates every field of `q`.
result<validated_query, query_error> validate_query(const screening_query& q,
                                                    const match_options& options);

/// Upper-case ASCII letters and digits of an identifier ("AB 12-345" -> "AB12345").
std::string normalize_identifier(const std::string& text);

} // namespace kyb::screening

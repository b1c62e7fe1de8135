#include "actors/screening/engine/screening_query.hpp"

#include <cmath>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"

namespace kyb::screening {

namespace {

/// Finds C0 controls, DEL and C1 controls (U+0080-U+009F) in valid UTF-8.
bool has_control(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F)
      return true;
    if (c == 0xC2 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9F)
        return true;
    }
  }
  return false;
}

query_error err(query_error_code code, std::string field, std::string message) {
  return query_error{code, std::move(field), std::move(message)};
}

} // namespace

const char* to_string(query_error_code c) noexcept {
  switch (c) {
  case query_error_code::empty_name:
    return "empty_name";
  case query_error_code::name_too_long:
    return "name_too_long";
  case query_error_code::too_many_tokens:
    return "too_many_tokens";
  case query_error_code::control_character:
    return "control_character";
  case query_error_code::invalid_utf8:
    return "invalid_utf8";
  case query_error_code::unknown_type:
    return "unknown_type";
  case query_error_code::bad_date:
    return "bad_date";
  case query_error_code::unknown_country:
    return "unknown_country";
  case query_error_code::bad_threshold:
    return "bad_threshold";
  case query_error_code::bad_identifier:
    return "bad_identifier";
  }
  return "unknown";
}

result<std::vector<std::string>, query_error>
validate_name(const std::string& name, const std::string& field,
              const match_options& options) {
  if (name.size() > options.max_name_bytes)
    return err(query_error_code::name_too_long, field,
               field + " is " + std::to_string(name.size()) + " bytes; at most " +
                   std::to_string(options.max_name_bytes) + " are accepted");
  size_t bad = 0;
  if (!is_valid_utf8(name, &bad))
    return err(query_error_code::invalid_utf8, field,
               field + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  if (has_control(name))
    return err(query_error_code::control_character, field,
               field + " contains control characters");
  if (trim(name).empty())
    return err(query_error_code::empty_name, field, field + " is empty");
  auto tokens = normalizer::tokens(name);
  if (tokens.empty())
    return err(query_error_code::empty_name, field,
               field + " has no letters or digits to match");
  if (tokens.size() > options.max_query_tokens)
    return err(query_error_code::too_many_tokens, field,
               field + " has " + std::to_string(tokens.size()) + " words; at most " +
                   std::to_string(options.max_query_tokens) + " are accepted");
  return tokens;
}

std::string normalize_identifier(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z')
      out += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      out += c;
  }
  return out;
}

result<validated_query, query_error> validate_query(const screening_query& q,
                                                    const match_options& options) {
  validated_query v;
  auto tokens = validate_name(q.name, "name", options);
  if (!tokens)
    return tokens.error();
  v.name = q.name;
  v.tokens = std::move(tokens.value());
  if (q.type && !trim(*q.type).empty()) {
    auto t = parse_entity_type(trim(*q.type));
    if (!t)
      return err(query_error_code::unknown_type, "type",
                 "type must be individual, entity, vessel or aircraft");
    v.type = *t;
  }
  if (q.country && !trim(*q.country).empty()) {
    if (q.country->size() > 100 || !is_valid_utf8(*q.country) || has_control(*q.country))
      return err(query_error_code::unknown_country, "country", "country is not readable");
    auto code = country_table::code_of(*q.country);
    if (!code)
      return err(query_error_code::unknown_country, "country",
                 "unknown country '" + *q.country + "' (use an ISO 3166 code or name)");
    v.country_code = *code;
  }
  if (q.date_of_birth && !trim(*q.date_of_birth).empty()) {
    auto d = parse_iso_partial_date(trim(*q.date_of_birth));
    if (!d)
      return err(query_error_code::bad_date, "date_of_birth",
                 "date_of_birth must be a real date written YYYY, YYYY-MM or YYYY-MM-DD");
    v.date_of_birth = *d;
  }
  v.threshold = options.threshold;
  if (q.threshold) {
    double t = *q.threshold;
    if (!std::isfinite(t) || t <= 0 || t > 1)
      return err(query_error_code::bad_threshold, "threshold",
                 "threshold must be a number in (0, 1]");
    v.threshold = t;
  }
  if (q.identifier && !trim(*q.identifier).empty()) {
    if (q.identifier->size() > 100 || has_control(*q.identifier))
      return err(query_error_code::bad_identifier, "identifier",
                 "identifier must be at most 100 printable characters");
    auto id = normalize_identifier(*q.identifier);
    if (id.size() < 4)
      return err(query_error_code::bad_identifier, "identifier",
                 "identifier needs at least 4 letters or digits");
    v.identifier = id;
  }
  return v;
}

} // namespace kyb::screening

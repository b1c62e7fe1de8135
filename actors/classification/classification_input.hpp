// What a caller gives the classifier, and the checks it must pass first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "actors/classification/error.hpp"
#include "actors/classification/text_normalizer.hpp"

namespace kyb::classification {

/// The facts about one business that the classifier reads. All text is UTF-8.
struct classification_input {
  std::string legal_name;   ///< Registered name ("Acme Coffee Roasters LLC").
  std::string dba_name;     ///< Trading name, if different ("Acme Coffee").
  std::string description;  ///< Free text about what the business does.
  std::string website_text; ///< Visible text of the business's website.
  std::string country;      ///< ISO 3166-1 alpha-2 ("US"), any case; may be empty.
};

/// Size limits per field, in bytes. Larger input is refused (HTTP 400), not truncated,
/// so a caller never gets an answer computed from half its input.
struct input_limits {
  size_t max_name_bytes = 1024;               ///< legal_name and dba_name.
  size_t max_description_bytes = 16 * 1024;   ///< description.
  size_t max_website_text_bytes = 512 * 1024; ///< website_text.
};

/// Checks `input` against `limits`: at least one non-blank text field, every field
/// well-formed UTF-8 and within its limit, country empty or an assigned ISO 3166-1
/// alpha-2 code. Returns the first problem found, naming the field.
std::optional<error> validate_input(const classification_input& input,
                                    const input_limits& limits = {});

/// The name of the field: "legal_name", "dba_name", "description" or "website_text".
const char* field_name(input_field f) noexcept;

/// True when `code` (two letters, any case) is an assigned ISO 3166-1 alpha-2 code
/// (plus XK, Kosovo).
bool is_iso_country(const std::string& code);

} // namespace kyb::classification

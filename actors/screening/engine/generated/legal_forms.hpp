// Declarations of the generated legal-form table (legal_forms.cpp beside this file,
// written by the gen_legal_forms tool; see actors/screening/LIST_FORMATS.md).
#pragma once

#include <cstddef>

namespace kyb::screening::generated {

/// Normalised legal-form phrases (tokens joined by single spaces), sorted, unique.
extern const char* const legal_form_phrases[];

/// Number of entries in legal_form_phrases.
extern const size_t legal_form_phrase_count;

} // namespace kyb::screening::generated

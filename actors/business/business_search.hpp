// What a business search looks for: the words of `q` that name the business. Legal-form
// words (LLC, Inc, GmbH, S.A. ... from the GLEIF ISO 20275 list, recognised as the
// screening engine recognises them) are dropped when the query has other words: they are
// on most businesses, so "Acme LLC" finding every LLC that is not Acme would cost a
// ranking of hundreds of thousands of rows and tell the user nothing. A query of legal
// forms alone ("llc") is searched as it is. No I/O.
#pragma once

#include <string>
#include <string_view>

namespace kyb::actors {

/// The query text handed to plainto_tsquery: the words of `q` (split at white space)
/// without the legal-form ones, unless nothing else is left; white space folded.
std::string search_text_of(std::string_view q);

} // namespace kyb::actors

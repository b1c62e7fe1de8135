// Validation of business input: every field checked, every problem reported with the
// field it is about (JSON-pointer style, e.g. "/owners/1/date_of_birth").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/business/business.hpp"

namespace kyb::actors {

struct field_error {
  std::string field;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, field_error& x) {
  return f(x.field, x.detail);
}

enum class validation_mode { create, update };

/// Checks `in` and normalises it in place (trims text, upper-cases country codes).
/// Returns every problem found; empty means valid.
std::vector<field_error> validate_business_input(business_input& in, validation_mode mode,
                                                 const std::string& today);

/// Applies a validated update to `rec` (merge-patch: absent keeps, null clears).
void apply_business_input(business_record& rec, const business_input& in);

/// True if `code` is an officially assigned ISO 3166-1 alpha-2 code (upper case).
bool is_country_code(const std::string& code);

/// True for a real calendar date written YYYY-MM-DD.
bool is_iso_date(const std::string& text);

/// The tax id with spaces, dashes, dots and slashes removed and letters upper-cased:
/// the form that is hashed for lookup and encrypted at rest.
std::string normalize_tax_id(const std::string& tax_id);

/// "•••• 6789"-style mask showing only the last four characters.
std::string mask_tax_id(const std::string& normalized);

/// An owner's date of birth as answers show it without a reveal: the year alone,
/// "1965-**-**" for "1965-03-04".
std::string mask_date_of_birth(const std::string& iso_date);

/// An http:// or https:// URL with a fully qualified host name, no credentials, no
/// spaces or control characters (a website, a webhook endpoint); `why` says what is
/// wrong otherwise.
bool valid_url(const std::string& url, std::string& why);

/// The duplicate tax id policy (migration 0017): a tax id that a live business of the
/// tenant has is refused, in a single create, an update and each row of a bulk import
/// alike, unless the request says allow_duplicate_tax_id=true. The detail of that
/// refusal, naming the existing business (its id first, so that the HTTP side can lift
/// it).
std::string duplicate_tax_id_detail(const std::string& existing_id);

/// The existing business named by a duplicate_tax_id_detail() (a 36-character id
/// after "business "), if `detail` is one.
std::optional<std::string> duplicate_tax_id_of(const std::string& detail);

/// Today's UTC date as YYYY-MM-DD.
std::string utc_today();

} // namespace kyb::actors

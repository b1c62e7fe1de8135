// The entity model every list loader produces: one sanctioned party with its names,
// places, dates and documents, independent of the list format it came from.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::screening {

/// What kind of party a list entry is. `unknown` when the list does not say.
enum class entity_type { unknown, individual, entity, vessel, aircraft };

/// "individual", "entity", "vessel", "aircraft" or "unknown".
const char* to_string(entity_type t) noexcept;

/// Parses a type name (case-insensitive; "organization"/"company" mean entity,
/// "person" means individual). Returns nullopt for anything else.
std::optional<entity_type> parse_entity_type(std::string_view text);

/// True when an entity of type `listed` can be the party a query of type `wanted`
/// is about. Unknown on either side is compatible with everything.
bool types_compatible(entity_type wanted, entity_type listed) noexcept;

/// A calendar date of which only a prefix may be known: year, year-month or full.
struct partial_date {
  int year = 0;  ///< 0 = unknown.
  int month = 0; ///< 1-12, or 0 when unknown.
  int day = 0;   ///< 1-31, or 0 when unknown.

  /// True when at least the year is known.
  bool known() const noexcept { return year != 0; }
  /// "1965", "1965-03" or "1965-03-12".
  std::string to_string() const;
};

/// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a real calendar date, year 1000-2999).
std::optional<partial_date> parse_iso_partial_date(std::string_view text);

/// A date of birth as lists give it: one (partial) date, or a range of years, possibly
/// approximate ("circa 1960", "between 1958 and 1960").
struct date_of_birth {
  partial_date from;        ///< The date, or the start of the range.
  partial_date to;          ///< The end of a range; unknown for a single date.
  bool approximate = false; ///< "circa" / "approximately": one year either side.

  /// True when `d` can be this date of birth.
  bool compatible_with(const partial_date& d) const noexcept;
  /// "1965-03-12", "circa 1960", "1958 to 1960".
  std::string to_string() const;
  /// The years alone: "1965", "circa 1960", "1958 to 1960".
  std::string years_to_string() const;
};

/// The detail of a date-of-birth refinement, in years only: the query's date is often an
/// owner's, personal data that answers show only as its year ("1965-**-**"), so the
/// comparison never spells out its month or day, nor a listed full date that would give
/// them away beside a match. "year of birth matches (listed: 1965)", "year of birth
/// matches, month or day differs (listed: 1965)", "year of birth differs by 3 years
/// (listed: circa 1960)", "no date of birth listed".
std::string birth_year_comparison(const partial_date& query,
                                  const std::vector<date_of_birth>& listed);

/// Another name of the entity. Weak aliases ("low quality" a.k.a.s) count less.
struct alias {
  std::string name;
  bool strong = true;
  std::string kind; ///< "aka", "fka", "nka", "original_script", "derived"...
};

/// A postal address as far as the list gives it.
struct address {
  std::string text;         ///< Street, city, region and postal code, as listed.
  std::string country;      ///< Country as listed ("Iran", "IR").
  std::string country_code; ///< ISO 3166-1 alpha-2 when recognised, else empty.
};

/// A document or registry number (passport, tax id, IMO number...).
struct identifier {
  std::string type;    ///< As listed: "Passport", "Tax ID No.", "IMO".
  std::string value;   ///< As listed.
  std::string country; ///< Issuing country as listed, may be empty.
};

/// One entry of a sanctions list.
struct sanctioned_entity {
  std::string list; ///< The list name it was loaded from ("ofac_sdn").
  std::string id;   ///< The list's own id (OFAC ent_num, UN DATAID...).
  entity_type type = entity_type::unknown;
  std::string primary_name;
  std::vector<alias> aliases;
  std::vector<address> addresses;
  /// ISO 3166-1 alpha-2 codes of nationality, citizenship, registration and
  /// address countries, without duplicates.
  std::vector<std::string> countries;
  std::vector<std::string> programs;
  std::vector<date_of_birth> dates_of_birth;
  std::vector<identifier> identifiers;
  std::string remarks;

  /// Adds an ISO code to `countries` unless it is empty or already present.
  void add_country_code(const std::string& code);
};

} // namespace kyb::screening

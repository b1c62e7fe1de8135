// The one normalised answer of a registry lookup (GLEIF, UK Companies House, SEC EDGAR,
// OpenCorporates), the identifiers a lookup starts from, and the error values every
// part of the registry engine returns instead of throwing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::registry {

/// The registries the engine speaks to.
enum class registry_kind { gleif, companies_house, sec_edgar, opencorporates };

/// "gleif", "companies_house", "sec_edgar", "opencorporates".
const char* to_string(registry_kind k) noexcept;
/// Inverse of to_string(); nullopt for any other text.
std::optional<registry_kind> parse_registry_kind(std::string_view text) noexcept;

/// The company's status, normalised.
enum class company_status { active, inactive, dissolved, unknown };

/// "active", "inactive", "dissolved", "unknown".
const char* to_string(company_status s) noexcept;

/// What the business declares about itself: the identifiers a lookup starts from.
/// Every field is optional; empty strings count as absent.
struct business_identifiers {
  std::string legal_name;
  std::string country;             ///< ISO 3166-1 alpha-2 ("GB", "US").
  std::string jurisdiction;        ///< "US-DE", "GB"... (ISO 3166-2 or alpha-2).
  std::string registration_number; ///< The company number in its register.
  std::string lei;                 ///< ISO 17442, 20 characters.
  std::string cik;                 ///< SEC Central Index Key, digits.
  std::string ticker;              ///< Exchange ticker ("TSLA").
};

/// A postal address as the registry gives it.
struct registry_address {
  std::vector<std::string> lines; ///< Street lines, in order.
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country; ///< As the registry writes it (code or name).
  /// True when nothing is set.
  bool empty() const noexcept;
};

/// An officer (director, secretary...) or a person with significant control.
struct registry_person {
  std::string name;
  std::string role; ///< "director", "individual-person-with-significant-control"...
  std::string kind; ///< "individual", "corporate" or "" when the registry does not say.
  std::optional<std::string> appointed_on; ///< YYYY-MM-DD
  std::optional<std::string> ceased_on;    ///< YYYY-MM-DD
  std::optional<std::string> nationality;
  std::optional<std::string> birth_month; ///< YYYY-MM (registries publish no day).
  std::vector<std::string> natures_of_control;
  bool ceased = false; ///< The appointment or control has ended.
};

/// An industry code with its scheme.
struct industry_code {
  std::string scheme; ///< "SIC" (UK SIC 2007 or US SIC), "NAICS", or the registry's.
  std::string code;
  std::string description;
};

/// A parent entity (GLEIF level-2 data).
struct parent_entity {
  std::string relation; ///< "direct" or "ultimate".
  std::string id;       ///< The parent's LEI.
  std::string name;
  std::string jurisdiction;
};

/// One fetched document, for provenance.
struct source_document {
  std::string url;
  std::string sha256; ///< Lower-case hex of the raw body.
  int http_status = 0;
  std::chrono::system_clock::time_point fetched_at;
};

/// How a candidate compares with the declared business (see registry_match.hpp).
struct match_evidence {
  /// The screening engine's pair score of the declared and registered legal names,
  /// 0..1; nullopt when no legal name was declared.
  std::optional<double> name_score;
  std::optional<bool> jurisdiction_agrees; ///< nullopt: not declared or not known.
  std::optional<bool> number_agrees;       ///< nullopt: not declared or not known.
  double confidence = 0;                   ///< 0..1, see match_confidence().
};

/// The registry's officers and PSCs against the declared owners.
struct owner_comparison {
  struct pair {
    std::string declared;
    std::string registered;
    double score = 0;
  };
  std::vector<pair> matched;
  std::vector<std::string> missing; ///< Declared, not found among the current people.
  std::vector<std::string> extra;   ///< Current PSCs the business did not declare.
};

/// The normalised result of one registry lookup.
struct registry_result {
  registry_kind registry = registry_kind::gleif;
  std::string entity_id; ///< LEI, company number, CIK (10 digits) or "jur/number".
  match_evidence match;
  company_status status = company_status::unknown;
  std::string registry_status; ///< The registry's own word ("ACTIVE", "dissolved"...).
  std::string legal_name;
  std::vector<std::string> previous_names;
  std::string jurisdiction;
  std::string registration_number;
  std::optional<std::string> incorporation_date; ///< YYYY-MM-DD
  std::optional<std::string> dissolution_date;   ///< YYYY-MM-DD
  std::string legal_form;
  registry_address registered_address; ///< EDGAR: none (it has no registered office).
  std::optional<registry_address> business_address; ///< Headquarters / business.
  std::optional<registry_address> mailing_address;  ///< EDGAR's mailing address.
  std::vector<registry_person> officers;
  std::vector<registry_person> significant_control;
  std::optional<owner_comparison> owners; ///< The caller sets it from compare_owners().
  std::vector<industry_code> industry_codes;
  std::vector<parent_entity> parents;
  std::optional<bool> insolvency_history;
  std::optional<int> outstanding_charges;
  std::optional<std::string> last_filing_date; ///< YYYY-MM-DD
  std::string source_url;                      ///< The main document's URL.
  std::chrono::system_clock::time_point fetched_at;
  std::vector<source_document> documents; ///< Every document read, in order.
};

/// Why a lookup or a parse did not give a result.
enum class lookup_error_code {
  not_found,          ///< 404, or no candidate in the search answer.
  gone,               ///< 410.
  rate_limited,       ///< 429 (retry_after when the registry said).
  unauthorized,       ///< 401 / 403: bad or missing key.
  upstream_error,     ///< 5xx or another unexpected status.
  malformed_response, ///< Not JSON, truncated, or not the documented shape.
  bad_input,          ///< The identifiers do not allow this lookup.
  not_configured,     ///< The registry needs a key or User-Agent it was not given.
};

/// "not_found", "gone", ...
const char* to_string(lookup_error_code c) noexcept;

/// A lookup's failure: always names the registry and what went wrong.
struct lookup_error {
  registry_kind registry = registry_kind::gleif;
  lookup_error_code code = lookup_error_code::upstream_error;
  std::string message;
  int http_status = 0; ///< 0 when no HTTP status applies.
  std::optional<std::chrono::seconds> retry_after;
  std::string url; ///< The request that failed, when one did.
  /// "<registry>: <code>: <message>".
  std::string to_string() const;
};

} // namespace kyb::registry

// Parsers of the registries' JSON documents into registry_result and its parts. Each
// takes the raw body and never throws: malformed, truncated or unexpected JSON gives
// a lookup_error (code malformed_response) naming the registry, the document and
// what was wrong ("gleif: malformed_response: lei-record: data.attributes.entity.
// legalName.name is a number, expected a string").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/registry/registry_result.hpp"
#include "actors/screening/engine/result.hpp"

namespace kyb::registry {

template <class T>
using parsed = screening::result<T, lookup_error>;

/// One entry of a search answer.
struct candidate {
  std::string id;   ///< LEI, company number, CIK (10 digits) or "jurisdiction/number".
  std::string name; ///< The registered name as listed.
  std::string jurisdiction;
  std::string status; ///< The registry's word, when the search gives it.
};

/// `source` filled from a fetched document: its URL, SHA-256 of the body, status and
/// fetch time.
source_document describe(std::string_view url, std::string_view body, int http_status,
                         std::chrono::system_clock::time_point fetched_at);

// --- GLEIF (api.gleif.org/api/v1) -------------------------------------------------

/// GET /lei-records/{lei}: the entity. Status from entity.status (ACTIVE; INACTIVE is
/// dissolved when expiration.reason is DISSOLVED); the registry's word names the LEI
/// registration's status too ("ACTIVE (LEI LAPSED)"): a lapsed LEI is not a closed
/// company.
parsed<registry_result> parse_gleif_lei_record(std::string_view body);
/// GET /fuzzycompletions?field=entity.legalName&q=...: candidates with their LEIs.
parsed<std::vector<candidate>> parse_gleif_fuzzy_completions(std::string_view body);
/// GET /lei-records/{lei}/direct-parent or /ultimate-parent: the parent's LEI record.
parsed<parent_entity> parse_gleif_parent(std::string_view body,
                                         const std::string& relation);

// --- UK Companies House (api.company-information.service.gov.uk) -----------------

/// GET /search/companies (kind search#companies) or /search (search#all; only its
/// company results are kept).
parsed<std::vector<candidate>> parse_ch_search(std::string_view body);
/// GET /company/{number}.
parsed<registry_result> parse_ch_profile(std::string_view body);
/// GET /company/{number}/persons-with-significant-control (a list), or one PSC.
parsed<std::vector<registry_person>> parse_ch_pscs(std::string_view body);
/// GET /company/{number}/officers.
parsed<std::vector<registry_person>> parse_ch_officers(std::string_view body);
/// GET /company/{number}/insolvency: the number of cases.
parsed<int> parse_ch_insolvency(std::string_view body);
/// GET /company/{number}/charges: the number of outstanding charges.
parsed<int> parse_ch_charges(std::string_view body);
/// GET /company/{number}/filing-history: the latest filing's date (nullopt: none).
parsed<std::optional<std::string>> parse_ch_filing_history(std::string_view body);

// --- SEC EDGAR (data.sec.gov, www.sec.gov/files) ----------------------------------

/// company_tickers.json: the row whose ticker is `ticker` (case-insensitive, "." and
/// "-" alike: BRK.B = BRK-B) as a one-element list; with no ticker, every row (the
/// caller scores their titles). CIKs come back as 10 digits.
parsed<std::vector<candidate>> parse_sec_tickers(std::string_view body,
                                                 const std::string& ticker);
/// data.sec.gov/submissions/CIK##########.json: name, former names, SIC, state of
/// incorporation, business and mailing addresses. EDGAR has no status: "unknown".
parsed<registry_result> parse_sec_submissions(std::string_view body);

// --- OpenCorporates (api.opencorporates.com/v0.4) ----------------------------------

/// GET /companies/search: {"results":{"companies":[{"company":{...}}]}}.
parsed<std::vector<candidate>> parse_oc_search(std::string_view body);
/// GET /companies/{jurisdiction_code}/{company_number}: {"results":{"company":{...}}}.
parsed<registry_result> parse_oc_company(std::string_view body);

/// CIK as 10 digits ("1318605" -> "0001318605"); nullopt unless 1 to 10 digits.
std::optional<std::string> normalize_cik(const std::string& cik);
/// True for an ISO 17442 LEI: 18 alphanumerics + 2 check digits (ISO 7064 MOD 97-10).
bool valid_lei(const std::string& lei);

} // namespace kyb::registry

// Which registries to ask, and, for each, the HTTP requests of one lookup as a small
// step machine: plan_first() gives the first requests; the caller makes them and hands
// every answer (in request order) to plan_next(), which gives the next requests or
// the finished result or error. Later requests depend on earlier answers:
//
//   GLEIF            LEI -> record, or fuzzy completions -> best -> record;
//                    then direct-parent + ultimate-parent (404: none).
//   Companies House  number -> profile, or search -> best -> profile; then PSCs,
//                    officers, filing history, and insolvency / charges when the
//                    profile says there are some.
//   SEC EDGAR        CIK -> submissions, or company_tickers.json (ticker, else best
//                    title) -> submissions.
//   OpenCorporates   jurisdiction + number -> company, or search -> best -> company.
//
// The engine does no I/O and keeps no clock: fetch times come from the responses.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/registry/registry_match.hpp"
#include "actors/registry/registry_request.hpp"
#include "actors/registry/registry_result.hpp"

namespace kyb::registry {

/// What the step machine remembers between steps (treat as opaque).
struct lookup_state {
  registry_kind registry = registry_kind::gleif;
  business_identifiers ids;
  adapter_config config;
  const name_matcher* names = nullptr; ///< Must outlive the lookup.
  int stage = 0;
  std::vector<http_request> outstanding; ///< The requests of the last step.
  std::optional<registry_result> partial;
  std::string entity_id;
  std::vector<source_document> documents;
};

/// One step: requests to make now (all of them; they do not depend on each other),
/// or the end of the lookup with a result or an error.
struct plan_step {
  std::vector<http_request> requests;
  std::optional<registry_result> result;
  std::optional<lookup_error> error;
  /// True when the lookup has ended.
  bool done() const noexcept { return result.has_value() || error.has_value(); }
};

/// Starts a lookup of `ids` at `registry`: fills `state` and gives the first step
/// (bad_input when the identifiers allow no lookup there; not_configured when a
/// required key or User-Agent is missing). `names` must outlive the lookup.
plan_step plan_first(lookup_state& state, registry_kind registry,
                     const business_identifiers& ids, const adapter_config& config,
                     const name_matcher& names);

/// Continues with the answers to the last step's requests, in the same order. A
/// count that differs from the requests made is a bad_input error. A finished result
/// carries the match evidence (evaluate_match) and every document's hash.
plan_step plan_next(lookup_state& state, const std::vector<http_response>& responses);

/// Which registries are configured (the lead's configuration says).
struct registry_availability {
  bool gleif = true;
  bool companies_house = false; ///< Needs an API key.
  bool sec_edgar = false;       ///< Needs a User-Agent with a contact.
  bool opencorporates = false;  ///< Needs an API token.
};

/// The registries to ask for `ids`, most authoritative first:
///   LEI -> GLEIF; GB + company number (or legal name, for its search) -> Companies
///   House; US + CIK or ticker -> SEC EDGAR; when none of those applies,
///   OpenCorporates (when configured, with a name or country + number) and GLEIF's
///   name search. The country is taken from the jurisdiction when not given.
/// Unavailable registries are left out; nothing to ask: empty.
std::vector<registry_kind> select_registries(const business_identifiers& ids,
                                             const registry_availability& available);

} // namespace kyb::registry

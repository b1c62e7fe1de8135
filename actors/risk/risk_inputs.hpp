// What the risk engine reads: plain copies of the facts other parts of the platform
// produce (the business record and its owners, the latest sanctions screening, the
// industry classification, a website analysis, registry lookups). Every part is
// optional; a part that is absent leaves the factors that read it `unknown`.
//
// The fields mirror the platform's own types so the business actor can fill them
// field by field: risk_business / risk_owner follow actors::business_record / owner,
// sanctions_hit follows actors::stored_hit (status as stored_hit::status() names it),
// classification_input follows actors::business_classification_data (MCC and
// alternates with calibrated confidences). The website and registry parts are the
// engine's own description of what those analyses must deliver.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/risk/civil_date.hpp"
#include "actors/risk/enum_names.hpp"

namespace kyb::risk {

/// An owner or ultimate beneficial owner.
struct risk_owner {
  std::string name;
  std::optional<std::string> date_of_birth; ///< YYYY-MM-DD
  std::optional<std::string> nationality;   ///< ISO 3166-1 alpha-2
  std::optional<double> ownership_percent;  ///< 0..100
};

/// The business as recorded.
struct risk_business {
  std::string legal_name;
  std::optional<std::string> dba_name;
  std::optional<std::string> country;            ///< ISO 3166-1 alpha-2
  std::optional<std::string> incorporation_date; ///< YYYY-MM-DD
  std::vector<risk_owner> owners;
};

/// An analyst's view of a screening hit.
enum class hit_status {
  open,           ///< Raised and not decided yet.
  confirmed,      ///< Decided a true match.
  false_positive, ///< Decided not the same party.
};

/// One screening hit on the business or one of its owners.
struct sanctions_hit {
  std::string subject_kind; ///< "legal_name", "dba_name" or "owner".
  std::string subject_name; ///< The screened name.
  std::string list;         ///< The list's name ("ofac_sdn", "un").
  std::string entity_id;    ///< The listed entry's id on that list.
  std::string matched_name; ///< The listed name that matched.
  double score = 0;         ///< Match score, 0..1.
  hit_status status = hit_status::open;
};

/// The latest screening of the business (legal name, DBA and every owner).
struct screening_input {
  std::vector<sanctions_hit> hits; ///< Empty: screened, nothing matched.
  std::string screened_at;         ///< When the screening ran (evidence only).
};

/// An MCC with its calibrated confidence (0..1).
struct mcc_candidate {
  std::string code; ///< Four digits.
  double confidence = 0;
};

/// The industry classification.
struct classification_input {
  mcc_candidate mcc;                     ///< The primary MCC.
  std::vector<mcc_candidate> alternates; ///< Other MCCs, by confidence.
  std::string model_version;             ///< Evidence only.
};

/// What a website analysis found.
struct website_input {
  std::string url;
  bool reachable = false;                      ///< A page was fetched.
  std::optional<bool> tls_valid;               ///< nullopt: not checked (e.g. http://).
  std::optional<bool> contact_details_found;   ///< nullopt: not checked.
  std::vector<std::string> prohibited_content; ///< Signal names ("gambling", ...).
};

/// A registry's answer about the company's status.
enum class registry_status { active, inactive, dissolved, unknown };

/// One registry lookup (GLEIF, UK Companies House, SEC EDGAR, OpenCorporates, ...).
struct registry_input {
  std::string source; ///< Registry name.
  bool found = false; ///< The company was found there.
  registry_status status = registry_status::unknown;
  std::optional<std::string> registered_name;
  std::optional<std::string> incorporation_date; ///< YYYY-MM-DD
};

/// Everything one assessment reads.
struct risk_inputs {
  civil_date assessed_on = civil_date::from_days(0); ///< The assessment's date.
  std::optional<risk_business> business;
  std::optional<screening_input> screening;
  std::optional<classification_input> classification;
  std::optional<website_input> website;
  std::vector<registry_input> registry; ///< Empty: no lookup was made.
};

template <>
struct enum_names<hit_status> {
  static constexpr const char* names[] = {"open", "confirmed", "false_positive"};
};

template <>
struct enum_names<registry_status> {
  static constexpr const char* names[] = {"active", "inactive", "dissolved", "unknown"};
};

} // namespace kyb::risk

// How well a registry's record fits the declared business: the legal names compared
// with the screening engine's name scorer (legal forms down-weighted, so "SHELL PLC"
// and "Shell p.l.c." agree), the jurisdiction and the registration number when both
// sides have them; and the registry's officers and persons with significant control
// against the declared owners.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/registry/registry_result.hpp"

namespace kyb::screening {
class screening_index;
}

namespace kyb::registry {

/// Compares names with the screening engine's pair score (screening_index::compare).
/// Token weights come from the index's vocabulary: pass the node's live sanctions
/// index so rare words decide, or use standalone() (every token weighs the same).
class name_matcher {
public:
  explicit name_matcher(std::shared_ptr<const screening::screening_index> index);

  /// A matcher over an index with no lists (uniform token weights).
  static name_matcher standalone();

  /// Score of two organisation names, legal forms down-weighted; 0 when either name
  /// is empty or not a valid name for the scorer (too long, no letters).
  double entity_score(const std::string& a, const std::string& b) const;
  /// Score of two people's names (no legal forms; order-free: "JONES, Phil" matches
  /// "Phil Jones"); 0 when either is not a valid name.
  double person_score(const std::string& a, const std::string& b) const;
  /// The score at and above which two names are the same (the index's threshold).
  double threshold() const noexcept;

private:
  double score(const std::string& a, const std::string& b, const char* type) const;
  std::shared_ptr<const screening::screening_index> index_;
};

/// Registration numbers compared without spaces, punctuation, case or leading zeros
/// ("04366849" == "4366849", "HRB 7042" == "hrb7042").
bool same_registration_number(const std::string& a, const std::string& b);

/// Jurisdictions compared as ISO codes ("US-DE", "GB"): equal, or one is the other's
/// country when only one names a subdivision ("GB" agrees with "GB-LND"). Registries'
/// own forms are read: OpenCorporates "us_de", Companies House "england-wales".
bool same_jurisdiction(const std::string& a, const std::string& b);

/// A jurisdiction as an ISO code: "us_de" -> "US-DE", "england-wales" -> "GB",
/// "gb" -> "GB"; other text upper-cased.
std::string normalize_jurisdiction(const std::string& text);

/// The weighted mean of the evidence present: name 0.6, registration number (or
/// LEI / CIK) 0.3, jurisdiction 0.1; an agreeing item counts 1, a disagreeing one 0.
/// Nothing to compare: 0.
double match_confidence(const match_evidence& e);

/// The evidence for `r` against the declared `ids` (fills match_evidence fully).
match_evidence evaluate_match(const business_identifiers& ids, const registry_result& r,
                              const name_matcher& names);

/// One declared owner.
struct declared_owner {
  std::string name;
  bool organisation = false; ///< A company owning the business (scored as one).
};

/// Compares the declared owners with the registry's current (not ceased) persons with
/// significant control, then its current officers: each declared owner is matched
/// with the best-scoring registered person at or above the matcher's threshold (each
/// person used once). `missing`: declared owners with no match; `extra`: current PSCs
/// no declared owner matched (officers need not be owners, so they are never extra).
owner_comparison compare_owners(const std::vector<declared_owner>& owners,
                                const registry_result& r, const name_matcher& names);

} // namespace kyb::registry

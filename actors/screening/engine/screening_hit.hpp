// What a screening returns: hits with their score and the explanation an analyst (and
// an auditor) reads to see why a name matched.
#pragma once

#include <string>
#include <vector>

#include "actors/screening/engine/entity.hpp"

namespace kyb::screening {

/// How a query token (or two) met a list token (or two).
enum class match_kind {
  exact,    ///< Equal after normalisation.
  fuzzy,    ///< One edit apart (typo, swapped letters); similarity is Jaro-Winkler.
  phonetic, ///< Same consonant skeleton (transliteration variant: Mohammed/Muhamad).
  joined,   ///< Two query tokens written together in the list ("MUS AB" / "MUSAB").
  split,   ///< One query token written as two in the list ("JSCARGUMENT"/"JSC ARGUMENT").
  initial, ///< A single letter and a word it begins ("J" / "JOHN"): never evidence.
  nickname,     ///< A nickname or hypocorism (Bill / William, Sasha / Aleksandr).
  variant,      ///< One given name across languages (Mikhail / Michael, Iosif / Joseph).
  number,       ///< One number as digits, word or ordinal (3 / three / third / 3rd).
  abbreviation, ///< An organisation word and its abbreviation (Intl / International).
  transliterated, ///< Equal once the query's script is romanised (Путин / Putin).
};

/// "exact", "fuzzy", "phonetic", "joined", "split", "initial", "nickname", "variant",
/// "number", "abbreviation", "transliterated".
const char* to_string(match_kind k) noexcept;

/// One matched group of tokens and how much it counted.
struct token_match {
  std::vector<std::string> query_tokens; ///< One token, or two for `joined`.
  std::vector<std::string> list_tokens;  ///< One token, or two for `split`.
  match_kind kind = match_kind::exact;
  double similarity = 0;   ///< Token similarity in [0, 1].
  double weight = 0;       ///< Rarity weight credited (the smaller side's IDF weight).
  double contribution = 0; ///< Share of the name score this match supplies.
  bool legal_form = false; ///< A legal form (down-weighted) on either side.
};

/// A token that found no partner, with the weight it cost.
struct unmatched_token {
  std::string token;
  double weight = 0;
  bool legal_form = false;
};

/// A check on other query fields after the name matched.
struct refinement {
  std::string field;   ///< "date_of_birth", "country" or "identifier".
  std::string outcome; ///< "match", "mismatch" or "not_listed".
  double factor = 1;   ///< Multiplier applied to the score (1 = unchanged).
  /// E.g. "year of birth matches (listed: 1965)" (dates of birth in years only, see
  /// birth_year_comparison), "query DE vs listed RU, UA".
  std::string detail;
};

/// Why a name scored what it did. score = sum(contribution) for the name part; the
/// entity's final score multiplies in alias_factor and every refinement factor.
struct match_explanation {
  std::vector<std::string> query_tokens; ///< The normalised query.
  std::vector<std::string> list_tokens;  ///< The normalised matched name.
  std::vector<token_match> matches;
  std::vector<unmatched_token> unmatched_query;
  std::vector<unmatched_token> unmatched_list;
  double query_weight = 0; ///< Sum of query token weights.
  double list_weight = 0;  ///< Sum of list token weights.
  /// Sum of the weights of matched tokens: below the minimum, no hit (so generic words
  /// such as "TRADING" or "BANK" never make a hit alone).
  double evidence = 0;
  double evidence_required = 0; ///< The minimum (match_options::min_evidence scaled).
  /// What the names owe: query + list weight, less what matched pairs hold beyond the
  /// weight they credit (a rare spelling matched to a common one is not charged for the
  /// difference).
  double owed_weight = 0;
  double name_score = 0;   ///< 2 * sum(similarity * weight) / owed_weight.
  double alias_factor = 1; ///< < 1 when the matched name is a weak alias.
  std::vector<refinement> refinements;
};

/// One listed entity that matched.
struct screening_hit {
  std::string list;         ///< List name ("ofac_sdn").
  std::string list_version; ///< The list's content version at screening time.
  std::string entity_id;
  entity_type type = entity_type::unknown;
  std::string primary_name;
  std::string matched_name;   ///< The primary name or alias that matched best.
  bool matched_alias = false; ///< True when matched_name is an alias.
  bool matched_alias_weak = false;
  double score = 0; ///< Final score in [0, 1]; hits are those >= the threshold.
  match_explanation explanation;
  std::vector<std::string> programs;
};

/// Result of one screening.
struct screening_result {
  std::vector<screening_hit> hits; ///< Best first.
  double threshold = 0;            ///< The threshold applied.
  size_t candidates_scored = 0;    ///< Names the pair score ran on.
  size_t names_indexed = 0;        ///< Names in the index, for the ratio.
};

/// Result of compare(): the same scorer on one pair of names.
struct comparison {
  double score = 0;
  bool match = false; ///< score >= threshold and evidence sufficient.
  double threshold = 0;
  match_explanation explanation;
};

} // namespace kyb::screening

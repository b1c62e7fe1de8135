// The tunable values of matching, with their defaults and the reasons for them. The
// node's configuration overrides them; the defaults here are what the quality tool
// (screening-eval) measures.
#pragma once

#include <cstddef>

namespace kyb::screening {

/// Matching and validation parameters.
struct match_options {
  /// Score at or above which an entity is a hit. 0.80 is the highest threshold at
  /// which every resolvable UN typo pair still finds its entity (a one-letter slip in a
  /// one-word name scores about 0.82), while 99.85 % of 50,000 synthetic
  /// non-sanctioned names raise no hit against all lists; a missed sanctioned party
  /// costs far more than an alert an analyst closes. Measured by screening-eval and
  /// locked by screening_quality_test.
  double threshold = 0.80;

  /// Weight multiplier for legal forms (LLC, GmbH, OOO...). A legal form of several
  /// words ("obshchestvo s ogranichennoy otvetstvennostyu") counts as one: each word
  /// gets this share divided by the phrase length.
  double legal_form_weight = 0.1;

  /// Weight multiplier for a title or honorific in a person's name (Dr, Gen., Sheikh,
  /// Haji, Mullah, Mr, Sir: name_equivalents::title): present or missing, it says
  /// little about who the person is.
  double title_weight = 0.1;

  /// Most weight a single letter (an initial) carries, however rare the letter is as
  /// a listed token: an initial says little of who someone is. Small, because the index
  /// must assume any query token may be matched by an initial (see screening_index).
  double initial_weight = 1.0;

  /// Least weight of a number (digits, "three", "3rd"): "Detention Center No 1" and
  /// "No 2" are different parties, so a number that differs must cost; a number that
  /// matches is never evidence.
  double number_weight = 6.0;

  /// Weight multiplier for a patronymic in a person's name (Ivanovich, Petrovna) and
  /// for the "bin X" / "ibn X" part of an Arabic name: often left out.
  double patronymic_weight = 0.3;

  /// Score multiplier for a match on a weak ("low quality") alias.
  double weak_alias_factor = 0.92;

  /// Similarity of tokens that only share a phonetic skeleton. Below the threshold: a
  /// phonetic key finds candidates and adds to a score, but never makes a match on its
  /// own (a one-word name that only sounds alike is not a hit).
  double phonetic_similarity = 0.78;

  /// Multiplier on the similarity of joined / split token matches.
  double join_factor = 0.95;

  /// Matched tokens must weigh together at least this fraction of the weight of a
  /// token no listed name contains (ln(2N + 2) for N names; 11.6 for the shared
  /// lists). 0.47 makes that 5.5: one generic word (BANK, TRADING, CORP: in ~1 % of
  /// names, weight ~4.6) is not evidence enough for a hit, one rare word or two
  /// common ones are. Relative, so a small operator list behaves like a large one.
  double min_evidence = 0.47;

  /// Score multiplier when the query's date of birth contradicts every listed one.
  double dob_mismatch_factor = 0.85;

  /// Score multiplier when the query's country is none of the entity's countries.
  double country_mismatch_factor = 0.95;

  /// Input limits (beyond them: a validation error).
  size_t max_name_bytes = 512;
  size_t max_query_tokens = 24;

  /// Most hits returned by one screening.
  size_t max_hits = 50;

  /// Listed names longer than this many tokens are cut for scoring (never hit by it:
  /// queries have at most max_query_tokens tokens).
  size_t max_list_tokens = 64;
};

} // namespace kyb::screening

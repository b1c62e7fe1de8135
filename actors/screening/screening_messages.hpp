// What the screening actors say to each other and to their callers: the engine's query
// and result types made inspectable (so they travel as CAF messages), and the reports of
// loaded lists, reloads, downloads and ongoing monitoring.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/screening/engine/screening_hit.hpp"
#include "actors/screening/engine/screening_query.hpp"
#include "runtime/base/std_optional_inspect.hpp"

// -- the engine's types as messages (inspect must live in their namespace) -------------

namespace kyb::screening {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, screening_query& x) {
  return f(x.name, x.type, x.country, x.date_of_birth, x.threshold, x.identifier);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_match& x) {
  return f(x.query_tokens, x.list_tokens, x.kind, x.similarity, x.weight, x.contribution,
           x.legal_form);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unmatched_token& x) {
  return f(x.token, x.weight, x.legal_form);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refinement& x) {
  return f(x.field, x.outcome, x.factor, x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, match_explanation& x) {
  return f(x.query_tokens, x.list_tokens, x.matches, x.unmatched_query, x.unmatched_list,
           x.query_weight, x.list_weight, x.evidence, x.evidence_required, x.name_score,
           x.alias_factor, x.refinements);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, screening_hit& x) {
  return f(x.list, x.list_version, x.entity_id, x.type, x.primary_name, x.matched_name,
           x.matched_alias, x.matched_alias_weak, x.score, x.explanation, x.programs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, screening_result& x) {
  return f(x.hits, x.threshold, x.candidates_scored, x.names_indexed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, comparison& x) {
  return f(x.score, x.match, x.threshold, x.explanation);
}

} // namespace kyb::screening

namespace kyb::actors {

/// A list's name and content version ("sha256:...").
struct list_version {
  std::string name;
  std::string version;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_version& x) {
  return f(x.name, x.version);
}

/// The hits of one name of a batch screening, each with the fingerprint of its listed
/// entry (so a decision can tell whether the entry changed since), or why the name was
/// not screened.
struct subject_hits {
  std::vector<screening::screening_hit> hits;
  std::vector<std::string> fingerprints; ///< One per hit.
  std::string error_field;               ///< Set when the name failed validation.
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, subject_hits& x) {
  return f(x.hits, x.fingerprints, x.error_field, x.error);
}

/// The answer to a batch screening (a business's names), all from one index snapshot.
struct batch_screening {
  std::string generation; ///< Identifies the snapshot: lists, versions, threshold.
  double threshold = 0;
  std::vector<list_version> lists;
  std::vector<subject_hits> subjects; ///< In query order.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_screening& x) {
  return f(x.generation, x.threshold, x.lists, x.subjects);
}

/// One loaded list as GET /v1/lists shows it.
struct list_info {
  std::string name;
  std::string format;
  std::string version;
  uint64_t entity_count = 0;
  uint64_t name_count = 0;
  uint64_t warning_count = 0;
  std::string loaded_at; ///< RFC 3339 UTC.
  double load_seconds = 0;
  std::vector<std::string> source_paths;
  std::vector<std::string> source_urls; ///< Where downloaded lists came from.
  std::vector<std::string> warnings;    ///< The first few, "file:line: message".
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_info& x) {
  return f(x.name, x.format, x.version, x.entity_count, x.name_count, x.warning_count,
           x.loaded_at, x.load_seconds, x.source_paths, x.source_urls, x.warnings);
}

/// What became of one file download of a reload.
struct download_report {
  std::string list;
  std::string url;
  std::string outcome; ///< "fetched", "not_modified" or "failed".
  int32_t http_status = 0;
  uint64_t bytes = 0;
  std::string error;      ///< Why it failed.
  bool used_copy = false; ///< Failed, and the copy from an earlier download was loaded.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, download_report& x) {
  return f(x.list, x.url, x.outcome, x.http_status, x.bytes, x.error, x.used_copy);
}

/// A list that a reload could not load: its download failed with no earlier copy, or a
/// file could not be read or parsed. The other lists load without it.
struct list_failure {
  std::string list;
  std::string file;  ///< The file or URL ("" when not known).
  uint64_t line = 0; ///< 0 = the file as a whole.
  std::string message;
  /// Its earlier version (loaded_at in GET /v1/lists) keeps serving.
  bool serving_previous = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_failure& x) {
  return f(x.list, x.file, x.line, x.message, x.serving_previous);
}

/// The outcome of one reload (at start, on schedule, or asked for).
struct reload_report {
  /// "loaded", "unchanged", "partial" (some lists failed, see `failures`; the others
  /// loaded) or "failed" (nothing new serves: see the error fields and `failures`).
  std::string status;
  std::string trigger; ///< "startup", "schedule" or "api".
  std::string started_at;
  std::string finished_at;
  double seconds = 0;
  std::string generation;                 ///< The generation serving after the reload.
  std::vector<std::string> changed_lists; ///< Lists added, changed or removed.
  std::vector<download_report> downloads;
  /// On failure: the file (or URL), the line (0 = the file as a whole) and the message.
  std::string error_file;
  uint64_t error_line = 0;
  std::string error_message;
  std::vector<list_failure> failures; ///< Each list that did not load, in plan order.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reload_report& x) {
  return f(x.status, x.trigger, x.started_at, x.finished_at, x.seconds, x.generation,
           x.changed_lists, x.downloads, x.error_file, x.error_line, x.error_message,
           x.failures);
}

/// Progress of the re-screening of stored businesses after a list change, for one
/// tenant (a tenant sees only its own businesses) or the whole platform (operators).
struct monitor_progress {
  /// "idle", "claiming", "running", "done", "superseded" or "failed" (the claim could
  /// not be recorded).
  std::string status = "idle";
  std::string generation;
  std::vector<std::string> changed_lists;
  std::string started_at;
  std::string finished_at;
  uint64_t businesses_total = 0;
  uint64_t businesses_screened = 0;
  uint64_t businesses_failed = 0;
  uint64_t businesses_skipped = 0; ///< Deleted or gone while waiting.
  uint64_t new_hits = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, monitor_progress& x) {
  return f(x.status, x.generation, x.changed_lists, x.started_at, x.finished_at,
           x.businesses_total, x.businesses_screened, x.businesses_failed,
           x.businesses_skipped, x.new_hits);
}

/// Everything GET /v1/lists shows.
struct lists_status {
  std::vector<list_info> lists;
  std::string generation;
  double threshold = 0;
  uint64_t index_entities = 0;
  uint64_t index_names = 0;
  uint64_t index_terms = 0;
  double index_build_seconds = 0;
  bool reloading = false;
  bool has_last_reload = false;
  reload_report last_reload;
  std::string next_refresh_at; ///< Empty when no refresh is scheduled.
  monitor_progress monitoring;
  /// The lists the last reload could not load, and when they are tried again.
  std::vector<list_failure> failing;
  std::string next_retry_at; ///< Empty when nothing is failing.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lists_status& x) {
  return f(x.lists, x.generation, x.threshold, x.index_entities, x.index_names,
           x.index_terms, x.index_build_seconds, x.reloading, x.has_last_reload,
           x.last_reload, x.next_refresh_at, x.monitoring, x.failing, x.next_retry_at);
}

/// Registers the screening message types (called by actors::register_types).
void register_screening_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

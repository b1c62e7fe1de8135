// Builds the next index snapshot from the configured files: reads every file, tells from
// the content versions whether anything changed, parses and indexes. Blocking and CPU
// heavy: the screening actor runs it on a thread of its own (spawn_index_builder) so
// screenings keep flowing on the current snapshot meanwhile.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/screening/engine/match_options.hpp"
#include "actors/screening/engine/screening_index.hpp"
#include "actors/screening/list_plan.hpp"
#include "actors/screening/screening_messages.hpp"

namespace kyb::actors {

/// What to build.
struct build_request {
  list_plan plan;
  screening::match_options options;
  /// Versions of the lists serving now (name -> version); when every list reads the
  /// same and `have_index`, nothing is parsed or built.
  std::map<std::string, std::string> current_versions;
  bool have_index = false;
  /// The index serving now: a list whose new files fail is served again from it.
  std::shared_ptr<const screening::screening_index> previous;
  /// Lists not to read this time (their download failed with no copy), and why.
  std::map<std::string, list_failure> skipped;
};

/// What a build produced.
struct build_outcome {
  enum class status { built, unchanged, failed };
  status result = status::failed;
  std::shared_ptr<const screening::screening_index> index; ///< When built.
  screening::load_error error;                             ///< When failed.
  /// Each list that did not load (the others did): with `serving_previous` when the
  /// index carries its earlier version.
  std::vector<list_failure> failures;
  std::map<std::string, std::string> versions; ///< Every list read.
  /// Per list: the first warnings, "file:line: message".
  std::map<std::string, std::vector<std::string>> warnings;
  std::chrono::microseconds read_time{0};  ///< Reading files and versions.
  std::chrono::microseconds parse_time{0}; ///< Parsing every list.
  std::chrono::microseconds build_time{0}; ///< Building the index.
};

/// Runs one build (blocking).
build_outcome build_index(const build_request& req);

/// How many warnings per list a build keeps for GET /v1/lists.
inline constexpr size_t kept_list_warnings = 5;

using index_builder_actor =
    caf::typed_actor<caf::replies_to<build_atom>::with<build_outcome>>;

/// A detached actor (a thread of its own) that answers one build_atom with the build of
/// `req` and exits.
index_builder_actor spawn_index_builder(caf::actor_system& sys,
                                        std::shared_ptr<const build_request> req);

} // namespace kyb::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kyb::actors::build_outcome)

// The interface of the list downloader: the screening actor hands it the files to fetch
// from the publishers' URLs; net/ implements it with its outbound HTTP client, on a
// thread of its own (a download must never block a scheduler or broker thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"

namespace kyb::actors {

/// One file to fetch: from `url` into `path` (atomically; an earlier copy stays until
/// a complete new one replaces it). Conditional on the validators of the last fetch.
struct download_request {
  std::string list;
  std::string url;
  std::string path;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, download_request& x) {
  return f(x.list, x.url, x.path);
}

/// What happened to one file.
struct download_result {
  std::string list;
  std::string url;
  std::string path;
  std::string outcome; ///< "fetched", "not_modified" or "failed".
  int32_t http_status = 0;
  uint64_t bytes = 0; ///< Bytes written (fetched) or kept (not_modified).
  std::string error;  ///< Why it failed: names the URL.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, download_result& x) {
  return f(x.list, x.url, x.path, x.outcome, x.http_status, x.bytes, x.error);
}

/// The files of one reload, and a flag the requester sets to abandon them (shutdown).
/// Node-local: the flag is shared memory, so the batch never leaves the process.
struct download_batch {
  std::vector<download_request> files;
  std::shared_ptr<const std::atomic<bool>> cancel;
};

using downloader_actor = caf::typed_actor<
    /// Fetches every file in order and reports each; never fails as a whole.
    caf::replies_to<download_atom, download_batch>::with<std::vector<download_result>>>;

} // namespace kyb::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kyb::actors::download_batch)

// Fetches a URL into a file over the outbound client (net/outbound_client), bounded in
// time, size and redirects, conditionally (If-None-Match / If-Modified-Since from the
// validators of the last fetch), and atomically (a complete new file replaces the old
// one; a failed fetch leaves it). fetch_to_file waits for the client: run it on a
// thread of its own, never on an actor scheduler or broker thread
// (net/list_downloader runs it on a detached actor).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace kyb::net {

/// Bounds of one fetch.
struct fetch_limits {
  std::chrono::milliseconds timeout{120000};        ///< The whole transfer.
  std::chrono::milliseconds connect_timeout{10000}; ///< Connecting (DNS, TCP, TLS).
  size_t max_bytes = size_t{256} << 20;             ///< Larger bodies are refused.
  long max_redirects = 5; ///< The client follows at most 5 whatever this says.
  /// PEM CA bundle trusted for https instead of the system's; empty = the system's.
  std::string ca_file;
};

/// What a fetch did.
struct fetch_outcome {
  enum class status {
    fetched,      ///< A new body was written to the file.
    not_modified, ///< The server said the file we have is current (304).
    failed,
  };
  status result = status::failed;
  long http_status = 0;  ///< Of the final response (0 when none came).
  uint64_t bytes = 0;    ///< Bytes written, or the size of the kept file.
  std::string error;     ///< When failed: what went wrong, naming the URL.
  std::string final_url; ///< After redirects.
};

class outbound_client;

/// Fetches into files through an outbound client (the process's unless given one;
/// connections are reused by the client). Thread-safe.
class http_fetcher {
public:
  explicit http_fetcher(fetch_limits limits,
                        std::shared_ptr<outbound_client> client = nullptr);

  /// Fetches `url` (http or https only) into `path`, creating its directory. Redirects
  /// of an https URL are followed to https URLs only (never down to http). The body
  /// goes to `path.part` and is renamed over `path` when complete; the response's ETag
  /// and Last-Modified are kept in `path.validators` for the next fetch. `cancel`
  /// (optional) is polled during the transfer: set, the fetch fails promptly.
  fetch_outcome fetch_to_file(const std::string& url, const std::string& path,
                              const std::atomic<bool>* cancel = nullptr);

private:
  fetch_limits limits_;
  std::shared_ptr<outbound_client> client_;
};

/// "fetched", "not_modified" or "failed".
const char* to_string(fetch_outcome::status s) noexcept;

} // namespace kyb::net

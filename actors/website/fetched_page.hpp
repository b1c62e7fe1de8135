// What the fetcher hands the website analysis for one page: plain facts, no I/O types.
// The engine never fetches; the caller (the website actor, through the outbound HTTP
// client) fills these and passes them in.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kyb::website {

/// The TLS facts of an https connection as the fetcher saw them.
struct tls_facts {
  bool valid_chain = false; ///< The chain verified against the trusted CAs.
  std::string issuer;       ///< The leaf certificate's issuer (as the fetcher prints it).
  std::optional<std::chrono::system_clock::time_point> not_after; ///< Leaf expiry.
  bool hostname_match = false; ///< The certificate names the host.
  std::string protocol;        ///< "TLSv1.3", "TLSv1.2", ...
};

/// One fetched page (or the failure to fetch it).
struct fetched_page {
  std::string url;       ///< The URL asked for.
  std::string final_url; ///< After redirects; empty: same as `url`.
  int status = 0;        ///< HTTP status; 0 when no response came (see `error`).
  /// Response headers in arrival order (names in any case; the engine reads
  /// Content-Type and Content-Language).
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds response_time{0};
  std::string body;             ///< Raw bytes as received (possibly truncated).
  std::optional<tls_facts> tls; ///< Set for https connections.
  std::string error; ///< Why no response came ("timeout", ...); empty if one did.
  bool redirected_http_to_https = false; ///< The fetcher followed an http -> https hop.
};

/// The business the site is compared with.
struct business_facts {
  std::string legal_name;
  std::optional<std::string> dba_name;
  std::optional<std::string> stored_mcc;    ///< The business's recorded MCC.
  std::optional<std::string> predicted_mcc; ///< The classifier's MCC from the site text.
  std::optional<double> predicted_confidence;
};

} // namespace kyb::website

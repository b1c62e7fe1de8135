// The HTTP side of the registry engine as plain values: the requests a lookup wants
// made, the responses it is given back, each adapter's configuration, and the mapping
// of HTTP failures (404, 410, 429 with Retry-After, 5xx, the registries' error JSON)
// to lookup errors. Nothing here opens a connection: the caller fetches.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/registry/registry_result.hpp"

namespace kyb::registry {

/// One HTTP header.
struct http_header {
  std::string name;
  std::string value;
};

/// A request the caller must make.
struct http_request {
  std::string method = "GET";
  std::string url;
  /// `url` without secrets (OpenCorporates' api_token): for logs, errors, storage.
  std::string log_url;
  std::vector<http_header> headers;
  /// What the answer is for ("lei-record", "company-profile", "psc"...).
  std::string purpose;
  /// 404 / 410 mean "there is none" (a parent, insolvency cases, charges), not failure.
  bool absent_ok = false;
  /// The value of header `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

/// The answer to one http_request.
struct http_response {
  int status = 0; ///< HTTP status code.
  std::vector<http_header> headers;
  std::string body;
  std::chrono::system_clock::time_point fetched_at;
  /// The value of header `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

/// One adapter's settings (the lead reads them from the node's configuration).
///
/// Public base URLs: GLEIF `https://api.gleif.org/api/v1`; Companies House
/// `https://api.company-information.service.gov.uk`; SEC EDGAR `https://data.sec.gov`
/// with tickers at `https://www.sec.gov/files/company_tickers.json`; OpenCorporates
/// `https://api.opencorporates.com/v0.4`.
struct adapter_config {
  std::string base_url;    ///< No trailing slash needed.
  std::string api_key;     ///< Companies House key / OpenCorporates api_token.
  std::string user_agent;  ///< Sent on every request; the SEC requires a contact.
  std::string tickers_url; ///< SEC EDGAR only: company_tickers.json.
  /// A search candidate is taken only at or above this name score (0..1).
  double min_candidate_score = 0.80;
  /// Most candidates asked of a search endpoint.
  int max_search_results = 20;
};

/// RFC 3986 percent-encoding of a query value or path segment: every byte except
/// unreserved characters (ALPHA DIGIT - . _ ~) becomes %XX (upper-case hex).
std::string percent_encode(std::string_view text);

/// `base` (trailing slashes dropped) + `path` + "?" + encoded `query` pairs (none: no
/// "?"). Names and values are percent-encoded; `path` is taken as given.
std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query = {});

/// The Retry-After header's delay: delta-seconds or an IMF-fixdate relative to `now`
/// (never negative). nullopt when absent or unreadable.
std::optional<std::chrono::seconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

/// `url` with the values of the query parameters named in `secrets` replaced by
/// "REDACTED".
std::string redact_query(std::string_view url, const std::vector<std::string>& secrets);

/// The error an HTTP answer means, or nullopt when it is a success (2xx, or 404 / 410
/// on an `absent_ok` request). Reads the registries' error bodies (Companies House
/// `{"errors":[{"error":...}]}`, GLEIF's JSON:API errors, OpenCorporates'
/// `{"error":{"message":...}}`) into the message.
std::optional<lookup_error> check_status(registry_kind registry, const http_request& req,
                                         const http_response& resp);

} // namespace kyb::registry

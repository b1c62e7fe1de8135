// A decoded HTTP/1.1 request, free of any parser library's types.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "net/http_headers.hpp"

namespace kyb::net {

/// One complete request as produced by http_codec::next().
struct http_request {
  using clock = std::chrono::steady_clock;

  std::string method;    ///< As sent ("GET"); methods are case-sensitive.
  std::string target;    ///< The raw request-target.
  std::string path;      ///< The target's path, not percent-decoded ("*" for OPTIONS *).
  std::string query;     ///< The raw text after '?', without the '?' ("" when none).
  int version = 11;      ///< 10 for HTTP/1.0, 11 for HTTP/1.1.
  http_headers headers;  ///< In arrival order, case-insensitive lookup.
  http_headers trailers; ///< Trailer fields of a chunked body, never merged into headers.
  std::string body;      ///< De-chunked body.
  bool keep_alive = true;       ///< False when the connection closes after this request.
  bool chunked = false;         ///< The body arrived with the chunked transfer coding.
  bool expect_continue = false; ///< The client sent `Expect: 100-continue`.
  /// When the request's first byte was handed to the codec: the start for latency
  /// metrics and for the slow-client timeout.
  clock::time_point received_at{};

  /// The Content-Type field value ("" when absent).
  std::string_view content_type() const noexcept { return headers.get("content-type"); }

  /// The first value of header `name` ("" when absent).
  std::string_view header(std::string_view name) const noexcept {
    return headers.get(name);
  }

  /// Resets every member for reuse, keeping (bounded) storage.
  void clear() noexcept;

  /// Exchanges the contents of two requests (cheaper than three moves).
  void swap(http_request& other) noexcept;
};

} // namespace kyb::net

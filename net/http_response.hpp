// Serialising HTTP/1.1 responses into the broker's write buffer.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "net/http_headers.hpp"

namespace kyb::net {

/// A response to serialise. The writer owns the framing: it emits Date, Content-Type,
/// Content-Length and Connection itself and ignores those names (and
/// Transfer-Encoding) in `headers`.
struct http_response {
  int status = 200;         ///< 100..599; anything else is written as 500.
  std::string content_type; ///< "" for none.
  std::string body;
  http_headers headers;   ///< Extra fields (X-Request-Id, Retry-After, Allow, Location,
                          ///< ETag...) in the order written.
  bool keep_alive = true; ///< false: "Connection: close", the broker closes after it.
  bool head = false;      ///< Answering HEAD: Content-Length of `body`, body not sent.
};

/// Appends `res` to `out` as an HTTP/1.1 message dated now. Header values have CR, LF
/// and other control bytes replaced by spaces, and fields whose name is not a token are
/// skipped, so no input can split the response. 1xx, 204 and 304 carry no body and no
/// Content-Length.
void write_response(const http_response& res, std::string& out);

/// write_response() with an explicit wall-clock time for the Date field.
void write_response(const http_response& res, std::string& out, std::time_t now);

/// Appends the interim "HTTP/1.1 100 Continue" response (after
/// decode_status::expect_continue).
void write_continue(std::string& out);

/// The reason phrase of `status` ("" for codes without one).
std::string_view reason_phrase(int status) noexcept;

/// `now` as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). Formatted once per second
/// per thread; the view is valid until the calling thread asks for another second.
std::string_view http_date(std::time_t now) noexcept;

} // namespace kyb::net

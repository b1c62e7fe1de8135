// Incremental HTTP/1.1 request decoding for one connection, without I/O or actors: the
// broker feeds the bytes it received and pulls complete requests. Never blocks, never
// throws, and bounds the memory a connection can make it hold.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "config/settings.hpp"
#include "net/http_error.hpp"
#include "net/http_request.hpp"

namespace kyb::net {

/// The limits one codec enforces.
struct codec_limits {
  size_t max_header_bytes = 0; ///< Request line + fields + blank line; over it: 431.
  size_t max_body_bytes = 0;   ///< De-chunked body; over it: 413.
  // The next two are not in config/ yet (see the closing note); their defaults live here.
  size_t max_target_bytes = 8 * 1024; ///< Request-target; over it: 414.
  size_t max_header_fields = 100; ///< Fields in the header (and in trailers); over: 431.

  /// The limits of `http` (max_header_bytes, max_body_bytes) with the defaults above.
  static codec_limits from(const config::http_settings& http) noexcept;
};

/// What next() produced.
enum class decode_status : uint8_t {
  need_more,       ///< Feed more bytes (nothing else to do now).
  request,         ///< `out` holds a complete request.
  expect_continue, ///< The pending request sent `Expect: 100-continue` and its body has
                   ///< not arrived: write_continue() (net/http_response.hpp), then call
                   ///< next() again (or answer pending() with a final status and close).
  error,           ///< error() says what to answer; then close the connection.
  closed,          ///< The last request asked to close: no further requests are decoded.
  headers,   ///< A streamed request's header is complete: read it from pending(); its
             ///< body follows as body_part events and a final `request`.
  body_part, ///< `out.body` holds the next de-chunked bytes of the streamed body (the
             ///< rest of `out` is unchanged).
};

/// A name such as "need_more", for logs and tests.
const char* to_string(decode_status status) noexcept;

/// Decodes the requests of one connection: `feed()` bytes as they arrive, then call
/// `next()` until it returns need_more. Handles pipelining (several requests per chunk),
/// requests split anywhere (even byte by byte), chunked bodies with extensions and
/// trailers, and `Expect: 100-continue`. Rejects, with the status to answer:
/// malformed request line or fields (400), obs-fold, bare CR or LF, NUL (400), header
/// over max_header_bytes or max_header_fields (431), target over max_target_bytes (414),
/// body over max_body_bytes (413, from Content-Length before the body is read, or while
/// de-chunking), Content-Length together with Transfer-Encoding, several or non-decimal
/// Content-Length values, Transfer-Encoding not ending in chunked (400, request
/// smuggling), other transfer codings (501), HTTP versions other than 1.0 and 1.1 (505),
/// HTTP/1.1 without exactly one Host (400), expectations other than 100-continue (417).
/// An error is final: later feed() calls are ignored and next() repeats the error.
///
/// Memory: whenever next() returns need_more, buffered_bytes() <= max_header_bytes and
/// the pending body holds at most max_body_bytes.
class http_codec {
public:
  using clock = std::chrono::steady_clock;

  /// A codec for one new connection.
  explicit http_codec(const codec_limits& limits);
  ~http_codec();
  http_codec(http_codec&&) noexcept;
  http_codec& operator=(http_codec&&) noexcept;
  http_codec(const http_codec&) = delete;
  http_codec& operator=(const http_codec&) = delete;

  /// Appends received bytes (copied). Returns false, ignoring them, after an error or
  /// once the connection is closing.
  bool feed(const char* data, size_t size);

  /// feed() with the arrival time of the bytes given by the caller.
  bool feed(const char* data, size_t size, clock::time_point now);

  /// Decodes the next event from the buffered bytes. On `request`, `out` is replaced by
  /// the decoded request (its old storage is recycled by the codec).
  decode_status next(http_request& out);

  /// Requests for which `streams(method, path)` holds have their body streamed rather
  /// than buffered: next() reports `headers` once the header is complete, then each
  /// batch of body bytes as `body_part`, then `request` carrying the last bytes (its
  /// body holds only those). Their body may be up to `max_stream_bytes` (over it: 413);
  /// the codec holds only what was fed and not yet handed out, so the caller bounds
  /// the memory by feeding no more while it cannot take parts.
  void stream_bodies(
      std::function<bool(std::string_view method, std::string_view path)> streams,
      uint64_t max_stream_bytes);

  /// The error after next() returned `error`.
  const http_error& error() const noexcept;

  /// The request being decoded: after `expect_continue`, its method, target and headers
  /// are complete (the body is not).
  const http_request& pending() const noexcept;

  /// True when bytes of an incomplete request are waiting (the slow-client timeout
  /// runs), false between requests (the idle timeout runs).
  bool request_started() const noexcept;

  /// When the oldest byte of the incomplete request arrived (meaningful only while
  /// request_started()). Bytes that followed a complete request in the same chunk are
  /// dated by the feed() that brought them, provided next() is called after each feed().
  clock::time_point waiting_since() const noexcept;

  /// Bytes received and not yet decoded.
  size_t buffered_bytes() const noexcept;

  /// The limits this codec enforces.
  const codec_limits& limits() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace kyb::net

// The only file that includes Boost.Beast (about 3 s of compile time per includer).
//
// Division of labour: before Beast sees a byte, our own scanner walks the header section
// incrementally. It finds its end, enforces the size and target limits as the bytes
// arrive (so a slow client cannot make us rescan), and rejects what Beast would accept
// but RFC 9112 tells a server to refuse: obs-fold, bare LF, NUL. Beast then parses the
// complete header in one put() and de-chunks the body. Our callbacks apply the framing
// policy (request smuggling) on top of Beast's, and cross-check Beast's conclusion.
#include "net/http_codec.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

// GCC 12 with -O2 and the sanitizers flags the disengaged boost::optional that Beast's
// basic_parser returns (`return boost::none`) as maybe-uninitialized: a false positive
// inside Boost, silenced for these headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "net/ascii.hpp"

namespace kyb::net {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t npos = std::string::npos;

std::string_view view(boost::beast::string_view s) noexcept {
  return {s.data(), s.size()};
}

// User bytes quoted in an error detail: printable ASCII only, and short.
std::string quote(std::string_view s, size_t max = 32) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (s.size() > max)
    out += "...";
  return out;
}

http_error fault(problem_type type, std::string detail) {
  return http_error{type, std::move(detail), true, {}};
}

// Checks the field lines of a trailer section, [p, end) starting after the last-chunk
// line, which Beast has verified to end with an empty line (Beast tolerates obs-fold).
std::optional<http_error> check_trailer_lines(const char* p, const char* end) {
  bool line_start = true;
  for (; p < end; ++p) {
    char c = *p;
    if (c == '\r') {
      if (p + 1 >= end || p[1] != '\n')
        return fault(problem_type::malformed_request, "bare CR in a trailer field");
      if (line_start)
        return std::nullopt; // the empty line ends the section
      line_start = true;
      ++p;
      continue;
    }
    if (c == '\n')
      return fault(problem_type::malformed_request, "bare LF in a trailer field");
    if (c == '\0')
      return fault(problem_type::malformed_request, "NUL byte in a trailer field");
    if (line_start && (c == ' ' || c == '\t'))
      return fault(problem_type::malformed_request,
                   "obsolete line folding in a trailer field is not allowed");
    line_start = false;
  }
  return std::nullopt;
}

// Byte classes for the header scan: bit 1 ends a field-line run (CR, LF, NUL), bit 2
// also stops the request-line run (SP separates its parts).
struct byte_classes {
  unsigned char table[256] = {};
  constexpr byte_classes() {
    table[static_cast<unsigned char>('\r')] = 3;
    table[static_cast<unsigned char>('\n')] = 3;
    table[0] = 3;
    table[static_cast<unsigned char>(' ')] = 2;
  }
};
constexpr byte_classes classes{};

inline bool stops_field_line(char c) noexcept {
  return classes.table[static_cast<unsigned char>(c)] & 1;
}

inline bool stops_request_line(char c) noexcept {
  return classes.table[static_cast<unsigned char>(c)] != 0;
}

// The first i in [i, limit) where d[i] is CR, LF or NUL (or SP when `with_space`),
// else limit. Sixteen bytes at a time where SSE2 exists (every x86-64).
inline size_t skip_plain(const char* d, size_t i, size_t limit,
                         bool with_space) noexcept {
#ifdef __SSE2__
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i nul = _mm_setzero_si128();
  const __m128i sp = _mm_set1_epi8(with_space ? ' ' : '\r');
  while (i + 16 <= limit) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
    __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, nul), _mm_cmpeq_epi8(v, sp)));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0)
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  if (with_space) {
    while (i < limit && !stops_request_line(d[i]))
      ++i;
  } else {
    while (i < limit && !stops_field_line(d[i]))
      ++i;
  }
  return i;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

// Splits the raw request-target into path and query. Returns a detail on failure.
std::optional<std::string> split_target(std::string_view method, std::string_view target,
                                        std::string& path, std::string& query) {
  unsigned char high = 0; // a branch-free loop the compiler vectorises
  for (char c : target)
    high |= static_cast<unsigned char>(c);
  if (high & 0x80)
    return std::string("request target holds non-ASCII bytes; percent-encode them");
  if (target.find('#') != npos)
    return std::string("request target must not contain a fragment ('#')");
  std::string_view rest;
  if (target == "*") {
    if (method != "OPTIONS")
      return std::string("the asterisk target '*' is only allowed with OPTIONS");
    path = "*";
    query.clear();
    return std::nullopt;
  }
  if (target.front() == '/') {
    rest = target;
  } else {
    // absolute-form (RFC 9112 §3.2.2): servers must accept it; the authority is ignored
    // in favour of routing by path.
    size_t scheme_end = target.find("://");
    if (scheme_end == npos || !(ascii_iequals(target.substr(0, scheme_end), "http") ||
                                ascii_iequals(target.substr(0, scheme_end), "https")))
      return std::string("request target must start with '/' (origin-form) or be an "
                         "absolute http(s) URI");
    auto after = target.substr(scheme_end + 3);
    size_t path_start = after.find_first_of("/?");
    auto authority = after.substr(0, path_start);
    if (authority.empty())
      return std::string("absolute request target has an empty authority");
    rest = path_start == npos ? std::string_view{} : after.substr(path_start);
  }
  size_t q = rest.find('?');
  auto p = rest.substr(0, q);
  if (p.empty())
    path = "/";
  else
    path.assign(p.data(), p.size());
  if (q == npos)
    query.clear();
  else
    query.assign(rest.data() + q + 1, rest.size() - q - 1);
  return std::nullopt;
}

// Per-request framing facts gathered from the fields.
struct framing_facts {
  size_t fields = 0;
  size_t trailer_fields = 0;
  size_t content_length_fields = 0;
  size_t host_fields = 0;
  size_t expect_fields = 0;
  bool transfer_encoding = false;
  bool in_trailers = false;
  std::string codings; // every Transfer-Encoding value, comma-joined
};

} // namespace

struct http_codec::impl {
  // The Beast side: a fresh one per request, writing straight into `current`.
  class beast_parser final : public bhttp::basic_parser<true> {
  public:
    explicit beast_parser(impl& owner) : owner_(owner) {}

  private:
    void fail(error_code& ec, http_error err) {
      owner_.own_error = std::move(err);
      // Any error stops Beast; ours is the one reported.
      ec = bhttp::error::bad_value;
    }

    void on_request_impl(bhttp::verb, boost::beast::string_view method,
                         boost::beast::string_view target, int version,
                         error_code& ec) override {
      auto& req = owner_.current;
      req.method.assign(method.data(), method.size());
      req.target.assign(target.data(), target.size());
      req.version = version;
      if (req.method == "CONNECT")
        return fail(ec, fault(problem_type::not_implemented, "CONNECT is not supported"));
      if (auto detail = split_target(req.method, view(target), req.path, req.query))
        return fail(ec, fault(problem_type::malformed_request, std::move(*detail)));
      // Decided before the header ends: Beast checks a Content-Length against the
      // body limit as soon as the header is complete.
      if (owner_.streams && owner_.streams(req.method, req.path)) {
        owner_.streaming = true;
        body_limit(owner_.max_stream_bytes);
      }
    }

    void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
      ec = bhttp::error::bad_method; // never called for a request parser
    }

    void on_field_impl(bhttp::field name, boost::beast::string_view name_text,
                       boost::beast::string_view value_text, error_code& ec) override {
      auto& f = owner_.framing;
      auto value = view(value_text);
      const auto& limits = owner_.limits;
      if (f.in_trailers) {
        if (++f.trailer_fields > limits.max_header_fields)
          return fail(ec, fault(problem_type::headers_too_large,
                                "more than " + std::to_string(limits.max_header_fields) +
                                    " trailer fields"));
        owner_.current.trailers.add(view(name_text), value);
        return;
      }
      if (++f.fields > limits.max_header_fields)
        return fail(ec, fault(problem_type::headers_too_large,
                              "more than " + std::to_string(limits.max_header_fields) +
                                  " header fields"));
      switch (name) {
      case bhttp::field::content_length:
        if (f.transfer_encoding)
          return fail(ec, fault(problem_type::ambiguous_framing,
                                "both Transfer-Encoding and Content-Length are present"));
        if (++f.content_length_fields > 1)
          return fail(ec, fault(problem_type::ambiguous_framing,
                                "more than one Content-Length field"));
        if (!all_digits(value))
          return fail(ec, fault(problem_type::ambiguous_framing,
                                "Content-Length must be a single decimal number, got '" +
                                    quote(value) + "'"));
        break;
      case bhttp::field::transfer_encoding:
        if (f.content_length_fields > 0)
          return fail(ec, fault(problem_type::ambiguous_framing,
                                "both Content-Length and Transfer-Encoding are present"));
        f.transfer_encoding = true;
        if (!f.codings.empty())
          f.codings += ',';
        f.codings.append(value.data(), value.size());
        break;
      case bhttp::field::host:
        ++f.host_fields;
        break;
      case bhttp::field::expect:
        ++f.expect_fields;
        break;
      default:
        break;
      }
      owner_.current.headers.add(view(name_text), value);
    }

    void on_header_impl(error_code& ec) override {
      auto& f = owner_.framing;
      auto& req = owner_.current;
      if (f.transfer_encoding) {
        if (auto err = check_codings(req.version, f.codings))
          return fail(ec, std::move(*err));
      }
      // Our policy and Beast's framing must agree, or the two could disagree on where
      // this request ends: the essence of request smuggling.
      if (chunked() != f.transfer_encoding)
        return fail(ec,
                    fault(problem_type::ambiguous_framing,
                          "Transfer-Encoding could not be interpreted unambiguously"));
      if (req.version == 11 && f.host_fields != 1)
        return fail(ec, fault(problem_type::malformed_request,
                              f.host_fields == 0
                                  ? "an HTTP/1.1 request needs a Host header"
                                  : "an HTTP/1.1 request needs exactly one Host header"));
      if (req.version == 10 && f.host_fields > 1)
        return fail(ec,
                    fault(problem_type::malformed_request, "more than one Host header"));
      // RFC 9110 §10.1.1: 100-continue in an HTTP/1.0 request is ignored.
      if (f.expect_fields > 0 && req.version == 11) {
        auto expect = trim_ows(req.headers.get("expect"));
        if (f.expect_fields > 1 || !ascii_iequals(expect, "100-continue"))
          return fail(ec, fault(problem_type::expectation_failed,
                                "only 'Expect: 100-continue' is supported, got '" +
                                    quote(expect) + "'"));
        req.expect_continue = true;
      }
      req.keep_alive = keep_alive();
      req.chunked = chunked();
      if (req.chunked) {
        // Chunk sizes are counted in on_chunk_header_impl(), once per chunk. Beast's own
        // count subtracts a chunk's size each time it re-reads a line whose extension
        // is still incomplete, so its 413 would depend on how the bytes arrived.
        chunked_left_ =
            owner_.streaming ? owner_.max_stream_bytes : owner_.limits.max_body_bytes;
        body_limit(boost::none);
      }
    }

    static std::optional<http_error> check_codings(int version,
                                                   std::string_view codings) {
      if (version == 10)
        return fault(problem_type::ambiguous_framing,
                     "Transfer-Encoding is not allowed in an HTTP/1.0 request");
      // Strict list syntax: every element a token; empty elements are refused too.
      std::string_view last;
      size_t chunked_count = 0;
      std::string_view other;
      size_t start = 0;
      for (;;) {
        size_t comma = codings.find(',', start);
        auto element =
            trim_ows(codings.substr(start, comma == npos ? npos : comma - start));
        if (!is_token(element))
          return fault(problem_type::ambiguous_framing,
                       "malformed Transfer-Encoding '" + quote(codings) + "'");
        if (ascii_iequals(element, "chunked"))
          ++chunked_count;
        else if (other.empty())
          other = element;
        last = element;
        if (comma == npos)
          break;
        start = comma + 1;
      }
      if (!ascii_iequals(last, "chunked"))
        return fault(problem_type::ambiguous_framing,
                     "Transfer-Encoding must end with chunked, got '" + quote(codings) +
                         "'");
      if (chunked_count > 1)
        return fault(problem_type::ambiguous_framing,
                     "chunked is applied more than once in Transfer-Encoding");
      if (!other.empty())
        return fault(problem_type::not_implemented,
                     "transfer coding '" + quote(other) + "' is not supported");
      return std::nullopt;
    }

    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           error_code&) override {
      // Reserve modestly: a declared length is a promise the client may not keep, and
      // thousands of idle connections must not each pin max_body_bytes.
      constexpr uint64_t max_reserve = 64 * 1024;
      if (content_length)
        owner_.current.body.reserve(
            static_cast<size_t>(std::min<uint64_t>(*content_length, max_reserve)));
    }

    size_t on_body_impl(boost::beast::string_view body, error_code&) override {
      owner_.current.body.append(body.data(), body.size());
      return body.size();
    }

    void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                              error_code& ec) override {
      // Line and trailer sizes need no check here: run_parser() gives Beast a chunked
      // body at most max_header_bytes at a time, and Beast calls this once it has the
      // whole line (and, for the last chunk, the whole trailer section) inside it.
      if (size > chunked_left_)
        return fail(ec, fault(problem_type::payload_too_large,
                              "request body larger than " +
                                  std::to_string(owner_.streaming
                                                     ? owner_.max_stream_bytes
                                                     : owner_.limits.max_body_bytes) +
                                  " bytes"));
      chunked_left_ -= size;
      if (size != 0)
        return;
      // The last chunk: the trailer section follows the CRLF that ends its line.
      owner_.framing.in_trailers = true;
      const char* trailers = extensions.data() + extensions.size() + 2;
      if (auto err = check_trailer_lines(trailers, owner_.input_end))
        return fail(ec, std::move(*err));
    }

    size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                              error_code&) override {
      owner_.current.body.append(body.data(), body.size());
      return body.size();
    }

    void on_finish_impl(error_code&) override {} // is_done() says it

    impl& owner_;
    uint64_t chunked_left_ = 0; // body bytes a chunked request may still announce
  };

  enum class state : uint8_t { idle, header, body, failed, closed };

  explicit impl(const codec_limits& l) : limits(l) {}

  decode_status fail(http_error err) {
    error = std::move(err);
    st = state::failed;
    parser.reset();
    std::string{}.swap(buf);
    pos = 0;
    return decode_status::error;
  }

  void begin_request() {
    st = state::header;
    current.received_at = arrival;
    scanned = 0;
    line_start = 0;
    sp1 = npos;
    sp2 = npos;
    request_line = true;
    framing = {};
    continue_sent = false;
    streaming = false;
    header_reported = false;
    own_error.reset();
  }

  decode_status next(http_request& out);

  enum class scan_result : uint8_t { more, complete, failed };

  // Walks the header section from where the previous call stopped. Ordinary bytes are
  // skipped in tight loops; only CR, LF, NUL (and SP on the request line) stop them.
  scan_result scan_header() {
    const char* d = buf.data() + pos;
    size_t avail = buf.size() - pos;
    size_t limit = std::min(avail, limits.max_header_bytes);
    size_t i = scanned;
    while (i < limit) {
      if (request_line) {
        i = skip_plain(d, i, limit, true);
        if (sp1 != npos && sp2 == npos && i - sp1 - 1 > limits.max_target_bytes)
          return scan_fail(fault(problem_type::uri_too_long,
                                 "request target longer than " +
                                     std::to_string(limits.max_target_bytes) + " bytes"));
        if (i >= limit)
          break;
        if (d[i] == ' ') {
          if (sp1 == npos)
            sp1 = i;
          else if (sp2 == npos)
            sp2 = i;
          ++i;
          continue;
        }
      } else {
        if (i == line_start && (d[i] == ' ' || d[i] == '\t'))
          return scan_fail(fault(problem_type::malformed_request,
                                 "a header line starting with whitespace (obsolete line "
                                 "folding) is not allowed"));
        i = skip_plain(d, i, limit, false);
        if (i >= limit)
          break;
      }
      char c = d[i];
      if (c == '\n')
        return scan_fail(fault(problem_type::malformed_request,
                               "bare LF (line feed without carriage return) in the "
                               "request header"));
      if (c == '\0')
        return scan_fail(
            fault(problem_type::malformed_request, "NUL byte in the request header"));
      // CR
      if (i + 1 >= limit)
        break; // the LF has not arrived, or would be beyond the limit
      if (d[i + 1] != '\n')
        return scan_fail(fault(problem_type::malformed_request,
                               "bare CR (not followed by LF) in the request header"));
      if (request_line) {
        if (auto err = check_request_line(d, i))
          return scan_fail(std::move(*err));
        request_line = false;
      } else if (i == line_start) {
        scanned = i + 2;
        return scan_result::complete;
      }
      i += 2;
      line_start = i;
    }
    scanned = i;
    if (avail > limits.max_header_bytes)
      return scan_fail(fault(problem_type::headers_too_large,
                             "request header larger than " +
                                 std::to_string(limits.max_header_bytes) + " bytes"));
    return scan_result::more;
  }

  scan_result scan_fail(http_error err) {
    fail(std::move(err));
    return scan_result::failed;
  }

  // The request line is [0, end) of `d`; sp1 and sp2 are its first two spaces.
  std::optional<http_error> check_request_line(const char* d, size_t end) const {
    if (sp1 == npos || sp2 == npos || sp1 == 0 || sp2 == sp1 + 1)
      return fault(problem_type::malformed_request,
                   "malformed request line, expected 'METHOD /target HTTP/1.1'");
    std::string_view version{d + sp2 + 1, end - sp2 - 1};
    if (version == "HTTP/1.1" || version == "HTTP/1.0")
      return std::nullopt;
    // Shaped like "HTTP/" digits "." digits but not 1.0 or 1.1: 505, not 400.
    auto numbers = version.substr(version.size() < 5 ? version.size() : 5);
    size_t dot = numbers.find('.');
    bool well_formed = version.substr(0, 5) == "HTTP/" && dot != npos &&
                       all_digits(numbers.substr(0, dot)) &&
                       all_digits(numbers.substr(dot + 1));
    if (!well_formed)
      return fault(problem_type::malformed_request,
                   "malformed HTTP version '" + quote(version) + "'");
    return fault(problem_type::http_version_not_supported,
                 quote(version) + " is not supported; use HTTP/1.1");
  }

  static http_error from_beast(const error_code& ec, const codec_limits& limits) {
    using e = bhttp::error;
    if (ec == e::body_limit)
      return fault(problem_type::payload_too_large,
                   "request body larger than " + std::to_string(limits.max_body_bytes) +
                       " bytes");
    if (ec == e::header_limit)
      return fault(problem_type::headers_too_large,
                   "request header larger than " +
                       std::to_string(limits.max_header_bytes) + " bytes");
    if (ec == e::bad_content_length)
      return fault(problem_type::ambiguous_framing,
                   "invalid or conflicting Content-Length");
    if (ec == e::bad_transfer_encoding)
      return fault(problem_type::ambiguous_framing,
                   "invalid or conflicting Transfer-Encoding");
    if (ec == e::bad_method)
      return fault(problem_type::malformed_request, "invalid request method");
    if (ec == e::bad_target)
      return fault(problem_type::malformed_request, "invalid request target");
    if (ec == e::bad_version)
      return fault(problem_type::malformed_request, "invalid HTTP version");
    if (ec == e::bad_field)
      return fault(problem_type::malformed_request, "invalid header field name");
    if (ec == e::bad_value)
      return fault(problem_type::malformed_request, "invalid header field value");
    if (ec == e::bad_chunk)
      return fault(problem_type::malformed_request, "invalid chunk in a chunked body");
    if (ec == e::bad_chunk_extension)
      return fault(problem_type::malformed_request, "invalid chunk extension");
    if (ec == e::bad_line_ending)
      return fault(problem_type::malformed_request, "invalid line ending");
    if (ec == e::bad_obs_fold)
      return fault(problem_type::malformed_request,
                   "obsolete line folding is not allowed");
    return fault(problem_type::malformed_request, "malformed request: " + ec.message());
  }

  // Feeds the unconsumed bytes to Beast and reports the outcome. Beast sees the header
  // alone first, then the body; a chunked body at most max_header_bytes at a time, so a
  // chunk-size line or a trailer section is judged on the same window of bytes however
  // the input was split into reads (Beast waits for either without a bound of its own).
  decode_status run_parser(http_request& out) {
    for (;;) {
      size_t avail = buf.size() - pos;
      size_t window = avail;
      if (!parser->is_header_done())
        window = std::min(avail, scanned);
      else if (current.chunked)
        // Beast asserts that it gets at least 5 bytes when it returns to a first chunk
        // that is the last ("0\r\n", then "0\r\nX"); such a body has at least
        // "0\r\n\r\n" to come, so waiting for 5 bytes never stalls it.
        window =
            avail < 5 && buf[pos] == '0' ? 0 : std::min(avail, limits.max_header_bytes);
      size_t consumed = 0;
      if (window > 0 && !parser->is_done()) {
        error_code ec;
        input_end = buf.data() + pos + window;
        consumed = parser->put(boost::asio::const_buffer(buf.data() + pos, window), ec);
        pos += consumed;
        if (own_error)
          return fail(std::move(*own_error));
        if (ec == bhttp::error::need_more)
          ec = {};
        if (ec == bhttp::error::body_limit && streaming)
          return fail(fault(problem_type::payload_too_large,
                            "request body larger than " +
                                std::to_string(max_stream_bytes) + " bytes"));
        if (ec)
          return fail(from_beast(ec, limits));
      }
      if (streaming && !header_reported && parser->is_header_done()) {
        header_reported = true;
        return decode_status::headers;
      }
      if (parser->is_done())
        return finish(out);
      if (streaming && current.expect_continue && !continue_sent) {
        continue_sent = true;
        return decode_status::expect_continue;
      }
      if (streaming && !current.body.empty()) {
        out.body.clear();
        out.body.swap(current.body);
        return decode_status::body_part;
      }
      if (consumed == 0 || pos == buf.size())
        break;
    }
    // Beast took nothing of a full window: a chunk-size line or trailer section over it.
    if (current.chunked && parser->is_header_done() &&
        buf.size() - pos >= limits.max_header_bytes)
      return fail(chunk_metadata_error());
    if (current.expect_continue && !continue_sent) {
      continue_sent = true;
      return decode_status::expect_continue;
    }
    return decode_status::need_more;
  }

  // Beast waits for a whole chunk-size line, or the whole trailer section, without a
  // bound of its own; ours is max_header_bytes.
  http_error chunk_metadata_error() const {
    std::string_view rest{buf.data() + pos, limits.max_header_bytes};
    if (rest.substr(0, 2) == "\r\n")
      rest.remove_prefix(2);
    size_t zeros = 0;
    while (zeros < rest.size() && rest[zeros] == '0')
      ++zeros;
    bool last_chunk =
        zeros > 0 && (zeros == rest.size() || rest[zeros] == ';' || rest[zeros] == '\r');
    auto limit = std::to_string(limits.max_header_bytes);
    if (last_chunk)
      return fault(problem_type::headers_too_large,
                   "trailer section larger than " + limit + " bytes");
    return fault(problem_type::malformed_request,
                 "chunk size line longer than " + limit + " bytes");
  }

  decode_status finish(http_request& out) {
    parser.reset();
    out.swap(current);
    current.clear();
    st = out.keep_alive ? state::idle : state::closed;
    if (st == state::closed) {
      std::string{}.swap(buf);
      pos = 0;
    } else if (pos == buf.size()) {
      buf.clear();
      pos = 0;
    } else {
      arrival = last_feed; // see waiting_since()
    }
    return decode_status::request;
  }

  codec_limits limits;
  state st = state::idle;
  std::string buf; // received bytes; [pos, size) not yet decoded
  size_t pos = 0;
  // Header scan, offsets relative to pos (nothing is consumed before the header ends).
  size_t scanned = 0;
  size_t line_start = 0;
  size_t sp1 = npos;
  size_t sp2 = npos;
  bool request_line = true;
  std::optional<beast_parser> parser;
  framing_facts framing;
  std::optional<http_error> own_error;
  const char* input_end = nullptr; // end of the bytes of the current put()
  http_request current;
  http_error error;
  bool continue_sent = false;
  // Streamed bodies (stream_bodies()).
  std::function<bool(std::string_view, std::string_view)> streams;
  uint64_t max_stream_bytes = 0;
  bool streaming = false;       // the current request's body is streamed
  bool header_reported = false; // `headers` was returned for it
  clock::time_point arrival{};
  clock::time_point last_feed{};
};

const char* to_string(decode_status status) noexcept {
  switch (status) {
  case decode_status::need_more:
    return "need_more";
  case decode_status::request:
    return "request";
  case decode_status::expect_continue:
    return "expect_continue";
  case decode_status::error:
    return "error";
  case decode_status::closed:
    return "closed";
  case decode_status::headers:
    return "headers";
  case decode_status::body_part:
    return "body_part";
  }
  return "unknown";
}

codec_limits codec_limits::from(const config::http_settings& http) noexcept {
  codec_limits l;
  l.max_header_bytes = http.max_header_bytes;
  l.max_body_bytes = http.max_body_bytes;
  return l;
}

http_codec::http_codec(const codec_limits& limits)
    : impl_(std::make_unique<impl>(limits)) {}

http_codec::~http_codec() = default;
http_codec::http_codec(http_codec&&) noexcept = default;
http_codec& http_codec::operator=(http_codec&&) noexcept = default;

bool http_codec::feed(const char* data, size_t size) {
  return feed(data, size, clock::now());
}

bool http_codec::feed(const char* data, size_t size, clock::time_point now) {
  auto& s = *impl_;
  if (s.st == impl::state::failed || s.st == impl::state::closed)
    return false;
  if (size == 0)
    return true;
  s.last_feed = now;
  if (s.pos == s.buf.size()) {
    s.buf.clear();
    s.pos = 0;
    if (s.st == impl::state::idle)
      s.arrival = now;
  } else if (s.pos >= 4096 && s.pos * 2 >= s.buf.size()) {
    // Offsets kept across calls are relative to pos, so compaction is invisible.
    s.buf.erase(0, s.pos);
    s.pos = 0;
  }
  try {
    s.buf.append(data, size);
  } catch (const std::exception&) {
    s.fail(fault(problem_type::internal_error, "out of memory buffering the request"));
    return false;
  }
  return true;
}

decode_status http_codec::next(http_request& out) {
  try {
    return impl_->next(out);
  } catch (const std::exception& ex) {
    // Only allocation failures reach here; the connection cannot be served.
    return impl_->fail(fault(problem_type::internal_error,
                             std::string("request decoding failed: ") + ex.what()));
  }
}

decode_status http_codec::impl::next(http_request& out) {
  auto& s = *this;
  switch (s.st) {
  case state::failed:
    return decode_status::error;
  case state::closed:
    return decode_status::closed;
  case state::idle: {
    // RFC 9112 §2.2: ignore empty lines received before a request-line.
    while (s.buf.size() - s.pos >= 2 && s.buf[s.pos] == '\r' && s.buf[s.pos + 1] == '\n')
      s.pos += 2;
    size_t avail = s.buf.size() - s.pos;
    if (avail == 0 || (avail == 1 && s.buf[s.pos] == '\r'))
      return decode_status::need_more;
    s.begin_request();
    [[fallthrough]];
  }
  case state::header: {
    auto scanned = s.scan_header();
    if (scanned == scan_result::failed)
      return decode_status::error;
    if (scanned == scan_result::more)
      return decode_status::need_more;
    s.parser.emplace(s);
    s.parser->eager(true);
    s.parser->header_limit(static_cast<std::uint32_t>(std::min<size_t>(
        s.limits.max_header_bytes + 4, std::numeric_limits<std::uint32_t>::max())));
    s.parser->body_limit(static_cast<std::uint64_t>(s.limits.max_body_bytes));
    s.st = impl::state::body;
    [[fallthrough]];
  }
  case state::body:
    return s.run_parser(out);
  }
  return decode_status::need_more;
}

void http_codec::stream_bodies(
    std::function<bool(std::string_view method, std::string_view path)> streams,
    uint64_t max_stream_bytes) {
  impl_->streams = std::move(streams);
  impl_->max_stream_bytes = max_stream_bytes;
}

const http_error& http_codec::error() const noexcept {
  return impl_->error;
}

const http_request& http_codec::pending() const noexcept {
  return impl_->current;
}

bool http_codec::request_started() const noexcept {
  const auto& s = *impl_;
  switch (s.st) {
  case impl::state::header:
  case impl::state::body:
    return true;
  case impl::state::idle:
    return s.pos < s.buf.size();
  default:
    return false;
  }
}

http_codec::clock::time_point http_codec::waiting_since() const noexcept {
  const auto& s = *impl_;
  if (s.st == impl::state::header || s.st == impl::state::body)
    return s.current.received_at;
  return s.arrival;
}

size_t http_codec::buffered_bytes() const noexcept {
  return impl_->buf.size() - impl_->pos;
}

const codec_limits& http_codec::limits() const noexcept {
  return impl_->limits;
}

} // namespace kyb::net

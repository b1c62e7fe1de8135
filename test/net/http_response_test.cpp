#define BOOST_TEST_MODULE net_http_response
#include <boost/test/unit_test.hpp>

#include <string>

#include "net/http_codec.hpp"
#include "net/http_response.hpp"

using namespace kyb::net;

namespace {

// 1994-11-06 08:49:37 UTC, RFC 9110's example date.
constexpr std::time_t example_time = 784111777;

std::string write(const http_response& res) {
  std::string out;
  write_response(res, out, example_time);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(formats_dates_as_imf_fixdate) {
  BOOST_TEST(http_date(example_time) == "Sun, 06 Nov 1994 08:49:37 GMT");
  BOOST_TEST(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  BOOST_TEST(http_date(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
  BOOST_TEST(http_date(4102444799) == "Thu, 31 Dec 2099 23:59:59 GMT");
  // The cache follows the clock.
  BOOST_TEST(http_date(example_time + 1) == "Sun, 06 Nov 1994 08:49:38 GMT");
  BOOST_TEST(http_date(example_time) == "Sun, 06 Nov 1994 08:49:37 GMT");
}

BOOST_AUTO_TEST_CASE(writes_a_json_response) {
  http_response res;
  res.content_type = "application/json";
  res.body = R"({"id":"42"})";
  res.headers.add("X-Request-Id", "req-1");
  res.headers.add("ETag", "\"v3\"");
  BOOST_TEST(write(res) == "HTTP/1.1 200 OK\r\n"
                           "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                           "Content-Type: application/json\r\n"
                           "Content-Length: 11\r\n"
                           "Connection: keep-alive\r\n"
                           "X-Request-Id: req-1\r\n"
                           "ETag: \"v3\"\r\n"
                           "\r\n"
                           R"({"id":"42"})");
}

BOOST_AUTO_TEST_CASE(appends_to_the_buffer) {
  std::string out = "previous";
  http_response res;
  res.status = 204;
  write_response(res, out, example_time);
  BOOST_TEST(out.rfind("previousHTTP/1.1 204 No Content\r\n", 0) == 0u);
  // 204 has no body and no Content-Length.
  BOOST_TEST(out.find("Content-Length") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(connection_close_and_extra_headers) {
  http_response res;
  res.status = 429;
  res.keep_alive = false;
  res.content_type = "application/problem+json";
  res.body = "{}";
  res.headers.add("Retry-After", "3");
  res.headers.add("Allow", "GET, HEAD");
  res.headers.add("Location", "/v1/businesses/1");
  auto out = write(res);
  BOOST_TEST(out.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0) == 0u);
  BOOST_TEST(out.find("\r\nConnection: close\r\n") != std::string::npos);
  BOOST_TEST(
      out.find(
          "\r\nRetry-After: 3\r\nAllow: GET, HEAD\r\nLocation: /v1/businesses/1\r\n") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_responses_announce_the_length_without_the_body) {
  http_response res;
  res.content_type = "application/json";
  res.body = "0123456789";
  res.head = true;
  auto out = write(res);
  BOOST_TEST(out.find("Content-Length: 10\r\n") != std::string::npos);
  BOOST_TEST(out.substr(out.size() - 4) == "\r\n\r\n");
  BOOST_TEST(out.find("0123456789") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(reason_phrases) {
  BOOST_TEST(reason_phrase(200) == "OK");
  BOOST_TEST(reason_phrase(201) == "Created");
  BOOST_TEST(reason_phrase(404) == "Not Found");
  BOOST_TEST(reason_phrase(405) == "Method Not Allowed");
  BOOST_TEST(reason_phrase(413) == "Content Too Large");
  BOOST_TEST(reason_phrase(431) == "Request Header Fields Too Large");
  BOOST_TEST(reason_phrase(505) == "HTTP Version Not Supported");
  BOOST_TEST(reason_phrase(299).empty());
  http_response odd;
  odd.status = 299;
  BOOST_TEST(write(odd).rfind("HTTP/1.1 299 \r\n", 0) == 0u);
  http_response invalid;
  invalid.status = 42;
  BOOST_TEST(write(invalid).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(no_input_can_split_the_response) {
  http_response res;
  res.body = "ok";
  res.headers.add("X-Request-Id", "abc\r\nSet-Cookie: evil=1");
  res.headers.add("Bad Name", "v");          // not a token: skipped
  res.headers.add("Content-Length", "9999"); // the writer owns framing
  res.headers.add("transfer-encoding", "chunked");
  res.headers.add("Connection", "upgrade");
  res.content_type = "text/plain\r\nX-Injected: 1";
  auto out = write(res);
  BOOST_TEST(out.find("\r\nSet-Cookie") == std::string::npos);
  BOOST_TEST(out.find("\r\nX-Injected") == std::string::npos);
  BOOST_TEST(out.find("X-Request-Id: abc  Set-Cookie: evil=1\r\n") != std::string::npos);
  BOOST_TEST(out.find("Bad Name") == std::string::npos);
  BOOST_TEST(out.find("9999") == std::string::npos);
  BOOST_TEST(out.find("chunked") == std::string::npos);
  BOOST_TEST(out.find("upgrade") == std::string::npos);
  BOOST_TEST(out.find("Content-Length: 2\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interim_continue) {
  std::string out;
  write_continue(out);
  BOOST_TEST(out == "HTTP/1.1 100 Continue\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(uses_the_current_time_by_default) {
  http_response res;
  std::string out;
  write_response(res, out);
  auto expected = std::string("Date: ") + std::string(http_date(std::time(nullptr)));
  // Allow for a second boundary between the two calls.
  auto earlier = std::string("Date: ") + std::string(http_date(std::time(nullptr) - 1));
  BOOST_TEST((out.find(expected) != std::string::npos ||
              out.find(earlier) != std::string::npos));
}

BOOST_AUTO_TEST_CASE(responses_parse_back) {
  // What we write is what an HTTP/1.1 parser reads: feed it to our own request codec
  // after swapping the status line for a request line (same field grammar).
  http_response res;
  res.status = 201;
  res.content_type = "application/json";
  res.body = R"({"ok":true})";
  res.headers.add("Location", "/v1/x");
  auto out = write(res);
  auto head_end = out.find("\r\n");
  std::string as_request = "POST /echo HTTP/1.1\r\nHost: h" + out.substr(head_end);
  codec_limits l;
  l.max_header_bytes = 4096;
  l.max_body_bytes = 4096;
  http_codec codec(l);
  codec.feed(as_request.data(), as_request.size());
  http_request req;
  BOOST_REQUIRE(codec.next(req) == decode_status::request);
  BOOST_TEST(req.body == res.body);
  BOOST_TEST(req.header("location") == "/v1/x");
  BOOST_TEST(req.header("date") == "Sun, 06 Nov 1994 08:49:37 GMT");
}

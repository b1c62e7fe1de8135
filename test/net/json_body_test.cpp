#define BOOST_TEST_MODULE net_json_body
#include <boost/test/unit_test.hpp>

#include <string>

#include "net/json_body.hpp"

using namespace kyb::net;
using namespace std::string_literals;
using nlohmann::json;

namespace {

constexpr size_t depth = 32;

std::string error_of(std::string_view body, size_t max_depth = depth) {
  auto r = parse_json_body(body, max_depth);
  BOOST_TEST_REQUIRE(!r.has_value(), "expected an error for: " << body);
  BOOST_TEST(r.error().status() == 400);
  BOOST_TEST(!r.error().close); // a bad body does not cost the connection
  return r.error().detail;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string nested(size_t levels, char open, char close) {
  return std::string(levels, open) + std::string(levels, close);
}

} // namespace

BOOST_AUTO_TEST_CASE(parses_documents) {
  auto r = parse_json_body(
      R"({"legal_name":"Acme","owners":[{"name":"Zoë","ownership_percent":12.5}],)"
      R"("count":3,"big":18446744073709551615,"neg":-2,"ok":true,"none":null})",
      depth);
  BOOST_REQUIRE(r.has_value());
  const json& j = *r;
  BOOST_TEST(j["legal_name"] == "Acme");
  BOOST_TEST(j["owners"][0]["name"] == "Zoë");
  BOOST_TEST(j["owners"][0]["ownership_percent"].get<double>() == 12.5);
  BOOST_TEST(j["count"].get<int>() == 3);
  BOOST_TEST(j["big"].get<uint64_t>() == 18446744073709551615ULL);
  BOOST_TEST(j["neg"].get<int>() == -2);
  BOOST_TEST(j["ok"].get<bool>());
  BOOST_TEST(j["none"].is_null());
  // Any JSON value is a document; whitespace around it is fine; escapes decode.
  BOOST_TEST(*parse_json_body(" 42 \n", depth) == 42);
  BOOST_TEST(*parse_json_body(R"("\u00e9\ud83d\ude00")", depth) == "é😀");
  BOOST_TEST(parse_json_body("[]", depth)->is_array());
  // A UTF-8 byte order mark is tolerated (RFC 8259 §8.1 allows ignoring it).
  BOOST_TEST(parse_json_body("\xEF\xBB\xBF{}", depth).has_value());
}

BOOST_AUTO_TEST_CASE(empty_bodies_get_a_clear_message) {
  for (std::string body : {""s, " "s, "\r\n\t "s}) {
    auto detail = error_of(body);
    BOOST_TEST(detail == "request body is empty; a JSON document is required");
  }
  auto r = parse_json_body("", depth);
  BOOST_TEST(static_cast<int>(r.error().type) ==
             static_cast<int>(problem_type::invalid_json));
}

BOOST_AUTO_TEST_CASE(syntax_errors_say_where) {
  auto detail = error_of("{\n  \"a\": 1,\n  \"b\": tru\n}");
  BOOST_TEST(contains(detail, "line 3, column 11 (byte offset 22)"), detail);
  BOOST_TEST(contains(detail, "invalid literal"), detail);
  auto trailing = error_of("{} x");
  BOOST_TEST(contains(trailing, "byte offset 3"), trailing);
  auto truncated = error_of("{\"a\": [1, 2");
  BOOST_TEST(contains(truncated, "byte offset 11"), truncated);
  BOOST_TEST(contains(truncated, "end of input"), truncated);
  auto comma = error_of("[1,]");
  BOOST_TEST(contains(comma, "line 1, column 4 (byte offset 3)"), comma);
  // Columns count characters, not bytes.
  auto wide = error_of("[\"éé\" x]");
  BOOST_TEST(contains(wide, "column 7 (byte offset 8)"), wide);
  // Numbers out of range are refused, not turned into infinity.
  auto overflow = error_of("[1e999]");
  BOOST_TEST(contains(overflow, "byte offset"), overflow);
  // Unpaired surrogate escapes are not text.
  error_of(R"(["\ud800"])");
  // Control characters inside strings must be escaped.
  error_of("[\"a\tb\"]");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused_with_its_offset) {
  auto detail = error_of("{\"name\": \"ab\xC3(\"}");
  BOOST_TEST(contains(detail, "not valid UTF-8"), detail);
  BOOST_TEST(contains(detail, "byte offset 12"), detail);
  BOOST_TEST(contains(detail, "0xC3"), detail);
  BOOST_TEST(contains(detail, "line 1, column 13"), detail);
  // Invalid bytes outside strings as well.
  BOOST_TEST(contains(error_of("[1,\xFF]"), "byte offset 3"));
  BOOST_TEST(contains(error_of("\n\n  \x80"), "line 3, column 3 (byte offset 4)"));
}

BOOST_AUTO_TEST_CASE(utf8_validation_rules) {
  constexpr auto npos = std::string_view::npos;
  BOOST_TEST(find_invalid_utf8("") == npos);
  BOOST_TEST(find_invalid_utf8("plain ascii, long enough for the fast path") == npos);
  BOOST_TEST(find_invalid_utf8("é € 😀 \xF4\x8F\xBF\xBF") == npos); // up to U+10FFFF
  BOOST_TEST(find_invalid_utf8("\xED\x9F\xBF") == npos);           // U+D7FF
  BOOST_TEST(find_invalid_utf8("\xEE\x80\x80") == npos);           // U+E000
  BOOST_TEST(find_invalid_utf8("abc\x80") == 3u);                  // lone continuation
  BOOST_TEST(find_invalid_utf8("\xC0\xAF") == 0u);                 // overlong '/'
  BOOST_TEST(find_invalid_utf8("\xC1\xBF") == 0u);                 // overlong
  BOOST_TEST(find_invalid_utf8("\xE0\x80\xAF") == 0u);             // overlong 3-byte
  BOOST_TEST(find_invalid_utf8("\xF0\x80\x80\xAF") == 0u);         // overlong 4-byte
  BOOST_TEST(find_invalid_utf8("\xED\xA0\x80") == 0u);             // surrogate U+D800
  BOOST_TEST(find_invalid_utf8("\xED\xBF\xBF") == 0u);             // surrogate U+DFFF
  BOOST_TEST(find_invalid_utf8("\xF4\x90\x80\x80") == 0u);         // above U+10FFFF
  BOOST_TEST(find_invalid_utf8("\xF5\x80\x80\x80") == 0u);
  BOOST_TEST(find_invalid_utf8("\xFF") == 0u);
  BOOST_TEST(find_invalid_utf8("ab\xE2\x82") == 2u); // truncated
  BOOST_TEST(find_invalid_utf8("ab\xE2\x82x") == 2u);
  BOOST_TEST(find_invalid_utf8("0123456789\xC3") == 10u); // after a fast run
  BOOST_TEST(find_invalid_utf8("\xF0\x9F\x98") == 0u);
}

BOOST_AUTO_TEST_CASE(depth_limit_exactly_at_and_one_over) {
  BOOST_TEST(parse_json_body(nested(32, '[', ']'), 32).has_value());
  std::string objects;
  for (int i = 0; i < 32; ++i)
    objects += "{\"a\":";
  objects += "1" + std::string(32, '}');
  BOOST_TEST(parse_json_body(objects, 32).has_value());

  auto r = parse_json_body(nested(33, '[', ']'), 32);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(static_cast<int>(r.error().type) ==
             static_cast<int>(problem_type::json_too_deep));
  BOOST_TEST(r.error().status() == 400);
  BOOST_TEST(contains(r.error().detail, "limit of 32"), r.error().detail);
  BOOST_TEST(contains(r.error().detail, "byte offset 32"), r.error().detail);
  // Deeply nested bombs fail fast and cleanly.
  auto bomb = parse_json_body(nested(100000, '[', ']'), 32);
  BOOST_TEST(!bomb.has_value());
  BOOST_TEST(contains(error_of(nested(100000, '[', ']'), 32), "limit of 32"));
  // Scalars have depth 0.
  BOOST_TEST(parse_json_body("1", 0).has_value());
  BOOST_TEST(!parse_json_body("{}", 0).has_value());
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused) {
  auto detail = error_of("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}");
  BOOST_TEST(contains(detail, "duplicate object key \"c\""), detail);
  BOOST_TEST(contains(detail, "line 2, column 16 (byte offset 24)"), detail);
  // Keys that only look alike after unescaping are the same key.
  BOOST_TEST(contains(error_of(R"({"a":1,"\u0061":2})"), "duplicate object key \"a\""));
  // The position of an escaped key is that of its opening quote.
  BOOST_TEST(contains(error_of(R"({"x\"":1,"x\"":2})"), "byte offset 9"));
  // The same key in sibling objects is fine.
  BOOST_TEST(parse_json_body(R"([{"a":1},{"a":2}])", depth).has_value());
}

BOOST_AUTO_TEST_CASE(content_type_checking) {
  for (std::string ok :
       {"application/json"s, "Application/JSON"s, "application/json; charset=utf-8"s,
        "application/json;charset=UTF-8"s, "application/json ; charset=\"utf-8\""s,
        " application/json "s, "application/json;"s}) {
    BOOST_TEST(!check_json_content_type(ok).has_value(), ok);
  }
  for (std::string bad :
       {""s, "text/plain"s, "application/xml"s, "application/jsonx"s,
        "application/json; charset=latin1"s, "application/json; charset=utf-16"s,
        "application/json; boundary=x"s, "application/json; charset"s,
        "application/problem+json"s, "multipart/form-data; boundary=x"s,
        "application/json; charset=\"utf-8"s}) {
    auto err = check_json_content_type(bad);
    BOOST_TEST_REQUIRE(err.has_value(), bad);
    BOOST_TEST(err->status() == 415);
    BOOST_TEST(!err->close);
    BOOST_TEST(!err->detail.empty());
  }
  BOOST_TEST(contains(check_json_content_type("")->detail, "missing"));
  BOOST_TEST(contains(check_json_content_type("text/plain")->detail, "'text/plain'"));
  BOOST_TEST(contains(check_json_content_type("application/json; charset=latin1")->detail,
                      "latin1"));
  // RFC 7396's media type for a merge patch: taken where a merge patch is read (PATCH),
  // and named in the hint there; refused elsewhere.
  for (std::string patch :
       {"application/merge-patch+json"s, "Application/Merge-Patch+JSON; charset=utf-8"s})
    BOOST_TEST(!check_json_content_type(patch, true).has_value(), patch);
  auto not_patch = check_json_content_type("application/merge-patch+json");
  BOOST_TEST_REQUIRE(not_patch.has_value());
  BOOST_TEST(not_patch->status() == 415);
  BOOST_TEST(contains(check_json_content_type("text/plain", true)->detail,
                      "application/merge-patch+json"));
}

BOOST_AUTO_TEST_CASE(a_patch_takes_a_merge_patch_body) {
  http_request req;
  req.method = "PATCH";
  req.headers.add("Content-Type", "application/merge-patch+json");
  req.body = R"({"dba_name":null})";
  auto ok = parse_json_request(req, depth);
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->at("dba_name").is_null());
  req.method = "POST";
  auto refused = parse_json_request(req, depth);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().status() == 415);
}

BOOST_AUTO_TEST_CASE(parses_requests) {
  http_request req;
  req.headers.add("Content-Type", "application/json; charset=utf-8");
  req.body = R"({"a":1})";
  auto ok = parse_json_request(req, depth);
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST((*ok)["a"] == 1);

  http_request text;
  text.headers.add("Content-Type", "text/plain");
  text.body = R"({"a":1})";
  auto r = parse_json_request(text, depth);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().status() == 415);

  http_request broken;
  broken.headers.add("content-type", "application/json");
  broken.body = "{";
  BOOST_TEST(parse_json_request(broken, depth).error().status() == 400);
}

// Found by test/fuzz/json_body_fuzz (test/fuzz/regressions/json_body/): nlohmann's
// message quotes the bytes it read last, which may end inside a character; the detail
// goes into problem+json and must be valid UTF-8.
BOOST_AUTO_TEST_CASE(error_details_are_valid_utf8_when_the_error_is_inside_a_character) {
  // EF B5 BF is U+FD7F, valid UTF-8; nlohmann takes EF for the start of a BOM.
  auto bom = error_of("\xEF\xB5\xBF{}");
  BOOST_TEST(find_invalid_utf8(bom) == std::string::npos, bom);
  BOOST_TEST(contains(bom, "BOM"), bom);
  // CC A2 is U+0322; nlohmann stops at CC.
  auto literal = error_of("[0,\xCC\xA2]");
  BOOST_TEST(find_invalid_utf8(literal) == std::string::npos, literal);
  BOOST_TEST(contains(literal, "byte offset 3"), literal);
}

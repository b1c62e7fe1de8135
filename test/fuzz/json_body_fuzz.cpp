// The JSON body reader (net/json_body) on arbitrary bytes. The first byte sets the depth
// limit; the rest is the body, and its first line also serves as a Content-Type.
// Checked: a body that parses is valid UTF-8, is JSON by nlohmann's own reader, nests no
// deeper than the limit and survives a round trip; an error is a 400 whose detail is
// valid UTF-8 (it becomes problem+json) and names a byte offset within the body;
// find_invalid_utf8() agrees with a plain RFC 3629 decoder.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "net/json_body.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::net;

namespace {

constexpr size_t npos = std::string_view::npos;

// RFC 3629, one code point at a time: the offset of the first byte that does not begin
// a well-formed sequence, or npos.
size_t reference_invalid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80         ? 1
                 : (c >> 5) == 6  ? 2
                 : (c >> 4) == 14 ? 3
                 : (c >> 3) == 30 ? 4
                                  : 0;
    if (len == 0 || i + len > text.size())
      return i;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return npos;
}

size_t depth(const nlohmann::json& j) {
  size_t d = 0;
  if (j.is_object() || j.is_array())
    for (auto& v : j)
      d = std::max(d, depth(v));
  return (j.is_object() || j.is_array()) ? d + 1 : 0;
}

bool all_finite(const nlohmann::json& j) {
  if (j.is_number_float())
    return std::isfinite(j.get<double>());
  if (j.is_object() || j.is_array())
    for (auto& v : j)
      if (!all_finite(v))
        return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  size_t max_depth = 1 + data[0] % 40;
  auto body = kyb::fuzz::bytes(data + 1, size - 1);

  size_t invalid = find_invalid_utf8(body);
  FUZZ_CHECK(invalid == reference_invalid_utf8(body));

  auto parsed = parse_json_body(body, max_depth);
  if (parsed) {
    FUZZ_CHECK(invalid == npos);
    FUZZ_CHECK(nlohmann::json::accept(body));
    FUZZ_CHECK(depth(*parsed) <= max_depth);
    if (all_finite(*parsed)) {
      auto text = parsed->dump();
      auto again = parse_json_body(text, max_depth);
      FUZZ_CHECK(again && *again == *parsed);
    }
  } else {
    const auto& err = parsed.error();
    FUZZ_CHECK(err.type == problem_type::invalid_json ||
               err.type == problem_type::json_too_deep);
    FUZZ_CHECK(err.status() == 400);
    FUZZ_CHECK(!err.close);
    if (find_invalid_utf8(err.detail) != npos)
      std::fprintf(stderr, "detail: %s\n", err.detail.c_str());
    FUZZ_CHECK(find_invalid_utf8(err.detail) == npos);
    auto at = err.detail.find("byte offset ");
    if (body.find_first_not_of(" \t\r\n") != npos) {
      FUZZ_CHECK(at != std::string::npos);
      FUZZ_CHECK(std::stoull(err.detail.substr(at + 12)) <= body.size());
    }
    if (invalid == npos && err.type == problem_type::invalid_json &&
        err.detail.find("duplicate object key") == std::string::npos)
      FUZZ_CHECK(!nlohmann::json::accept(body));
  }

  auto content_type = body.substr(0, body.find('\n'));
  if (auto err = check_json_content_type(content_type)) {
    FUZZ_CHECK(err->status() == 415);
    FUZZ_CHECK(find_invalid_utf8(err->detail) == npos);
  }
  return 0;
}

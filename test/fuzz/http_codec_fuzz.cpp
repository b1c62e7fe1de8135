// The HTTP/1.1 request codec (net/http_codec) on arbitrary bytes. The first input byte
// chooses the limits (bit 0: tiny ones, so every limit is reached), whether bodies of
// POST /v1/businesses/bulk stream (bit 1), and how the rest is split into reads (the
// other bits seed the split). Checked: the codec's documented memory bounds whenever it
// waits for more bytes, that an error is final and leaves nothing buffered, that
// requests are well formed, and that the outcome does not depend on how the bytes were
// split into reads.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_codec.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::net;

namespace {

struct setup {
  codec_limits limits;
  bool stream = false;
  uint64_t max_stream_bytes = 0;
};

bool known_error_status(int status) {
  switch (status) {
  case 400:
  case 413:
  case 414:
  case 417:
  case 431:
  case 501:
  case 505:
    return true;
  default:
    return false;
  }
}

std::string dump(const http_request& r, const std::string& body) {
  std::string s = r.method + " " + r.target + " " + r.path + "?" + r.query + " " +
                  std::to_string(r.version) + (r.keep_alive ? "K" : "C") +
                  (r.chunked ? "T" : "L") + "|";
  for (auto f : r.headers)
    s += std::string(f.name) + ":" + std::string(f.value) + "|";
  for (auto f : r.trailers)
    s += "t:" + std::string(f.name) + ":" + std::string(f.value) + "|";
  return s + body;
}

// Decodes `input` in reads whose sizes come from `split_seed` (all at once when 0),
// checking the codec's promises after every step; returns a summary of the outcome.
std::string run(std::string_view input, const setup& su, uint32_t split_seed) {
  http_codec codec(su.limits);
  if (su.stream)
    codec.stream_bodies(
        [](std::string_view method, std::string_view path) {
          return method == "POST" && path == "/v1/businesses/bulk";
        },
        su.max_stream_bytes);
  std::string summary;
  std::string streamed; // body parts of the current streamed request
  bool in_stream = false;
  bool continued = false;
  http_request req;
  uint32_t state = split_seed * 2654435761u + 1;
  size_t at = 0;
  while (at < input.size()) {
    size_t piece = input.size() - at;
    if (split_seed != 0) {
      state = state * 1103515245u + 12345u;
      piece = std::min<size_t>(piece, 1 + (state >> 16) % ((state & 1) ? 7 : 300));
    }
    FUZZ_CHECK(codec.feed(input.data() + at, piece));
    at += piece;
    for (;;) {
      auto status = codec.next(req);
      if (status == decode_status::need_more) {
        FUZZ_CHECK(codec.buffered_bytes() <= su.limits.max_header_bytes);
        if (!in_stream)
          FUZZ_CHECK(codec.pending().body.size() <= su.limits.max_body_bytes);
        break;
      }
      if (status == decode_status::expect_continue) {
        // Depends on the split, so not in the summary; at most once per request.
        FUZZ_CHECK(!continued);
        continued = true;
        continue;
      }
      if (status == decode_status::headers) {
        FUZZ_CHECK(su.stream && !in_stream);
        FUZZ_CHECK(codec.pending().method == "POST");
        // Not in the summary: the header of a streamed request whose body turns out
        // to be malformed is reported or not depending on the reads.
        in_stream = true;
        continue;
      }
      if (status == decode_status::body_part) {
        FUZZ_CHECK(in_stream);
        FUZZ_CHECK(!req.body.empty());
        streamed += req.body;
        FUZZ_CHECK(streamed.size() <= su.max_stream_bytes);
        continue;
      }
      if (status == decode_status::request) {
        FUZZ_CHECK(req.version == 10 || req.version == 11);
        FUZZ_CHECK(!req.method.empty());
        FUZZ_CHECK(!req.path.empty());
        FUZZ_CHECK(req.path == "*" || req.path.front() == '/');
        FUZZ_CHECK(in_stream ==
                   (su.stream && req.method == "POST" && req.path == "/v1/businesses/bulk"));
        if (in_stream) {
          streamed += req.body;
          FUZZ_CHECK(streamed.size() <= su.max_stream_bytes);
        } else {
          FUZZ_CHECK(req.body.size() <= su.limits.max_body_bytes);
          streamed = req.body;
        }
        summary += dump(req, streamed) + "\n";
        streamed.clear();
        in_stream = false;
        continued = false;
        continue;
      }
      if (status == decode_status::error) {
        const auto& err = codec.error();
        if (!known_error_status(err.status()))
          std::fprintf(stderr, "unexpected status %d\n", err.status());
        FUZZ_CHECK(known_error_status(err.status()));
        FUZZ_CHECK(err.close);
        FUZZ_CHECK(!err.detail.empty());
        FUZZ_CHECK(codec.buffered_bytes() == 0);
        FUZZ_CHECK(!codec.feed("x", 1));
        FUZZ_CHECK(codec.next(req) == decode_status::error);
        return summary + "error " + std::to_string(err.status());
      }
      FUZZ_CHECK(status == decode_status::closed);
      FUZZ_CHECK(!codec.feed("x", 1));
      return summary + "closed";
    }
  }
  return summary;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  uint8_t control = data[0];
  auto input = kyb::fuzz::bytes(data + 1, size - 1);
  setup su;
  if (control & 1) {
    su.limits.max_header_bytes = 300;
    su.limits.max_body_bytes = 200;
    su.limits.max_target_bytes = 100;
    su.limits.max_header_fields = 10;
    su.max_stream_bytes = 500;
  } else {
    su.limits.max_header_bytes = 16 * 1024;
    su.limits.max_body_bytes = 1024 * 1024;
    su.max_stream_bytes = 4 * 1024 * 1024;
  }
  su.stream = (control & 2) != 0;
  auto whole = run(input, su, 0);
  auto pieces = run(input, su, 1 + (control >> 2));
  if (whole != pieces)
    std::fprintf(stderr, "whole:\n%s\npieces:\n%s\n", whole.c_str(), pieces.c_str());
  FUZZ_CHECK(whole == pieces);
  return 0;
}

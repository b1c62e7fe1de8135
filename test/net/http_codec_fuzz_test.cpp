// Randomized, deterministic (fixed seeds) tests of the request codec: garbage and mutated
// valid requests must never crash it, never make it hold more than its limits allow, and
// decode the same however the bytes are split into reads.
#define BOOST_TEST_MODULE net_http_codec_fuzz
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_codec.hpp"

using namespace kyb::net;

namespace {

const std::vector<std::string> corpus = {
    "GET /v1/businesses/42?reveal=tax_id HTTP/1.1\r\nHost: api\r\nUser-Agent: t\r\n"
    "X-Request-Id: r1\r\n\r\n",
    "POST /v1/businesses HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
    "Content-Length: 18\r\n\r\n{\"legal_name\":\"A\"}",
    "POST /v1/import HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value\r\nhello\r\n6;a;b=\"q s\"\r\n world\r\n0;last\r\nX-Sum: abc\r\n\r\n",
    "PUT /v1/x HTTP/1.1\r\nHost: api\r\nExpect: 100-continue\r\nContent-Length: "
    "3\r\n\r\nabc",
    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "DELETE /v1/businesses/7 HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: api\r\n\r\n",
    "GET http://api/v1/a?b=c HTTP/1.1\r\nHost: api\r\n\r\n",
};

const char specials_text[] = "\r\n\0 :;,\t\"=0123456789abcdefABCDEF-\x80\xff";
const std::string specials(specials_text, sizeof(specials_text) - 1);

const std::vector<std::string> tokens = {
    "Transfer-Encoding: chunked\r\n",
    "Content-Length: 5\r\n",
    "Content-Length: 0\r\n",
    "\r\n",
    " ",
    "0\r\n\r\n",
    "Expect: 100-continue\r\n",
    "Host: x\r\n",
    "HTTP/1.1",
    "Transfer-Encoding: gzip, chunked\r\n",
    "ffffffffffffffff\r\n",
    ";ext=\"v\"",
};

using rng_t = std::mt19937_64;

size_t pick(rng_t& rng, size_t n) {
  return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

std::string mutate(rng_t& rng, std::string s) {
  size_t rounds = 1 + pick(rng, 4);
  for (size_t k = 0; k < rounds; ++k) {
    size_t at = pick(rng, s.size() + 1);
    switch (pick(rng, 8)) {
    case 0:
      if (at < s.size())
        s[at] = static_cast<char>(pick(rng, 256));
      break;
    case 1:
      if (at < s.size())
        s[at] = specials[pick(rng, specials.size())];
      break;
    case 2:
      s.insert(at, 1, specials[pick(rng, specials.size())]);
      break;
    case 3:
      s.erase(at, 1 + pick(rng, 8));
      break;
    case 4: {
      size_t from = pick(rng, s.size() + 1);
      s.insert(at, s.substr(from, 1 + pick(rng, 32)));
      break;
    }
    case 5:
      s.insert(at, corpus[pick(rng, corpus.size())]);
      break;
    case 6:
      s.resize(at);
      break;
    default:
      s.insert(at, tokens[pick(rng, tokens.size())]);
      break;
    }
  }
  return s;
}

std::string garbage(rng_t& rng, size_t size, bool textual) {
  std::string s(size, '\0');
  for (auto& c : s)
    c = textual ? (pick(rng, 8) == 0 ? specials[pick(rng, specials.size())]
                                     : static_cast<char>(0x20 + pick(rng, 0x5F)))
                : static_cast<char>(pick(rng, 256));
  return s;
}

std::string dump(const http_request& r) {
  std::string s = r.method + " " + r.target + " " + r.path + "?" + r.query + " " +
                  std::to_string(r.version) + (r.keep_alive ? "K" : "C") +
                  (r.chunked ? "T" : "L") + "|";
  for (auto f : r.headers)
    s += std::string(f.name) + ":" + std::string(f.value) + "|";
  for (auto f : r.trailers)
    s += "t:" + std::string(f.name) + ":" + std::string(f.value) + "|";
  return s + r.body;
}

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

// What the runs of a test reached: the most bytes the codec held while waiting for more,
// and the error statuses it answered.
struct reach {
  size_t max_buffered = 0;
  size_t max_pending_body = 0;
  std::set<int> statuses;
};

// Decodes `input` in pieces (sizes from `rng`, or all at once when null), checking the
// codec's promises after every step. Returns what was decoded, for comparisons.
std::string run(const std::string& input, const codec_limits& limits, rng_t* rng,
                reach* seen = nullptr) {
  http_codec codec(limits);
  std::string summary;
  http_request req;
  size_t at = 0;
  bool done = false;
  bool continued = false;
  while (!done && at < input.size()) {
    size_t piece = rng ? 1 + pick(*rng, pick(*rng, 2) ? 8 : 300) : input.size();
    piece = std::min(piece, input.size() - at);
    BOOST_REQUIRE(codec.feed(input.data() + at, piece));
    at += piece;
    for (;;) {
      auto status = codec.next(req);
      if (status == decode_status::need_more) {
        // The promised memory bounds.
        BOOST_REQUIRE_LE(codec.buffered_bytes(), limits.max_header_bytes);
        BOOST_REQUIRE_LE(codec.pending().body.size(), limits.max_body_bytes);
        if (seen) {
          seen->max_buffered = std::max(seen->max_buffered, codec.buffered_bytes());
          seen->max_pending_body =
              std::max(seen->max_pending_body, codec.pending().body.size());
        }
        break;
      }
      if (status == decode_status::expect_continue) {
        // Depends on the split, so not part of the summary; at most once per request.
        BOOST_REQUIRE(!continued);
        continued = true;
        continue;
      }
      if (status == decode_status::request) {
        BOOST_REQUIRE_LE(req.body.size(), limits.max_body_bytes);
        BOOST_REQUIRE(req.version == 10 || req.version == 11);
        BOOST_REQUIRE(!req.method.empty());
        BOOST_REQUIRE(!req.path.empty());
        summary += dump(req) + "\n";
        continued = false;
        continue;
      }
      if (status == decode_status::error) {
        const auto& err = codec.error();
        BOOST_REQUIRE_MESSAGE(known_error_status(err.status()), err.status());
        BOOST_REQUIRE(err.close);
        BOOST_REQUIRE(!err.detail.empty());
        BOOST_REQUIRE_EQUAL(codec.buffered_bytes(), 0u);
        BOOST_REQUIRE(!codec.feed("x", 1));
        BOOST_REQUIRE(codec.next(req) == decode_status::error);
        summary += "error " + std::to_string(err.status());
        if (seen)
          seen->statuses.insert(err.status());
      } else {
        BOOST_REQUIRE(status == decode_status::closed);
        summary += "closed";
      }
      done = true;
      break;
    }
  }
  return summary;
}

codec_limits default_limits() {
  codec_limits l;
  l.max_header_bytes = 16 * 1024;
  l.max_body_bytes = 1024 * 1024;
  return l;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_corpus_decodes) {
  for (const auto& input : corpus) {
    auto s = run(input, default_limits(), nullptr);
    BOOST_TEST(s.find("error") == std::string::npos, input << " -> " << s);
    BOOST_TEST(!s.empty());
  }
}

BOOST_AUTO_TEST_CASE(mutated_requests_decode_the_same_however_split) {
  rng_t rng(20240601);
  auto limits = default_limits();
  size_t requests = 0;
  size_t errors = 0;
  for (int i = 0; i < 20000; ++i) {
    auto input = mutate(rng, corpus[pick(rng, corpus.size())]);
    if (pick(rng, 4) == 0)
      input += mutate(rng, corpus[pick(rng, corpus.size())]); // pipelined
    auto whole = run(input, limits, nullptr);
    auto pieces = run(input, limits, &rng);
    BOOST_REQUIRE_MESSAGE(whole == pieces, "iteration " << i << " input:\n"
                                                        << input << "\nwhole:\n"
                                                        << whole << "\npieces:\n"
                                                        << pieces);
    requests += std::count(whole.begin(), whole.end(), '\n');
    errors += whole.find("error") != std::string::npos;
  }
  // The mutations exercise both outcomes substantially.
  BOOST_TEST_MESSAGE("decoded " << requests << " requests, " << errors << " errors");
  BOOST_TEST(requests > 2000u);
  BOOST_TEST(errors > 5000u);
}

BOOST_AUTO_TEST_CASE(garbage_never_crashes) {
  rng_t rng(7);
  auto limits = default_limits();
  for (int i = 0; i < 3000; ++i) {
    auto input = garbage(rng, pick(rng, 4096), i % 2 == 0);
    if (i % 3 == 0)
      input = corpus[pick(rng, corpus.size())].substr(0, 20 + pick(rng, 20)) + input;
    run(input, limits, &rng);
    run(input, limits, nullptr);
  }
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_under_small_limits) {
  rng_t rng(99);
  codec_limits limits;
  limits.max_header_bytes = 300;
  limits.max_body_bytes = 200;
  limits.max_target_bytes = 100;
  limits.max_header_fields = 10;
  reach seen;
  for (int i = 0; i < 5000; ++i) {
    if (i % 4 == 0) {
      // A body of up to twice the limit, sent whole or in chunks of random sizes.
      std::string body(pick(rng, 2 * limits.max_body_bytes + 1), 'b');
      std::string input = "POST /v1/x HTTP/1.1\r\nHost: h\r\n";
      if (pick(rng, 2) == 0) {
        input += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      } else {
        input += "Transfer-Encoding: chunked\r\n\r\n";
        for (size_t at = 0; at < body.size();) {
          size_t n = std::min(body.size() - at, 1 + pick(rng, 80));
          char size[32];
          std::snprintf(size, sizeof(size), "%zx\r\n", n);
          input += size + body.substr(at, n) + "\r\n";
          at += n;
        }
        input += "0\r\n\r\n";
      }
      run(input, limits, &rng, &seen);
      continue;
    }
    auto input = mutate(rng, corpus[pick(rng, corpus.size())]);
    // Blow a random region up so limits are reached.
    size_t at = pick(rng, input.size() + 1);
    input.insert(at, std::string(pick(rng, 600), "a0\r\n: ;"[pick(rng, 7)]));
    run(input, limits, &rng, &seen);
  }
  // run() requires the bounds at every wait; here, that the waits came close to them
  // and every limit was hit, so that a codec holding more than it may would be caught.
  BOOST_TEST_MESSAGE("most buffered " << seen.max_buffered << ", largest pending body "
                                      << seen.max_pending_body);
  BOOST_TEST(seen.max_buffered <= limits.max_header_bytes);
  BOOST_TEST(seen.max_buffered > limits.max_header_bytes * 3 / 4);
  BOOST_TEST(seen.max_pending_body <= limits.max_body_bytes);
  BOOST_TEST(seen.max_pending_body > limits.max_body_bytes * 3 / 4);
  for (int status : {413, 414, 431})
    BOOST_TEST(seen.statuses.count(status) == 1u, "no " << status << " answered");
}

BOOST_AUTO_TEST_CASE(endless_streams_are_cut_off_at_the_limit) {
  rng_t rng(3);
  auto limits = default_limits();
  // Header bytes that never end; chunk extensions that never end; trailers that never
  // end; a body that is larger than allowed. Each must fail before the codec holds
  // more than its limits, however slowly the bytes come.
  const std::vector<std::pair<std::string, std::string>> streams = {
      {"GET / HTTP/1.1\r\nHost: h\r\nX: ", "a"},
      {"GET / HTTP/1.1\r\nHost: h\r\n", "X: y\r\n"},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;", "e"},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
       "T: v\r\n"},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
       "400\r\n" + std::string(1024, 'b') + "\r\n"},
  };
  for (const auto& [head, repeated] : streams) {
    http_codec codec(limits);
    http_request req;
    BOOST_REQUIRE(codec.feed(head.data(), head.size()));
    size_t fed = head.size();
    decode_status status = codec.next(req);
    while (status == decode_status::need_more && fed < 4 * limits.max_body_bytes) {
      auto piece = repeated;
      while (piece.size() < 1 + pick(rng, 2000))
        piece += repeated;
      codec.feed(piece.data(), piece.size());
      fed += piece.size();
      status = codec.next(req);
      if (status == decode_status::need_more) {
        BOOST_REQUIRE_LE(codec.buffered_bytes(), limits.max_header_bytes);
        BOOST_REQUIRE_LE(codec.pending().body.size(), limits.max_body_bytes);
      }
    }
    BOOST_TEST((status == decode_status::error), head);
    BOOST_TEST(codec.buffered_bytes() == 0u);
  }
}

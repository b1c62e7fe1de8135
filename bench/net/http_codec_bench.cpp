// Micro-benchmark: ns per request for decoding requests and encoding responses with
// net/http_codec and net/http_response, as the HTTP broker uses them (one codec per
// connection, one reused write buffer). Prints each case against a baseline measured in
// the same run: copying the same request and response bytes, the floor for any server.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "net/http_codec.hpp"
#include "net/http_response.hpp"
#include "net/json_body.hpp"

using namespace kyb::net;

namespace {

using bench_clock = std::chrono::steady_clock;

// What wrk sends for `GET /v1/businesses/{id}` with an API key.
const std::string get_request =
    "GET /v1/businesses/0190c4e2-5b1a-7c3e-9f00-3a4b5c6d7e8f HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "Authorization: Bearer kyb_live_5f2b8c9d0e1f4a3b6c7d8e9f0a1b2c3d\r\n"
    "User-Agent: wrk/4.2\r\n"
    "Accept: application/json\r\n"
    "X-Request-Id: 0190c4e2-6000-7000-8000-000000000001\r\n"
    "\r\n";

// A cached business as the API returns it.
const std::string business_json =
    R"({"id":"0190c4e2-5b1a-7c3e-9f00-3a4b5c6d7e8f","legal_name":"Acme Holdings Ltd",)"
    R"("dba_name":"Acme","tax_id":"*****6789","website_url":"https://acme.example",)"
    R"("country":"GB","registration_number":"01234567","jurisdiction":"GB-ENG",)"
    R"("incorporation_date":"2011-04-01","created_at":"2024-06-01T10:00:00Z",)"
    R"("updated_at":"2024-06-01T10:00:00Z","risk":null})";

std::string post_request() {
  std::string body = R"({"legal_name":"Acme Holdings Ltd","country":"GB","owners":[)";
  for (int i = 0; i < 8; ++i)
    body +=
        std::string(i ? "," : "") + R"({"name":"Owner )" + std::to_string(i) +
        R"(","date_of_birth":"1980-01-01","nationality":"GB","ownership_percent":12.5})";
  body += R"(],"description":")" + std::string(200, 'd') + "\"}";
  return "POST /v1/businesses HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
         "Authorization: Bearer kyb_live_5f2b8c9d0e1f4a3b6c7d8e9f0a1b2c3d\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

codec_limits limits() {
  codec_limits l;
  l.max_header_bytes = 16 * 1024;
  l.max_body_bytes = 1024 * 1024;
  return l;
}

volatile size_t sink = 0;

// Runs `step` (which handles `per_step` requests) until ~0.2 s pass, five times, and
// returns the best ns per request.
double measure(size_t per_step, const std::function<void()>& step) {
  for (int i = 0; i < 1000; ++i)
    step(); // warm-up
  double best = 1e18;
  for (int round = 0; round < 5; ++round) {
    size_t steps = 0;
    auto start = bench_clock::now();
    auto deadline = start + std::chrono::milliseconds(200);
    auto now = start;
    while (now < deadline) {
      for (int i = 0; i < 256; ++i)
        step();
      steps += 256;
      now = bench_clock::now();
    }
    double ns = std::chrono::duration<double, std::nano>(now - start).count();
    best = std::min(best, ns / static_cast<double>(steps * per_step));
  }
  return best;
}

http_response make_response(const http_request& req) {
  http_response res;
  res.content_type = "application/json";
  res.body = business_json;
  res.keep_alive = req.keep_alive;
  res.headers.add("X-Request-Id", req.header("x-request-id"));
  return res;
}

} // namespace

int main() {
  http_codec codec(limits());
  http_request req;
  std::string out;
  std::string copy;
  http_response canned = make_response([] {
    http_request r;
    r.headers.add("X-Request-Id", "0190c4e2-6000-7000-8000-000000000001");
    return r;
  }());
  std::string encoded;
  write_response(canned, encoded);
  auto fail = [](const char* what) {
    std::fprintf(stderr, "benchmark broken: %s\n", what);
    std::exit(1);
  };

  // Baseline: move the request bytes in and the response bytes out.
  double baseline = measure(1, [&] {
    copy.append(get_request);
    out.append(encoded);
    sink = sink + copy.size() + out.size();
    copy.clear();
    out.clear();
  });

  double decode = measure(1, [&] {
    codec.feed(get_request.data(), get_request.size());
    if (codec.next(req) != decode_status::request)
      fail("decode");
    sink = sink + req.path.size();
  });

  double encode = measure(1, [&] {
    write_response(canned, out);
    sink = sink + out.size();
    out.clear();
  });

  double get = measure(1, [&] {
    codec.feed(get_request.data(), get_request.size());
    while (codec.next(req) == decode_status::request) {
      auto res = make_response(req);
      write_response(res, out);
    }
    sink = sink + out.size();
    out.clear();
  });

  // Pipelined: 16 requests per read, as wrk with pipelining or a busy keep-alive client.
  std::string pipelined;
  for (int i = 0; i < 16; ++i)
    pipelined += get_request;
  double piped = measure(16, [&] {
    codec.feed(pipelined.data(), pipelined.size());
    while (codec.next(req) == decode_status::request) {
      auto res = make_response(req);
      write_response(res, out);
    }
    sink = sink + out.size();
    out.clear();
  });

  // Split reads: the same GET arriving in 4 pieces.
  double split = measure(1, [&] {
    size_t quarter = get_request.size() / 4;
    for (size_t at = 0; at < get_request.size(); at += quarter) {
      codec.feed(get_request.data() + at, std::min(quarter, get_request.size() - at));
      while (codec.next(req) == decode_status::request) {
        auto res = make_response(req);
        write_response(res, out);
      }
    }
    sink = sink + out.size();
    out.clear();
  });

  // POST with a ~1.3 KB JSON body: decode, content type + JSON parse, encode.
  auto post = post_request();
  double post_ns = measure(1, [&] {
    codec.feed(post.data(), post.size());
    if (codec.next(req) != decode_status::request)
      fail("post");
    auto doc = parse_json_request(req, 32);
    if (!doc)
      fail("json");
    auto res = make_response(req);
    res.status = 201;
    write_response(res, out);
    sink = sink + out.size() + doc->size();
    out.clear();
  });

  std::printf("request %zu bytes, response %zu bytes, post %zu bytes\n",
              get_request.size(), encoded.size(), post.size());
  std::printf("%-44s %10s %10s\n", "case", "ns/req", "x baseline");
  auto row = [&](const char* name, double ns) {
    std::printf("%-44s %10.1f %10.2f\n", name, ns, ns / baseline);
  };
  row("baseline: copy request and response bytes", baseline);
  row("decode GET (feed + next)", decode);
  row("encode 200 JSON response", encode);
  row("decode + encode GET", get);
  row("decode + encode GET, 16 pipelined per read", piped);
  row("decode + encode GET, 4 reads per request", split);
  row("decode + JSON parse + encode POST", post_ns);
  return 0;
}

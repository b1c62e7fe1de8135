// Slow and hostile clients against a real node: connections beyond
// http.max_connections_per_ip from one address are answered 503 with Retry-After while
// other addresses are served, their places come back when they close, and a client that
// trickles its headers a byte at a time is cut off after http.read_timeout.
#define BOOST_TEST_MODULE http_limits
#include <boost/test/unit_test.hpp>

#include <memory>
#include <thread>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;

namespace {

constexpr int per_ip = 4;

struct node_fixture {
  node_fixture()
      : node(std::map<std::string, std::string>{
            {"KYB_HTTP_MAX_CONNECTIONS_PER_IP", std::to_string(per_ip)},
            {"KYB_HTTP_READ_TIMEOUT", "1s"},
            {"KYB_HTTP_WORKERS", "2"},
            {"KYB_LOG_ACCESS", "false"}}) {}

  /// GET /health on a fresh connection from `source`.
  std::optional<http_reply> health(const std::string& source) {
    http_connection c("127.0.0.1", node.port(), source);
    if (!c.connected() || !c.send_raw(make_request("GET", "/health")))
      return std::nullopt;
    return c.read_reply(5s);
  }

  node_process node;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(limits, node_fixture)

BOOST_AUTO_TEST_CASE(connections_beyond_the_per_address_limit_get_503) {
  // One address (127.0.0.9) holds its limit of keep-alive connections, each served
  // once (so each was accepted and counted).
  std::vector<std::unique_ptr<http_connection>> held;
  for (int i = 0; i < per_ip; ++i) {
    held.push_back(
        std::make_unique<http_connection>("127.0.0.1", node.port(), "127.0.0.9"));
    BOOST_REQUIRE(held.back()->connected());
    BOOST_REQUIRE(held.back()->send_raw(make_request("GET", "/health")));
    auto r = held.back()->read_reply(5s);
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_EQUAL(r->status, 200);
  }
  // The next one from that address is refused: 503, Retry-After, problem+json, closed.
  auto refused = health("127.0.0.9");
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->status == 503);
  BOOST_TEST(refused->header("retry-after") == "1");
  BOOST_TEST(refused->header("content-type").rfind("application/problem+json", 0) == 0);
  auto problem = refused->json();
  BOOST_TEST(problem.value("status", 0) == 503);
  BOOST_TEST(problem.value("detail", "").find("from this address") != std::string::npos,
             problem.dump());
  // Other addresses are served meanwhile, and the held connections still work.
  for (auto* other : {"127.0.0.1", "127.0.0.10"}) {
    auto ok = health(other);
    BOOST_REQUIRE(ok);
    BOOST_TEST(ok->status == 200, other);
  }
  BOOST_REQUIRE(held[0]->send_raw(make_request("GET", "/health")));
  auto r = held[0]->read_reply(5s);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200);
  // Closed connections give their places back.
  held.clear();
  BOOST_TEST(eventually([&] {
    auto again = health("127.0.0.9");
    return again && again->status == 200;
  }));
}

BOOST_AUTO_TEST_CASE(headers_trickled_a_byte_at_a_time_are_cut_off) {
  // Every byte arrives well within any idle limit, but the request as a whole does not
  // arrive within http.read_timeout (1 s): 408 and the connection closes.
  http_connection slow("127.0.0.1", node.port(), "127.0.0.11");
  BOOST_REQUIRE(slow.connected());
  const std::string head =
      "GET /health HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(200, 'x') + "\r\n\r\n";
  auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char c : head) {
    // closed_by_peer waits 50 ms for the close (reading the 408 if it came first).
    if (!slow.send_raw(std::string(1, c)) || slow.closed_by_peer(50ms)) {
      cut = true;
      break;
    }
    if (std::chrono::steady_clock::now() - start > 5s)
      break;
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(cut, "the trickling client was not cut off");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  BOOST_TEST(ms >= 900); // not before the timeout
  BOOST_TEST(ms < 4000); // long before all 240 bytes trickled in
  auto ok = health("127.0.0.11");
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->status == 200);
}

BOOST_AUTO_TEST_CASE(requests_that_close_their_connection_are_answered_and_closed) {
  // HTTP/1.1 with Connection: close, and HTTP/1.0 without keep-alive, on endpoints the
  // broker answers at once: each gets its answer, then the connection closes, and the
  // node serves on (the broker once wrote to the closed connection's freed state).
  for (int i = 0; i < 20; ++i) {
    for (auto raw : {std::string("GET /health HTTP/1.1\r\nHost: a\r\nConnection: "
                                 "close\r\n\r\n"),
                     std::string("GET /health HTTP/1.0\r\n\r\n"),
                     std::string("GET /no/such/path HTTP/1.1\r\nHost: a\r\nConnection: "
                                 "close\r\n\r\n")}) {
      http_connection c("127.0.0.1", node.port(), "127.0.0.12");
      BOOST_REQUIRE(c.connected());
      BOOST_REQUIRE(c.send_raw(raw));
      auto r = c.read_reply(5s);
      BOOST_REQUIRE_MESSAGE(r, "no answer to " << raw);
      BOOST_TEST((r->status == 200 || r->status == 404), raw);
      BOOST_TEST(c.closed_by_peer(5s), raw);
    }
  }
  BOOST_TEST(node.running());
  auto ok = health("127.0.0.12");
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

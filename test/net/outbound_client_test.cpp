// The outbound HTTP client against real servers on loopback (a python3 server with one
// behaviour per path, over http and https with a CA made here): statuses, Retry-After,
// timeouts, truncated and oversized bodies, redirects, TLS failures, conditional
// requests, per-host concurrency and rate limits, and the SSRF rules. Every case ends in
// a response or an error within a bound.
#define BOOST_TEST_MODULE outbound_client
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "net/outbound_actor.hpp"
#include "net/outbound_address.hpp"
#include "net/outbound_client.hpp"
#include "test/support/eventually.hpp"
#include "test/support/http_client.hpp"
#include "test/support/ports.hpp"

using namespace kyb::net;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// One behaviour per path. /stats answers what the server saw: the most requests in
// flight at once and the arrival times (monotonic seconds) of /slow and /count.
const char* server_script = R"PY(
import http.server, json, os, ssl, sys, threading, time
from email.utils import formatdate
from urllib.parse import urlparse, parse_qs
port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
state = {"inflight": 0, "max": 0, "arrivals": []}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def do_HEAD(self):
        self.do_GET()
    def do_POST(self):
        self.do_GET()
    def do_GET(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.body = self.rfile.read(n).decode() if n else ""
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        p = u.path
        if p.startswith("/status/"):
            code = int(p[8:])
            headers = []
            if "retry_after" in q:
                headers.append(("Retry-After", q["retry_after"]))
            if "retry_in" in q:
                headers.append(("Retry-After", formatdate(time.time() + float(q["retry_in"]), usegmt=True)))
            self.reply(code, ("status %d" % code).encode(), headers)
        elif p == "/hang":
            time.sleep(120)
        elif p == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(120)
        elif p == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif p == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"only ten!!")
            self.wfile.flush()
            self.close_connection = True
        elif p == "/big":
            mb = int(q.get("mb", "20"))
            self.send_response(200)
            if q.get("length", "1") == "1":
                self.send_header("Content-Length", str(mb << 20))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(mb * 16):
                    self.wfile.write(chunk)
            except Exception:
                pass
        elif p == "/empty":
            self.reply(200)
        elif p == "/loop":
            self.reply(302, b"", [("Location", "/loop")])
        elif p.startswith("/chain/"):
            n = int(p[7:])
            if n == 0:
                self.reply(200, b"end of the chain")
            else:
                self.reply(302, b"", [("Location", "/chain/%d" % (n - 1))])
        elif p == "/redirect":
            self.reply(int(q.get("code", "302")), b"moved", [("Location", q["to"])])
        elif p == "/cached":
            etag = '"v1"'
            modified = "Wed, 01 Jan 2025 00:00:00 GMT"
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
            else:
                self.reply(200, b"cached body", [("ETag", etag), ("Last-Modified", modified)])
        elif p in ("/slow", "/count"):
            with lock:
                state["inflight"] += 1
                state["max"] = max(state["max"], state["inflight"])
                state["arrivals"].append(time.monotonic())
            time.sleep(float(q.get("ms", "0")) / 1000)
            with lock:
                state["inflight"] -= 1
            self.reply(200, b"ok")
        elif p == "/stats":
            with lock:
                self.reply(200, json.dumps(state).encode(), [("Content-Type", "application/json")])
        elif p == "/echo":
            self.reply(200, json.dumps({"method": self.command, "body": self.body,
                                        "agent": self.headers.get("User-Agent", ""),
                                        "host": self.headers.get("Host", "")}).encode())
        else:
            self.reply(404, b"not found")
class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
server = Server(("127.0.0.1", port), Handler)
if cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)PY";

/// The scripted server on a free port of 127.0.0.1 (https with a certificate).
class script_server {
public:
  explicit script_server(const std::string& cert = {}, const std::string& key = {})
      : tls_(!cert.empty()) {
    port_ = kyb::test::free_port();
    auto port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("python3", "python3", "-c", server_script, port.c_str(), cert.c_str(),
               key.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    BOOST_REQUIRE_MESSAGE(kyb::test::eventually(
                              [&] {
                                kyb::test::http_connection c("127.0.0.1", port_);
                                return c.connected();
                              },
                              20s),
                          "the python3 server did not listen");
  }
  ~script_server() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  uint16_t port() const { return port_; }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return (tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
  }

private:
  bool tls_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

outbound_options test_options() {
  outbound_options o;
  o.connect_timeout = 5s;
  o.timeout = 20s;
  o.idle_timeout = 10s;
  o.max_response_bytes = size_t{1} << 20;
  return o;
}

/// Submits and waits at most `bound` (the test fails rather than hangs).
outbound_response fetch(outbound_client& c, outbound_request req,
                        std::chrono::seconds bound = 40s) {
  auto p = std::make_shared<std::promise<outbound_response>>();
  auto f = p->get_future();
  c.submit(std::move(req), [p](outbound_response r) { p->set_value(std::move(r)); });
  if (f.wait_for(bound) != std::future_status::ready)
    BOOST_FAIL("no result within the bound");
  return f.get();
}

outbound_request get(const std::string& url) {
  outbound_request r;
  r.url = url;
  r.target = "test";
  return r;
}

nlohmann::json stats(outbound_client& c, const script_server& s) {
  auto r = fetch(c, get(s.url("/stats")));
  BOOST_REQUIRE_MESSAGE(r.ok() && r.status == 200, r.message);
  return nlohmann::json::parse(r.body);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct served {
  served() : client(test_options()) {}
  script_server server;
  outbound_client client;
};

} // namespace

BOOST_AUTO_TEST_SUITE(address_rules)

BOOST_AUTO_TEST_CASE(every_forbidden_range_is_classified) {
  struct want {
    const char* ip;
    address_kind kind;
  };
  const want cases[] = {
      {"8.8.8.8", address_kind::global},
      {"1.1.1.1", address_kind::global},
      {"93.184.216.34", address_kind::global},
      {"127.0.0.1", address_kind::loopback},
      {"127.255.255.254", address_kind::loopback},
      {"10.0.0.1", address_kind::private_net},
      {"10.255.255.255", address_kind::private_net},
      {"172.16.0.1", address_kind::private_net},
      {"172.31.255.255", address_kind::private_net},
      {"172.32.0.1", address_kind::global},
      {"172.15.255.255", address_kind::global},
      {"192.168.1.1", address_kind::private_net},
      {"169.254.0.1", address_kind::link_local},
      {"169.254.169.254", address_kind::metadata},
      {"100.64.0.1", address_kind::cgnat},
      {"100.127.255.255", address_kind::cgnat},
      {"100.128.0.1", address_kind::global},
      {"224.0.0.1", address_kind::multicast},
      {"239.255.255.255", address_kind::multicast},
      {"0.0.0.0", address_kind::unspecified},
      {"0.1.2.3", address_kind::unspecified},
      {"255.255.255.255", address_kind::broadcast},
      {"240.0.0.1", address_kind::reserved},
      {"192.0.0.8", address_kind::reserved},
      {"198.18.0.1", address_kind::reserved},
      {"192.0.2.1", address_kind::documentation},
      {"198.51.100.7", address_kind::documentation},
      {"203.0.113.9", address_kind::documentation},
      // IPv6
      {"2606:4700:4700::1111", address_kind::global},
      {"2a00:1450:4001:82a::200e", address_kind::global},
      {"::1", address_kind::loopback},
      {"::", address_kind::unspecified},
      {"fc00::1", address_kind::private_net},
      {"fd12:3456::1", address_kind::private_net},
      {"fd00:ec2::254", address_kind::metadata},
      {"fe80::1", address_kind::link_local},
      {"febf::1", address_kind::link_local},
      {"ff02::1", address_kind::multicast},
      {"2001:db8::1", address_kind::documentation},
      {"3fff::1", address_kind::documentation},
      {"100::1", address_kind::reserved},
      {"2001::1", address_kind::reserved}, // Teredo
      {"fec0::1", address_kind::reserved},
      {"4000::1", address_kind::reserved},
      // IPv4 inside IPv6
      {"::ffff:127.0.0.1", address_kind::loopback},
      {"::ffff:10.1.2.3", address_kind::private_net},
      {"::ffff:169.254.169.254", address_kind::metadata},
      {"::ffff:8.8.8.8", address_kind::global},
      {"::127.0.0.1", address_kind::loopback},
      {"::10.0.0.1", address_kind::private_net},
      {"::ffff:0:192.168.0.1", address_kind::private_net},
      {"64:ff9b::127.0.0.1", address_kind::loopback},
      {"64:ff9b::a9fe:a9fe", address_kind::metadata},
      {"64:ff9b::8.8.8.8", address_kind::global},
      {"64:ff9b:1::1", address_kind::reserved},
      {"2002:7f00:1::", address_kind::loopback},
      {"2002:0a00:0001::", address_kind::private_net},
      {"2002:0808:0808::", address_kind::global},
  };
  for (auto& c : cases) {
    auto got = classify_address(c.ip);
    BOOST_TEST_INFO(c.ip);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(to_string(*got) == to_string(c.kind));
  }
  BOOST_TEST(!classify_address("not-an-address").has_value());
  BOOST_TEST(!classify_address("127.1").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(statuses_and_faults, served)

BOOST_AUTO_TEST_CASE(error_statuses_are_responses) {
  for (int code : {404, 410, 500, 503}) {
    auto r = fetch(client, get(server.url("/status/" + std::to_string(code))));
    BOOST_TEST_INFO(r.message);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.status == code);
    BOOST_TEST(r.body == "status " + std::to_string(code));
    BOOST_TEST(!r.retry_after.has_value());
  }
  auto empty = fetch(client, get(server.url("/empty")));
  BOOST_TEST(empty.ok());
  BOOST_TEST(empty.status == 200);
  BOOST_TEST(empty.body.empty());
  BOOST_TEST(empty.body_bytes == 0u);
}

BOOST_AUTO_TEST_CASE(retry_after_is_reported_and_holds_the_host_back) {
  auto r = fetch(client, get(server.url("/status/429?retry_after=2")));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 429);
  BOOST_REQUIRE(r.retry_after.has_value());
  BOOST_TEST(r.retry_after->count() == 2);
  // The host is held back: the next request is sent only after the delay.
  auto started = std::chrono::steady_clock::now();
  auto next = fetch(client, get(server.url("/empty")));
  BOOST_TEST(next.ok());
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 1500ms));
  // An HTTP date on a 503.
  auto d = fetch(client, get(server.url("/status/503?retry_in=4")));
  BOOST_TEST(d.status == 503);
  BOOST_REQUIRE(d.retry_after.has_value());
  BOOST_TEST(d.retry_after->count() >= 2);
  BOOST_TEST(d.retry_after->count() <= 4);
}

BOOST_AUTO_TEST_CASE(a_server_that_never_answers_times_out) {
  auto req = get(server.url("/hang"));
  req.timeout = 1500ms;
  auto started = std::chrono::steady_clock::now();
  auto r = fetch(client, req);
  BOOST_TEST(to_string(r.error) == std::string("timeout"));
  BOOST_TEST(contains(r.message, server.url("/hang")), r.message);
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
}

BOOST_AUTO_TEST_CASE(a_stalled_and_a_trickling_body_time_out) {
  auto stall = get(server.url("/stall"));
  stall.idle_timeout = 1s;
  auto s = fetch(client, stall);
  BOOST_TEST(to_string(s.error) == std::string("timeout"));
  // Bytes keep coming (10 per second): the idle bound does not end it, the total does.
  auto trickle = get(server.url("/trickle"));
  trickle.idle_timeout = 1s;
  trickle.timeout = 2500ms;
  auto started = std::chrono::steady_clock::now();
  auto t = fetch(client, trickle);
  BOOST_TEST(to_string(t.error) == std::string("timeout"));
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 2s));
}

BOOST_AUTO_TEST_CASE(a_truncated_body_is_a_protocol_error) {
  auto r = fetch(client, get(server.url("/truncated")));
  BOOST_TEST(to_string(r.error) == std::string("protocol"));
  BOOST_TEST(contains(r.message, server.url("/truncated")), r.message);
}

BOOST_AUTO_TEST_CASE(a_20_mb_body_over_the_cap_is_aborted) {
  for (auto path : {"/big?mb=20", "/big?mb=20&length=0"}) {
    auto r = fetch(client, get(server.url(path)));
    BOOST_TEST_INFO(path);
    BOOST_TEST(to_string(r.error) == std::string("too_large"));
    BOOST_TEST(contains(r.message, "larger than 1048576 bytes"), r.message);
    BOOST_TEST(r.body.empty());
  }
  auto roomy = get(server.url("/big?mb=2"));
  roomy.max_response_bytes = size_t{3} << 20;
  auto ok = fetch(client, roomy);
  BOOST_TEST(ok.ok());
  BOOST_TEST(ok.body.size() == size_t{2} << 20);
}

BOOST_AUTO_TEST_CASE(a_reader_of_the_beginning_gets_the_body_cut_at_the_cap) {
  // With and without a Content-Length: the first 64 KiB, a response, marked truncated.
  for (auto path : {"/big?mb=20", "/big?mb=20&length=0"}) {
    auto req = get(server.url(path));
    req.max_response_bytes = 65536;
    req.truncate_at_limit = true;
    auto r = fetch(client, req);
    BOOST_TEST_INFO(path << ": " << r.message);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.truncated);
    BOOST_TEST(r.body.size() == 65536u);
  }
  // A body within the cap is not marked.
  auto small = get(server.url("/big?mb=1"));
  small.max_response_bytes = size_t{2} << 20;
  small.truncate_at_limit = true;
  auto whole = fetch(client, small);
  BOOST_TEST(whole.ok());
  BOOST_TEST(!whole.truncated);
  BOOST_TEST(whole.body.size() == size_t{1} << 20);
}

BOOST_AUTO_TEST_CASE(redirects_are_followed_hop_by_hop_up_to_five) {
  auto five = fetch(client, get(server.url("/chain/5")));
  BOOST_TEST_INFO(five.message);
  BOOST_TEST(five.ok());
  BOOST_TEST(five.body == "end of the chain");
  BOOST_TEST(five.redirects == 5);
  BOOST_TEST(five.final_url == server.url("/chain/0"));
  auto six = fetch(client, get(server.url("/chain/6")));
  BOOST_TEST(to_string(six.error) == std::string("refused_redirect"));
  BOOST_TEST(contains(six.message, "more than 5 redirects"), six.message);
  auto loop = fetch(client, get(server.url("/loop")));
  BOOST_TEST(to_string(loop.error) == std::string("refused_redirect"));
  // Not following: the redirect itself is the answer.
  auto req = get(server.url("/loop"));
  req.follow_redirects = false;
  auto raw = fetch(client, req);
  BOOST_TEST(raw.ok());
  BOOST_TEST(raw.status == 302);
  BOOST_TEST(raw.header("location") == "/loop");
  // A 303 after a POST continues as GET.
  outbound_request post = get(server.url("/redirect?code=303&to=/echo"));
  post.method = "POST";
  post.body = "payload";
  auto echoed = fetch(client, post);
  BOOST_TEST_REQUIRE(echoed.ok());
  BOOST_TEST(nlohmann::json::parse(echoed.body)["method"] == "GET");
}

BOOST_AUTO_TEST_CASE(conditional_requests_report_not_modified) {
  auto first = fetch(client, get(server.url("/cached")));
  BOOST_TEST_REQUIRE(first.ok());
  BOOST_TEST(first.status == 200);
  BOOST_TEST(!first.not_modified);
  auto etag = first.header("ETag");
  BOOST_TEST(etag == "\"v1\"");
  auto by_etag = get(server.url("/cached"));
  by_etag.if_none_match = etag;
  auto second = fetch(client, by_etag);
  BOOST_TEST(second.ok());
  BOOST_TEST(second.status == 304);
  BOOST_TEST(second.not_modified);
  BOOST_TEST(second.body.empty());
  auto by_date = get(server.url("/cached"));
  by_date.if_modified_since = first.header("last-modified");
  BOOST_TEST(fetch(client, by_date).not_modified);
}

BOOST_AUTO_TEST_CASE(methods_bodies_and_the_user_agent) {
  outbound_request put = get(server.url("/echo"));
  put.method = "POST";
  put.body = "{\"a\":1}";
  auto r = fetch(client, put);
  BOOST_TEST_REQUIRE(r.ok());
  auto j = nlohmann::json::parse(r.body);
  BOOST_TEST(j["method"] == "POST");
  BOOST_TEST(j["body"] == "{\"a\":1}");
  BOOST_TEST(j["agent"] == "kyb-platform/0.1");
  auto own = get(server.url("/echo"));
  own.headers.push_back("User-Agent: kyb-test contact@example.org");
  BOOST_TEST(nlohmann::json::parse(fetch(client, own).body)["agent"] ==
             "kyb-test contact@example.org");
}

BOOST_AUTO_TEST_CASE(nothing_listening_and_bad_urls) {
  auto dead = fetch(client, get("http://127.0.0.1:1/x"));
  BOOST_TEST(to_string(dead.error) == std::string("connect"));
  BOOST_TEST(contains(dead.message, "http://127.0.0.1:1/x"), dead.message);
  for (auto url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/",
                   "not a url", ""}) {
    auto r = fetch(client, get(url));
    BOOST_TEST_INFO(url);
    BOOST_TEST(to_string(r.error) == std::string("refused_url"));
  }
  auto nx = get("http://no-such-host.invalid/");
  auto n = fetch(client, nx);
  BOOST_TEST(to_string(n.error) == std::string("dns"));
}

BOOST_AUTO_TEST_CASE(cancellation_ends_a_transfer) {
  std::atomic<bool> cancel{false};
  auto req = get(server.url("/trickle"));
  req.cancel = &cancel;
  auto p = std::make_shared<std::promise<outbound_response>>();
  auto f = p->get_future();
  client.submit(req, [p](outbound_response r) { p->set_value(std::move(r)); });
  cancel = true;
  BOOST_REQUIRE(f.wait_for(10s) == std::future_status::ready);
  BOOST_TEST(to_string(f.get().error) == std::string("cancelled"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_limits)

BOOST_AUTO_TEST_CASE(per_host_concurrency_is_never_exceeded) {
  script_server server;
  auto o = test_options();
  o.per_host_concurrency = 2;
  outbound_client client(o);
  std::atomic<int> done{0};
  std::atomic<int> good{0};
  for (int i = 0; i < 8; ++i)
    client.submit(get(server.url("/slow?ms=300")), [&](outbound_response r) {
      if (r.ok() && r.status == 200)
        ++good;
      ++done;
    });
  BOOST_REQUIRE_MESSAGE(kyb::test::eventually([&] { return done == 8; }, 30s),
                        "the 8 requests did not complete");
  BOOST_TEST(good == 8);
  auto s = stats(client, server);
  BOOST_TEST(s["max"].get<int>() == 2);
  BOOST_TEST(s["arrivals"].size() == 8u);
}

BOOST_AUTO_TEST_CASE(rate_limited_requests_queue) {
  script_server server;
  auto o = test_options();
  o.host_rates.push_back(host_rate{"127.0.0.1", 2, 1000ms});
  o.max_queued_per_host = 8;
  outbound_client client(o);
  std::atomic<int> done{0};
  std::atomic<int> good{0};
  std::atomic<int> overloaded{0};
  for (int i = 0; i < 8; ++i)
    client.submit(get(server.url("/count")), [&](outbound_response r) {
      if (r.ok() && r.status == 200)
        ++good;
      if (r.error == outbound_error::overloaded)
        ++overloaded;
      ++done;
    });
  BOOST_REQUIRE_MESSAGE(kyb::test::eventually([&] { return done == 8; }, 30s),
                        "the requests did not complete");
  // Two went at once (the burst), the others waited for the bucket (one every half
  // second): all eight were served.
  BOOST_TEST(good == 8);
  BOOST_TEST(overloaded == 0);
  auto s = fetch(client, get(server.url("/stats")), 30s);
  auto arrivals = nlohmann::json::parse(s.body)["arrivals"];
  BOOST_REQUIRE(arrivals.size() == 8u);
  double spread = arrivals[7].get<double>() - arrivals[0].get<double>();
  BOOST_TEST(spread >= 2.5, "eight requests at 2/s after a burst of 2 took " << spread);
  // More than the queue holds are refused at once.
  std::atomic<int> later{0};
  std::atomic<int> refused{0};
  for (int i = 0; i < 12; ++i)
    client.submit(get(server.url("/count")), [&](outbound_response r) {
      if (r.error == outbound_error::overloaded)
        ++refused;
      ++later;
    });
  BOOST_REQUIRE_MESSAGE(kyb::test::eventually([&] { return later == 12; }, 30s),
                        "the second batch did not complete");
  BOOST_TEST(refused >= 4);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// A CA, a certificate it signed for 127.0.0.1 and localhost, and an expired one.
struct pki {
  pki() {
    char tmpl[] = "/tmp/kyb-outbound-XXXXXX";
    dir = ::mkdtemp(tmpl);
    auto script = "set -e; cd '" + dir + "'\n" + R"SH(
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=KYB Test CA" -keyout ca.key -out ca.pem
for name in good expired; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout $name.key -out $name.csr
done
mkdir -p db/new && : > db/index.txt && echo 01 > db/serial
cat > ca.cnf <<EOF
[ca]
default_ca = c
[c]
dir = db
database = db/index.txt
new_certs_dir = db/new
serial = db/serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
EOF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in good.csr \
  -out good.pem -days 2 -notext
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr \
  -out expired.pem -startdate 20200101000000Z -enddate 20200201000000Z -notext
)SH";
    auto cmd = "sh -c \"$KYB_PKI_SCRIPT\" >'" + dir + "/openssl.log' 2>&1";
    ::setenv("KYB_PKI_SCRIPT", script.c_str(), 1);
    BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0,
                          "openssl could not make the test certificates (see " + dir +
                              "/openssl.log)");
  }
  ~pki() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string dir;
};

struct served_tls : pki {
  served_tls()
      : secure(dir + "/good.pem", dir + "/good.key"),
        expired(dir + "/expired.pem", dir + "/expired.key") {}
  outbound_options trusting() const {
    auto o = test_options();
    o.ca_file = dir + "/ca.pem";
    return o;
  }
  script_server plain;
  script_server secure;
  script_server expired;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(tls, served_tls)

BOOST_AUTO_TEST_CASE(a_verified_peer_and_its_certificate_facts) {
  outbound_client client(trusting());
  auto r = fetch(client, get(secure.url("/empty")));
  BOOST_TEST_INFO(r.message);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.tls.present);
  BOOST_TEST(r.tls.chain_verified);
  BOOST_TEST(r.tls.hostname_match);
  BOOST_TEST(r.tls.verify_result == 0);
  BOOST_TEST(contains(r.tls.issuer, "KYB Test CA"), r.tls.issuer);
  BOOST_TEST(contains(r.tls.version, "TLSv1."), r.tls.version);
  auto now = static_cast<int64_t>(std::time(nullptr));
  BOOST_TEST(r.tls.not_after > now);
  BOOST_TEST(r.tls.not_after < now + 3 * 86400);
  BOOST_TEST(r.timings.tls.count() >= r.timings.connect.count());
  BOOST_TEST(r.timings.total.count() > 0);
  // Plain http has no certificate facts.
  BOOST_TEST(!fetch(client, get(plain.url("/empty"))).tls.present);
}

BOOST_AUTO_TEST_CASE(an_unknown_ca_and_an_expired_certificate_are_refused) {
  outbound_client system_cas(test_options());
  auto unknown = fetch(system_cas, get(secure.url("/empty")));
  BOOST_TEST(to_string(unknown.error) == std::string("tls"));
  BOOST_TEST(contains(unknown.message, secure.url("/empty")), unknown.message);
  outbound_client client(trusting());
  auto old = fetch(client, get(expired.url("/empty")));
  BOOST_TEST(to_string(old.error) == std::string("tls"));
  BOOST_TEST(contains(old.message, "expired"), old.message);
  // The per-request CA file also works.
  auto req = get(secure.url("/empty"));
  req.ca_file = dir + "/ca.pem";
  BOOST_TEST(fetch(system_cas, req).ok());
}

BOOST_AUTO_TEST_CASE(https_is_never_redirected_to_http) {
  outbound_client client(trusting());
  auto down = fetch(client, get(secure.url("/redirect?to=" + plain.url("/empty"))));
  BOOST_TEST(to_string(down.error) == std::string("refused_redirect"));
  BOOST_TEST(
      contains(down.message, "refused a redirect from https to " + plain.url("/empty")),
      down.message);
  auto up = fetch(client, get(plain.url("/redirect?to=" + secure.url("/empty"))));
  BOOST_TEST_INFO(up.message);
  BOOST_TEST(up.ok());
  BOOST_TEST(up.final_url == secure.url("/empty"));
  BOOST_TEST(up.tls.present);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ssrf)

BOOST_AUTO_TEST_CASE(a_host_resolving_to_loopback_is_refused_unless_allowed) {
  script_server server;
  auto o = test_options();
  o.allowed_ports = {server.port()};
  outbound_client strict(o);
  auto req = get(server.url("/empty", "localhost"));
  req.untrusted_target = true;
  auto r = fetch(strict, req);
  BOOST_TEST(to_string(r.error) == std::string("refused_address"));
  BOOST_TEST(contains(r.message, "localhost resolves to"), r.message);
  BOOST_TEST(contains(r.message, "loopback"), r.message);
  // A literal address is checked the same way.
  auto literal = get(server.url("/empty"));
  literal.untrusted_target = true;
  BOOST_TEST(to_string(fetch(strict, literal).error) == std::string("refused_address"));
  // The same request as a trusted one goes through.
  req.untrusted_target = false;
  auto trusted = fetch(strict, req);
  BOOST_TEST_INFO(trusted.message);
  BOOST_TEST(trusted.ok());
  o.allow_private = true;
  outbound_client lenient(o);
  literal.untrusted_target = true;
  auto ok = fetch(lenient, literal);
  BOOST_TEST_INFO(ok.message);
  BOOST_TEST(ok.ok());
  BOOST_TEST(ok.status == 200);
}

BOOST_AUTO_TEST_CASE(a_redirect_to_a_private_address_is_refused) {
  script_server server;
  auto o = test_options();
  o.allowed_ports = {80, server.port()};
  o.allowed_addresses = {"127.0.0.1"}; // this server stands in for a public host
  outbound_client client(o);
  auto first = get(server.url("/empty"));
  first.untrusted_target = true;
  auto direct = fetch(client, first);
  BOOST_TEST_INFO(direct.message);
  BOOST_TEST(direct.ok());
  auto port = std::to_string(server.port());
  for (std::string to :
       {"http://127.0.0.2:" + port + "/empty",
        std::string("http://169.254.169.254/latest/meta-data/"),
        "http://[::1]:" + port + "/empty", "http://[::ffff:10.0.0.1]:" + port + "/"}) {
    auto req = get(server.url("/redirect?to=" + to));
    req.untrusted_target = true;
    auto r = fetch(client, req);
    BOOST_TEST_INFO(to + ": " + r.message);
    BOOST_TEST(to_string(r.error) == std::string("refused_address"));
    BOOST_TEST(r.redirects == 1);
  }
  auto meta = get(server.url("/redirect?to=http://169.254.169.254/"));
  meta.untrusted_target = true;
  auto m = fetch(client, meta);
  BOOST_TEST(contains(m.message, "cloud metadata"), m.message);
}

BOOST_AUTO_TEST_CASE(ports_and_userinfo_are_refused) {
  script_server server;
  auto o = test_options();
  o.allow_private = true;
  outbound_client client(o);
  auto req = get(server.url("/empty"));
  req.untrusted_target = true;
  auto r = fetch(client, req);
  BOOST_TEST(to_string(r.error) == std::string("refused_url"));
  BOOST_TEST(
      contains(r.message, "port " + std::to_string(server.port()) + " is not allowed"),
      r.message);
  auto user = get("http://user:secret@127.0.0.1/");
  user.untrusted_target = true;
  auto u = fetch(client, user);
  BOOST_TEST(to_string(u.error) == std::string("refused_url"));
  BOOST_TEST(contains(u.message, "user information"), u.message);
  BOOST_TEST(!contains(u.message, "secret"), u.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(actor)

BOOST_AUTO_TEST_CASE(an_actor_gets_the_response_as_a_message) {
  script_server server;
  auto client = std::make_shared<outbound_client>(test_options());
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto fetcher = spawn_outbound_actor(sys, client);
  caf::scoped_actor self{sys};
  outbound_response got;
  bool answered = false;
  self->request(fetcher, std::chrono::seconds(30), outbound_fetch_atom::value,
                get(server.url("/status/410")))
      .receive(
          [&](outbound_response& r) {
            got = std::move(r);
            answered = true;
          },
          [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
  BOOST_REQUIRE(answered);
  BOOST_TEST(got.status == 410);
  auto hang = get(server.url("/hang"));
  hang.timeout = 1s;
  self->request(fetcher, std::chrono::seconds(30), outbound_fetch_atom::value, hang)
      .receive([&](outbound_response& r) { got = std::move(r); },
               [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
  BOOST_TEST(to_string(got.error) == std::string("timeout"));
  self->send_exit(fetcher, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()

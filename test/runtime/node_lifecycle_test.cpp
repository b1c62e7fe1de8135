// How a kyb-node process ends, with real node processes: a start that fails once the
// actor system runs exits at once and says why; SIGTERM drains within node.drain_timeout
// even when a request in flight cannot finish; a second SIGINT ends the drain at once.
#define BOOST_TEST_MODULE node_lifecycle
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <map>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// A listening socket on 127.0.0.1:`port` (0: any; `port` is set to it), without
/// SO_REUSEPORT; -1 when the port is taken.
int listen_on_loopback(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// A bulk upload whose body stops half way: a request in flight that cannot finish
/// (the node waits for the rest up to http.read_timeout, and its HTTP drain up to
/// http.drain_timeout, both 60 s here). Returns once the node started the import.
std::unique_ptr<http_connection> stalled_upload(node_process& n) {
  auto key = n.make_tenant({"read", "write"}).second;
  auto c = std::make_unique<http_connection>("127.0.0.1", n.port());
  BOOST_REQUIRE(c->connected());
  std::string line = R"({"legal_name":"Stalled Upload Ltd","country":"US"})"
                     "\n";
  BOOST_REQUIRE(c->send_raw("POST /v1/businesses/bulk HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\n"
                            "Authorization: Bearer " +
                            key +
                            "\r\n"
                            "Content-Type: application/x-ndjson\r\n"
                            "Content-Length: 1000000\r\n\r\n" +
                            line));
  // The import job exists once the handler took the stream.
  BOOST_REQUIRE(eventually([&] {
    auto r = n.call("GET", "/v1/businesses/bulk", "", key);
    return r.status == 200 && r.json()["data"].size() == 1;
  }));
  return c;
}

/// The settings that make a drain wait for the stalled upload.
std::map<std::string, std::string> slow_drain_env() {
  return {{"KYB_HTTP_DRAIN_TIMEOUT", "60s"},
          {"KYB_HTTP_READ_TIMEOUT", "60s"},
          {"KYB_HTTP_WORKERS", "1"}};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_on_a_taken_cluster_port_exits_at_once_and_says_why) {
  node_process first;
  // Only the cluster port is shared: the second node gets its own database and HTTP
  // port (node_process fills in what is missing).
  std::map<std::string, std::string> second_env{
      {"KYB_CLUSTER_LISTEN", first.cluster_endpoint()}};
  auto t0 = clock_type::now();
  node_process second(second_env, {}, false);
  bool exited = second.wait_exit(20s);
  auto took = seconds_since(t0);
  BOOST_REQUIRE_MESSAGE(exited,
                        "the second node still runs after 20 s:\n" + second.log());
  BOOST_TEST_MESSAGE("the second node exited after " << took << " s with "
                                                     << second.exit_status());
  BOOST_TEST(second.exit_status() != 0);
  auto log = second.log();
  BOOST_TEST(log.find("configuration error: cluster.listen") != std::string::npos, log);
  BOOST_TEST(log.find(first.cluster_endpoint() + ": cannot listen") != std::string::npos,
             log);
  BOOST_TEST(log.find("node.start_failed") != std::string::npos, log);
  // The first node was not disturbed, and its port was not released by mistake.
  BOOST_TEST(first.call("GET", "/health").status == 200);
  BOOST_TEST(first.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_late_failed_start_exits_and_releases_its_ports) {
  // The HTTP port is held by a socket without SO_REUSEPORT: the node joins (it listens
  // on its cluster port, forms a cluster, makes the operator key), then cannot listen
  // for HTTP, and must end, releasing the cluster port.
  uint16_t http = 0;
  int held = listen_on_loopback(http);
  BOOST_REQUIRE(held >= 0);
  auto cluster_port = free_port();
  node_process n({{"KYB_HTTP_LISTEN", "127.0.0.1:" + std::to_string(http)},
                  {"KYB_CLUSTER_LISTEN", "127.0.0.1:" + std::to_string(cluster_port)},
                  {"KYB_HTTP_WORKERS", "1"}},
                 {}, false);
  bool exited = n.wait_exit(30s);
  ::close(held);
  BOOST_REQUIRE_MESSAGE(exited, "still running 30 s after its start:\n" + n.log());
  BOOST_TEST(n.exit_status() != 0);
  BOOST_TEST(n.log().find("configuration error: http.listen") != std::string::npos,
             n.log());
  uint16_t again = cluster_port;
  int fd = listen_on_loopback(again);
  BOOST_TEST(fd >= 0, "the cluster port is still taken");
  if (fd >= 0)
    ::close(fd);
}

BOOST_AUTO_TEST_CASE(sigterm_ends_a_node_whose_drain_hangs_within_the_drain_timeout) {
  auto env = slow_drain_env();
  env["KYB_NODE_DRAIN_TIMEOUT"] = "2s";
  node_process n(env);
  auto upload = stalled_upload(n);
  auto t0 = clock_type::now();
  n.signal(SIGTERM);
  bool exited = n.wait_exit(10s); // 2 s + a margin for a sanitizer build
  auto took = seconds_since(t0);
  BOOST_REQUIRE_MESSAGE(exited, "no exit 10 s after SIGTERM:\n" + n.log());
  BOOST_TEST_MESSAGE("exited " << took << " s after SIGTERM with " << n.exit_status());
  BOOST_TEST(took >= 1.5); // it did wait for the drain first
  BOOST_TEST(n.exit_status() == 1);
  auto log = n.log();
  BOOST_TEST(log.find("node.shutdown_timeout") != std::string::npos, log);
  BOOST_TEST(log.find("draining HTTP broker http-0") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(a_second_sigint_ends_the_drain_at_once) {
  node_process n(slow_drain_env());
  auto upload = stalled_upload(n);
  n.signal(SIGINT);
  BOOST_REQUIRE(
      eventually([&] { return n.log().find("\"node.stopping\"") != std::string::npos; }));
  BOOST_TEST(n.running()); // draining: the upload holds it
  auto t0 = clock_type::now();
  n.signal(SIGINT);
  bool exited = n.wait_exit(5s);
  BOOST_REQUIRE_MESSAGE(exited, "no exit 5 s after the second SIGINT:\n" + n.log());
  BOOST_TEST_MESSAGE("exited " << seconds_since(t0) << " s after the second SIGINT");
  BOOST_TEST(n.exit_status() == 128 + SIGINT);
  BOOST_TEST(n.log().find("node.shutdown_forced") != std::string::npos, n.log());
}

BOOST_AUTO_TEST_CASE(sigterm_without_work_in_flight_exits_cleanly) {
  node_process n;
  auto t0 = clock_type::now();
  BOOST_TEST(n.stop(30s) == 0);
  BOOST_TEST(seconds_since(t0) < 10.0);
  BOOST_TEST(n.log().find("\"node.stopped\"") != std::string::npos, n.log());
}

BOOST_AUTO_TEST_CASE(a_node_exports_its_shard_leases_and_certificate_expiry) {
  // What ShardWithoutOwner and CertificateExpiringSoon (deploy/prometheus) read.
  node_process n(std::map<std::string, std::string>{{"KYB_CLUSTER_SHARDS", "64"}});
  std::string text;
  // A lone node owns every shard and takes their leases without waiting for requests.
  BOOST_REQUIRE_MESSAGE(eventually([&] {
                          text = n.metrics().body;
                          return text.find("\nkyb_cluster_shard_leases 64\n") !=
                                 std::string::npos;
                        }),
                        "the node holds no lease of every shard:\n" + text);
  BOOST_TEST(text.find("\nkyb_cluster_shards 64\n") != std::string::npos, text);
  // Its own certificate and the CA's, with the notAfter openssl(1) reads.
  for (auto [use, file] : {std::pair{"cluster", "KYB_CLUSTER_TLS_CERTIFICATE"},
                           std::pair{"ca", "KYB_CLUSTER_TLS_CA"}}) {
    auto path = n.env().at(file);
    auto subject = run_command("openssl x509 -noout -subject -nameopt RFC2253 -in " +
                               path + " | sed 's/^subject=//' | tr -d '\\n'");
    auto end = run_command("date -d \"$(openssl x509 -noout -enddate -in " + path +
                           " | cut -d= -f2)\" +%s | tr -d '\\n'");
    BOOST_REQUIRE_EQUAL(subject.status, 0);
    BOOST_REQUIRE_EQUAL(end.status, 0);
    auto line = "kyb_tls_certificate_expiry_timestamp_seconds{subject=\"" +
                subject.output + "\",use=\"" + use + "\"} " + end.output + "\n";
    BOOST_TEST(text.find(line) != std::string::npos, line << " not in\n" << text);
  }
  auto checked = promtool_check_metrics(text);
  BOOST_TEST(checked.status == 0, checked.output);
}

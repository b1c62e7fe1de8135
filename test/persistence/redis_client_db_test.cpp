// The Redis actor against real servers: the test command's Redis for commands, and a
// private redis-server (same flags as deploy/local/kyb, its own port and directory) for
// what would disturb others: shutting it down, passwords, databases.
#define BOOST_TEST_MODULE persistence_redis_db
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "persistence/io_watcher.hpp"
#include "persistence/redis_client.hpp"
#include "test/support/ports.hpp"
#include "test_support.hpp"

using namespace kyb;
using kyb::test::free_port;
using namespace kyb::persistence;
using namespace std::chrono_literals;
using args = std::vector<std::string>;
using kind = redis_reply::kind;

namespace {

int run(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str());
}

// A redis-server of this test's own, started like deploy/local/kyb starts the shared one.
class private_redis {
public:
  explicit private_redis(std::string password = {})
      : port_(free_port()), password_(std::move(password)) {
    char dir[] = "/tmp/kyb_redis_XXXXXX";
    dir_ = mkdtemp(dir);
    start();
  }
  ~private_redis() {
    stop();
    run("rm -rf " + dir_);
  }

  void start() {
    auto cmd = "redis-server --bind 127.0.0.1 --port " + std::to_string(port_) +
               " --dir " + dir_ + " --daemonize yes --pidfile " + dir_ +
               "/redis.pid --logfile " + dir_ +
               "/redis.log --save '' --appendonly no --protected-mode yes";
    if (!password_.empty())
      cmd += " --requirepass " + password_;
    BOOST_REQUIRE_MESSAGE(run(cmd) == 0, "cannot start redis-server: " << cmd);
    BOOST_REQUIRE_MESSAGE(test::eventually([&] { return cli("ping") == 0; }, 5s),
                          "redis-server did not come up on port " << port_);
  }

  void stop() { cli("shutdown nosave"); }

  /// True while a client waits in a blocking command (BLPOP) on this server.
  bool has_blocked_client() {
    return cli("info clients | grep '^blocked_clients:[1-9]'") == 0;
  }

  int cli(const std::string& command) {
    auto cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
    if (!password_.empty())
      cmd += " --no-auth-warning -a " + password_;
    return run(cmd + " " + command + " | grep -qv -e '^Could not connect' -e NOAUTH");
  }

  std::string url(const std::string& password, int db) const {
    return "redis://" + (password.empty() ? std::string{} : ":" + password + "@") +
           "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
  }

private:
  uint16_t port_;
  std::string password_;
  std::string dir_;
};

struct redis_fixture : test::actor_system_fixture {
  std::shared_ptr<io_watcher> watcher;
  caf::scoped_actor self{sys};
  std::string prefix = "kyb_ptest:" + test::unique_suffix() + ":";

  redis_fixture() {
    auto w = io_watcher::make();
    BOOST_REQUIRE(w);
    watcher = *w;
  }

  redis_client client(const std::string& url, std::chrono::milliseconds timeout = 1000ms,
                      bool wait = true) {
    redis_client_options opts;
    opts.url = url;
    opts.timeout = timeout;
    opts.reconnect_backoff_max = 200ms;
    auto c = redis_client::spawn(sys, opts, watcher);
    BOOST_REQUIRE_MESSAGE(c, test::why(c));
    if (wait)
      BOOST_REQUIRE_MESSAGE(c->wait_connected(5s),
                            "redis client did not connect to " << url);
    return *c;
  }

  caf::expected<redis_reply> cmd(const redis_client& c, args a) {
    return test::call<redis_reply>(self, c.actor(), 10s, std::move(a));
  }

  redis_reply ok(const redis_client& c, args a) {
    auto what = a.empty() ? std::string{} : a[0];
    auto r = cmd(c, std::move(a));
    BOOST_REQUIRE_MESSAGE(r, what << ": " << test::why(r));
    return *r;
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(commands_get_typed_replies, redis_fixture) {
  auto c = client(test::require_env("KYB_TEST_REDIS_URL"));
  auto k = prefix + "k";
  auto list = prefix + "list";
  BOOST_TEST(ok(c, {"SET", k, "v1"}).is("OK"));
  BOOST_TEST((ok(c, {"SET", k, "v1"}).type == kind::status));
  auto got = ok(c, {"GET", k});
  BOOST_TEST((got.type == kind::string));
  BOOST_TEST(got.str == "v1");
  BOOST_TEST(ok(c, {"GET", prefix + "missing"}).is_nil());
  auto n = ok(c, {"INCR", prefix + "n"});
  BOOST_TEST((n.type == kind::integer));
  BOOST_TEST(n.integer == 1);
  BOOST_TEST(ok(c, {"RPUSH", list, "a", "b", "c"}).integer == 3);
  auto range = ok(c, {"LRANGE", list, "0", "-1"});
  BOOST_TEST((range.type == kind::array));
  BOOST_REQUIRE_EQUAL(range.elements.size(), 3u);
  BOOST_TEST(range.elements[2].str == "c");
  auto mget = ok(c, {"MGET", k, prefix + "missing"});
  BOOST_REQUIRE_EQUAL(mget.elements.size(), 2u);
  BOOST_TEST(mget.elements[0].str == "v1");
  BOOST_TEST(mget.elements[1].is_nil());
  auto wrong = ok(c, {"INCR", list});
  BOOST_TEST(wrong.is_error());
  BOOST_TEST(wrong.str.find("WRONGTYPE") == 0u);
  BOOST_TEST(ok(c, {"NO_SUCH_COMMAND"}).is_error());
  // Binary-safe, and large.
  std::string binary("a\0b\r\n$3\r\n", 10);
  std::string big(1 << 20, 'x');
  big[12345] = '\0';
  BOOST_TEST(ok(c, {"SET", k, binary}).is("OK"));
  BOOST_TEST(ok(c, {"GET", k}).str == binary);
  BOOST_TEST(ok(c, {"SET", k, big, "PX", "60000"}).is("OK"));
  BOOST_TEST(ok(c, {"GET", k}).str == big);
  auto empty = cmd(c, {});
  BOOST_REQUIRE(!empty);
  BOOST_TEST((code_of(empty.error()) == errc::invalid_argument));
  BOOST_TEST(test::call<ok_atom>(self, c.actor(), 5s, ping_atom::value).engaged());
  ok(c, {"DEL", k, list, prefix + "n"});
}

BOOST_FIXTURE_TEST_CASE(many_commands_in_flight, redis_fixture) {
  auto c = client(test::require_env("KYB_TEST_REDIS_URL"));
  auto counter = prefix + "counter";
  constexpr int n = 10000;
  std::vector<decltype(self->request(c.actor(), 10s, args{}))> handles;
  for (int i = 0; i < n; ++i)
    handles.push_back(self->request(c.actor(), 10s, args{"INCR", counter}));
  int ok_count = 0;
  int64_t max_seen = 0;
  for (auto& h : handles)
    h.receive(
        [&](redis_reply& r) {
          ok_count += r.type == kind::integer ? 1 : 0;
          max_seen = std::max(max_seen, r.integer);
        },
        [&](caf::error& e) { BOOST_ERROR(detail_of(e)); });
  BOOST_TEST(ok_count == n);
  BOOST_TEST(max_seen == n);
  BOOST_TEST(ok(c, {"GET", counter}).str == std::to_string(n));
  ok(c, {"DEL", counter});
}

BOOST_FIXTURE_TEST_CASE(a_command_without_reply_times_out, redis_fixture) {
  auto c = client(test::require_env("KYB_TEST_REDIS_URL"), 200ms);
  auto start = std::chrono::steady_clock::now();
  // BLPOP holds this connection for 2 s: longer than the 200 ms command timeout.
  auto r = cmd(c, {"BLPOP", prefix + "never", "2"});
  auto took = std::chrono::steady_clock::now() - start;
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::timeout));
  BOOST_TEST(took >= 190ms);
  BOOST_TEST(took < 1000ms);
  // Nothing arrived for a whole timeout, so the client reconnects, and works again.
  BOOST_REQUIRE(test::eventually([&] { return c.connects() == 2 && c.connected(); }, 5s));
  BOOST_TEST(ok(c, {"SET", prefix + "after", "1", "PX", "10000"}).is("OK"));
}

BOOST_FIXTURE_TEST_CASE(redis_down_fails_fast_then_recovers, redis_fixture) {
  private_redis server;
  auto c = client(server.url("", 0), 3000ms);
  BOOST_TEST(ok(c, {"SET", "k", "before"}).is("OK"));
  BOOST_TEST(c.connects() == 1u);
  // A command waiting on the server when it goes away fails as unavailable, not timeout.
  auto blocked = self->request(c.actor(), 10s, args{"BLPOP", "nothing", "10"});
  BOOST_REQUIRE(test::eventually([&] { return server.has_blocked_client(); }, 5s));
  server.stop();
  auto start = std::chrono::steady_clock::now();
  blocked.receive(
      [&](redis_reply& r) { BOOST_ERROR("unexpected reply " << to_string(r)); },
      [&](caf::error& e) {
        BOOST_TEST((code_of(e) == errc::unavailable));
        BOOST_TEST(detail_of(e).find("outcome unknown") != std::string::npos,
                   detail_of(e));
      });
  BOOST_TEST((std::chrono::steady_clock::now() - start < 2000ms));
  BOOST_REQUIRE(test::eventually([&] { return !c.connected(); }, 5s));
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = cmd(c, {"GET", "k"});
    BOOST_REQUIRE(!r);
    BOOST_TEST((code_of(r.error()) == errc::unavailable));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 100ms));
    // Paced: five commands spread over the client's reconnect attempts (backoff up to
    // 200 ms), each refused at once whatever the attempt is doing.
    std::this_thread::sleep_for(50ms);
  }
  auto ping = test::call<ok_atom>(self, c.actor(), 5s, ping_atom::value);
  BOOST_REQUIRE(!ping);
  BOOST_TEST((code_of(ping.error()) == errc::unavailable));
  server.start();
  BOOST_REQUIRE_MESSAGE(c.wait_connected(10s), "no reconnect after redis came back");
  BOOST_TEST(c.connects() == 2u);
  BOOST_TEST(ok(c, {"GET", "k"}).is_nil()); // shut down with nosave
  BOOST_TEST(ok(c, {"SET", "k", "after"}).is("OK"));
}

BOOST_FIXTURE_TEST_CASE(password_and_database_come_from_the_url, redis_fixture) {
  private_redis server{"s3cret"};
  auto db3 = client(server.url("s3cret", 3));
  auto db0 = client(server.url("s3cret", 0));
  BOOST_TEST(ok(db3, {"SET", "where", "db3"}).is("OK"));
  BOOST_TEST(ok(db3, {"GET", "where"}).str == "db3");
  BOOST_TEST(ok(db0, {"GET", "where"}).is_nil());
  BOOST_TEST(ok(db0, {"DBSIZE"}).integer == 0);
  auto wrong = client(server.url("wrong", 0), 1000ms, false);
  // Refused at once while connecting; once AUTH failed, with the server's reason.
  caf::expected<redis_reply> r{caf::error{}};
  test::eventually(
      [&] {
        r = cmd(wrong, {"GET", "where"});
        return !r && (detail_of(r.error()).find("AUTH failed") != std::string::npos ||
                      detail_of(r.error()).find("WRONGPASS") != std::string::npos);
      },
      5s);
  BOOST_TEST(!wrong.connected());
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::unavailable));
  BOOST_TEST((detail_of(r.error()).find("AUTH failed") != std::string::npos ||
              detail_of(r.error()).find("WRONGPASS") != std::string::npos),
             detail_of(r.error()));
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_redis_fails_fast, redis_fixture) {
  auto c = client("redis://127.0.0.1:1/0", 1000ms, false);
  auto start = std::chrono::steady_clock::now();
  auto r = cmd(c, {"GET", "x"});
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::unavailable));
  BOOST_TEST((std::chrono::steady_clock::now() - start < 200ms));
  BOOST_TEST(!c.connected());
  auto bad = redis_client::spawn(
      sys, redis_client_options{"http://nope", "r", 1000ms, 1000ms}, watcher);
  BOOST_REQUIRE(!bad);
  BOOST_TEST((code_of(bad.error()) == errc::invalid_argument));
}

// The one HOST:PORT parser (config/host_port.hpp): listen addresses, seeds, kybctl's
// --node. Good endpoints, IPv6 in brackets, and every kind of bad input refused with a
// reason; the configuration names the key of a bad value.
#define BOOST_TEST_MODULE host_port
#include <boost/test/unit_test.hpp>

#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/host_port.hpp"

using namespace kyb::config;

namespace {

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(names_ipv4_and_bracketed_ipv6) {
  std::vector<std::pair<std::string, host_port>> cases = {
      {"127.0.0.1:9101", {"127.0.0.1", 9101}},
      {"node-2.internal:1", {"node-2.internal", 1}},
      {"0.0.0.0:65535", {"0.0.0.0", 65535}},
      {"[::1]:9301", {"::1", 9301}},
      {"[fe80::1:2]:80", {"fe80::1:2", 80}},
  };
  for (auto& [text, want] : cases) {
    auto r = parse_host_port(text);
    BOOST_TEST_CONTEXT("'" << text << "'") {
      BOOST_REQUIRE(r);
      BOOST_TEST(r.value->host == want.host);
      BOOST_TEST(r.value->port == want.port);
    }
  }
}

BOOST_AUTO_TEST_CASE(to_string_round_trips) {
  for (std::string text : {"127.0.0.1:9101", "[::1]:9301", "example.org:443"}) {
    auto r = parse_host_port(text);
    BOOST_REQUIRE(r);
    BOOST_TEST(to_string(*r.value) == text);
  }
}

BOOST_AUTO_TEST_CASE(bad_endpoints_are_refused_with_the_reason) {
  // (text, a part of the reason)
  std::vector<std::pair<std::string, std::string>> cases = {
      // no port
      {"localhost", "no port"},
      {"localhost:", "no port"},
      {"[::1]", "no port"},
      {"[::1]:", "no port"},
      {"", "no port"},
      // a port outside 1..65535, or not a number
      {"127.0.0.1:0", "1..65535"},
      {"127.0.0.1:65536", "1..65535"},
      {"127.0.0.1:99999", "1..65535"},
      {"127.0.0.1:123456", "1..65535"},
      {"127.0.0.1:-1", "1..65535"},
      {"127.0.0.1:80a", "1..65535"},
      {"127.0.0.1: 80", "1..65535"},
      {"[::1]:0", "1..65535"},
      // empty host
      {":9101", "empty host"},
      {"[]:9101", "empty host"},
      {":", "empty host"},
      // unbalanced brackets
      {"[::1:9101", "unbalanced"},
      {"::1]:9101", "unbalanced"},
      {"[[::1]:9101", "unbalanced"},
      {"[::1]x:9101", "':PORT' after ']'"},
      // junk; an IPv6 address must be bracketed ("::1:9101": host, or host and port?)
      {"garbage", "no port"},
      {"http://host:80", "brackets"},
      {"::1:9101", "brackets"},
  };
  for (auto& [text, reason] : cases) {
    auto r = parse_host_port(text);
    BOOST_TEST_CONTEXT("'" << text << "'") {
      BOOST_TEST(!r);
      BOOST_TEST(mentions(r.error, reason), "reason: " << r.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_configuration_names_the_key_of_a_bad_endpoint) {
  struct bad {
    std::string key, env, value;
  };
  for (auto& b : {bad{"cluster.listen", "KYB_CLUSTER_LISTEN", "127.0.0.1:0"},
                  bad{"cluster.admin_listen", "KYB_CLUSTER_ADMIN_LISTEN", "[::1:9301"},
                  bad{"http.listen", "KYB_HTTP_LISTEN", ":8080"},
                  bad{"metrics.listen", "KYB_METRICS_LISTEN", "127.0.0.1:65536"},
                  bad{"cluster.seeds", "KYB_CLUSTER_SEEDS", "127.0.0.1:9101,nohost"}}) {
    auto r = load_text("", {{b.env, b.value}});
    BOOST_TEST_CONTEXT(b.key << " = " << b.value) {
      BOOST_REQUIRE(!r);
      BOOST_TEST(r.error->key == b.key);
      BOOST_TEST(mentions(r.error->to_string(), b.key));
    }
  }
}

BOOST_AUTO_TEST_CASE(seeds_are_validated_by_the_configuration) {
  auto r = load_text("", {{"KYB_CLUSTER_SEEDS", "127.0.0.1:9101, [::1]:9102"}});
  BOOST_REQUIRE(r);
  // Parsed once, by the configuration: the node uses them as they are.
  std::vector<host_port> want = {{"127.0.0.1", 9101}, {"::1", 9102}};
  BOOST_REQUIRE(r.value->cluster.seeds.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i)
    BOOST_TEST((r.value->cluster.seeds[i] == want[i]));
  BOOST_TEST(to_string(r.value->cluster.seeds[1]) == "[::1]:9102");
}

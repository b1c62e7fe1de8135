#define BOOST_TEST_MODULE net_exchange
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "net/exchange.hpp"
#include "net/problem.hpp"

using namespace kyb::net;
using nlohmann::json;
using params = std::map<std::string, std::string>;

BOOST_AUTO_TEST_CASE(query_strings_are_split_and_decoded) {
  auto r = parse_query("name=Acme+GmbH&country=DE&empty=&flag&&x%3Dy=a%26b");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((*r == params{{"name", "Acme GmbH"},
                           {"country", "DE"},
                           {"empty", ""},
                           {"flag", ""},
                           {"x=y", "a&b"}}));
  BOOST_TEST(parse_query("")->empty());
  // An escaped slash is data in a query (it is not in a path).
  BOOST_TEST((parse_query("path=a%2Fb")->at("path") == "a/b"));
}

BOOST_AUTO_TEST_CASE(a_malformed_escape_is_a_malformed_request) {
  for (auto q : {"name=%zz", "na%2=x", "a=%", "a=b&c=%4"}) {
    auto r = parse_query(q);
    BOOST_REQUIRE_MESSAGE(!r.has_value(), q);
    BOOST_TEST((r.error().type == problem_type::malformed_request));
    BOOST_TEST(r.error().status() == 400);
    BOOST_TEST(!r.error().close, "the message framing is intact: keep the connection");
  }
}

BOOST_AUTO_TEST_CASE(a_repeated_parameter_is_a_validation_failure_naming_it) {
  auto r = parse_query("limit=1&cursor=x&limit=2");
  BOOST_REQUIRE(!r.has_value());
  auto p = make_problem(r.error());
  BOOST_TEST((p.type == problem_type::validation_failed));
  BOOST_TEST(p.detail == "limit is given more than once");
  BOOST_REQUIRE(p.errors.size() == 1u);
  BOOST_TEST(p.errors[0].field == "limit");
  BOOST_TEST(p.errors[0].detail == "is given more than once");
  // Decoded names are compared: "a" and "%61" are the same parameter.
  BOOST_TEST(!parse_query("a=1&%61=2").has_value());
}

BOOST_AUTO_TEST_CASE(page_parameters_default_and_bounds) {
  auto d = parse_page_params({}, 50, 200);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->first == "");
  BOOST_TEST(d->second == 50u);
  auto given = parse_page_params({{"cursor", "abc"}, {"limit", "200"}}, 50, 200);
  BOOST_REQUIRE(given.has_value());
  BOOST_TEST(given->first == "abc");
  BOOST_TEST(given->second == 200u);
  BOOST_TEST(parse_page_params({{"limit", "1"}}, 50, 200)->second == 1u);
  for (auto bad : {"0", "201", "", "-1", "1.5", "ten", "99999", " 5", "+5"}) {
    auto r = parse_page_params({{"limit", bad}}, 50, 200);
    BOOST_REQUIRE_MESSAGE(!r.has_value(), "limit=" << bad);
    auto p = make_problem(r.error());
    BOOST_TEST((p.type == problem_type::validation_failed));
    BOOST_TEST(p.detail == "limit must be an integer from 1 to 200");
    BOOST_REQUIRE(p.errors.size() == 1u);
    BOOST_TEST(p.errors[0].field == "limit");
  }
}

BOOST_AUTO_TEST_CASE(invalid_fields_sum_up_in_the_detail) {
  auto one = invalid_fields({{"", "must be an object"}});
  BOOST_TEST(one.detail == "the body must be an object");
  BOOST_TEST(!one.close);
  auto three = invalid_fields({{"/name", "is empty"}, {"/country", "x"}, {"/y", "z"}});
  BOOST_TEST(three.detail == "/name is empty (and 2 more)");
  auto doc = json::parse(problem_json(make_problem(three)));
  BOOST_TEST(doc["status"] == 400);
  BOOST_TEST(doc["type"] == "https://kyb.example/problems/validation-failed");
  BOOST_REQUIRE(doc["errors"].size() == 3u);
  BOOST_TEST(doc["errors"][1]["field"] == "/country");
}

#define BOOST_TEST_MODULE router
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "net/openapi.hpp"
#include "net/router.hpp"
#include "net/routes.hpp"

using namespace kyb::net;

namespace {

void noop(const std::shared_ptr<exchange>&) {}

router sample() {
  router r;
  r.add(route{"GET", "/v1/businesses", "list", auth_kind::tenant, 1, noop, {}});
  r.add(route{"POST", "/v1/businesses", "create", auth_kind::tenant, 2, noop, {}});
  r.add(route{"GET", "/v1/businesses/search", "search", auth_kind::tenant, 1, noop, {}});
  r.add(route{"GET", "/v1/businesses/{id}", "get", auth_kind::tenant, 1, noop, {}});
  r.add(route{"PATCH", "/v1/businesses/{id}", "patch", auth_kind::tenant, 2, noop, {}});
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(literal_segments_win_over_parameters) {
  auto r = sample();
  auto m = r.match("GET", "/v1/businesses/search");
  BOOST_REQUIRE(m.result == route_match::outcome::found);
  BOOST_TEST(m.matched->name == "search");
  auto g = r.match("GET", "/v1/businesses/abc%2Dd");
  BOOST_REQUIRE(g.result == route_match::outcome::found);
  BOOST_TEST(g.matched->name == "get");
  BOOST_TEST(g.params["id"] == "abc-d");
  // PATCH on the literal route is a 405, not a PATCH of a business called "search".
  auto p = r.match("PATCH", "/v1/businesses/search");
  BOOST_TEST((p.result == route_match::outcome::method_not_allowed));
  BOOST_TEST(p.allow == "GET, HEAD");
}

BOOST_AUTO_TEST_CASE(not_found_method_not_allowed_and_bad_escapes) {
  auto r = sample();
  BOOST_TEST((r.match("GET", "/v1/nothing").result == route_match::outcome::not_found));
  BOOST_TEST(
      (r.match("GET", "/v1/businesses/").result == route_match::outcome::not_found));
  auto m = r.match("DELETE", "/v1/businesses");
  BOOST_TEST((m.result == route_match::outcome::method_not_allowed));
  BOOST_TEST(m.allow == "GET, HEAD, POST");
  BOOST_TEST((r.match("HEAD", "/v1/businesses").result == route_match::outcome::found));
  BOOST_TEST(
      (r.match("GET", "/v1/businesses/a%2Fb").result == route_match::outcome::bad_path));
  BOOST_TEST(
      (r.match("GET", "/v1/businesses/a%zz").result == route_match::outcome::bad_path));
  std::string out;
  BOOST_TEST(percent_decode("a%2Fb", out, true));
  BOOST_TEST(out == "a/b");
}

BOOST_AUTO_TEST_CASE(every_route_is_in_the_openapi_document) {
  auto doc = nlohmann::json::parse(openapi_document());
  auto api = make_api_router();
  BOOST_TEST(api.routes().size() >= 19u);
  size_t described = 0;
  for (auto& route : api.routes()) {
    std::string method = route.method;
    for (auto& ch : method)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto& paths = doc["paths"];
    BOOST_TEST_INFO(route.method << " " << route.pattern);
    BOOST_REQUIRE(paths.contains(route.pattern));
    BOOST_REQUIRE(paths[route.pattern].contains(method));
    BOOST_TEST(paths[route.pattern][method]["operationId"] == route.name);
    ++described;
  }
  // And the document describes nothing the router does not serve.
  size_t operations = 0;
  for (auto& [path, item] : doc["paths"].items())
    operations += item.size();
  BOOST_TEST(operations == described);
}

BOOST_AUTO_TEST_CASE(metrics_are_routed_on_the_metrics_listener_only) {
  auto api = make_api_router();
  for (auto path : {"/metrics", "/metrics/business"})
    BOOST_TEST((api.match("GET", path).result == route_match::outcome::not_found));
  auto metrics = make_metrics_router();
  BOOST_TEST(metrics.routes().size() == 2u);
  for (auto path : {"/metrics", "/metrics/business"}) {
    auto m = metrics.match("GET", path);
    BOOST_REQUIRE((m.result == route_match::outcome::found));
    BOOST_TEST((m.matched->auth == auth_kind::none));
  }
  BOOST_TEST((metrics.match("GET", "/ready").result == route_match::outcome::not_found));
  // /ready takes a key when one is sent (operators see the checks), and answers for
  // the node it reached.
  auto ready = api.match("GET", "/ready");
  BOOST_REQUIRE((ready.result == route_match::outcome::found));
  BOOST_TEST((ready.matched->auth == auth_kind::optional_key));
  BOOST_TEST(ready.matched->replica_group == "*");
}

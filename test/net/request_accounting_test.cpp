#define BOOST_TEST_MODULE net_request_accounting
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "net/request_accounting.hpp"
#include "net/router.hpp"
#include "runtime/base/log_line.hpp"

using namespace kyb;
using net::request_accounting;
using net::served_request;
using nlohmann::json;

namespace {

const auto t0 = request_accounting::clock::time_point{} + std::chrono::hours(1);

actors::principal tenant(const char* id, const char* region = "us") {
  actors::principal p;
  p.tenant_id = *base::uuid::parse(id);
  p.region = region;
  return p;
}

double requests_total(const std::string& endpoint, const std::string& method,
                      const std::string& status, const std::string& tenant_id) {
  return base::metrics_registry::global()
      .counter("kyb_api_requests_total", "Total API requests by endpoint and tenant",
               {"endpoint", "method", "status_code", "tenant_id"})
      .with({endpoint, method, status, tenant_id})
      .Value();
}

std::vector<json> lines(const std::string& log) {
  std::vector<json> out;
  std::istringstream in(log);
  for (std::string l; std::getline(in, l);)
    out.push_back(json::parse(l));
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(requests_are_counted_by_endpoint_method_status_and_tenant) {
  request_accounting acc(0, false, t0);
  net::route rt;
  auto who = tenant("11111111-1111-4111-8111-111111111111");
  served_request r;
  r.rt = &rt;
  r.endpoint = "/test/counted/{id}";
  r.method = "GET";
  r.status = 200;
  r.who = &who;
  r.seconds = 0.2;
  acc.record(r);
  acc.record(r);
  r.status = 404;
  acc.record(r);
  r.who = nullptr;
  r.method = "BREW"; // an arbitrary method must not make a series of its own
  acc.record(r);
  auto tid = who.tenant_id.to_string();
  BOOST_TEST(requests_total("/test/counted/{id}", "GET", "200", tid) == 2.0);
  BOOST_TEST(requests_total("/test/counted/{id}", "GET", "404", tid) == 1.0);
  BOOST_TEST(requests_total("/test/counted/{id}", "OTHER", "404", "") == 1.0);
  auto& h = base::metrics_registry::global()
                .histogram("kyb_api_request_duration_seconds",
                           "API request duration in seconds", {"endpoint", "method"},
                           {0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0})
                .with({"/test/counted/{id}", "GET"});
  BOOST_TEST(h.Collect().histogram.sample_count == 3u);
  BOOST_TEST(net::method_label("DELETE") == "DELETE");
  BOOST_TEST(net::method_label("get") == "OTHER");
}

BOOST_AUTO_TEST_CASE(usage_counts_tenants_requests_served_here_per_minute) {
  request_accounting acc(0, false, t0);
  net::route rt;
  auto a = tenant("22222222-2222-4222-8222-222222222222", "eu");
  auto b = tenant("33333333-3333-4333-8333-333333333333");
  actors::principal anonymous;
  served_request r;
  r.rt = &rt;
  r.endpoint = "/test/usage";
  r.method = "POST";
  r.status = 201;
  r.seconds = 0.5;
  r.who = &a;
  acc.record(r);
  acc.record(r);
  r.who = &b;
  acc.record(r);
  r.forwarded_out = true; // served (and counted) in another region
  acc.record(r);
  r.forwarded_out = false;
  r.who = &anonymous; // a nil tenant: nobody to bill
  acc.record(r);
  r.who = nullptr;
  acc.record(r);

  auto later = t0 + std::chrono::seconds(10);
  auto samples = acc.take_usage(later);
  BOOST_TEST((acc.last_usage_take() == later));
  BOOST_REQUIRE(samples.size() == 2u);
  std::sort(samples.begin(), samples.end(),
            [](auto& x, auto& y) { return x.count > y.count; });
  BOOST_TEST((samples[0].tenant_id == a.tenant_id));
  BOOST_TEST(samples[0].region == "eu");
  BOOST_TEST(samples[0].endpoint == "/test/usage");
  BOOST_TEST(samples[0].method == "POST");
  BOOST_TEST(samples[0].status == 201);
  BOOST_TEST(samples[0].count == 2u);
  BOOST_TEST(samples[0].duration_seconds == 1.0);
  BOOST_TEST(samples[0].minute % 60 == 0);
  BOOST_TEST(samples[0].minute > 0);
  BOOST_TEST((samples[1].tenant_id == b.tenant_id));
  BOOST_TEST(samples[1].count == 1u);
  // Taken: the next interval starts empty.
  BOOST_TEST(acc.take_usage(later).empty());
}

BOOST_AUTO_TEST_CASE(the_access_log_writes_one_json_line_per_request) {
  request_accounting quiet(1, false, t0);
  served_request r;
  r.endpoint = "unmatched";
  r.method = "GET";
  r.path = "/nowhere";
  r.status = 404;
  quiet.record(r);
  BOOST_TEST(quiet.pending_access_log().empty());

  request_accounting acc(3, true, t0);
  auto who = tenant("44444444-4444-4444-8444-444444444444");
  std::string long_path = "/v1/\"quoted\"\n\xff" + std::string(300, 'x');
  r.path = long_path;
  r.request_id = "req-1";
  r.bytes_out = 321;
  r.seconds = 0.0125;
  acc.record(r);
  r.who = &who;
  r.status = 200;
  acc.record(r);
  auto got = lines(acc.pending_access_log());
  BOOST_REQUIRE(got.size() == 2u);
  auto& first = got[0];
  BOOST_TEST(first["event"] == "http.request");
  BOOST_TEST(first["level"] == "info");
  BOOST_TEST(first["ts"].get<std::string>().size() > 20u);
  BOOST_TEST(first["request_id"] == "req-1");
  BOOST_TEST(first["method"] == "GET");
  BOOST_TEST(first["endpoint"] == "unmatched");
  BOOST_TEST(first["status"] == 404);
  BOOST_TEST(first["bytes_out"] == 321);
  BOOST_TEST(first["duration_ms"].get<double>() == 12.5);
  BOOST_TEST(first["tenant_id"] == "");
  BOOST_TEST(first["worker"] == 3);
  // The path is cut to 256 bytes; quotes, control and invalid bytes stay valid JSON.
  auto path = first["path"].get<std::string>();
  BOOST_TEST(path.rfind("/v1/\"quoted\"\n\xEF\xBF\xBD", 0) == 0u);
  BOOST_TEST(path.size() == 256u + 2u); // the bad byte became 3 bytes (U+FFFD)
  BOOST_TEST(got[1]["tenant_id"] == who.tenant_id.to_string());
  BOOST_TEST(got[1]["status"] == 200);

  acc.flush_access_log();
  BOOST_TEST(acc.pending_access_log().empty());

  // The same text append_log_line writes for these fields (after the timestamp), a
  // whole duration with ".0" as nlohmann writes it.
  r.seconds = 0.002;
  r.path = "/v1/businesses/x";
  acc.record(r);
  std::string expected;
  kyb::base::append_log_line(expected, kyb::base::log_level::info, "http.request",
                             {{"request_id", r.request_id},
                              {"method", r.method},
                              {"path", r.path},
                              {"endpoint", r.endpoint},
                              {"status", r.status},
                              {"duration_ms", r.seconds * 1000.0},
                              {"bytes_out", r.bytes_out},
                              {"tenant_id", who.tenant_id.to_string()},
                              {"worker", 3}});
  auto written = acc.pending_access_log();
  auto after_ts = [](const std::string& line) {
    return line.substr(line.find("\"level\""));
  };
  BOOST_TEST(after_ts(written) == after_ts(expected));
  BOOST_TEST(written.find("\"duration_ms\":2.0,") != std::string::npos, written);
}

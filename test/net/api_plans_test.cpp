// Tenants' plans and the business metrics end to end (a real node, the test PostgreSQL):
// an operator sets, changes and cancels plans (PUT /v1/tenants/{id}/plan, POST
// /v1/tenants/{id}/plan/cancel), each change audited in the tenant's chain and read back
// in GET /v1/tenants/{id}, also after a restart; /metrics/business shows the monthly
// recurring revenue per plan type and the 30-day churn exactly; kyb_active_tenants_total
// counts the tenants that made a request in the last 24 h and no other; every family
// passes promtool; bad input and keys that are not an operator's are refused with
// problem+json and write nothing.
#define BOOST_TEST_MODULE api_plans
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test/support/eventually.hpp"
#include "test/support/http_client.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string platform_tenant = "00000000-0000-0000-0000-000000000000";

/// "YYYY-MM-DDTHH:MM:SSZ", `days` days ago.
std::string days_ago(int days) {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                std::chrono::hours(24 * days));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// The value of the sample `series` (name with its labels, as exposed) in `text`.
std::optional<double> sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos)
    return std::nullopt;
  auto from = at + series.size() + 2;
  return std::stod(text.substr(from, text.find('\n', from) - from));
}

struct fixture {
  /// Business metrics read every 200 ms and usage written every 100 ms: the test waits
  /// for them with eventually(), never a fixed sleep.
  node_process node{{{"KYB_METRICS_BUSINESS_REFRESH", "200ms"},
                     {"KYB_API_USAGE_FLUSH_INTERVAL", "100ms"}}};

  http_reply set_plan(const std::string& tenant, const json& body) const {
    return node.op("PUT", "/v1/tenants/" + tenant + "/plan", body.dump());
  }
  http_reply cancel(const std::string& tenant) const {
    return node.op("POST", "/v1/tenants/" + tenant + "/plan/cancel");
  }
  /// The tenant as the operator reads it (200 required).
  json tenant(const std::string& id) const {
    auto r = node.op("GET", "/v1/tenants/" + id);
    BOOST_TEST_INFO(r.body);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return r.json();
  }
  std::vector<std::vector<std::string>> query(const std::string& q) const {
    return sql(node.database_url(), q);
  }
  std::string audit_rows(const std::string& tenant) const {
    return query("SELECT count(*) FROM audit_logs WHERE tenant_id = '" + tenant +
                 "' AND action LIKE 'tenant.plan_%'")[0][0];
  }
  /// Waits until every series of `want` shows its value on /metrics/business.
  bool business_metrics_are(const std::vector<std::pair<std::string, double>>& want,
                            std::string& seen) const {
    return eventually([&] {
      auto m = node.metrics("/metrics/business");
      seen = m.body;
      if (m.status != 200)
        return false;
      for (auto& [series, value] : want) {
        auto got = sample(m.body, series);
        if (!got || *got != value)
          return false;
      }
      return true;
    });
  }
};

const std::string mrr = "kyb_monthly_recurring_revenue_dollars";
const std::string churn = "kyb_customer_churn_rate_ratio";

std::string mrr_of(const std::string& type) {
  return mrr + "{plan_type=\"" + type + "\"}";
}

} // namespace

BOOST_FIXTURE_TEST_CASE(plans_are_set_read_back_audited_and_make_mrr_and_churn, fixture) {
  auto [a, a_key] = node.make_tenant({"read", "admin"});
  auto [b, b_key] = node.make_tenant({"read"});
  auto [c, c_key] = node.make_tenant({"read"});
  auto [d, d_key] = node.make_tenant({"read"});
  auto [e, e_key] = node.make_tenant({"read"});

  // No plan yet: null, and no MRR from such tenants.
  BOOST_TEST(tenant(e)["plan"].is_null());

  // Three plans that were active 30 days ago (contracts older than their records here),
  // one that starts now.
  auto started_a = days_ago(60);
  auto r = set_plan(
      a, {{"type", "starter"}, {"monthly_price", 99}, {"started_at", started_a}});
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  auto plan = r.json()["plan"];
  BOOST_TEST(plan["type"] == "starter");
  BOOST_TEST(plan["monthly_price"] == 99.0);
  BOOST_TEST(plan["currency"] == "USD");
  BOOST_TEST(plan["status"] == "active");
  BOOST_TEST(plan["started_at"].get<std::string>().substr(0, 19) ==
             started_a.substr(0, 19));
  BOOST_TEST(plan["cancelled_at"].is_null());
  BOOST_REQUIRE_EQUAL(set_plan(b, {{"type", "growth"},
                                   {"monthly_price", 1499.5},
                                   {"started_at", days_ago(45)}})
                          .status,
                      200);
  BOOST_REQUIRE_EQUAL(set_plan(c, {{"type", "enterprise"},
                                   {"monthly_price", 25000},
                                   {"started_at", days_ago(40).substr(0, 10)}})
                          .status,
                      200);
  BOOST_REQUIRE_EQUAL(set_plan(d, {{"type", "growth"}, {"monthly_price", 500.25}}).status,
                      200);

  // Read back: by the operator, and by the tenant's own key.
  BOOST_TEST(tenant(a)["plan"] == plan);
  auto own = node.call("GET", "/v1/tenants/" + a, "", a_key);
  BOOST_REQUIRE_EQUAL(own.status, 200);
  BOOST_TEST(own.json()["plan"] == plan);
  BOOST_TEST(tenant(d)["plan"]["monthly_price"] == 500.25);
  BOOST_TEST(tenant(c)["plan"]["started_at"].get<std::string>().substr(0, 10) ==
             days_ago(40).substr(0, 10));

  // MRR per plan type, exactly; no plan was cancelled: churn 0.
  std::string seen;
  BOOST_TEST(business_metrics_are({{mrr_of("starter"), 99},
                                   {mrr_of("growth"), 1999.75},
                                   {mrr_of("enterprise"), 25000},
                                   {churn, 0}},
                                  seen),
             seen);

  // A price change keeps the subscription's start.
  auto c_started = tenant(c)["plan"]["started_at"];
  r = set_plan(c, {{"type", "enterprise"}, {"monthly_price", 30000}});
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.json()["plan"]["started_at"] == c_started);
  BOOST_TEST(r.json()["plan"]["monthly_price"] == 30000.0);

  // Cancelling B: it leaves the MRR, and one of the three plans active 30 days ago is
  // gone: churn 1/3.
  r = cancel(b);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.json()["plan"]["status"] == "cancelled");
  BOOST_TEST(r.json()["plan"]["cancelled_at"].is_string());
  BOOST_TEST(r.json()["plan"]["type"] == "growth");
  BOOST_TEST(business_metrics_are({{mrr_of("starter"), 99},
                                   {mrr_of("growth"), 500.25},
                                   {mrr_of("enterprise"), 30000},
                                   {churn, 1.0 / 3}},
                                  seen),
             seen);
  // Cancelling D, which started inside the window: MRR drops, churn does not move (its
  // plan was not active 30 days ago). The growth series stays, at 0.
  BOOST_REQUIRE_EQUAL(cancel(d).status, 200);
  BOOST_TEST(
      business_metrics_are(
          {{mrr_of("growth"), 0}, {mrr_of("enterprise"), 30000}, {churn, 1.0 / 3}}, seen),
      seen);
  // A cancelled plan cannot be cancelled again.
  r = cancel(b);
  BOOST_TEST(is_problem(r, 409), r.body);
  // Both expositions pass promtool with the new families in them.
  for (std::string path : {"/metrics", "/metrics/business"}) {
    auto m = node.metrics(path);
    BOOST_REQUIRE_EQUAL(m.status, 200);
    BOOST_TEST(m.body.find("# TYPE " + mrr + " gauge") != std::string::npos, path);
    BOOST_TEST(m.body.find("# TYPE " + churn + " gauge") != std::string::npos, path);
    BOOST_TEST(m.body.find("# TYPE kyb_active_tenants_total untyped") !=
                   std::string::npos,
               path);
    auto lint = promtool_check_metrics(m.body);
    BOOST_TEST(lint.status == 0, path << ": " << lint.output);
  }

  // Every change has its audit row in the tenant's chain, naming the operator's key, and
  // the chains verify.
  auto rows =
      query("SELECT action, actor, details->>'type', details->'previous'->>'type', "
            "details->'plan'->>'status' FROM audit_logs WHERE tenant_id = '" +
            c + "' AND action LIKE 'tenant.plan_%' ORDER BY seq");
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(rows[0][0] == "tenant.plan_set");
  BOOST_TEST(rows[0][1].rfind("key:", 0) == 0u);
  BOOST_TEST(rows[0][2] == "enterprise");
  BOOST_TEST(rows[0][3] == ""); // no previous plan
  BOOST_TEST(rows[1][3] == "enterprise");
  rows =
      query("SELECT action, details->'plan'->>'type', details->'plan'->>'status', actor "
            "FROM audit_logs WHERE tenant_id = '" +
            b + "' AND action LIKE 'tenant.plan_%' ORDER BY seq");
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(rows[1][0] == "tenant.plan_cancel");
  BOOST_TEST(rows[1][1] == "growth");
  BOOST_TEST(rows[1][2] == "active"); // the plan as it was when cancelled
  BOOST_TEST(rows[1][3] == rows[0][3]);
  BOOST_TEST(audit_rows(a) == "1");
  BOOST_TEST(audit_rows(d) == "2");
  BOOST_TEST(audit_rows(e) == "0");
  auto verified = node.call("GET", "/v1/audit-logs/verify", "", a_key);
  BOOST_REQUIRE_EQUAL(verified.status, 200);
  BOOST_TEST(verified.json()["valid"] == true, verified.body);

  // A plan set after a cancellation is a new subscription: started now, so B is in
  // neither side of the churn any more (1 of 2 -> 0 of 2).
  r = set_plan(b, {{"type", "starter"}, {"monthly_price", 49.99}});
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.json()["plan"]["status"] == "active");
  BOOST_TEST(r.json()["plan"]["cancelled_at"].is_null());
  BOOST_TEST(r.json()["plan"]["started_at"].get<std::string>().substr(0, 10) ==
             days_ago(0).substr(0, 10));
  BOOST_TEST(business_metrics_are({{mrr_of("starter"), 148.99}, {churn, 0}}, seen), seen);

  // A restarted node reads every plan back, and the metrics from them.
  std::vector<json> before;
  for (auto& id : {a, b, c, d, e})
    before.push_back(tenant(id)["plan"]);
  node.restart();
  size_t i = 0;
  for (auto& id : {a, b, c, d, e})
    BOOST_TEST(tenant(id)["plan"] == before[i++], id);
  BOOST_TEST(business_metrics_are({{mrr_of("starter"), 148.99},
                                   {mrr_of("growth"), 0},
                                   {mrr_of("enterprise"), 30000},
                                   {churn, 0}},
                                  seen),
             seen);
}

BOOST_FIXTURE_TEST_CASE(active_tenants_are_those_with_a_request_in_the_last_24_hours,
                        fixture) {
  auto [busy, busy_key] = node.make_tenant({"read"});
  auto [idle, idle_key] = node.make_tenant({"read"});
  // The idle tenant's last request was 25 hours ago: not active.
  query("INSERT INTO api_usage (id, tenant_id, region, node_id, endpoint, method, "
        "status_code, request_count, duration_seconds, created_at) VALUES "
        "(gen_random_uuid(), '" +
        idle +
        "', 'us', 'node-x', '/v1/businesses', 'GET', 200, 3, 0.01, "
        "now() - interval '25 hours')");
  // The operator's many requests (creating both) are the platform's, no tenant's.
  std::string seen;
  BOOST_TEST(business_metrics_are({{"kyb_active_tenants_total", 0}}, seen), seen);
  BOOST_REQUIRE_EQUAL(node.call("GET", "/v1/businesses", "", busy_key).status, 200);
  BOOST_TEST(business_metrics_are({{"kyb_active_tenants_total", 1}}, seen), seen);
  BOOST_TEST(query("SELECT count(*) FROM api_usage WHERE tenant_id = '" + busy +
                   "'")[0][0] != "0");
  BOOST_REQUIRE_EQUAL(node.call("GET", "/v1/businesses", "", idle_key).status, 200);
  BOOST_TEST(business_metrics_are({{"kyb_active_tenants_total", 2}}, seen), seen);
  // On /metrics too, with what "active" means in its HELP.
  auto m = node.metrics("/metrics");
  BOOST_TEST(sample(m.body, "kyb_active_tenants_total").value_or(-1) == 2.0);
  BOOST_TEST(
      m.body.find("# HELP kyb_active_tenants_total Active tenants: customer tenants "
                  "with at least one authenticated API request in the last 24 h") !=
      std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(bad_input_and_other_keys_are_refused_and_write_nothing, fixture) {
  auto [t, admin] = node.make_tenant({"read", "write", "admin"});
  auto read_key = node.op("POST", "/v1/tenants/" + t + "/api-keys",
                          json{{"name", "ro"}, {"scopes", {"read"}}}.dump())
                      .json()["key"]
                      .get<std::string>();
  // A platform key without the operator scope.
  auto platform_admin = node.op("POST", "/v1/tenants/" + platform_tenant + "/api-keys",
                                json{{"name", "padmin"}, {"scopes", {"admin"}}}.dump());
  BOOST_REQUIRE_EQUAL(platform_admin.status, 201);
  auto platform_admin_key = platform_admin.json()["key"].get<std::string>();
  BOOST_REQUIRE_EQUAL(set_plan(t, {{"type", "growth"}, {"monthly_price", 100}}).status,
                      200);
  auto good = tenant(t)["plan"];

  struct bad_case {
    std::string body;
    std::set<std::string> fields;
  };
  std::vector<bad_case> cases = {
      {R"({"type":"gold","monthly_price":10})", {"/type"}},
      {R"({"type":"Growth","monthly_price":10})", {"/type"}},
      {R"({"type":"growth","monthly_price":-1})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":-0.01})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":1000000.01})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":1e30})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":99999999999999999999999})",
       {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":10.005})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":"10.00"})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":true})", {"/monthly_price"}},
      {R"({"type":"growth","monthly_price":[10]})", {"/monthly_price"}},
      {R"({"type":7,"monthly_price":10})", {"/type"}},
      {R"({"type":"growth"})", {"/monthly_price"}},
      {R"({"monthly_price":10})", {"/type"}},
      {R"({"type":null,"monthly_price":null})", {"/type", "/monthly_price"}},
      {R"({"type":"growth","monthly_price":10,"currency":"EUR"})", {"/currency"}},
      {R"({"type":"growth","monthly_price":10,"started_at":"2999-01-01"})",
       {"/started_at"}},
      {R"({"type":"growth","monthly_price":10,"started_at":"yesterday"})",
       {"/started_at"}},
      {R"({"type":"growth","monthly_price":10,"started_at":"2026-02-30"})",
       {"/started_at"}},
      {R"({"type":"growth","monthly_price":10,"started_at":1700000000})",
       {"/started_at"}},
      {R"([])", {""}},
      {R"("growth")", {""}},
  };
  for (auto& bc : cases) {
    auto r = node.op("PUT", "/v1/tenants/" + t + "/plan", bc.body);
    BOOST_TEST_INFO(bc.body << " -> " << r.body);
    BOOST_TEST(is_problem(r, 400));
    BOOST_TEST(problem_fields(r) == bc.fields);
  }
  // Not JSON, JSON not sent as JSON, a body on the cancel.
  BOOST_TEST(is_problem(node.op("PUT", "/v1/tenants/" + t + "/plan", "{\"type\":"), 400));
  BOOST_TEST(is_problem(node.call("PUT", "/v1/tenants/" + t + "/plan",
                                  R"({"type":"growth","monthly_price":10})",
                                  node.operator_key(), {{"Content-Type", "text/plain"}}),
                        415));
  BOOST_TEST(is_problem(
      node.op("POST", "/v1/tenants/" + t + "/plan/cancel", R"({"reason":"x"})"), 400));
  // Unknown tenant, malformed id, the platform tenant.
  auto unknown = "0190c4e2-5b1a-7c3e-9f00-3a4b5c6d7e8f";
  BOOST_TEST(
      is_problem(set_plan(unknown, {{"type", "growth"}, {"monthly_price", 1}}), 404));
  BOOST_TEST(is_problem(cancel(unknown), 404));
  BOOST_TEST(is_problem(
      set_plan("not-a-uuid", {{"type", "growth"}, {"monthly_price", 1}}), 404));
  auto platform =
      set_plan(platform_tenant, {{"type", "enterprise"}, {"monthly_price", 1}});
  BOOST_TEST(is_problem(platform, 422), platform.body);
  BOOST_TEST(is_problem(cancel(platform_tenant), 422));
  // Keys that are not a platform operator's: the tenant's own admin and read keys, a
  // platform key without the operator scope, no key.
  for (auto* key : {&admin, &read_key, &platform_admin_key}) {
    BOOST_TEST(is_problem(node.call("PUT", "/v1/tenants/" + t + "/plan",
                                    R"({"type":"enterprise","monthly_price":1})", *key),
                          403));
    BOOST_TEST(is_problem(
        node.call("POST", "/v1/tenants/" + t + "/plan/cancel", "", *key), 403));
  }
  BOOST_TEST(is_problem(node.call("PUT", "/v1/tenants/" + t + "/plan",
                                  R"({"type":"enterprise","monthly_price":1})"),
                        401));
  // Nothing changed or audited but the one good change; the node still serves.
  BOOST_TEST(tenant(t)["plan"] == good);
  BOOST_TEST(audit_rows(t) == "1");
  BOOST_TEST(query("SELECT count(*) FROM tenants WHERE plan_type IS NOT NULL")[0][0] ==
             "1");

  // Cancelling: once (200), then 409, also for a tenant that never had a plan.
  BOOST_REQUIRE_EQUAL(cancel(t).status, 200);
  BOOST_TEST(is_problem(cancel(t), 409));
  auto [never, never_key] = node.make_tenant({"read"});
  BOOST_TEST(is_problem(cancel(never), 409));
  BOOST_TEST(audit_rows(t) == "2");
  BOOST_TEST(audit_rows(never) == "0");
  // The limits themselves are accepted: a free plan and the largest price.
  BOOST_TEST(set_plan(never, {{"type", "starter"}, {"monthly_price", 0}}).status == 200);
  auto top = set_plan(t, {{"type", "enterprise"}, {"monthly_price", 1000000}});
  BOOST_REQUIRE_EQUAL(top.status, 200);
  BOOST_TEST(top.json()["plan"]["monthly_price"] == 1000000.0);
}

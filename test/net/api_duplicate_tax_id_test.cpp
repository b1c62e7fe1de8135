// The duplicate tax id policy end to end on a real node (migration 0017): a create, a
// PATCH that changes the tax id and each row of a bulk import refuse a tax id that a
// live business of the tenant has (409 naming it; a failed row with the same detail),
// unless ?allow_duplicate_tax_id=true says otherwise; the override is audited, kept by
// an import job across resumption, and concurrent creates of one tax id cannot both
// pass.
#define BOOST_TEST_MODULE api_duplicate_tax_id
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct fixture {
  fixture() : node(std::map<std::string, std::string>{{"KYB_LOG_ACCESS", "false"}}) {
    std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"});
  }

  http_reply create(const std::string& name, const std::string& tax_id,
                    const std::string& query = "",
                    std::map<std::string, std::string> headers = {}) const {
    return node.call(
        "POST", "/v1/businesses" + query,
        json{{"legal_name", name}, {"country", "US"}, {"tax_id", tax_id}}.dump(), key,
        std::move(headers));
  }

  std::string created(const std::string& name, const std::string& tax_id,
                      const std::string& query = "") const {
    auto r = create(name, tax_id, query);
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json()["id"].get<std::string>();
  }

  /// Uploads NDJSON `body` in one request (Content-Length), answering the job.
  http_reply upload(const std::string& body, const std::string& query = "") const {
    return node.call("POST", "/v1/businesses/bulk" + query, body, key,
                     {{"Content-Type", "application/x-ndjson"}});
  }

  int64_t live_with(const std::string& legal_name_prefix) const {
    return std::stoll(sql(node.database_url(),
                          "SELECT count(*) FROM businesses WHERE deleted_at IS NULL AND "
                          "legal_name LIKE '" +
                              legal_name_prefix + "%'")
                          .at(0)
                          .at(0));
  }

  node_process node;
  std::string tenant;
  std::string key;
};

/// The refusal of a tax id that `existing` has: 409, on /tax_id, naming it.
void check_conflict(const http_reply& r, const std::string& existing) {
  BOOST_TEST(is_problem(r, 409), r.status << " " << r.body);
  auto p = r.json();
  BOOST_TEST(p.value("existing_business_id", "") == existing, r.body);
  BOOST_TEST(p.value("detail", "").find(existing) != std::string::npos, r.body);
  BOOST_TEST(p.value("detail", "").find("allow_duplicate_tax_id=true") !=
                 std::string::npos,
             r.body);
  BOOST_TEST(problem_fields(r) == std::set<std::string>{"/tax_id"}, r.body);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_create_refuses_a_tax_id_the_tenant_has, fixture) {
  auto first = created("Dup Acme LLC", "12-3456789");
  // The same tax id, written differently (normalised alike): refused, naming the first.
  check_conflict(create("Dup Acme Again", "123456789"), first);
  check_conflict(create("Dup Acme Again", "12 345 6789"), first);
  BOOST_TEST(live_with("Dup Acme") == 1);

  // Another tenant's business does not count (nor is it named).
  auto [other_tenant, other_key] = node.make_tenant({"read", "write"});
  auto r = node.call("POST", "/v1/businesses",
                     json{{"legal_name", "Dup Acme Elsewhere"},
                          {"country", "US"},
                          {"tax_id", "12-3456789"}}
                         .dump(),
                     other_key);
  BOOST_TEST(r.status == 201, r.body);

  // The override keeps both, and its audit row says so.
  auto branch = created("Dup Acme Branch", "12-3456789", "?allow_duplicate_tax_id=true");
  BOOST_TEST(live_with("Dup Acme") == 3);
  auto audit = sql(node.database_url(),
                   "SELECT details->>'allow_duplicate_tax_id' FROM audit_logs WHERE "
                   "target_id = '" +
                       branch + "' AND action = 'business.create'");
  BOOST_REQUIRE(audit.size() == 1u);
  BOOST_TEST(audit[0][0] == "true");
  auto plain = sql(node.database_url(),
                   "SELECT details ? 'allow_duplicate_tax_id' FROM audit_logs WHERE "
                   "target_id = '" +
                       first + "' AND action = 'business.create'");
  BOOST_TEST(plain.at(0).at(0) == "f");

  // With two live holders the refusal names the oldest.
  check_conflict(create("Dup Acme Third", "12-3456789"), first);

  // allow_duplicate_tax_id=false is the default, spelled out; any other value is a 400.
  check_conflict(create("Dup Acme Third", "12-3456789", "?allow_duplicate_tax_id=false"),
                 first);
  auto bad = create("Dup Acme Third", "12-3456789", "?allow_duplicate_tax_id=yes");
  BOOST_TEST(is_problem(bad, 400), bad.body);
  BOOST_TEST(problem_fields(bad) == std::set<std::string>{"allow_duplicate_tax_id"});

  // Deleting the holders frees the tax id.
  for (auto& id : {first, branch})
    BOOST_TEST(node.call("DELETE", "/v1/businesses/" + id, "", key).status == 200);
  BOOST_TEST(create("Dup Acme Reborn", "12-3456789").status == 201);
}

BOOST_FIXTURE_TEST_CASE(an_idempotent_create_frees_its_key_on_a_duplicate, fixture) {
  auto first = created("Idem Holder", "98-7654321");
  std::map<std::string, std::string> h = {{"Idempotency-Key", "dup-idem-1"}};
  auto r = create("Idem Second", "98-7654321", "", h);
  check_conflict(r, first);
  BOOST_TEST(r.header("idempotent-replayed").empty());
  // The key was not spent on the refusal: the same key with the override creates.
  auto ok = create("Idem Second", "98-7654321", "?allow_duplicate_tax_id=true", h);
  BOOST_TEST(ok.status == 201, ok.body);
  auto again = create("Idem Second", "98-7654321", "?allow_duplicate_tax_id=true", h);
  BOOST_TEST(again.status == 201, again.body);
  BOOST_TEST(again.header("idempotent-replayed") == "true");
  BOOST_TEST(again.json()["id"] == ok.json()["id"]);
  BOOST_TEST(live_with("Idem ") == 2);
}

BOOST_FIXTURE_TEST_CASE(a_patch_that_takes_a_tax_id_is_refused_alike, fixture) {
  auto a = created("Patch Holder A", "11-1111111");
  auto b = created("Patch Holder B", "22-2222222");
  auto to_a = node.call("PATCH", "/v1/businesses/" + b, R"({"tax_id":"111111111"})", key);
  check_conflict(to_a, a);
  // Nothing changed: B keeps its tax id and version.
  auto got = node.call("GET", "/v1/businesses/" + b + "?reveal=tax_id", "", key).json();
  BOOST_TEST(got["tax_id"] == "222222222", got.dump());
  BOOST_TEST(got["version"] == 1);
  // Its own tax id again, and other fields, are fine.
  BOOST_TEST(node.call("PATCH", "/v1/businesses/" + b, R"({"tax_id":"22-2222222"})", key)
                 .status == 200);
  auto forced = node.call("PATCH", "/v1/businesses/" + b + "?allow_duplicate_tax_id=true",
                          R"({"tax_id":"11-1111111"})", key);
  BOOST_TEST(forced.status == 200, forced.body);
  // A business kept with an override stays editable where its tax id is not touched.
  auto rename = node.call("PATCH", "/v1/businesses/" + b,
                          R"({"description":"branch office"})", key);
  BOOST_TEST(rename.status == 200, rename.body);
}

BOOST_FIXTURE_TEST_CASE(concurrent_creates_of_one_tax_id_cannot_both_pass, fixture) {
  // Many rounds of several creates racing on a fresh tax id each: exactly one per round
  // is created, the others are refused naming it.
  constexpr int rounds = 10;
  constexpr int racers = 6;
  for (int round = 0; round < rounds; ++round) {
    std::string tax = "RACE-" + std::to_string(1000 + round);
    std::atomic<int> created_count{0};
    std::vector<http_reply> replies(racers);
    std::vector<std::thread> threads;
    for (int i = 0; i < racers; ++i)
      threads.emplace_back([&, i] {
        replies[i] =
            create("Racer " + std::to_string(round) + "-" + std::to_string(i), tax);
      });
    for (auto& t : threads)
      t.join();
    std::string winner;
    for (auto& r : replies)
      if (r.status == 201) {
        ++created_count;
        winner = r.json()["id"].get<std::string>();
      }
    BOOST_TEST_REQUIRE(created_count.load() == 1, "round " << round);
    for (auto& r : replies)
      if (r.status != 201)
        check_conflict(r, winner);
  }
  BOOST_TEST(live_with("Racer ") == rounds);
}

BOOST_FIXTURE_TEST_CASE(a_bulk_row_fails_alike_unless_the_upload_allows_it, fixture) {
  auto holder = created("Bulk Holder", "33-3333333");
  std::string rows =
      json{{"legal_name", "Bulk Row One"}, {"country", "US"}, {"tax_id", "333333333"}}
          .dump() +
      "\n" +
      json{{"legal_name", "Bulk Row Two"}, {"country", "US"}, {"tax_id", "44-4444444"}}
          .dump() +
      "\n" +
      json{{"legal_name", "Bulk Row Three"}, {"country", "US"}, {"tax_id", "444444444"}}
          .dump() +
      "\n";
  auto r = upload(rows, "?job_key=dup-strict");
  BOOST_REQUIRE_MESSAGE(r.status == 202, r.body);
  auto job = r.json();
  BOOST_TEST(job["rows_written"] == 1);
  BOOST_TEST(job["rows_failed"] == 2);
  BOOST_TEST(job["allow_duplicate_tax_id"] == false);
  auto report =
      node.call("GET", "/v1/businesses/bulk/" + job["id"].get<std::string>(), "", key)
          .json();
  BOOST_REQUIRE(report["errors"].size() == 2u);
  // One shape with single creates: {line, field (a JSON pointer), detail}.
  auto first = report["errors"][0];
  BOOST_TEST(first["line"] == 1);
  BOOST_TEST(first["field"] == "/tax_id");
  BOOST_TEST(!first.contains("message"));
  // The row's detail is the single create's, word for word.
  auto single = create("Bulk Row One", "333333333").json();
  BOOST_TEST(first["detail"] == single["detail"], report.dump());
  BOOST_TEST(report["errors"][1]["line"] == 3);
  BOOST_TEST(report["errors"][1]["detail"].get<std::string>().find("line 2") !=
             std::string::npos);

  // The same rows with the override: all three written, beside the holder.
  auto allowed = upload(rows, "?job_key=dup-allowed&allow_duplicate_tax_id=true");
  BOOST_REQUIRE_MESSAGE(allowed.status == 202, allowed.body);
  BOOST_TEST(allowed.json()["rows_written"] == 3);
  BOOST_TEST(allowed.json()["allow_duplicate_tax_id"] == true);
  // One row of the first upload and all three of this one; the holder's tax id is now
  // on two live businesses.
  BOOST_TEST(live_with("Bulk Row ") == 4);
  BOOST_TEST(live_with("Bulk Holder") == 1);
  (void)holder;

  // A job key keeps its choice: the other one is refused, naming the parameter.
  auto switched = upload(rows, "?job_key=dup-strict&allow_duplicate_tax_id=true");
  BOOST_TEST(is_problem(switched, 400), switched.body);
  BOOST_TEST(problem_fields(switched) == std::set<std::string>{"allow_duplicate_tax_id"});
  auto bad = upload(rows, "?allow_duplicate_tax_id=1");
  BOOST_TEST(is_problem(bad, 400), bad.body);
}

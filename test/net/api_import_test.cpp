// POST /v1/businesses/bulk end to end on a real node: NDJSON and CSV streamed with
// chunked transfer; good, bad, duplicate and broken rows reported by line and field;
// batches committed with their audit rows; a client that disconnects halfway (what
// was committed is reported, nothing half-written); a retried job that resumes and a
// completed one that imports nothing; and bad uploads answered with problem+json.
#define BOOST_TEST_MODULE api_import
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <sys/wait.h>

#include "test/support/eventually.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string chunk(const std::string& piece) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  return size + piece + "\r\n";
}

std::string upload_head(const std::string& key, const std::string& content_type,
                        const std::string& query) {
  return "POST /v1/businesses/bulk" + query +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: " + content_type + "\r\nTransfer-Encoding: chunked\r\n\r\n";
}

/// Uploads `body` with chunked transfer, `piece` bytes a chunk.
http_reply upload(const node_process& node, const std::string& key,
                  const std::string& body,
                  const std::string& content_type = "application/x-ndjson",
                  const std::string& query = "", size_t piece = 4096) {
  http_connection c("127.0.0.1", node.port());
  BOOST_REQUIRE(c.connected());
  std::string wire = upload_head(key, content_type, query);
  for (size_t at = 0; at < body.size(); at += piece)
    wire += chunk(body.substr(at, piece));
  wire += "0\r\n\r\n";
  // Sent in slices, as a client streams it.
  for (size_t at = 0; at < wire.size(); at += 64 * 1024)
    if (!c.send_raw(wire.substr(at, 64 * 1024)))
      break;
  auto r = c.read_reply(120s);
  BOOST_REQUIRE(r);
  return *r;
}

/// `n` businesses without tax ids, named by their number.
std::string plain_rows(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += json{{"legal_name", "Bulk Business " + std::to_string(i)}, {"country", "US"}}
               .dump() +
           "\n";
  return out;
}

std::string one(const node_process& node, const std::string& query) {
  return sql(node.database_url(), query).at(0).at(0);
}

struct fixture {
  explicit fixture(std::map<std::string, std::string> env = {})
      : node([&] {
          env.emplace("KYB_LOG_ACCESS", "false");
          return env;
        }()) {
    std::tie(tenant, key) = node.make_tenant({"read", "write", "admin"});
  }
  node_process node;
  std::string tenant;
  std::string key;
};

struct small_batches : fixture {
  small_batches()
      : fixture(std::map<std::string, std::string>{{"KYB_IMPORT_BATCH_ROWS", "100"}}) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(good_bad_duplicate_and_broken_rows, fixture) {
  auto existing = node.call(
      "POST", "/v1/businesses",
      R"({"legal_name":"Already Here","country":"US","tax_id":"98-7654321"})", key);
  BOOST_REQUIRE_EQUAL(existing.status, 201);
  std::string body =
      json{{"legal_name", "Alpha Widgets LLC"},
           {"country", "US"},
           {"tax_id", "11-1111111"},
           {"address", {{"line1", "1 Main St"}, {"city", "Dover"}, {"country", "US"}}},
           {"owners",
            {{{"name", "Jane Roe"},
              {"date_of_birth", "1980-05-17"},
              {"ownership_percent", 60}}}}}
          .dump() +
      "\n" + json{{"legal_name", "Beta Supplies"}, {"country", "GB"}}.dump() + "\n" +
      "{\"legal_name\": \"Broken\n" +                                  // line 3
      json{{"legal_name", "Gamma"}, {"country", "ZZ"}}.dump() + "\n" + // line 4
      json{{"legal_name", "Alpha Again"}, {"country", "US"}, {"tax_id", "111111111"}}
          .dump() +
      "\n" + // line 5
      "\n" + // line 6
      json{{"legal_name", "Copy"}, {"country", "US"}, {"tax_id", "98 7654321"}}.dump() +
      "\n" + // line 7
      json{{"legal_name", "Delta Foods"}, {"country", "US"}, {"colour", "red"}}.dump() +
      "\n" +                                                             // line 8
      json{{"legal_name", "Epsilon Trading"}, {"country", "DE"}}.dump(); // line 9
  auto r = upload(node, key, body, "application/x-ndjson", "", 37);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 202);
  auto job = r.json();
  BOOST_TEST(job["status"] == "completed");
  BOOST_TEST(job["rows_written"] == 3);
  BOOST_TEST(job["rows_failed"] == 5);
  BOOST_TEST(job["rows_read"] == 8);
  BOOST_TEST(job["committed_line"] == 9);
  BOOST_TEST(r.header("location") ==
             "/v1/businesses/bulk/" + job["id"].get<std::string>());

  auto report = node.call("GET", r.header("location"), "", key).json();
  std::map<int, std::string> fields;
  for (auto& e : report["errors"])
    fields[e["line"].get<int>()] =
        e["field"].get<std::string>() + " " + e["detail"].get<std::string>();
  BOOST_TEST(fields.size() == 5u, report.dump());
  BOOST_TEST(fields.count(3) == 1u);
  BOOST_TEST(fields[4].rfind("/country", 0) == 0u, fields[4]);
  BOOST_TEST(fields[5].find("line 1") != std::string::npos, fields[5]);
  BOOST_TEST(fields[7].find(existing.json()["id"].get<std::string>()) !=
                 std::string::npos,
             fields[7]);
  BOOST_TEST(fields[8].find("colour") != std::string::npos, fields[8]);

  // The businesses are there, like single creates: masked tax id, owners, audited.
  auto found = node.call("GET", "/v1/businesses/search?q=Alpha", "", key).json();
  BOOST_REQUIRE_EQUAL(found["data"].size(), 1u);
  auto id = found["data"][0]["id"].get<std::string>();
  auto alpha =
      node.call("GET", "/v1/businesses/" + id + "?reveal=tax_id", "", key).json();
  BOOST_TEST(alpha["tax_id"] == "111111111", alpha.dump()); // decrypts with its AAD
  BOOST_TEST(alpha["owners"][0]["name"] == "Jane Roe");
  BOOST_TEST(alpha["address"]["city"] == "Dover");
  // Line 5 had the same tax id: refused, so one business has it.
  BOOST_TEST(node.call("GET", "/v1/businesses/search?tax_id=11-1111111", "", key)
                 .json()["data"]
                 .size() == 1u);
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses WHERE tenant_id = '" + tenant +
                           "'") == "4");
  BOOST_TEST(one(node, "SELECT (details->>'created') FROM audit_logs WHERE action = "
                       "'business.bulk_create'") == "3");
  auto verify = node.call("GET", "/v1/audit-logs/verify", "", key).json();
  BOOST_TEST(verify["valid"] == true, verify.dump());
}

BOOST_FIXTURE_TEST_CASE(csv_uploads_read_quoted_fields_and_report_bad_records, fixture) {
  std::string body =
      "legal_name,dba_name,country,address_city,owners,description\r\n"
      "\"Acme, Inc.\",Acme,US,Boston,\"[{\"\"name\"\":\"\"Ann Lee\"\"}]\","
      "\"widgets, \"\"gadgets\"\"\"\r\n"
      "Multi,,US,,,\"two\nlines\"\r\n" // a description may not hold a newline
      "Bad Quote \"x,,US,,,\r\n"
      "Short,,US\r\n"
      "Zeta GmbH,,DE,Berlin,,\r\n";
  auto r = upload(node, key, body, "text/csv; charset=utf-8");
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 202);
  auto job = r.json();
  BOOST_TEST(job["format"] == "csv");
  BOOST_TEST(job["rows_written"] == 2);
  BOOST_TEST(job["rows_failed"] == 3);
  BOOST_TEST(job["committed_line"] == 7);
  auto report = node.call("GET", r.header("location"), "", key).json();
  BOOST_TEST_INFO(report.dump());
  BOOST_REQUIRE_EQUAL(report["errors"].size(), 3u);
  BOOST_TEST(report["errors"][0]["line"] == 3);
  BOOST_TEST(report["errors"][0]["field"] == "/description");
  BOOST_TEST(report["errors"][1]["line"] == 5); // the quoted newline made line 3 two
  BOOST_TEST(report["errors"][2]["line"] == 6);
  // Pages of errors.
  auto page =
      node.call("GET", r.header("location") + "?errors_after=3&errors_limit=1", "", key)
          .json();
  BOOST_REQUIRE_EQUAL(page["errors"].size(), 1u);
  BOOST_TEST(page["errors"][0]["line"] == 5);
  BOOST_TEST(page["next_errors_after"] == 5);
  auto acme = node.call("GET", "/v1/businesses/search?q=Acme", "", key).json();
  BOOST_REQUIRE_EQUAL(acme["data"].size(), 1u);
  auto id = acme["data"][0]["id"].get<std::string>();
  auto full = node.call("GET", "/v1/businesses/" + id, "", key).json();
  BOOST_TEST(full["legal_name"] == "Acme, Inc.");
  BOOST_TEST(full["dba_name"] == "Acme");
  BOOST_TEST(full["description"] == "widgets, \"gadgets\"");
  BOOST_TEST(full["owners"][0]["name"] == "Ann Lee");
  BOOST_TEST(full["address"]["city"] == "Boston");
}

BOOST_FIXTURE_TEST_CASE(a_large_upload_streams_in_batches, small_batches) {
  // Far more than the node reads before the import actor holds it back: the upload
  // pauses and resumes many times (the broker halts and triggers reading).
  auto body = plain_rows(0, 40000);
  auto r = upload(node, key, body, "application/x-ndjson", "", 65536);
  BOOST_TEST_INFO(r.body);
  BOOST_REQUIRE_EQUAL(r.status, 202);
  BOOST_TEST(r.json()["rows_written"] == 40000);
  BOOST_TEST(r.json()["bytes_received"] == static_cast<int64_t>(body.size()));
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "40000");
  BOOST_TEST(one(node, "SELECT count(*) FROM audit_logs WHERE action = "
                       "'business.bulk_create'") == "400");
  // The node serves other requests on the same connection afterwards.
  BOOST_TEST(node.call("GET", "/v1/businesses?limit=1", "", key).status == 200);
  // The completed import fired the warming event: the first cache.warm_max_businesses
  // (1000) of its businesses were loaded into their actors.
  BOOST_TEST(eventually([&] {
    auto m = node.metrics("/metrics").body;
    return m.find("kyb_cache_warmed_total{trigger=\"import\",what=\"business\"} 1000") !=
           std::string::npos;
  }));
}

BOOST_FIXTURE_TEST_CASE(a_client_that_disconnects_keeps_what_committed_and_resumes,
                        small_batches) {
  auto body = plain_rows(0, 20000);
  auto half = body.substr(0, body.size() / 2);
  {
    http_connection c("127.0.0.1", node.port());
    BOOST_REQUIRE(c.connected());
    BOOST_REQUIRE(
        c.send_raw(upload_head(key, "application/x-ndjson", "?job_key=nightly-1")));
    for (size_t at = 0; at < half.size(); at += 8192)
      BOOST_REQUIRE(c.send_raw(chunk(half.substr(at, 8192))));
    // Some batches commit while the client is still connected.
    BOOST_REQUIRE(eventually([&] {
      auto jobs = node.call("GET", "/v1/businesses/bulk", "", key).json();
      return !jobs["data"].empty() && jobs["data"][0]["rows_written"].get<int>() > 0;
    }));
    c.close(); // mid-row, mid-batch
  }
  json job;
  BOOST_REQUIRE(eventually([&] {
    job = node.call("GET", "/v1/businesses/bulk", "", key).json()["data"][0];
    return job["status"] == "interrupted";
  }));
  auto written = job["rows_written"].get<int>();
  BOOST_TEST(written > 0);
  BOOST_TEST(written < 20000);
  BOOST_TEST(written % 100 == 0, written); // whole batches only
  BOOST_TEST(std::stoi(one(node, "SELECT count(*) FROM businesses")) == written);
  BOOST_TEST(job["committed_line"] == written);
  BOOST_TEST(!job["error"].get<std::string>().empty());

  // The retry sends the whole file again: the committed lines are skipped.
  auto again =
      upload(node, key, body, "application/x-ndjson", "?job_key=nightly-1", 16384);
  BOOST_TEST_INFO(again.body);
  BOOST_REQUIRE_EQUAL(again.status, 202);
  auto done = again.json();
  BOOST_TEST(done["id"] == job["id"]);
  BOOST_TEST(done["resumed"] == true);
  BOOST_TEST(done["status"] == "completed");
  BOOST_TEST(done["rows_skipped"] == written);
  BOOST_TEST(done["rows_written"] == 20000);
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "20000");
  BOOST_TEST(one(node, "SELECT count(DISTINCT legal_name) FROM businesses") == "20000");

  // Once complete, the same key imports nothing.
  auto replay =
      upload(node, key, body, "application/x-ndjson", "?job_key=nightly-1", 65536);
  BOOST_REQUIRE_EQUAL(replay.status, 200);
  BOOST_TEST(replay.json()["replayed"] == true);
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "20000");
  // The same key for another format is refused.
  BOOST_TEST(is_problem(
      upload(node, key, "legal_name\nX\n", "text/csv", "?job_key=nightly-1"), 400));
}

BOOST_FIXTURE_TEST_CASE(bad_uploads_are_refused_and_the_node_keeps_serving, fixture) {
  auto rows = plain_rows(0, 3);
  BOOST_TEST(is_problem(upload(node, key, rows, "application/json"), 415));
  BOOST_TEST(is_problem(upload(node, "", rows), 401));
  auto [other, reader] = node.make_tenant({"read"});
  BOOST_TEST(is_problem(upload(node, reader, rows), 403));
  BOOST_TEST(
      is_problem(upload(node, key, rows, "application/x-ndjson", "?job_key=a%20b"), 400));
  BOOST_TEST(
      is_problem(upload(node, key, rows, "application/x-ndjson", "?colour=red"), 400));
  // A CSV header that cannot be read: the job fails, nothing is written.
  auto bad = upload(node, key, "name,country\nAcme,US\n", "text/csv");
  BOOST_TEST(is_problem(bad, 400), bad.body);
  BOOST_TEST(bad.json()["detail"].get<std::string>().find("unknown column") !=
             std::string::npos);
  BOOST_TEST(is_problem(node.call("GET", "/v1/businesses/bulk/not-a-job", "", key), 404));
  BOOST_TEST(is_problem(
      node.call("GET", "/v1/businesses/bulk/0190f0a0-0000-7000-8000-000000000000", "",
                key),
      404));
  BOOST_TEST(is_problem(node.call("GET", "/v1/businesses/bulk?cursor=x", "", key), 400));
  auto job_path =
      "/v1/businesses/bulk/" + node.call("GET", "/v1/businesses/bulk", "", key)
                                   .json()["data"][0]["id"]
                                   .get<std::string>();
  for (std::string q : {"?errors_after=-1", "?errors_after=x", "?errors_limit=1001",
                        "?errors_limit=1e3", "?colour=red"})
    BOOST_TEST(is_problem(node.call("GET", job_path + q, "", key), 400), q);
  auto jobs = node.call("GET", "/v1/businesses/bulk", "", key).json();
  BOOST_REQUIRE_EQUAL(jobs["data"].size(), 1u);
  BOOST_TEST(jobs["data"][0]["status"] == "failed");
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "0");
  // Still serving.
  auto ok = upload(node, key, rows);
  BOOST_REQUIRE_EQUAL(ok.status, 202);
  BOOST_TEST(ok.json()["rows_written"] == 3);
}

/// Runs `kybctl import ARGS`; its exit code and output (stdout and stderr).
std::pair<int, std::string> kybctl_import(const std::string& args) {
  std::string cmd = std::string(KYB_BINARY_DIR) + "/kybctl import " + args + " 2>&1";
  std::string out;
  int status = -1;
  if (auto* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    status = ::pclose(p);
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

BOOST_FIXTURE_TEST_CASE(kybctl_import_uploads_a_file_and_prints_the_errors, fixture) {
  auto path = "/tmp/kyb-import-test-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream f(path);
    f << "legal_name,country,tax_id\nOne Corp,US,12-3456789\nTwo Corp,ZZ,\n"
         "Three Corp,US,12-3456789\n";
  }
  auto api = " --api http://127.0.0.1:" + std::to_string(node.port());
  auto [rc, out] = kybctl_import(path + api + " --key " + key + " --job-key cli-1");
  BOOST_TEST(rc == 1, out); // rows failed: the job completed, with errors shown
  BOOST_TEST(out.find("completed") != std::string::npos, out);
  BOOST_TEST(out.find("written 1") != std::string::npos, out);
  BOOST_TEST(out.find("line 3 /country") != std::string::npos, out);
  BOOST_TEST(out.find("line 4 /tax_id") != std::string::npos, out);
  BOOST_TEST(out.find("%") != std::string::npos, out); // the progress bar
  // Again with the same job key: nothing imported.
  auto again = kybctl_import(path + api + " --key " + key + " --job-key cli-1");
  BOOST_TEST(again.second.find("nothing imported") != std::string::npos, again.second);
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "1");
  // Bad invocations say what is wrong.
  auto no_key = kybctl_import(path + api);
  BOOST_TEST(no_key.first == 2);
  BOOST_TEST(no_key.second.find("API key") != std::string::npos, no_key.second);
  auto missing = kybctl_import("/nonexistent.csv" + api + " --key " + key);
  BOOST_TEST(missing.first == 2);
  std::remove(path.c_str());
}

BOOST_FIXTURE_TEST_CASE(kybctl_says_which_port_is_which, fixture) {
  auto path = "/tmp/kyb-import-ports-" + std::to_string(::getpid()) + ".ndjson";
  {
    std::ofstream f(path);
    f << R"({"legal_name":"Port Probe Corp","country":"US"})"
      << "\n";
  }
  // import --api at the node's cluster port (BASP over TLS) and admin port: named as
  // such, with the HTTP port to use instead; nothing imported.
  for (auto endpoint : {node.cluster_endpoint(), node.admin_endpoint()}) {
    auto [rc, out] = kybctl_import(path + " --api http://" + endpoint + " --key " + key);
    BOOST_TEST(rc == 1, out);
    BOOST_TEST(out.find("does not answer HTTP") != std::string::npos, out);
    BOOST_TEST(out.find("api.listen") != std::string::npos, out);
  }
  // A URL without its scheme is refused before anything is sent.
  auto bare = kybctl_import(path + " --api 127.0.0.1:" + std::to_string(node.port()) +
                            " --key " + key);
  BOOST_TEST(bare.first == 2, bare.second);
  BOOST_TEST(bare.second.find("http://") != std::string::npos, bare.second);
  BOOST_TEST(one(node, "SELECT count(*) FROM businesses") == "0");
  // --node at the HTTP port: named as the HTTP API port, with the admin endpoint's key.
  auto tls = node.certs_dir().empty() ? std::string("--insecure")
                                      : "--certs " + node.certs_dir();
  auto wrong = run_command(std::string(KYB_BINARY_DIR) + "/kybctl --node 127.0.0.1:" +
                           std::to_string(node.port()) + " " + tls + " nodes");
  BOOST_TEST(wrong.status != 0, wrong.output);
  BOOST_TEST(wrong.output.find("HTTP API port") != std::string::npos, wrong.output);
  BOOST_TEST(wrong.output.find("cluster.admin_listen") != std::string::npos,
             wrong.output);
  // The right port still works (the probe is only asked after a failure).
  auto right = node.kybctl("nodes");
  BOOST_TEST(right.status == 0, right.output);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(an_upload_over_the_limit_is_413) {
  std::map<std::string, std::string> env = {{"KYB_IMPORT_MAX_UPLOAD_BYTES", "2KiB"},
                                            {"KYB_LOG_ACCESS", "false"}};
  node_process node(env);
  auto [tenant, key] = node.make_tenant({"read", "write"});
  auto r = upload(node, key, plain_rows(0, 200));
  BOOST_TEST(is_problem(r, 413), r.body);
  BOOST_TEST(node.call("GET", "/health").status == 200);
}

#define BOOST_TEST_MODULE net_problem
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "net/problem.hpp"
#include "runtime/error.hpp"

using namespace kyb::net;
using kyb::errc;
using nlohmann::json;

namespace {

int status_of_code(errc code) {
  return status_of(problem_type_for(code));
}

} // namespace

BOOST_AUTO_TEST_CASE(catalogue_is_consistent) {
  std::set<std::string> slugs;
  for (auto type : all_problem_types) {
    const auto& info = describe(type);
    BOOST_TEST(info.status >= 400);
    BOOST_TEST(info.status <= 599);
    BOOST_TEST(!info.title.empty());
    BOOST_TEST(slugs.insert(std::string(info.slug)).second,
               "duplicate slug " << info.slug);
    for (char c : info.slug)
      BOOST_TEST(((c >= 'a' && c <= 'z') || c == '-'), info.slug);
    BOOST_TEST(type_uri(type) ==
               "https://kyb.example/problems/" + std::string(info.slug));
  }
  BOOST_TEST(type_uri(problem_type::not_found) ==
             "https://kyb.example/problems/not-found");
}

BOOST_AUTO_TEST_CASE(every_type_is_documented) {
  std::ifstream file(KYB_NET_DIR "/PROBLEMS.md");
  BOOST_TEST_REQUIRE(file.good(), "cannot read net/PROBLEMS.md");
  std::stringstream text;
  text << file.rdbuf();
  auto doc = text.str();
  for (auto type : all_problem_types) {
    const auto& info = describe(type);
    // A table row: | `slug` | status | title | ...
    auto row = "| `" + std::string(info.slug) + "` | " + std::to_string(info.status) +
               " | " + std::string(info.title) + " |";
    BOOST_TEST(doc.find(row) != std::string::npos, "PROBLEMS.md lacks the row " << row);
  }
}

BOOST_AUTO_TEST_CASE(maps_every_error_code) {
  BOOST_TEST(status_of_code(errc::invalid_argument) == 400);
  BOOST_TEST(status_of_code(errc::not_found) == 404);
  BOOST_TEST(status_of_code(errc::conflict) == 409);
  BOOST_TEST(status_of_code(errc::unauthorized) == 401);
  BOOST_TEST(status_of_code(errc::forbidden) == 403);
  BOOST_TEST(status_of_code(errc::rate_limited) == 429);
  BOOST_TEST(status_of_code(errc::unavailable) == 503);
  BOOST_TEST(status_of_code(errc::timeout) == 504);
  BOOST_TEST(status_of_code(errc::payload_too_large) == 413);
  BOOST_TEST(status_of_code(errc::unprocessable) == 422);
  BOOST_TEST(status_of_code(errc::fenced) == 503);
  BOOST_TEST(status_of_code(errc::db_error) == 500);
  BOOST_TEST(status_of_code(errc::internal) == 500);
  BOOST_TEST(status_of_code(errc::none) == 500);
}

BOOST_AUTO_TEST_CASE(writes_rfc_9457_members_in_order) {
  problem p = make_problem(problem_type::validation_failed, "2 fields are invalid");
  p.instance = "/v1/businesses";
  p.request_id = "req-42";
  p.errors.push_back({"/country", "must be an ISO 3166-1 alpha-2 code"});
  p.errors.push_back({"/owners/0/ownership_percent", "must be between 0 and 100"});
  p.extensions["limit"] = 32;
  p.extensions["status"] = 999; // reserved: ignored
  auto text = problem_json(p);
  BOOST_TEST(text.rfind(R"({"type":"https://kyb.example/problems/validation-failed",)"
                        R"("title":"Validation Failed","status":400,)"
                        R"("detail":"2 fields are invalid","instance":"/v1/businesses",)"
                        R"("request_id":"req-42","errors":[)",
                        0) == 0u,
             text);
  auto j = json::parse(text);
  BOOST_TEST(j["status"] == 400);
  BOOST_TEST(j["errors"].size() == 2u);
  BOOST_TEST(j["errors"][1]["field"] == "/owners/0/ownership_percent");
  BOOST_TEST(j["errors"][1]["detail"] == "must be between 0 and 100");
  BOOST_TEST(j["limit"] == 32);
  // Empty optional members are omitted.
  auto bare = json::parse(problem_json(make_problem(problem_type::not_found)));
  BOOST_TEST(bare.size() == 3u);
  BOOST_TEST(bare["title"] == "Not Found");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_details_is_replaced_not_thrown) {
  auto text = problem_json(make_problem(problem_type::malformed_request, "bad \xC3("));
  auto j = json::parse(text);
  BOOST_TEST(j["detail"] == "bad \xEF\xBF\xBD(");
}

BOOST_AUTO_TEST_CASE(from_actor_errors) {
  auto invalid = make_problem(
      kyb::make_error(errc::invalid_argument, "must be 2 letters", "/country"));
  BOOST_TEST(static_cast<int>(invalid.type) ==
             static_cast<int>(problem_type::validation_failed));
  BOOST_TEST(invalid.detail == "must be 2 letters");
  BOOST_REQUIRE(invalid.errors.size() == 1u);
  BOOST_TEST(invalid.errors[0].field == "/country");

  auto missing = make_problem(kyb::make_error(errc::not_found, "no such business"));
  BOOST_TEST(describe(missing.type).status == 404);
  BOOST_TEST(missing.detail == "no such business");
  BOOST_TEST(missing.errors.empty());

  // Internal details never reach the client.
  auto db =
      make_problem(kyb::make_error(errc::db_error, "duplicate key value violates "
                                                   "unique constraint \"pk\" (23505)"));
  BOOST_TEST(describe(db.type).status == 500);
  BOOST_TEST(db.detail.find("23505") == std::string::npos);
  BOOST_TEST(db.detail.find("request_id") != std::string::npos);
  auto fenced = make_problem(kyb::make_error(errc::fenced, "epoch 7 < 8 on node-b"));
  BOOST_TEST(describe(fenced.type).status == 503);
  BOOST_TEST(fenced.detail.find("node-b") == std::string::npos);

  // CAF's own errors: a timed-out request is a 504, a vanished actor a 503.
  auto timeout = make_problem(caf::make_error(caf::sec::request_timeout));
  BOOST_TEST(describe(timeout.type).status == 504);
  auto gone = make_problem(caf::make_error(caf::sec::request_receiver_down));
  BOOST_TEST(describe(gone.type).status == 503);
}

namespace {

// An error as persistence::make_pg_error makes it: detail, field, SQLSTATE, statement,
// constraint.
caf::error database_error(errc code, std::string sqlstate, std::string detail) {
  return caf::error{static_cast<uint8_t>(code), kyb::kyb_error_atom::value,
                    caf::make_message(std::move(detail), std::string{},
                                      std::move(sqlstate), uint64_t{3},
                                      std::string{"businesses_legal_name_check"})};
}

} // namespace

BOOST_AUTO_TEST_CASE(database_messages_never_reach_clients) {
  const std::string raw = "insert_business: SQLSTATE 22021: invalid byte sequence for "
                          "encoding \"UTF8\": 0x00 (statement 3, at 10.0.0.7:5432)";
  struct row {
    errc code;
    const char* state;
    int status;
  };
  for (auto r : {row{errc::invalid_argument, "22021", 400},
                 row{errc::invalid_argument, "23514", 400},
                 row{errc::conflict, "23505", 409}, row{errc::unavailable, "08006", 503},
                 row{errc::timeout, "57014", 504}, row{errc::db_error, "XX000", 500}}) {
    auto err = database_error(r.code, r.state, raw);
    BOOST_TEST(kyb::sqlstate_of(err) == r.state);
    auto p = make_problem(err);
    auto body = problem_json(p);
    BOOST_TEST(describe(p.type).status == r.status, r.state);
    BOOST_TEST(!p.detail.empty(), r.state);
    for (auto leak : {"SQLSTATE", "insert_business", "10.0.0.7", "UTF8", "statement"})
      BOOST_TEST(body.find(leak) == std::string::npos, r.state << ": " << body);
  }
  // The platform's own codes carry text written for the client.
  auto own =
      database_error(errc::conflict, "KY409", "the business was changed meanwhile");
  BOOST_TEST(make_problem(own).detail == "the business was changed meanwhile");
  // Errors that never came from the database keep their detail.
  BOOST_TEST(
      kyb::sqlstate_of(kyb::make_error(errc::invalid_argument, "bad", "name")).empty());
  BOOST_TEST(
      make_problem(kyb::make_error(errc::invalid_argument, "bad", "name")).detail ==
      "bad");
}

BOOST_AUTO_TEST_CASE(from_codec_errors) {
  http_error err{problem_type::headers_too_large,
                 "request header larger than 16384 bytes",
                 true,
                 {}};
  auto p = make_problem(err);
  auto j = json::parse(problem_json(p));
  BOOST_TEST(j["status"] == 431);
  BOOST_TEST(j["type"] == "https://kyb.example/problems/headers-too-large");
  BOOST_TEST(j["detail"] == "request header larger than 16384 bytes");
}

BOOST_AUTO_TEST_CASE(responses_carry_the_fields_the_type_needs) {
  auto limited = make_problem(problem_type::rate_limited, "slow down");
  limited.retry_after = 7;
  auto res = make_problem_response(limited, true);
  BOOST_TEST(res.status == 429);
  BOOST_TEST(res.content_type == "application/problem+json");
  BOOST_TEST(res.headers.get("Retry-After") == "7");
  BOOST_TEST(res.keep_alive);
  BOOST_TEST(json::parse(res.body)["detail"] == "slow down");

  auto method = make_problem(problem_type::method_not_allowed);
  method.allow = "GET, HEAD";
  auto res405 = make_problem_response(method, false);
  BOOST_TEST(res405.status == 405);
  BOOST_TEST(res405.headers.get("allow") == "GET, HEAD");
  BOOST_TEST(!res405.keep_alive);

  auto unauthorized =
      make_problem_response(make_problem(problem_type::unauthorized), true);
  BOOST_TEST(unauthorized.status == 401);
  BOOST_TEST(unauthorized.headers.get("WWW-Authenticate") == "Bearer");

  std::string wire;
  write_response(unauthorized, wire, 0);
  BOOST_TEST(wire.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0u);
  BOOST_TEST(wire.find("Content-Type: application/problem+json\r\n") !=
             std::string::npos);
}

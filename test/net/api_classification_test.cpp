// POST /v1/classifications end to end: a node loading the committed model, answers that
// hold together through the crosswalk, bad input, the model metrics, a node without a
// model (503) and one whose configured model is missing or corrupt (refuses to start).
#define BOOST_TEST_MODULE api_classification
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

const std::string model_path =
    std::string(KYB_SOURCE_DIR) + "/actors/classification/model/kyb_industry.model";

bool is_problem(const http_reply& r, int status) {
  auto j = r.json();
  return r.status == status && r.header("content-type") == "application/problem+json" &&
         j.is_object() && j.value("status", 0) == status;
}

struct fixture {
  fixture() : node({{"KYB_CLASSIFICATION_MODEL_PATH", model_path}}) {
    std::tie(tenant, key) = node.make_tenant({"read"});
  }
  http_reply classify(const std::string& body) const {
    return node.call("POST", "/v1/classifications", body, key);
  }
  node_process node;
  std::string tenant;
  std::string key;
};

} // namespace

BOOST_FIXTURE_TEST_CASE(classifies_with_codes_that_agree_and_evidence, fixture) {
  auto r = classify(json{
      {"name", "Blue Bottle Coffee Roasters"},
      {"description", "espresso bar and cafe serving coffee and pastries"},
      {"country", "US"}}.dump());
  BOOST_REQUIRE_EQUAL(r.status, 200);
  auto j = r.json();
  BOOST_TEST(j["object"] == "classification");
  BOOST_TEST(j["model_version"].get<std::string>().rfind("mcc-lr-2.", 0) == 0u);
  auto mcc = j["mcc"];
  BOOST_TEST(mcc["code"].get<std::string>().size() == 4u);
  // A coffee shop is an eating place (MCC 5812/5814) in NAICS sector 72.
  std::set<std::string> eating = {"5812", "5813", "5814"};
  BOOST_TEST(eating.count(mcc["code"].get<std::string>()) == 1u, mcc.dump());
  BOOST_TEST(j["naics_sector"]["code"] == "72");
  // The three systems agree through the crosswalk.
  BOOST_TEST(j["naics"]["code"] == mcc["naics"]);
  BOOST_TEST(j["sic"]["code"] == mcc["sic"]);
  BOOST_TEST(j["naics"]["code"].get<std::string>().size() == 6u);
  BOOST_TEST(j["sic"]["code"].get<std::string>().size() == 4u);
  for (auto& c : {j["mcc"], j["naics"], j["naics_sector"], j["sic"]}) {
    BOOST_TEST(c["confidence"].get<double>() > 0.0);
    BOOST_TEST(c["confidence"].get<double>() <= 1.0);
  }
  BOOST_TEST(j["mcc_alternates"].size() <= 4u);
  for (auto& a : j["mcc_alternates"])
    BOOST_TEST(a["confidence"].get<double>() <= mcc["confidence"].get<double>());
  BOOST_REQUIRE(!j["evidence"].empty());
  bool coffee = false;
  for (auto& e : j["evidence"])
    coffee = coffee || e["term"].get<std::string>().find("coffee") != std::string::npos ||
             e["term"].get<std::string>().find("espresso") != std::string::npos ||
             e["term"].get<std::string>().find("cafe") != std::string::npos;
  BOOST_TEST(coffee, j["evidence"].dump());
  // The seed's metrics, with the model's version.
  auto metrics = node.call("GET", "/metrics").body;
  auto version = j["model_version"].get<std::string>();
  BOOST_TEST(metrics.find(
                 "kyb_ml_model_inference_duration_seconds_count{model_name=\"industry\","
                 "model_version=\"" +
                 version + "\"} 1") != std::string::npos);
  BOOST_TEST(metrics.find("kyb_classification_accuracy_ratio{model_version=\"" + version +
                          "\",classification_type=\"mcc\"}") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(bad_input_names_the_field, fixture) {
  BOOST_TEST(is_problem(classify("{}"), 400));             // no name
  BOOST_TEST(is_problem(classify(R"({"name": 7})"), 400)); // not a string
  BOOST_TEST(
      is_problem(classify(R"({"name": "Acme", "colour": "red"})"), 400)); // unknown
  BOOST_TEST(is_problem(classify(R"({"name": "   "})"), 400));            // blank
  BOOST_TEST(is_problem(classify(R"({"name": "Acme", "country": "ZZ"})"), 400));
  auto big = classify(json{{"name", std::string(2000, 'a')}}.dump());
  BOOST_REQUIRE(is_problem(big, 400));
  BOOST_TEST(big.json()["errors"][0]["field"] == "name");
  // Invalid UTF-8 inside a JSON string: refused before it reaches the model.
  BOOST_TEST(is_problem(classify("{\"name\": \"caf\xC3\"}"), 400));
  BOOST_TEST(is_problem(classify("not json"), 400));
  BOOST_TEST(
      is_problem(node.call("POST", "/v1/classifications", R"({"name":"Acme"})"), 401));
  // The node still serves.
  BOOST_TEST(classify(R"({"name": "Joe's Pizza"})").status == 200);
}

BOOST_AUTO_TEST_CASE(without_a_model_classification_answers_503) {
  node_process node;
  auto [tenant, key] = node.make_tenant({"read"});
  auto r = node.call("POST", "/v1/classifications", R"({"name":"Acme"})", key);
  BOOST_TEST(is_problem(r, 503));
  BOOST_TEST(!r.header("retry-after").empty());
}

BOOST_AUTO_TEST_CASE(a_missing_or_corrupt_model_stops_the_start) {
  for (std::string path : {std::string("/nonexistent/kyb_industry.model"),
                           std::string("/tmp/kyb-corrupt-model-test.model")}) {
    if (path.rfind("/tmp/", 0) == 0) {
      std::ifstream in(model_path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      bytes[bytes.size() / 2] ^= 0x5A; // the checksum no longer fits
      std::ofstream(path, std::ios::binary) << bytes;
    }
    bool started = true;
    std::string why;
    try {
      node_process node({{"KYB_CLASSIFICATION_MODEL_PATH", path}});
    } catch (const std::exception& e) {
      started = false;
      why = e.what();
    }
    BOOST_TEST(!started);
    BOOST_TEST(why.find("classification.model_path") != std::string::npos, why);
    std::remove("/tmp/kyb-corrupt-model-test.model");
  }
}

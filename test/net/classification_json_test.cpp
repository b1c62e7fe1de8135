// The classification answers as written on the wire (net/classification_json): valid
// JSON whatever the text holds, every member with its value, numbers as numbers (a
// whole confidence as 1.0), members in name order.
#define BOOST_TEST_MODULE classification_json
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "net/classification_json.hpp"

using namespace kyb;
using nlohmann::json;

namespace {

classification::classification_result sample_result() {
  classification::classification_result r;
  r.model_version = "mcc-lr-3.0123456789ab";
  r.mcc = {"5814", "Fast Food \"Restaurants\"", 0.8125f, "722513", "5812"};
  r.mcc_alternates = {{"5812", "Eating Places", 0.125f, "722511", "5812"},
                      {"5462", "Bakeries\n", 1e-05f, "311811", "5461"}};
  r.naics = {"722513", "Limited-Service Restaurants", 0.9f};
  r.naics_sector = {"72", "Accommodation and Food Services", 1.0f};
  r.sic = {"5812", "Eating Places", 0.75f};
  classification::evidence_term name_term{"café", classification::input_field::name,
                                          false, 1.5f};
  classification::evidence_term described{
      "burger", classification::input_field::description, false, 0.25f};
  classification::evidence_term country{"country:US", classification::input_field::name,
                                        true, 0.0625f};
  r.evidence = {name_term, described, country};
  r.known_merchant = true;
  r.needs_review = false;
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_free_text_answer_is_valid_json_with_every_member) {
  auto r = sample_result();
  auto text = net::render_classification_result(r);
  auto j = json::parse(text, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), text);
  BOOST_TEST(j["object"] == "classification");
  BOOST_TEST(j["model_version"] == r.model_version);
  BOOST_TEST(j["mcc"]["code"] == "5814");
  BOOST_TEST(j["mcc"]["title"] == "Fast Food \"Restaurants\"");
  BOOST_TEST(j["mcc"]["confidence"].get<double>() == 0.8125);
  BOOST_TEST(j["mcc"]["naics"] == "722513");
  BOOST_TEST(j["mcc"]["sic"] == "5812");
  BOOST_REQUIRE_EQUAL(j["mcc_alternates"].size(), 2u);
  BOOST_TEST(j["mcc_alternates"][1]["title"] == "Bakeries\n");
  BOOST_TEST(j["mcc_alternates"][1]["confidence"].get<float>() == 1e-05f);
  BOOST_TEST(j["naics"]["code"] == "722513");
  BOOST_TEST(j["naics_sector"]["confidence"].is_number_float()); // 1.0, not 1
  BOOST_TEST(j["naics_sector"]["confidence"].get<double>() == 1.0);
  BOOST_TEST(j["sic"]["title"] == "Eating Places");
  BOOST_REQUIRE_EQUAL(j["evidence"].size(), 3u);
  BOOST_TEST(j["evidence"][0]["term"] == "café");
  BOOST_TEST(j["evidence"][0]["field"] == "name"); // the API calls the legal name name
  BOOST_TEST(j["evidence"][1]["field"] == "description");
  BOOST_TEST(j["evidence"][2]["field"] == "country");
  BOOST_TEST(j["evidence"][0]["weight"].get<double>() == 1.5);
  BOOST_TEST(j["known_merchant"] == true);
  BOOST_TEST(j["needs_review"] == false);
  BOOST_TEST(j.size() == 10u);
  // Members in name order, as the other answers of the API are written.
  BOOST_TEST(text == j.dump(), text);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_valid_utf8_still_gives_valid_json) {
  auto r = sample_result();
  r.evidence[0].term = std::string("caf\xC3", 4) + "\x01";
  r.mcc_alternates.clear();
  r.evidence.resize(1);
  auto text = net::render_classification_result(r);
  auto j = json::parse(text, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), text);
  BOOST_TEST(j["mcc_alternates"].empty());
  BOOST_TEST(j["evidence"][0]["term"] == "caf\xEF\xBF\xBD\x01");
}

BOOST_AUTO_TEST_CASE(a_stored_classification_is_valid_json_with_every_member) {
  auto d = std::make_shared<actors::business_classification_data>();
  d->id = base::uuid::make_v7();
  d->business_id = base::uuid::make_v7();
  d->model_version = "mcc-lr-3.0123456789ab";
  d->mcc = {"5411", "Grocery Stores, Supermarkets", 0.4321, "445110", "5411"};
  d->mcc_alternates = {{"5499", "Misc. Food Stores", 0.3, "445131", "5499"}};
  d->naics = {"445110", "Supermarkets", 0.5, {}, {}};
  d->naics_sector = {"44-45", "Retail Trade", 0.9, {}, {}};
  d->sic = {"5411", "Grocery Stores", 0.5, {}, {}};
  d->evidence = {{"grocery", "description", 0.7}, {"country:GB", "country", 0.1}};
  d->known_merchant = false;
  d->needs_review = true;
  d->classified_at = "2026-12-07T10:00:00.000Z";
  actors::business_classification c{d, true};
  auto text = net::render_business_classification(c);
  auto j = json::parse(text, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), text);
  BOOST_TEST(j["object"] == "business_classification");
  BOOST_TEST(j["id"] == d->id.to_string());
  BOOST_TEST(j["business_id"] == d->business_id.to_string());
  BOOST_TEST(j["classified_at"] == d->classified_at);
  BOOST_TEST(j["cached"] == true);
  BOOST_TEST(j["mcc"]["confidence"].get<double>() == 0.4321);
  BOOST_TEST(j["mcc"]["naics"] == "445110");
  BOOST_TEST(j["mcc_alternates"][0]["code"] == "5499");
  BOOST_TEST(j["naics_sector"]["code"] == "44-45");
  BOOST_TEST(j["evidence"][1]["field"] == "country");
  BOOST_TEST(j["needs_review"] == true);
  BOOST_TEST(j["known_merchant"] == false);
  BOOST_TEST(j.size() == 14u);
  BOOST_TEST(text == j.dump(), text);
  // Rendered once for every reader of the cached data; the same data answered fresh
  // says so.
  BOOST_TEST(net::render_business_classification(c) == text);
  BOOST_TEST(d->rendered_cached->text == text);
  actors::business_classification fresh{d, false};
  auto fresh_json = json::parse(net::render_business_classification(fresh));
  BOOST_TEST(fresh_json["cached"] == false);
  BOOST_TEST(fresh_json["id"] == j["id"]);
}

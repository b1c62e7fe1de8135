// actors/webhooks/webhook_signature.hpp: the signature checked against OpenSSL's HMAC
// called here, one v1 per secret in order, the body's members, secrets, the backoff.
#define BOOST_TEST_MODULE webhook_signature
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "actors/webhooks/webhook_signature.hpp"

using namespace kyb::actors::webhooks;
using namespace std::chrono_literals;

namespace {

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    static const char* d = "0123456789abcdef";
    hex += d[out[i] >> 4];
    hex += d[out[i] & 15];
  }
  return hex;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_signature_is_hmac_sha256_of_t_dot_body_per_secret) {
  std::string body = R"({"id":"e1","type":"import.completed","created":"x","data":{}})";
  auto h = signature_header(1700000000, body, {"whsec_new", "whsec_old"});
  BOOST_TEST(h == "t=1700000000,v1=" + hmac_hex("whsec_new", "1700000000." + body) +
                      ",v1=" + hmac_hex("whsec_old", "1700000000." + body));
  BOOST_TEST(signature_header(5, body, {"k"}) == "t=5,v1=" + hmac_hex("k", "5." + body));
}

BOOST_AUTO_TEST_CASE(the_body_carries_id_type_created_and_the_data_as_stored) {
  auto b = event_body("0190-abc", "verification.completed", "2026-12-06T18:00:00.000000Z",
                      R"({"verdict":"pass","reasons":[]})");
  auto j = nlohmann::json::parse(b);
  BOOST_TEST(j["id"] == "0190-abc");
  BOOST_TEST(j["type"] == "verification.completed");
  BOOST_TEST(j["created"] == "2026-12-06T18:00:00.000000Z");
  BOOST_TEST(j["data"]["verdict"] == "pass");
  BOOST_TEST(b.find("\"id\":") == 1u); // members in a fixed order, id first
}

BOOST_AUTO_TEST_CASE(secrets_are_random_and_event_types_known) {
  auto a = new_secret();
  auto b = new_secret();
  BOOST_TEST(a.rfind("whsec_", 0) == 0);
  BOOST_TEST(a.size() == 6u + 43u);
  BOOST_TEST(a != b);
  BOOST_TEST(is_event_type("risk.level_changed"));
  BOOST_TEST(is_event_type("screening.hit_created"));
  BOOST_TEST(!is_event_type("verification.started"));
  BOOST_TEST(!is_event_type(""));
}

BOOST_AUTO_TEST_CASE(the_backoff_doubles_is_capped_and_jittered) {
  BOOST_TEST(retry_delay(1, 30s, 1h, 1.0).count() == 30000);
  BOOST_TEST(retry_delay(2, 30s, 1h, 1.0).count() == 60000);
  BOOST_TEST(retry_delay(5, 30s, 1h, 1.0).count() == 480000);
  BOOST_TEST(retry_delay(20, 30s, 1h, 1.0).count() == 3600000);
  BOOST_TEST(retry_delay(1000, 30s, 1h, 1.0).count() == 3600000);
  BOOST_TEST(retry_delay(2, 30s, 1h, 0.5).count() == 30000);
  // Jitter outside [0.5, 1] is clamped.
  BOOST_TEST(retry_delay(2, 30s, 1h, 0.0).count() == 30000);
  BOOST_TEST(retry_delay(2, 30s, 1h, 7.0).count() == 60000);
}

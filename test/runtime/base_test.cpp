#define BOOST_TEST_MODULE runtime_base
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/uuid.hpp"

using namespace kyb::base;

BOOST_AUTO_TEST_CASE(uuid_v7_is_ordered_unique_and_round_trips) {
  std::set<std::string> seen;
  auto prev = uuid::make_v7();
  for (int i = 0; i < 1000; ++i) {
    auto u = uuid::make_v7();
    BOOST_TEST((u.bytes[6] >> 4) == 7);
    BOOST_TEST((u.bytes[8] & 0xC0) == 0x80);
    BOOST_TEST(seen.insert(u.to_string()).second);
    // The 48-bit millisecond prefix never goes backwards.
    BOOST_TEST(std::string(reinterpret_cast<const char*>(prev.bytes.data()), 6) <=
               std::string(reinterpret_cast<const char*>(u.bytes.data()), 6));
    auto back = uuid::parse(u.to_string());
    BOOST_REQUIRE(back);
    BOOST_TEST((*back == u));
    BOOST_TEST((*uuid::parse(u.to_hex()) == u));
    prev = u;
  }
  BOOST_TEST(!uuid::parse("not-a-uuid"));
  BOOST_TEST(!uuid::parse("0189d3e8-0000-7000-8000-00000000000g"));
  BOOST_TEST(!uuid::parse("0189d3e8x0000-7000-8000-000000000000"));
  BOOST_TEST(uuid::parse("00000000-0000-0000-0000-000000000000")->is_nil());
}

BOOST_AUTO_TEST_CASE(hashes_match_known_vectors) {
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  BOOST_TEST(constant_time_equal("abc", "abc"));
  BOOST_TEST(!constant_time_equal("abc", "abd"));
  BOOST_TEST(!constant_time_equal("abc", "ab"));
}

BOOST_AUTO_TEST_CASE(aes_gcm_round_trips_and_detects_tampering) {
  auto key = random_bytes(32);
  auto sealed = aes256gcm_encrypt(key, "12-3456789", "tenant-1");
  BOOST_REQUIRE(sealed);
  BOOST_TEST(sealed->find("12-3456789") == std::string::npos);
  BOOST_TEST(*aes256gcm_decrypt(key, *sealed, "tenant-1") == "12-3456789");
  BOOST_TEST(!aes256gcm_decrypt(key, *sealed, "tenant-2"));
  auto bad = *sealed;
  bad[14] ^= 1;
  BOOST_TEST(!aes256gcm_decrypt(key, bad));
  BOOST_TEST(!aes256gcm_decrypt(random_bytes(32), *sealed, "tenant-1"));
  BOOST_TEST(!aes256gcm_decrypt(key, "short"));
  BOOST_TEST(!aes256gcm_encrypt("short key", "x"));
  // Same plaintext twice: different ciphertexts (random nonce).
  BOOST_TEST(*aes256gcm_encrypt(key, "x") != *aes256gcm_encrypt(key, "x"));
}

BOOST_AUTO_TEST_CASE(text_encodings) {
  BOOST_TEST(base64_encode("foobar") == "Zm9vYmFy");
  BOOST_TEST(base64_encode("fo") == "Zm8=");
  BOOST_TEST(*base64_decode("Zm8=") == "fo");
  BOOST_TEST(!base64_decode("Zm8"));
  BOOST_TEST(!base64_decode("Z!8="));
  BOOST_TEST(base64url_encode("\xff\xfe") == "__4");
  BOOST_TEST(*base64url_decode("__4") == "\xff\xfe");
  BOOST_TEST(!base64url_decode("__4="));
  BOOST_TEST(hex_encode("\x01\xab") == "01ab");
  BOOST_TEST(*hex_decode("01AB") == "\x01\xab");
  BOOST_TEST(!hex_decode("0"));
  BOOST_TEST(!hex_decode("zz"));
}

BOOST_AUTO_TEST_CASE(json_escaping_always_yields_valid_json) {
  std::string out;
  append_json_escaped(out, std::string("a\"b\\c\n\x01\xff\xc3\xa9", 10));
  BOOST_TEST(out == "a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xc3\xa9");
  auto parsed = nlohmann::json::parse("\"" + out + "\"");
  BOOST_TEST(parsed.get<std::string>().size() > 0u);
}

BOOST_AUTO_TEST_CASE(metrics_exposition_passes_promtool) {
  metrics_registry r;
  auto& req =
      r.counter("kyb_api_requests_total", "Total API requests by endpoint and tenant",
                {"endpoint", "method", "status_code", "tenant_id"});
  req.with({"/v1/businesses/{id}", "GET", "200", "t1"}).inc();
  req.with({"/v1/businesses/{id}", "GET", "200", "t1"}).inc(2);
  req.with({"/v1/x\"y", "POST", "500", "t\\2"}).inc();
  auto& dur =
      r.histogram("kyb_api_request_duration_seconds", "API request duration in seconds",
                  {"endpoint", "method"}, {0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0});
  dur.with({"/v1/businesses/{id}", "GET"}).observe(0.05);
  dur.with({"/v1/businesses/{id}", "GET"}).observe(3);
  auto& g =
      r.gauge("kyb_cache_hit_rate_ratio", "Cache hit rate by cache type", {"cache_type"});
  g.with({"risk"}).set(0.5);
  int calls = 0;
  r.on_collect([&] { ++calls; });
  auto text = r.expose();
  BOOST_TEST(calls == 1);
  BOOST_TEST(
      text.find("kyb_api_requests_total{endpoint=\"/v1/businesses/{id}\",method=\"GET\","
                "status_code=\"200\",tenant_id=\"t1\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("le=\"0.1\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("le=\"+Inf\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("kyb_cache_hit_rate_ratio{cache_type=\"risk\"} 0.5\n") !=
             std::string::npos);
  auto only = r.expose({"kyb_cache"});
  BOOST_TEST(only.find("kyb_api_requests_total") == std::string::npos);
  std::string path = "/tmp/kyb_base_test_metrics.txt";
  std::ofstream(path) << text;
  int rc = std::system(
      ("promtool check metrics < " + path + " > /tmp/kyb_promtool.out 2>&1").c_str());
  std::ifstream out("/tmp/kyb_promtool.out");
  std::string msg((std::istreambuf_iterator<char>(out)), {});
  BOOST_TEST_INFO(msg);
  BOOST_TEST(rc == 0);
}

#define BOOST_TEST_MODULE runtime_base
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>

#include "runtime/base/cron.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/json_escape.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/redact.hpp"
#include "runtime/base/uuid.hpp"

using namespace kyb::base;

namespace {

/// The big-endian 48-bit millisecond timestamp at the front of a v7 uuid.
uint64_t millis_of(const uuid& u) {
  uint64_t ms = 0;
  for (size_t i = 0; i < 6; ++i)
    ms = ms << 8 | u.bytes[i];
  return ms;
}

} // namespace

BOOST_AUTO_TEST_CASE(uuid_v7_is_ordered_unique_and_round_trips) {
  std::set<std::string> seen;
  auto prev = uuid::make_v7();
  for (int i = 0; i < 1000; ++i) {
    auto u = uuid::make_v7();
    BOOST_TEST((u.bytes[6] >> 4) == 7);
    BOOST_TEST((u.bytes[8] & 0xC0) == 0x80);
    BOOST_TEST(seen.insert(u.to_string()).second);
    // The 48-bit millisecond prefix never goes backwards (compared as a number:
    // Boost.Test compares strings char by char, and char is signed).
    BOOST_TEST(millis_of(prev) <= millis_of(u));
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

BOOST_AUTO_TEST_CASE(json_escaping_matches_nlohmann_on_random_text) {
  // Runs of plain characters are appended at once: the result must still be what
  // nlohmann writes, character for character, on any valid UTF-8.
  std::mt19937 rng(11);
  const std::vector<std::string> pieces = {
      "a",           "Z",         "0",    " ",        "\"",           "\\",
      "/",           "\n",        "\r",   "\t",       "\b",           "\f",
      "\x01",        "\x1f",      "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "caf\xc3\xa9", "plain text"};
  for (int n = 0; n < 3000; ++n) {
    std::string s;
    const size_t len = rng() % 12;
    for (size_t i = 0; i < len; ++i)
      s += pieces[rng() % pieces.size()];
    std::string out;
    append_json_escaped(out, s);
    BOOST_TEST("\"" + out + "\"" == nlohmann::json(s).dump(), s);
  }
}

BOOST_AUTO_TEST_CASE(json_escaping_as_ascii_matches_python_ensure_ascii) {
  // json.dumps("a\b\f\u00e9\U0001F600") in Python: ASCII only, surrogate pairs.
  std::string out;
  append_json_escaped(out, "a\b\f\xc3\xa9\xf0\x9f\x98\x80\\", json_escape::ascii);
  BOOST_TEST(out == "a\\b\\f\\u00e9\\ud83d\\ude00\\\\");
  // Bytes that are not UTF-8 cannot be told apart: both modes write U+FFFD.
  out.clear();
  append_json_escaped(out, "x\xff\xc3", json_escape::ascii);
  BOOST_TEST(out == "x\\ufffd\\ufffd");
  out.clear();
  append_json_escaped(out, "\b\f\x1f");
  BOOST_TEST(out == "\\b\\f\\u001f");
}

BOOST_AUTO_TEST_CASE(metrics_exposition_passes_promtool) {
  metrics_registry r;
  auto& req =
      r.counter("kyb_api_requests_total", "Total API requests by endpoint and tenant",
                {"endpoint", "method", "status_code", "tenant_id"});
  req.with({"/v1/businesses/{id}", "GET", "200", "t1"}).Increment();
  req.with({"/v1/businesses/{id}", "GET", "200", "t1"}).Increment(2);
  req.with({"/v1/x\"y", "POST", "500", "t\\2"}).Increment();
  auto& dur =
      r.histogram("kyb_api_request_duration_seconds", "API request duration in seconds",
                  {"endpoint", "method"}, {0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0});
  dur.with({"/v1/businesses/{id}", "GET"}).Observe(0.05);
  dur.with({"/v1/businesses/{id}", "GET"}).Observe(3);
  auto& g =
      r.gauge("kyb_cache_hit_rate_ratio", "Cache hit rate by cache type", {"cache_type"});
  g.with({"risk"}).Set(0.5);
  // A value named like a counter that is none: untyped, which promtool accepts.
  r.untyped("kyb_active_tenants_total", "Tenants with a request in the last 24 h")
      .with({})
      .Set(3);
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
  // Label values are given one per declared label name, no more and no fewer.
  BOOST_CHECK_THROW(req.with({"/v1/businesses/{id}", "GET"}), std::invalid_argument);
  // A family asked for again is the same family, with the series it holds.
  auto& again = r.counter("kyb_api_requests_total", "ignored", {"ignored"});
  BOOST_TEST(again.with({"/v1/businesses/{id}", "GET", "200", "t1"}).Value() == 3);
  // A cleared family loses its series; new ones are exposed.
  auto& lists = r.gauge("kyb_screening_list_entities", "Entities per list", {"list"});
  lists.with({"ofac_sdn"}).Set(7);
  BOOST_TEST(r.expose().find("list=\"ofac_sdn\"} 7\n") != std::string::npos);
  lists.clear();
  lists.with({"un_sc"}).Set(9);
  auto relisted = r.expose();
  BOOST_TEST(relisted.find("ofac_sdn") == std::string::npos);
  BOOST_TEST(relisted.find("list=\"un_sc\"} 9\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE kyb_active_tenants_total untyped\n"
                       "kyb_active_tenants_total 3\n") != std::string::npos);
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

namespace {

/// "YYYY-MM-DD HH:MM" (UTC) of a time point.
std::string utc_minute(std::chrono::system_clock::time_point t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::chrono::system_clock::time_point utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string next(const std::string& expr, std::chrono::system_clock::time_point after) {
  std::string error;
  auto s = kyb::base::cron_schedule::parse(expr, error);
  BOOST_REQUIRE_MESSAGE(s, error);
  return utc_minute(s->next_after(after));
}

} // namespace

BOOST_AUTO_TEST_CASE(cron_schedules_fire_when_they_should) {
  auto t = utc(2026, 12, 2, 4, 34);                       // a Wednesday
  BOOST_TEST(next("0 2 * * *", t) == "2026-12-03 02:00"); // cache.warm_schedule's default
  BOOST_TEST(next("0 2 * * *", utc(2026, 12, 2, 1, 59)) == "2026-12-02 02:00");
  BOOST_TEST(next("0 2 * * *", utc(2026, 12, 2, 2, 0)) ==
             "2026-12-03 02:00"); // strictly after
  BOOST_TEST(next("*/15 * * * *", t) == "2026-12-02 04:45");
  BOOST_TEST(next("5,35 9-17 * * 1-5", utc(2026, 12, 4, 17, 40)) == "2026-12-07 09:05");
  BOOST_TEST(next("0 0 1 * *", t) == "2027-01-01 00:00");
  BOOST_TEST(next("30 6 * * 0", t) == "2026-12-06 06:30"); // Sunday
  BOOST_TEST(next("30 6 * * 7", t) == "2026-12-06 06:30"); // 7 is Sunday too
  BOOST_TEST(next("0 12 29 2 *", t) == "2028-02-29 12:00");
  // Both day fields restricted: either matches (the 13th, or a Friday).
  BOOST_TEST(next("0 0 13 * 5", t) == "2026-12-04 00:00");
  std::string error;
  for (std::string bad :
       {"", "0 2 * *", "60 2 * * *", "0 24 * * *", "0 2 0 * *", "0 2 * 13 *", "0 2 * * 8",
        "a 2 * * *", "*/0 * * * *", "5-1 * * * *", "0 2 * * * *"}) {
    BOOST_TEST(!kyb::base::cron_schedule::parse(bad, error), bad);
    BOOST_TEST(!error.empty());
  }
}

BOOST_AUTO_TEST_CASE(urls_lose_their_secrets_before_a_log_line) {
  using kyb::base::redact_url;
  BOOST_TEST(redact_url("https://u:pw@h.example/p?token=x&a#f") ==
             "https://u:***@h.example/p?token=***&a#f");
  BOOST_TEST(redact_url("postgresql://kyb:s3cret@db:5432/kyb") ==
             "postgresql://kyb:***@db:5432/kyb");
  BOOST_TEST(redact_url("https://h.example/sdn.csv") == "https://h.example/sdn.csv");
  BOOST_TEST(redact_url("https://u@h.example") == "https://u@h.example");
  BOOST_TEST(redact_url("https://h.example?k=v") == "https://h.example?k=***");
  BOOST_TEST(redact_url("") == "");
  BOOST_TEST(redact_url("not a url") == "not a url");
}

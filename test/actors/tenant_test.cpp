#define BOOST_TEST_MODULE tenant
#include <boost/test/unit_test.hpp>

#include "actors/messages.hpp"
#include "actors/tenant/api_key.hpp"
#include "actors/tenant/token_bucket.hpp"

using namespace kyb::actors;
using namespace std::chrono;

BOOST_AUTO_TEST_CASE(token_bucket_refills_at_its_rate) {
  auto t0 = token_bucket::clock::time_point{} + seconds(100);
  token_bucket b(2.0, 3.0, t0);
  BOOST_TEST(!b.take(t0));
  BOOST_TEST(!b.take(t0));
  BOOST_TEST(!b.take(t0));
  auto wait = b.take(t0);
  BOOST_REQUIRE(wait);
  BOOST_TEST(wait->count() == 500); // one token at 2/s
  BOOST_TEST(!b.take(t0 + milliseconds(500)));
  BOOST_TEST(static_cast<bool>(b.take(t0 + milliseconds(500))));
  // Never more than the burst, however long it rests.
  BOOST_TEST(b.tokens(t0 + hours(1)) == 3.0);
  b.reconfigure(1.0, 1.0, t0 + hours(1));
  BOOST_TEST(b.tokens(t0 + hours(1)) == 1.0);
}

BOOST_AUTO_TEST_CASE(token_bucket_leases_whole_tokens_it_holds) {
  auto t0 = token_bucket::clock::time_point{} + seconds(100);
  token_bucket b(10.0, 5.0, t0);
  BOOST_TEST(b.take_up_to(3, t0) == 3u);
  BOOST_TEST(b.take_up_to(3, t0) == 2u); // only two left
  BOOST_TEST(b.take_up_to(3, t0) == 0u);
  BOOST_TEST(static_cast<bool>(b.take(t0)));
  BOOST_TEST(b.take_up_to(3, t0 + milliseconds(150)) == 1u); // 1.5 refilled
  BOOST_TEST(b.tokens(t0 + milliseconds(150)) == 0.5);
}

BOOST_AUTO_TEST_CASE(api_keys_round_trip_and_reject_garbage) {
  auto tenant = kyb::base::uuid::make_v7();
  auto key = make_api_key(tenant, kyb::base::uuid::make_v7());
  auto text = format_api_key(key);
  BOOST_TEST(text.size() == 100u);
  auto parsed = parse_api_key(text);
  BOOST_REQUIRE(parsed);
  BOOST_TEST((parsed->tenant_id == tenant));
  BOOST_TEST(parsed->secret == key.secret);
  BOOST_TEST(secret_hash(key.secret).size() == 32u);
  BOOST_TEST(!parse_api_key(""));
  BOOST_TEST(!parse_api_key(text.substr(1)));
  auto upper = text;
  upper[90] = 'G';
  BOOST_TEST(!parse_api_key(upper));
  BOOST_TEST(!parse_api_key("xyz_" + text.substr(4)));
  // Two keys never share a secret.
  BOOST_TEST(make_api_key(tenant, key.key_id).secret != key.secret);
}

BOOST_AUTO_TEST_CASE(scopes) {
  BOOST_TEST(parse_scope("read") == scope_read);
  BOOST_TEST(parse_scope("root") == 0);
  BOOST_TEST(scopes_to_string(scope_read | scope_admin) == "read,admin");
  principal p;
  p.scopes = scope_read | scope_write;
  BOOST_TEST(p.has(scope_read));
  BOOST_TEST(!p.has(scope_read | scope_admin));
  BOOST_TEST(!p.is_operator());
}

#define BOOST_TEST_MODULE net_auth_lease_cache
#include <boost/test/unit_test.hpp>

#include "net/auth_lease_cache.hpp"

using namespace kyb;
using net::auth_lease_cache;
using std::chrono::milliseconds;

namespace {

const auto t0 = auth_lease_cache::clock::time_point{} + std::chrono::hours(1);

base::uuid id(int n) {
  return *base::uuid::parse("00000000-0000-4000-8000-0000000000" +
                            std::string(n < 10 ? "0" : "") + std::to_string(n));
}

actors::auth_grant grant(uint32_t tokens, uint32_t valid_ms, uint8_t scopes = 1) {
  actors::auth_grant g;
  g.who.key_id = id(99);
  g.who.scopes = scopes;
  g.tokens = tokens;
  g.valid_ms = valid_ms;
  return g;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_lease_serves_its_secret_until_its_tokens_run_out) {
  auth_lease_cache cache;
  cache.keep(id(1), "hash-a", grant(2, 200, 3), t0, t0);
  auto* l = cache.find(id(1), "hash-a", t0 + milliseconds(10));
  BOOST_REQUIRE(l);
  BOOST_TEST(l->tokens == 2u);
  BOOST_TEST(l->who.scopes == 3);
  --l->tokens;
  BOOST_REQUIRE(cache.find(id(1), "hash-a", t0));
  --cache.find(id(1), "hash-a", t0)->tokens;
  // No tokens left: the lease is dropped, the tenant actor is asked again.
  BOOST_TEST(!cache.find(id(1), "hash-a", t0));
  BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(another_secret_or_key_finds_nothing) {
  auth_lease_cache cache;
  cache.keep(id(1), "hash-a", grant(5, 200), t0, t0);
  BOOST_TEST(!cache.find(id(1), "hash-b", t0));
  BOOST_TEST(!cache.find(id(2), "hash-a", t0));
  // The lease of the right secret survives a wrong guess.
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.find(id(1), "hash-a", t0));
}

BOOST_AUTO_TEST_CASE(a_lease_expires_counted_from_when_the_worker_asked) {
  auth_lease_cache cache;
  auto asked = t0;
  auto answered = t0 + milliseconds(150);
  cache.keep(id(1), "hash-a", grant(5, 200), asked, answered);
  BOOST_TEST(cache.find(id(1), "hash-a", t0 + milliseconds(199)));
  BOOST_TEST(!cache.find(id(1), "hash-a", t0 + milliseconds(200)));
  BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(grants_without_tokens_or_time_keep_nothing) {
  auth_lease_cache cache;
  cache.keep(id(1), "hash-a", grant(0, 200), t0, t0);
  cache.keep(id(2), "hash-a", grant(5, 0), t0, t0);
  BOOST_TEST(cache.size() == 0u);
  BOOST_TEST(!cache.find(id(1), "hash-a", t0));
}

BOOST_AUTO_TEST_CASE(a_second_grant_merges_and_the_earlier_deadline_holds) {
  auth_lease_cache cache;
  cache.keep(id(1), "hash-a", grant(3, 100), t0, t0);
  cache.keep(id(1), "hash-a", grant(4, 1000), t0 + milliseconds(50),
             t0 + milliseconds(50));
  auto* l = cache.find(id(1), "hash-a", t0 + milliseconds(60));
  BOOST_REQUIRE(l);
  BOOST_TEST(l->tokens == 7u);
  BOOST_TEST(!cache.find(id(1), "hash-a", t0 + milliseconds(100)));
}

BOOST_AUTO_TEST_CASE(a_grant_for_another_secret_replaces_the_lease) {
  // A key whose secret changed (a new key under the same id): the old secret's lease
  // must not serve any longer, nor lend it its tokens.
  auth_lease_cache cache;
  cache.keep(id(1), "hash-a", grant(3, 1000), t0, t0);
  cache.keep(id(1), "hash-b", grant(1, 1000), t0, t0);
  BOOST_TEST(!cache.find(id(1), "hash-a", t0));
  auto* l = cache.find(id(1), "hash-b", t0);
  BOOST_REQUIRE(l);
  BOOST_TEST(l->tokens == 1u);
}

BOOST_AUTO_TEST_CASE(a_full_cache_drops_expired_leases_first_then_all) {
  auth_lease_cache cache(3);
  cache.keep(id(1), "h", grant(5, 100), t0, t0);
  cache.keep(id(2), "h", grant(5, 100), t0, t0);
  cache.keep(id(3), "h", grant(5, 10000), t0, t0);
  BOOST_TEST(cache.size() == 3u);
  // Full: the two expired leases go, the live one stays.
  auto later = t0 + milliseconds(500);
  cache.keep(id(4), "h", grant(5, 10000), later, later);
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.find(id(3), "h", later));
  BOOST_TEST(cache.find(id(4), "h", later));
  // Full of live leases: all of them go (never more than the bound).
  cache.keep(id(5), "h", grant(5, 10000), later, later);
  BOOST_TEST(cache.size() == 3u);
  cache.keep(id(6), "h", grant(5, 10000), later, later);
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.find(id(6), "h", later));
  BOOST_TEST(!cache.find(id(3), "h", later));
}

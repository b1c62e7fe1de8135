#define BOOST_TEST_MODULE hash_ring
#include <boost/test/unit_test.hpp>

#include <map>

#include "runtime/cluster/hash_ring.hpp"

using namespace kyb::runtime;

BOOST_AUTO_TEST_CASE(every_shard_has_one_owner_and_load_is_spread) {
  hash_ring ring({"node-1", "node-2", "node-3"});
  std::map<std::string, int> per;
  for (uint32_t s = 0; s < 256; ++s)
    ++per[ring.owner(s)];
  BOOST_TEST(per.size() == 3u);
  for (auto& [node, n] : per)
    BOOST_TEST((n > 50 && n < 120), node << " owns " << n << " of 256");
  // Deterministic: the same members in another order give the same owners.
  hash_ring again({"node-3", "node-1", "node-2"});
  for (uint32_t s = 0; s < 256; ++s)
    BOOST_TEST(ring.owner(s) == again.owner(s));
}

BOOST_AUTO_TEST_CASE(a_leaving_member_moves_only_its_own_shards) {
  hash_ring three({"node-1", "node-2", "node-3"});
  hash_ring two({"node-1", "node-2"});
  for (uint32_t s = 0; s < 1024; ++s) {
    if (three.owner(s) != "node-3")
      BOOST_TEST(two.owner(s) == three.owner(s), "shard " << s << " moved needlessly");
    else
      BOOST_TEST(two.owner(s) != "node-3");
  }
  hash_ring four({"node-1", "node-2", "node-3", "node-4"});
  for (uint32_t s = 0; s < 1024; ++s)
    if (four.owner(s) != "node-4")
      BOOST_TEST(four.owner(s) == three.owner(s), "shard " << s << " moved needlessly");
}

BOOST_AUTO_TEST_CASE(shards_of_entities_are_stable_and_spread) {
  auto id = kyb::base::uuid::parse("0189d3e8-0000-7000-8000-000000000001").value();
  BOOST_TEST(shard_of(2, id, 256) == shard_of(2, id, 256));
  BOOST_TEST(shard_of(1, id, 256) != shard_of(2, id, 256)); // kind is part of the key
  std::map<uint32_t, int> hits;
  for (int i = 0; i < 10000; ++i)
    ++hits[shard_of(2, kyb::base::uuid::make_v7(), 64)];
  BOOST_TEST(hits.size() == 64u);
  for (auto& [s, n] : hits)
    BOOST_TEST((n > 80 && n < 250));
  BOOST_TEST(hash_ring({}).owner(3).empty());
}

#define BOOST_TEST_MODULE cache
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/cache/cache_key.hpp"
#include "runtime/cache/cache_registry.hpp"
#include "runtime/cache/clock_ring.hpp"
#include "runtime/cache/ttl_cache.hpp"

using namespace kyb::runtime;
using namespace std::chrono;
using clock_type = ttl_cache<int>::clock;

namespace {

/// A private registry per test, with a 100 s TTL for risk assessments.
struct fixture {
  fixture() {
    cache_policy p;
    p.ttl = seconds(100);
    p.hot_accesses_per_hour = 60;
    p.max_per_actor = 3;
    p.max_per_node = 5;
    reg.set_policy(cache_type::risk_assessment, p);
  }
  cache_registry reg;
  clock_type::time_point t0 = clock_type::time_point{} + hours(1000);
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ttl, fixture)

BOOST_AUTO_TEST_CASE(entries_expire_at_their_ttl) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  BOOST_TEST(!c.get("a", t0).value);
  c.put("a", 1, t0);
  BOOST_TEST(*c.get("a", t0 + seconds(10)).value == 1);
  BOOST_TEST(!c.get("a", t0 + seconds(100)).value);
  auto& n = reg.counters(cache_type::risk_assessment);
  BOOST_TEST(n.hits->Value() == 1);
  BOOST_TEST(n.misses->Value() == 2);
  BOOST_TEST(n.expirations->Value() == 1);
  BOOST_TEST(n.hit_rate() == 1.0 / 3.0);
  BOOST_TEST(n.entries.load() == 0);
}

BOOST_AUTO_TEST_CASE(cold_entries_refresh_at_80_percent_once) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  c.put("a", 1, t0);
  BOOST_TEST(!c.get("a", t0 + seconds(79)).refresh_due);
  auto r = c.get("a", t0 + seconds(81));
  BOOST_TEST(*r.value == 1); // still served
  BOOST_TEST(r.refresh_due);
  BOOST_TEST(!c.get("a", t0 + seconds(82)).refresh_due); // one refresh at a time
  c.put("a", 2, t0 + seconds(83));
  auto after = c.get("a", t0 + seconds(84));
  BOOST_TEST(*after.value == 2);
  BOOST_TEST(!after.refresh_due);
  BOOST_TEST(reg.counters(cache_type::risk_assessment).refreshes->Value() == 1);
}

BOOST_AUTO_TEST_CASE(hot_entries_refresh_earlier_down_to_60_percent) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  c.put("hot", 1, t0);
  // 60 reads within the first minute: 60 per hour (the hot rate) -> frequency 1.
  for (int i = 0; i < 60; ++i)
    BOOST_TEST(!c.get("hot", t0 + seconds(i)).refresh_due);
  BOOST_TEST(c.access_frequency("hot", t0 + seconds(60)) == 1.0);
  BOOST_TEST(!c.get("hot", t0 + seconds(60)).refresh_due);
  BOOST_TEST(c.get("hot", t0 + seconds(61)).refresh_due); // 0.6 * 100 s
  // A half-hot key (30 reads): 0.8 - 0.2 * 0.5 = 70 %.
  c.put("warm", 1, t0);
  for (int i = 0; i < 29; ++i)
    c.get("warm", t0 + seconds(i));
  BOOST_TEST(!c.get("warm", t0 + seconds(69)).refresh_due);
  BOOST_TEST(c.get("warm", t0 + seconds(71)).refresh_due);
}

BOOST_AUTO_TEST_CASE(failed_refresh_serves_until_ttl_then_reports) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  c.put("a", 7, t0);
  BOOST_TEST(c.get("a", t0 + seconds(85)).refresh_due);
  c.refresh_failed("a", "registry timed out");
  auto r = c.get("a", t0 + seconds(90));
  BOOST_TEST(*r.value == 7);
  BOOST_TEST(r.refresh_due); // may try again
  c.refresh_failed("a", "registry timed out");
  auto gone = c.get("a", t0 + seconds(100));
  BOOST_TEST(!gone.value);
  BOOST_REQUIRE(gone.error);
  BOOST_TEST(*gone.error == "registry timed out");
  BOOST_TEST(reg.counters(cache_type::risk_assessment).refresh_failures->Value() == 2);
}

BOOST_AUTO_TEST_CASE(invalidation_and_bounds) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  c.put("a", 1, t0);
  c.invalidate("a");
  BOOST_TEST(!c.get("a", t0).value);
  // Per actor: at most 3, least recently used goes first.
  c.put("a", 1, t0);
  c.put("b", 2, t0 + seconds(1));
  c.put("c", 3, t0 + seconds(2));
  c.get("a", t0 + seconds(3));
  c.put("d", 4, t0 + seconds(4));
  BOOST_TEST(c.size() == 3u);
  BOOST_TEST(!c.get("b", t0 + seconds(5)).value);
  BOOST_TEST(c.get("a", t0 + seconds(5)).value);
  // Per node: 5 entries in all; a second actor can hold 2 more, then evicts its own.
  ttl_cache<int> other(cache_type::risk_assessment, reg);
  other.put("x", 1, t0);
  other.put("y", 1, t0 + seconds(1));
  BOOST_TEST(reg.counters(cache_type::risk_assessment).entries.load() == 5);
  other.put("z", 1, t0 + seconds(2));
  BOOST_TEST(other.size() == 2u);
  BOOST_TEST(!other.get("x", t0 + seconds(3)).value);
  BOOST_TEST(reg.counters(cache_type::risk_assessment).entries.load() == 5);
  // A third actor finds the node full and nothing of its own to give up: not stored,
  // and put() says so (a caller publishing what it cached must not publish this).
  ttl_cache<int> third(cache_type::risk_assessment, reg);
  BOOST_TEST(!third.put("w", 1, t0 + seconds(4)));
  BOOST_TEST(!third.get("w", t0 + seconds(4)).value);
  BOOST_TEST(other.put("z", 2, t0 + seconds(4))); // a replacement is stored
  c.clear();
  BOOST_TEST(reg.counters(cache_type::risk_assessment).entries.load() == 2);
}

BOOST_AUTO_TEST_CASE(shared_caches_are_bounded_by_the_node_alone) {
  ttl_cache<int> shared(cache_type::risk_assessment, reg, cache_scope::shared);
  auto evicted_before = reg.counters(cache_type::risk_assessment).evictions->Value();
  for (int i = 0; i < 5; ++i)
    shared.put("k" + std::to_string(i), i, t0 + seconds(i));
  BOOST_TEST(shared.size() == 5u);    // past max_per_actor (3)
  shared.get("k0", t0 + seconds(10)); // k0 is now the most recent; k1 the oldest
  shared.put("k5", 5, t0 + seconds(11));
  BOOST_TEST(shared.size() == 5u);
  BOOST_TEST(!shared.get("k1", t0 + seconds(12)).value);
  BOOST_TEST(*shared.get("k0", t0 + seconds(12)).value == 0);
  BOOST_TEST(reg.counters(cache_type::risk_assessment).evictions->Value() ==
             evicted_before + 1);
  BOOST_TEST(reg.counters(cache_type::risk_assessment).entries.load() == 5);
}

BOOST_AUTO_TEST_CASE(statistics_show_each_cache_as_kybctl_reads_it) {
  ttl_cache<int> cache(cache_type::risk_assessment, reg, cache_scope::actor);
  auto before = reg.statistics()["risk_assessment"];
  cache.put("a", 1, t0);
  cache.get("a", t0 + seconds(1));
  cache.get("b", t0 + seconds(1));
  auto j = reg.statistics();
  BOOST_TEST(j.size() == cache_type_count);
  auto& r = j["risk_assessment"];
  BOOST_TEST(r["ttl_ms"].get<int64_t>() == 100000);
  BOOST_TEST(r["entries"].get<int64_t>() == before["entries"].get<int64_t>() + 1);
  BOOST_TEST(r["hits"].get<double>() == before["hits"].get<double>() + 1);
  BOOST_TEST(r["misses"].get<double>() == before["misses"].get<double>() + 1);
  for (auto& [name, c] : j.items())
    BOOST_TEST_CONTEXT(name) {
      for (auto* field : {"entries", "hits", "misses", "hit_rate", "refreshes",
                          "refresh_failures", "evictions", "ttl_ms"})
        BOOST_TEST(c.contains(field));
    }
}

BOOST_AUTO_TEST_CASE(lru_order_survives_many_replacements) {
  ttl_cache<int> c(cache_type::risk_assessment, reg);
  c.put("a", 1, t0);
  c.put("b", 1, t0);
  c.put("c", 1, t0);
  for (int i = 0; i < 100; ++i)
    c.put(i % 2 ? "a" : "b", i, t0 + seconds(1)); // a and b stay recent
  c.put("d", 4, t0 + seconds(2));
  BOOST_TEST(!c.get("c", t0 + seconds(3)).value);
  BOOST_TEST(c.get("a", t0 + seconds(3)).value);
  BOOST_TEST(c.get("b", t0 + seconds(3)).value);
  BOOST_TEST(c.get("d", t0 + seconds(3)).value);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(cache_keys_match_those_python_computes) {
  // Expected values computed in Python 3.11 as prefix + ":" + the first 16 hex digits of
  // hashlib.sha256(json.dumps(data, sort_keys=True).encode()) (str(data) for a string).
  nlohmann::json data = {{"name", "Acme Widgets"},
                         {"country", "US"},
                         {"description", nullptr},
                         {"score", 0.1},
                         {"n", 3},
                         {"tags", {"a", "\xc3\xa9"}},
                         {"big", 1e16},
                         {"small", 1e-05},
                         {"nested", {{"z", true}, {"a", 1.0}}}};
  BOOST_TEST(python_json_dumps(data) ==
             R"({"big": 1e+16, "country": "US", "description": null, "n": 3, "name": )"
             R"("Acme Widgets", "nested": {"a": 1.0, "z": true}, "score": 0.1, "small": )"
             R"(1e-05, "tags": ["a", "\u00e9"]})");
  BOOST_TEST(generate_cache_key("classification", data) ==
             "classification:d0390e5ba8507d64");
  BOOST_TEST(generate_cache_key("risk", "business-123") == "risk:5bac0387b0737733");
  nlohmann::json odd = {{"emoji", "\xf0\x9f\x98\x80"},
                        {"ctl", "a\x01"
                                "b\n"}};
  BOOST_TEST(python_json_dumps(odd) ==
             R"({"ctl": "a\u0001b\n", "emoji": "\ud83d\ude00"})");
}

namespace {

struct shared_thing {
  explicit shared_thing(int v) : value(v) {}
  int value;
  mutable std::atomic<bool> used{false};
};

} // namespace

BOOST_AUTO_TEST_CASE(clock_ring_keeps_the_recently_used) {
  clock_ring<const shared_thing> ring(3);
  std::vector<std::weak_ptr<const shared_thing>> owners;
  for (int i = 0; i < 3; ++i) {
    std::shared_ptr<const shared_thing> x(new shared_thing(i));
    owners.push_back(x);
    ring.hold(x);
  }
  BOOST_TEST(ring.size() == 3u);
  // Full. The hand passes every object once (clearing the marks a hold set), then
  // drops the first it finds unused: 0.
  std::shared_ptr<const shared_thing> a(new shared_thing(3));
  ring.hold(a);
  BOOST_TEST(owners[0].expired());
  BOOST_TEST(!owners[1].expired());
  BOOST_TEST(!owners[2].expired());
  // 1 is read again: the next hold passes it and drops 2.
  clock_ring<const shared_thing>::touch(*owners[1].lock());
  std::shared_ptr<const shared_thing> b(new shared_thing(4));
  ring.hold(b);
  BOOST_TEST(!owners[1].expired());
  BOOST_TEST(owners[2].expired());
  BOOST_TEST(ring.size() == 3u);
  BOOST_TEST(ring.evictions() == 2u);
}

BOOST_AUTO_TEST_CASE(clock_ring_does_not_free_what_a_reader_holds) {
  clock_ring<const shared_thing> ring(1);
  std::shared_ptr<const shared_thing> kept(new shared_thing(1));
  std::weak_ptr<const shared_thing> seen = kept;
  ring.hold(kept);
  ring.hold(std::shared_ptr<const shared_thing>(new shared_thing(2)));
  BOOST_TEST(!seen.expired()); // out of the ring, still read
  BOOST_TEST(kept->value == 1);
  kept.reset();
  BOOST_TEST(seen.expired());
}

BOOST_AUTO_TEST_CASE(clock_ring_of_capacity_zero_holds_nothing) {
  clock_ring<const shared_thing> ring(0);
  std::shared_ptr<const shared_thing> x(new shared_thing(1));
  std::weak_ptr<const shared_thing> w = x;
  ring.hold(x);
  x.reset();
  BOOST_TEST(w.expired());
  BOOST_TEST(ring.size() == 0u);
}

BOOST_AUTO_TEST_CASE(clock_ring_under_concurrent_holds) {
  clock_ring<const shared_thing> ring(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&ring, t] {
      for (int i = 0; i < 5000; ++i) {
        std::shared_ptr<const shared_thing> x(new shared_thing(t * 10000 + i));
        ring.hold(x);
        clock_ring<const shared_thing>::touch(*x);
      }
    });
  for (auto& th : threads)
    th.join();
  BOOST_TEST(ring.size() == 64u);
  BOOST_TEST(ring.evictions() == 4u * 5000u - 64u);
}

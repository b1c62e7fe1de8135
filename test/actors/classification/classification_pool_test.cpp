// The classification service as the node runs it: a pool of workers over the one loaded
// model and the node's one prediction cache. Every worker answers as the engine does, the
// inputs spread over the workers, a repeated input is answered from the cache whichever
// thread asks (a worker, or a thread classifying itself as the HTTP workers do), the
// cache key tells every field apart, bad input is refused naming the field, and a worker
// that crashes takes the pool down for the supervisor to restart it whole.
#define BOOST_TEST_MODULE classification_pool
#include <boost/test/unit_test.hpp>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/classification/classification_actor.hpp"
#include "actors/classification/labelled_data.hpp"
#include "runtime/cache/cache_registry.hpp"
#include "runtime/error.hpp"
#include "test/actors/classification/test_paths.hpp"

using namespace kyb;
using namespace kyb::classification::test;
using namespace std::chrono_literals;

namespace {

struct fixture {
  fixture() : sys(cfg_init()) {
    auto loaded = classification::classifier::load(model_path);
    BOOST_REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.err().to_string()));
    model = std::make_shared<const classification::classifier>(std::move(*loaded));
    auto rows = classification::load_labelled_brands(labelled_path);
    BOOST_REQUIRE(rows);
    for (size_t i = 0; i < rows->size() && inputs.size() < 60; i += 97)
      inputs.push_back(
          classification::to_input((*rows)[i], classification::input_mode::described));
  }
  static caf::actor_system_config& cfg_init() {
    static caf::actor_system_config cfg;
    static bool once = [] {
      actors::register_classification_types(cfg);
      return true;
    }();
    (void)once;
    return cfg;
  }

  /// The pool's answer to `in`, or its error.
  caf::expected<classification::classification_result>
  ask(const actors::classification_actor& pool,
      const classification::classification_input& in) {
    caf::scoped_actor self{sys};
    caf::expected<classification::classification_result> out{caf::error{}};
    self->request(pool, 10s, actors::classify_atom::value, in)
        .receive([&](classification::classification_result& r) { out = std::move(r); },
                 [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  double prediction_hits() const {
    return runtime::cache_registry::global()
        .counters(runtime::cache_type::model_predictions)
        .hits->Value();
  }

  caf::actor_system sys;
  std::shared_ptr<const classification::classifier> model;
  std::shared_ptr<actors::prediction_cache> cache =
      std::make_shared<actors::prediction_cache>();
  std::vector<classification::classification_input> inputs;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(classification_pool, fixture)

BOOST_AUTO_TEST_CASE(every_worker_answers_as_the_engine_does) {
  auto pool = actors::spawn_classification_actor(sys, model, cache, 3);
  // Requests from four threads at once, answered by all three workers.
  std::map<size_t, classification::classification_result> answers;
  std::mutex mtx;
  std::vector<std::thread> clients;
  for (size_t t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      for (size_t i = t; i < inputs.size(); i += 4)
        if (auto r = ask(pool, inputs[i])) {
          std::lock_guard<std::mutex> guard(mtx);
          answers[i] = std::move(*r);
        }
    });
  for (auto& c : clients)
    c.join();
  BOOST_REQUIRE_EQUAL(answers.size(), inputs.size());
  std::set<size_t> workers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto direct = model->classify_valid(inputs[i]);
    BOOST_TEST(answers[i].mcc.code == direct.mcc.code);
    BOOST_TEST(answers[i].mcc.confidence == direct.mcc.confidence);
    BOOST_TEST(answers[i].naics.code == direct.naics.code);
    BOOST_TEST(answers[i].needs_review == direct.needs_review);
    workers.insert(actors::classification_worker_of(inputs[i], 3));
  }
  // The inputs spread over every worker.
  BOOST_TEST(workers.size() == 3u);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_repeated_input_is_answered_from_the_shared_prediction_cache) {
  auto pool = actors::spawn_classification_actor(sys, model, cache, 4);
  classification::classification_input in;
  in.legal_name = "Pool Test Bakery " + std::to_string(::getpid());
  in.description = "family bakery selling bread and cakes";
  in.country = "US";
  // The worker is a function of the input alone.
  auto worker = actors::classification_worker_of(in, 4);
  BOOST_TEST(actors::classification_worker_of(in, 4) == worker);
  BOOST_TEST(actors::classification_worker_of(in, 1) == 0u);
  const double before = prediction_hits();
  auto first = ask(pool, in);
  BOOST_REQUIRE(first);
  BOOST_TEST(prediction_hits() == before);
  // Asked again, many times, by the pool and by other threads classifying themselves
  // (as the HTTP workers do): every time the one cache.
  for (int i = 0; i < 4; ++i) {
    auto again = ask(pool, in);
    BOOST_REQUIRE(again);
    BOOST_TEST(again->mcc.code == first->mcc.code);
  }
  std::vector<actors::prediction_cache::value_ptr> seen(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back(
        [&, t] { seen[t] = actors::classify_through(*model, *cache, in); });
  for (auto& t : threads)
    t.join();
  for (const auto& v : seen) {
    BOOST_REQUIRE(v);
    BOOST_TEST(v == seen[0]); // the same cached entry, not a classification of its own
    BOOST_TEST(v->result.mcc.code == first->mcc.code);
  }
  BOOST_TEST(prediction_hits() == before + 8);
  // Another input is classified, not found.
  in.description = "family bakery selling bread, cakes and coffee";
  auto other = actors::classify_through(*model, *cache, in);
  BOOST_TEST(other != seen[0]);
  BOOST_TEST(prediction_hits() == before + 8);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(the_cache_key_tells_every_field_apart) {
  using actors::prediction_cache;
  classification::classification_input a, b;
  a.legal_name = "ab";
  a.dba_name = "c";
  b.legal_name = "a";
  b.dba_name = "bc";
  BOOST_TEST(prediction_cache::key_of(a) != prediction_cache::key_of(b));
  b = a;
  BOOST_TEST(prediction_cache::key_of(a) == prediction_cache::key_of(b));
  b.country = "US";
  BOOST_TEST(prediction_cache::key_of(a) != prediction_cache::key_of(b));
  b = a;
  b.description = "c";
  b.dba_name = "";
  BOOST_TEST(prediction_cache::key_of(a) != prediction_cache::key_of(b));
  // A long website text is keyed by its digest: a one-byte change is another key, and the
  // key stays short.
  a.website_text = std::string(100000, 'x');
  b = a;
  b.website_text.back() = 'y';
  BOOST_TEST(prediction_cache::key_of(a) != prediction_cache::key_of(b));
  BOOST_TEST(prediction_cache::key_of(a).size() < 200u);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_naming_the_field) {
  auto pool = actors::spawn_classification_actor(sys, model, cache, 2);
  classification::classification_input in;
  in.legal_name = "Acme";
  in.country = "ZZ";
  auto r = ask(pool, in);
  BOOST_REQUIRE(!r);
  BOOST_TEST((code_of(r.error()) == errc::invalid_argument));
  in.country = "US";
  in.legal_name = std::string(2000, 'a');
  BOOST_TEST(!ask(pool, in));
  // And the pool still serves.
  in.legal_name = "Acme Hardware Store";
  BOOST_TEST(static_cast<bool>(ask(pool, in)));
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_crashed_worker_takes_the_pool_down) {
  auto pool = actors::spawn_classification_actor(sys, model, cache, 3);
  caf::scoped_actor self{sys};
  std::vector<caf::actor> workers;
  self->request(caf::actor_cast<caf::actor>(pool), 5s, caf::sys_atom::value,
                caf::get_atom::value)
      .receive([&](std::vector<caf::actor>& ws) { workers = std::move(ws); },
               [](caf::error&) {});
  BOOST_REQUIRE_EQUAL(workers.size(), 3u);
  self->monitor(pool);
  self->monitor(workers[2]);
  caf::anon_send_exit(workers[0], caf::exit_reason::kill);
  // The pool goes down with the crash's reason, and the other workers with it.
  std::set<caf::actor_addr> down;
  caf::error pool_reason;
  for (int i = 0; i < 2; ++i)
    self->receive(
        [&](caf::down_msg& dm) {
          down.insert(dm.source);
          if (dm.source == pool.address())
            pool_reason = dm.reason;
        },
        caf::after(10s) >> [] {});
  BOOST_TEST(down.count(pool.address()) == 1u);
  BOOST_TEST(down.count(workers[2].address()) == 1u);
  BOOST_TEST((pool_reason == caf::exit_reason::kill));
}

BOOST_AUTO_TEST_SUITE_END()

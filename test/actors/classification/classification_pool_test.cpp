// The classification service as the node runs it: a pool of workers over the one loaded
// model. Every worker answers as the engine does, a request goes to the worker its input
// hashes to (so a repeated input meets the worker that cached it), bad input is refused
// naming the field, and a worker that crashes takes the pool down for the supervisor to
// restart it whole.
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
  std::vector<classification::classification_input> inputs;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(classification_pool, fixture)

BOOST_AUTO_TEST_CASE(every_worker_answers_as_the_engine_does) {
  auto pool = actors::spawn_classification_actor(sys, model, 3);
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

BOOST_AUTO_TEST_CASE(a_repeated_input_meets_the_worker_that_cached_it) {
  auto pool = actors::spawn_classification_actor(sys, model, 4);
  classification::classification_input in;
  in.legal_name = "Pool Test Bakery " + std::to_string(::getpid());
  in.description = "family bakery selling bread and cakes";
  in.country = "US";
  // The worker is a function of the input alone, and changes with it.
  auto worker = actors::classification_worker_of(in, 4);
  BOOST_TEST(actors::classification_worker_of(in, 4) == worker);
  BOOST_TEST(actors::classification_worker_of(in, 1) == 0u);
  const double before = prediction_hits();
  auto first = ask(pool, in);
  BOOST_REQUIRE(first);
  BOOST_TEST(prediction_hits() == before);
  // Asked again, many times: every time the same worker, every time its cache.
  for (int i = 0; i < 8; ++i) {
    auto again = ask(pool, in);
    BOOST_REQUIRE(again);
    BOOST_TEST(again->mcc.code == first->mcc.code);
  }
  BOOST_TEST(prediction_hits() == before + 8);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_naming_the_field) {
  auto pool = actors::spawn_classification_actor(sys, model, 2);
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
  auto pool = actors::spawn_classification_actor(sys, model, 3);
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

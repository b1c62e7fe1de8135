#include "actors/classification/classification_actor.hpp"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <caf/actor_pool.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/classification/business_classification.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

namespace {

struct classification_state {
  static inline const char* name = "kyb.classification";
  std::shared_ptr<const classification::classifier> model;
  /// The node's prediction cache: identical inputs are answered without inference.
  std::shared_ptr<prediction_cache> predictions;
};

/// The API field an engine input error is about, and its message in the API's names
/// (the engine calls the name legal_name; the API calls it name).
std::pair<std::string, std::string> api_error(const classification::error& e) {
  static const std::pair<const char*, const char*> fields[] = {
      {"legal_name", "name"},
      {"dba_name", "dba_name"},
      {"description", "description"},
      {"website_text", "website_text"},
      {"country", "country"}};
  // The field as a JSON pointer, like every other field error of the API.
  for (const auto& [engine, api] : fields)
    if (e.message.rfind(engine, 0) == 0)
      return {std::string("/") + api, api + e.message.substr(std::string(engine).size())};
  return {"", e.message};
}

} // namespace

void register_classification_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<classification::classification_input>("kyb::classification_input");
  cfg.add_message_type<classification::classification_result>(
      "kyb::classification_result");
  cfg.add_message_type<business_classification>("kyb::business_classification");
  cfg.add_message_type<classification_actor>("kyb::classification_actor");
}

namespace {

/// One worker of the pool: the model and the node's prediction cache.
classification_actor
spawn_classification_worker(caf::actor_system& sys,
                            std::shared_ptr<const classification::classifier> model,
                            std::shared_ptr<prediction_cache> predictions) {
  auto fn =
      [](classification_actor::stateful_pointer<classification_state> self,
         std::shared_ptr<const classification::classifier> m,
         std::shared_ptr<prediction_cache> cache) -> classification_actor::behavior_type {
    auto& st = self->state;
    st.model = std::move(m);
    st.predictions = std::move(cache);
    auto& metrics = base::metrics_registry::global();
    const auto& version = st.model->get_model().version;
    const auto& eval = st.model->get_model().evaluation;
    auto& accuracy = metrics.gauge("kyb_classification_accuracy_ratio",
                                   "Current classification model accuracy",
                                   {"model_version", "classification_type"});
    // Measured on callers who describe the business (the API's usual input); the
    // name-only figures are the *_name_only types.
    for (auto [suffix, s] :
         {std::pair{"", &eval.described}, std::pair{"_name_only", &eval.name_only}}) {
      accuracy.with({version, std::string("mcc") + suffix}).Set(s->top1);
      accuracy.with({version, std::string("mcc_top3") + suffix}).Set(s->top3);
      accuracy.with({version, std::string("naics") + suffix}).Set(s->naics);
      accuracy.with({version, std::string("sic") + suffix}).Set(s->sic);
    }
    return {
        [self](classify_atom, const classification::classification_input& in)
            -> caf::result<classification::classification_result> {
          auto& st = self->state;
          // Only valid input reaches the cache.
          if (auto bad = classification::validate_input(in, st.model->limits)) {
            auto [field, message] = api_error(*bad);
            return make_error(errc::invalid_argument, message, field);
          }
          return classify_through(*st.model, *st.predictions, in)->result;
        },
    };
  };
  return sys.spawn(fn, std::move(model), std::move(predictions));
}

} // namespace

size_t classification_worker_of(const classification::classification_input& in,
                                size_t workers) {
  if (workers <= 1)
    return 0;
  uint64_t h = 1469598103934665603ULL;
  for (const auto* field :
       {&in.legal_name, &in.dba_name, &in.description, &in.website_text, &in.country}) {
    for (unsigned char c : *field)
      h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xFFu) * 1099511628211ULL; // field separator
  }
  return static_cast<size_t>(h % workers);
}

classification_actor spawn_classification_actor(
    caf::actor_system& sys, std::shared_ptr<const classification::classifier> model,
    std::shared_ptr<prediction_cache> predictions, size_t workers) {
  if (workers == 0)
    workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<caf::actor> spawned;
  auto policy = [](caf::actor_system&, caf::actor_pool::uplock& guard,
                   const caf::actor_pool::actor_vec& vec, caf::mailbox_element_ptr& ptr,
                   caf::execution_unit* host) {
    size_t pick = 0;
    const auto& content = ptr->content();
    if (content.match_elements<classify_atom, classification::classification_input>())
      pick = classification_worker_of(
          content.get_as<classification::classification_input>(1), vec.size());
    auto selected = vec[pick];
    guard.unlock();
    selected->enqueue(std::move(ptr), host);
  };
  auto pool = caf::actor_pool::make(
      sys.dummy_execution_unit(), workers,
      [&] {
        spawned.push_back(caf::actor_cast<caf::actor>(
            spawn_classification_worker(sys, model, predictions)));
        return spawned.back();
      },
      policy);
  // A worker that stops abnormally stops the pool (and with it the other workers): the
  // supervisor sees the service go down and restarts it whole. The pool is held weakly:
  // it owns its workers, and a worker must not keep it alive.
  caf::actor_addr weak_pool = pool.address();
  for (auto& w : spawned)
    w->attach_functor([weak_pool](const caf::error& reason) {
      if (!reason || reason == caf::exit_reason::user_shutdown ||
          reason == caf::exit_reason::normal)
        return;
      if (auto p = caf::actor_cast<caf::actor>(weak_pool))
        caf::anon_send(p, caf::exit_msg{caf::actor_addr{}, reason});
    });
  base::metrics_registry::global()
      .gauge("kyb_classification_workers",
             "Classification workers of this node's pool (one per core by default)", {})
      .with({})
      .Set(static_cast<double>(workers));
  return caf::actor_cast<classification_actor>(pool);
}

} // namespace kyb::actors

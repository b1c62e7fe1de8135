#include "actors/business/business_actor.hpp"
#include "actors/classification/classification_actor.hpp"
#include "net/classification_json.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;

/// The node's classification actor, or a 503 (no model configured) and nullptr.
runtime::actor_slot<classification_actor>* classifier_of(const exchange_ptr& ex) {
  const auto& slot = ex->services().classification;
  if (!slot)
    ex->reply_problem(problem_type::unavailable,
                      "no classification model is configured on this node "
                      "(classification.model_path)",
                      {{"Retry-After", "60"}});
  return slot.get();
}

/// The most text an HTTP worker classifies itself (bytes over every field).
constexpr size_t inline_limit = 2048;

size_t inline_size(const classification::classification_input& in) {
  return in.legal_name.size() + in.dba_name.size() + in.description.size() +
         in.website_text.size() + in.country.size();
}

} // namespace

void classify_business_text(const exchange_ptr& ex) {
  auto slot = classifier_of(ex);
  if (!slot)
    return;
  auto body = read_object(
      ex, {"name", "dba_name", "description", "website_text", "country"}, {"name"});
  if (!body)
    return;
  classification::classification_input in;
  in.legal_name = (*body)["name"].get<std::string>();
  in.dba_name = opt_string(*body, "dba_name").value_or("");
  in.description = opt_string(*body, "description").value_or("");
  in.website_text = opt_string(*body, "website_text").value_or("");
  in.country = opt_string(*body, "country").value_or("");
  // A short input (a name, a description: ~20 us) is classified here, on the HTTP
  // worker that parsed it, through the node's prediction cache; a long one (website
  // text), and bad input (the pool names the field), goes to the pool, so that no
  // worker keeps its other connections waiting long.
  const auto& svc = ex->services();
  if (svc.classification_model && svc.predictions && inline_size(in) <= inline_limit &&
      !classification::validate_input(in, svc.classification_model->limits)) {
    bool made = false;
    auto p =
        actors::classify_through(*svc.classification_model, *svc.predictions, in, &made);
    // A new classification is rendered for this answer alone (most inputs are never
    // asked again); one answered from the cache is rendered once and kept beside it.
    if (made) {
      ex->respond(200, "application/json", render_classification_result(p->result));
      return;
    }
    std::call_once(p->rendered.once,
                   [&] { p->rendered.text = render_classification_result(p->result); });
    ex->respond(200, "application/json", p->rendered.text);
    return;
  }
  ex->ask<classification::classification_result>(
      slot->get(),
      [ex](classification::classification_result& r) {
        ex->respond(200, "application/json", render_classification_result(r));
      },
      actors::classify_atom::value, std::move(in));
}

void classify_business(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  if (!ex->req.body.empty() && !read_object(ex, {}, {}))
    return; // a body, if any, must be an empty object
  auto slot = classifier_of(ex);
  if (!slot)
    return;
  // The classification the business actor's cache holds for the business as it is now,
  // published beside its view, answers without a message to the actor.
  if (ex->who && ex->who->has(scope_write)) {
    if (auto c = published_business_classification(
            ex->services().platform->directory->published(business_entity, *id),
            ex->who->tenant_id, ex->services().classification_model_version)) {
      ex->respond(200, "application/json", render_business_classification(*c));
      return;
    }
  }
  ex->ask_entity<business_classification>(
      business_entity, *id,
      [ex](business_classification& c) {
        ex->respond(200, "application/json", render_business_classification(c));
      },
      classify_atom::value, ex->meta(), slot->get(),
      ex->services().classification_model_version);
}

void get_business_classification(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_classification>(
      business_entity, *id,
      [ex](business_classification& c) {
        ex->respond(200, "application/json", render_business_classification(c));
      },
      latest_classification_atom::value, ex->meta());
}

} // namespace kyb::net::handlers

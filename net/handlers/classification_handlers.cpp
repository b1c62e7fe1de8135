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

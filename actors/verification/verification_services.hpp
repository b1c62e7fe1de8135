// The node's services a verification's steps call, as the node's supervisor keeps them
// (each slot holds the live instance; empty until the services start). A service a node
// does not run (no classification model, say) stays null: its step is skipped with that
// reason, never faked.
#pragma once

#include <memory>
#include <string>

#include "actors/classification/classification_actor.hpp"
#include "actors/registry/business_registry.hpp"
#include "actors/screening/screening_actor.hpp"
#include "actors/website/business_website.hpp"
#include "runtime/supervision/actor_slot.hpp"

namespace kyb::actors {

struct verification_services {
  template <class Handle>
  using slot = std::shared_ptr<runtime::actor_slot<Handle>>;

  slot<screening_actor> screening =
      std::make_shared<runtime::actor_slot<screening_actor>>();
  slot<classification_actor> classification =
      std::make_shared<runtime::actor_slot<classification_actor>>();
  std::string classification_model_version;
  slot<website_actor> website = std::make_shared<runtime::actor_slot<website_actor>>();
  slot<registry_actor> registry = std::make_shared<runtime::actor_slot<registry_actor>>();
};

} // namespace kyb::actors

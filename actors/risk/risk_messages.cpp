#include "actors/risk/risk_messages.hpp"

#include <caf/actor_system_config.hpp>

namespace kyb::actors {

void register_risk_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<risk_rules_version>("kyb::risk_rules_version");
}

} // namespace kyb::actors

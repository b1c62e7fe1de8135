#include "actors/risk/risk_messages.hpp"

#include <caf/actor_system_config.hpp>

#include "actors/business/risk_trends.hpp"

namespace kyb::actors {

void register_risk_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<risk_rules_version>("kyb::risk_rules_version");
  cfg.add_message_type<risk_trends_query>("kyb::risk_trends_query");
  cfg.add_message_type<risk_trends>("kyb::risk_trends");
}

} // namespace kyb::actors

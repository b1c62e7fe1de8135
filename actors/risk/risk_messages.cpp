#include "actors/risk/risk_messages.hpp"

#include <caf/actor_system_config.hpp>

#include "actors/business/risk_trends.hpp"
#include "actors/risk/business_risk.hpp"
#include "actors/risk/risk_monitor.hpp"

namespace kyb::actors {

void register_risk_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<risk_rules_version>("kyb::risk_rules_version");
  cfg.add_message_type<business_risk_data>("kyb::business_risk_data");
  cfg.add_message_type<std::vector<business_risk_data>>("kyb::business_risk_datas");
  cfg.add_message_type<business_risk>("kyb::business_risk");
  cfg.add_message_type<business_risk_page>("kyb::business_risk_page");
  cfg.add_message_type<risk_request>("kyb::risk_request");
  cfg.add_message_type<risk_monitor_status>("kyb::risk_monitor_status");
  cfg.add_message_type<risk_trends_query>("kyb::risk_trends_query");
  cfg.add_message_type<risk_trends>("kyb::risk_trends");
}

} // namespace kyb::actors

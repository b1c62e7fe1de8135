#include "actors/screening/screening_messages.hpp"

#include <caf/actor_system_config.hpp>

#include "actors/screening/business_screening.hpp"
#include "actors/screening/list_download.hpp"
#include "actors/screening/monitor_actor.hpp"
#include "actors/screening/screening_actor.hpp"

namespace kyb::actors {

void register_screening_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<screening::screening_query>("kyb::screening_query");
  cfg.add_message_type<std::vector<screening::screening_query>>("kyb::screening_queries");
  cfg.add_message_type<screening::screening_result>("kyb::screening_result");
  cfg.add_message_type<screening::comparison>("kyb::screening_comparison");
  cfg.add_message_type<batch_screening>("kyb::batch_screening");
  cfg.add_message_type<lists_status>("kyb::lists_status");
  cfg.add_message_type<reload_report>("kyb::reload_report");
  cfg.add_message_type<monitor_progress>("kyb::monitor_progress");
  cfg.add_message_type<monitor_job>("kyb::monitor_job");
  cfg.add_message_type<download_request>("kyb::download_request");
  cfg.add_message_type<std::vector<download_result>>("kyb::download_results");
  cfg.add_message_type<screen_request>("kyb::screen_request");
  cfg.add_message_type<business_screening>("kyb::business_screening");
  cfg.add_message_type<stored_hit>("kyb::stored_hit");
  cfg.add_message_type<screening_actor>("kyb::screening_actor");
}

} // namespace kyb::actors

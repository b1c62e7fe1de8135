#include "actors/webhooks/webhook_messages.hpp"

namespace kyb::actors {

void register_webhook_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<webhook_endpoint_input>("kyb::webhook_endpoint_input");
  cfg.add_message_type<webhook_endpoint_data>("kyb::webhook_endpoint_data");
  cfg.add_message_type<std::vector<webhook_endpoint_data>>("kyb::webhook_endpoint_datas");
  cfg.add_message_type<webhook_delivery_data>("kyb::webhook_delivery_data");
  cfg.add_message_type<std::vector<webhook_delivery_data>>("kyb::webhook_delivery_datas");
  cfg.add_message_type<webhook_delivery_page>("kyb::webhook_delivery_page");
  cfg.add_message_type<webhook_post>("kyb::webhook_post");
  cfg.add_message_type<webhook_post_result>("kyb::webhook_post_result");
}

} // namespace kyb::actors

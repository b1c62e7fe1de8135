#include "persistence/register_types.hpp"

#include "persistence/pg_types.hpp"
#include "persistence/redis_reply.hpp"

namespace kyb::persistence {

void register_types(caf::actor_system_config& cfg) {
  // add_message_type<T> also registers std::vector<T>.
  cfg.add_message_type<pg_statement>("kyb::persistence::pg_statement");
  cfg.add_message_type<pg_batch>("kyb::persistence::pg_batch");
  cfg.add_message_type<pg_rows>("kyb::persistence::pg_rows");
  cfg.add_message_type<pg_copy>("kyb::persistence::pg_copy");
  cfg.add_message_type<redis_reply>("kyb::persistence::redis_reply");
}

} // namespace kyb::persistence

#include "runtime/cluster/cluster_types.hpp"

#include <caf/actor_system_config.hpp>

#include "runtime/base/uuid.hpp"
#include "runtime/cluster/lease_manager.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::runtime {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<base::uuid>("kyb::uuid");
  cfg.add_message_type<member_info>("kyb::member_info");
  cfg.add_message_type<std::vector<member_info>>("kyb::member_infos");
  cfg.add_message_type<shard_lease>("kyb::shard_lease");
  cfg.add_message_type<std::vector<shard_lease>>("kyb::shard_leases");
  cfg.add_message_type<std::vector<std::string>>("kyb::strings");
  cfg.add_message_type<std::vector<std::pair<std::string, caf::actor>>>(
      "kyb::named_actors");
}

} // namespace kyb::runtime

#include "regions/routing.hpp"

namespace kyb::regions {

std::string routing_view::serving_region(std::string_view residency,
                                         std::string_view replica_group) const {
  if (!multi_region)
    return {};
  const auto& writer = table.write_region(residency);
  if (writer == self)
    return {};
  if (!replica_group.empty() && holds_replica_of(residency) && !table.is_fenced(self) &&
      fresh_groups.count(std::string(replica_group)) > 0)
    return {};
  return writer;
}

std::string residency_of_region(std::string_view region) {
  return region.rfind("eu-", 0) == 0 ? "eu" : "us";
}

} // namespace kyb::regions

#include "runtime/cluster/placement.hpp"

#include <vector>

namespace kyb::runtime {

namespace {

std::vector<std::string> ids_of(const std::map<std::string, member_info>& members) {
  std::vector<std::string> out;
  for (auto& [id, m] : members)
    out.push_back(id);
  return out;
}

} // namespace

placement_view::placement_view(std::string self_id, uint64_t version_no,
                               std::map<std::string, member_info> live, bool quorum,
                               uint32_t shard_count, uint32_t vnodes)
    : self(std::move(self_id)), version(version_no), members(std::move(live)),
      serving(quorum), shards(shard_count), ring(ids_of(members), vnodes) {}

const std::string& placement_view::owner(uint32_t shard) const noexcept {
  static const std::string none;
  return serving ? ring.owner(shard) : none;
}

const member_info* placement_view::member(const std::string& id) const {
  auto it = members.find(id);
  return it == members.end() ? nullptr : &it->second;
}

} // namespace kyb::runtime

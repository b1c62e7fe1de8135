#include "runtime/cluster/placement.hpp"

#include <vector>

namespace kyb::runtime {

namespace {

/// The members of `self`'s region: entities live in the region whose database they
/// write (regions/: each region's nodes own that region's shards and leases).
std::vector<std::string> ring_members(const std::string& self,
                                      const std::map<std::string, member_info>& members) {
  auto me = members.find(self);
  std::vector<std::string> out;
  for (auto& [id, m] : members)
    if (me == members.end() || m.region == me->second.region)
      out.push_back(id);
  return out;
}

} // namespace

placement_view::placement_view(std::string self_id, uint64_t version_no,
                               std::map<std::string, member_info> live, bool quorum,
                               uint32_t shard_count, uint32_t vnodes)
    : self(std::move(self_id)), version(version_no), members(std::move(live)),
      serving(quorum), shards(shard_count), ring(ring_members(self, members), vnodes) {}

const std::string& placement_view::owner(uint32_t shard) const noexcept {
  static const std::string none;
  return serving ? ring.owner(shard) : none;
}

const member_info* placement_view::member(const std::string& id) const {
  auto it = members.find(id);
  return it == members.end() ? nullptr : &it->second;
}

} // namespace kyb::runtime

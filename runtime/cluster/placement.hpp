// Where entities live right now: this node's view of the cluster (members, the ring,
// whether it holds a quorum) as an immutable snapshot, swapped atomically by the cluster
// agent and read lock-free by the directory on every request.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/cluster/hash_ring.hpp"
#include "runtime/cluster/member.hpp"

namespace kyb::runtime {

struct placement_view {
  placement_view(std::string self_id, uint64_t version_no,
                 std::map<std::string, member_info> live, bool quorum,
                 uint32_t shard_count, uint32_t vnodes);

  std::string self;
  uint64_t version = 0;
  std::map<std::string, member_info> members; ///< live members, self included
  bool serving = false; ///< this node is on the majority side: it may own shards
  uint32_t shards = 0;
  hash_ring ring;

  /// The member owning `shard` ("" when not serving).
  const std::string& owner(uint32_t shard) const noexcept;
  bool owns(uint32_t shard) const noexcept { return serving && owner(shard) == self; }
  /// The member record of `id`, or nullptr.
  const member_info* member(const std::string& id) const;
};

using placement_ptr = std::shared_ptr<const placement_view>;

/// The current placement of this node, readable from any thread.
class placement {
public:
  explicit placement(placement_ptr initial) : current_(std::move(initial)) {}

  placement_ptr current() const { return std::atomic_load(&current_); }
  void publish(placement_ptr next) { std::atomic_store(&current_, std::move(next)); }

private:
  placement_ptr current_;
};

} // namespace kyb::runtime

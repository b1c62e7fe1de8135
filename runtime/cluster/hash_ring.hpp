// Consistent hashing with virtual nodes: which member owns which shard. Entities map to
// a fixed number of shards; shards map to live members through the ring, so a
// membership change moves only the shards of the members that came or went.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/uuid.hpp"

namespace kyb::runtime {

/// A stable 64-bit hash (FNV-1a followed by a murmur-style finaliser): the same on
/// every node and every run.
uint64_t stable_hash(const void* data, size_t size) noexcept;
uint64_t stable_hash(const std::string& text) noexcept;

/// The shard of an entity (kind, id) among `shards`.
uint32_t shard_of(uint8_t kind, const base::uuid& id, uint32_t shards) noexcept;

class hash_ring {
public:
  /// A ring over `members` (node ids) with `vnodes` points each.
  hash_ring(std::vector<std::string> members, uint32_t vnodes = 128);

  /// The member owning `shard` ("" when the ring is empty).
  const std::string& owner(uint32_t shard) const noexcept;
  const std::vector<std::string>& members() const noexcept { return members_; }
  bool empty() const noexcept { return members_.empty(); }

private:
  struct point {
    uint64_t position;
    uint32_t member;
    friend bool operator<(const point& a, const point& b) {
      return a.position < b.position || (a.position == b.position && a.member < b.member);
    }
  };

  std::vector<std::string> members_;
  std::vector<point> points_;
};

} // namespace kyb::runtime

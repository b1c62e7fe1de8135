#include "runtime/cluster/hash_ring.hpp"

#include <algorithm>

namespace kyb::runtime {

uint64_t stable_hash(const void* data, size_t size) noexcept {
  auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  // FNV-1a spreads short keys poorly over the high bits: finish like MurmurHash3.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t stable_hash(const std::string& text) noexcept {
  return stable_hash(text.data(), text.size());
}

uint32_t shard_of(uint8_t kind, const base::uuid& id, uint32_t shards) noexcept {
  unsigned char buf[17];
  buf[0] = kind;
  std::copy(id.bytes.begin(), id.bytes.end(), buf + 1);
  return static_cast<uint32_t>(stable_hash(buf, sizeof buf) % shards);
}

hash_ring::hash_ring(std::vector<std::string> members, uint32_t vnodes)
    : members_(std::move(members)) {
  std::sort(members_.begin(), members_.end());
  members_.erase(std::unique(members_.begin(), members_.end()), members_.end());
  points_.reserve(members_.size() * vnodes);
  for (uint32_t m = 0; m < members_.size(); ++m)
    for (uint32_t v = 0; v < vnodes; ++v)
      points_.push_back({stable_hash(members_[m] + "#" + std::to_string(v)), m});
  std::sort(points_.begin(), points_.end());
}

const std::string& hash_ring::owner(uint32_t shard) const noexcept {
  static const std::string none;
  if (points_.empty())
    return none;
  auto pos = stable_hash("shard-" + std::to_string(shard));
  auto it = std::lower_bound(points_.begin(), points_.end(), point{pos, 0});
  if (it == points_.end())
    it = points_.begin();
  return members_[it->member];
}

} // namespace kyb::runtime

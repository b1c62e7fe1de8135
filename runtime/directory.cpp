#include "runtime/directory.hpp"

#include <caf/actor_cast.hpp>
#include <caf/attachable.hpp>
#include <caf/send.hpp>

namespace kyb::runtime {

directory::directory(caf::actor_system& sys) : sys_(sys) {
  for (auto& n : live_by_kind_)
    n.store(0);
}

void directory::register_kind(entity_kind kind, std::string name, factory make) {
  factories_[kind] = std::move(make);
  names_[kind] = std::move(name);
}

std::string directory::kind_name(entity_kind kind) const {
  return names_[kind];
}

caf::actor directory::resolve(entity_kind kind, const base::uuid& id) {
  if (!factories_[kind])
    return {};
  key k{kind, id};
  auto& s = shard_for(k);
  std::unique_lock<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  if (it != s.live.end())
    return it->second;
  // Spawning only allocates and schedules: safe under the shard lock, and holding it
  // guarantees one activation per entity on this node.
  auto hdl = factories_[kind](sys_, id);
  if (!hdl)
    return {};
  s.live.emplace(k, hdl);
  guard.unlock();
  ++live_;
  ++live_by_kind_[kind];
  ++activations_;
  auto addr = hdl.address();
  hdl->attach_functor([this, k, addr] { forget(k, addr); });
  return hdl;
}

caf::actor directory::find(entity_kind kind, const base::uuid& id) const {
  key k{kind, id};
  auto& s = shard_for(k);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  return it != s.live.end() ? it->second : caf::actor{};
}

void directory::forget(const key& k, const caf::actor_addr& who) {
  auto& s = shard_for(k);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  // A newer activation may already hold the slot: only remove the one that stopped.
  if (it != s.live.end() && it->second.address() == who) {
    s.live.erase(it);
    --live_;
    --live_by_kind_[k.kind];
  }
}

void directory::stop_all() {
  std::vector<caf::actor> all;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> guard(s.mtx);
    for (auto& [k, hdl] : s.live)
      all.push_back(hdl);
  }
  for (auto& hdl : all)
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
}

size_t directory::live_count() const noexcept {
  return live_.load();
}

size_t directory::live_count(entity_kind kind) const {
  return live_by_kind_[kind].load();
}

} // namespace kyb::runtime

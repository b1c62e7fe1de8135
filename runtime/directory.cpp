#include "runtime/directory.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/attachable.hpp>
#include <caf/send.hpp>

#include "runtime/cluster/member.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

directory::directory(caf::actor_system& sys, uint32_t shards)
    : sys_(sys), shards_(shards), placement_changed_ns_(now_ns()) {
  for (auto& n : live_by_kind_)
    n.store(0);
}

int64_t directory::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void directory::register_kind(entity_kind kind, std::string name, factory make,
                              relay_maker relay) {
  factories_[kind] = std::move(make);
  relays_[kind] = std::move(relay);
  names_[kind] = std::move(name);
  auto& m = base::metrics_registry::global();
  auto per_kind = [&](const char* metric, const char* help) {
    return &m.counter(metric, help, {"kind"}).with({names_[kind]});
  };
  activation_counter_[kind] =
      per_kind("kyb_runtime_activations_total", "Entity actors activated on this node");
  passivation_counter_[kind] =
      per_kind("kyb_runtime_passivations_total", "Entity actors stopped on this node");
  crash_counter_[kind] =
      &m.counter("kyb_supervisor_restarts_total",
                 "Children restarted by their supervisor", {"supervisor", "child"})
           .with({"entities", names_[kind]});
  lease_counter_[kind] =
      per_kind("kyb_runtime_read_leases_total",
               "Read leases this node granted on its entities' published answers "
               "(another node keeps the answer as a copy for cluster.read_lease)");
  copy_read_counter_[kind] =
      per_kind("kyb_runtime_read_copy_answers_total",
               "Plain reads of another node's entities answered here from a leased "
               "copy, without a message to that node");
}

std::string directory::kind_name(entity_kind kind) const {
  return names_[kind];
}

uint32_t directory::shard_of(entity_kind kind, const base::uuid& id) const noexcept {
  return runtime::shard_of(kind, id, shards_);
}

caf::actor directory::activate_locked(shard& s, const key& k, int64_t now) {
  auto hdl = factories_[k.kind](sys_, k.id);
  if (!hdl)
    return {};
  s.live[k] = entry{hdl, false, {}, now, {}};
  ++live_;
  ++live_by_kind_[k.kind];
  ++activations_;
  activation_counter_[k.kind]->Increment();
  return hdl;
}

void directory::watch(const key& k, const caf::actor& hdl, bool proxy) {
  // Never under a bucket lock: an actor that already stopped runs the functor inside
  // attach_functor(), and forget() takes the bucket lock.
  auto addr = hdl.address();
  hdl->attach_functor([this, k, addr, proxy](const caf::error& reason) {
    forget(k, addr, proxy, reason);
  });
}

void directory::set_crash_policy(size_t max_crashes, std::chrono::milliseconds within,
                                 std::function<void(const std::string&)> escalate) {
  max_crashes_ = max_crashes;
  crash_window_ = within;
  escalate_ = std::move(escalate);
}

caf::actor directory::proxy_locked(shard& s, const key& k, const member_info& owner,
                                   int64_t now) {
  auto hdl = spawn_entity_proxy(sys_, owner.router, owner.id, k.kind, k.id,
                                relays_[k.kind], this);
  s.live[k] = entry{hdl, true, owner.id, now, {}};
  ++proxies_;
  return hdl;
}

caf::actor directory::resolve(entity_kind kind, const base::uuid& id) {
  if (!factories_[kind])
    return {};
  placement_ptr view = placement_ ? placement_->current() : nullptr;
  const member_info* owner = nullptr;
  if (view) {
    if (!view->serving)
      return {};
    auto& owner_id = view->owner(shard_of(kind, id));
    if (owner_id != view->self) {
      owner = view->member(owner_id);
      if (!owner)
        return {};
    }
  }
  key k{kind, id};
  auto now = now_ns();
  auto& s = bucket_for(k);
  caf::actor retired; // released after the lock (see retire())
  caf::actor hdl;
  {
    std::lock_guard<std::mutex> guard(s.mtx);
    auto it = s.live.find(k);
    if (it != s.live.end()) {
      auto& e = it->second;
      bool right_place = owner ? (e.proxy && e.owner == owner->id) : !e.proxy;
      if (right_place) {
        e.last_used = now;
        return e.hdl;
      }
      // Placement changed under this entry: retire it; a new one takes the slot.
      retired = retire(s, it);
    }
    hdl = owner ? proxy_locked(s, k, *owner, now) : activate_locked(s, k, now);
  }
  if (hdl)
    watch(k, hdl, owner != nullptr);
  return hdl;
}

void directory::publish(entity_kind kind, const base::uuid& id,
                        const caf::actor_addr& who, std::weak_ptr<const void> snapshot) {
  key k{kind, id};
  auto& s = bucket_for(k);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  if (it != s.live.end() && !it->second.proxy && it->second.hdl.address() == who)
    it->second.published = std::move(snapshot);
}

void directory::unpublish(entity_kind kind, const base::uuid& id,
                          const caf::actor_addr& who) {
  key k{kind, id};
  auto& s = bucket_for(k);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  if (it != s.live.end() && it->second.hdl.address() == who)
    it->second.published.reset();
}

std::shared_ptr<const void> directory::published(entity_kind kind, const base::uuid& id) {
  if (!factories_[kind])
    return nullptr;
  // The same placement checks as resolve(): only an entity this node serves now, or a
  // copy leased by the node that owns it now.
  placement_ptr view = placement_ ? placement_->current() : nullptr;
  const std::string* remote_owner = nullptr;
  if (placement_) {
    if (!view || !view->serving)
      return nullptr;
    auto& owner = view->owner(shard_of(kind, id));
    if (owner != view->self)
      remote_owner = &owner;
  }
  key k{kind, id};
  auto& s = bucket_for(k);
  auto now = now_ns();
  std::lock_guard<std::mutex> guard(s.mtx);
  if (remote_owner) {
    auto c = s.copies.find(k);
    if (c == s.copies.end())
      return nullptr;
    if (c->second.owner != *remote_owner || now >= c->second.until) {
      s.copies.erase(c);
      return nullptr;
    }
    copy_read_counter_[kind]->Increment();
    return c->second.snapshot;
  }
  return local_snapshot_locked(s, k, now);
}

std::shared_ptr<const void> directory::local_snapshot_locked(shard& s, const key& k,
                                                             int64_t now) {
  auto it = s.live.find(k);
  if (it == s.live.end() || it->second.proxy)
    return nullptr;
  auto snapshot = it->second.published.lock();
  if (snapshot)
    it->second.last_used = now; // a read is a use (passivation)
  return snapshot;
}

void directory::set_published_reader(entity_kind kind, published_reader reader,
                                     snapshot_of_answer copy_of) {
  readers_[kind] = std::move(reader);
  copiers_[kind] = std::move(copy_of);
}

std::optional<directory::published_answer>
directory::answer_from_published(entity_kind kind, const base::uuid& id,
                                 const caf::message& msg) {
  if (!readers_[kind] || !factories_[kind])
    return std::nullopt;
  // Only this node's own entities (never a copy: the asking node's lease would outlive
  // the one its owner granted).
  if (placement_) {
    auto view = placement_->current();
    if (!view || !view->owns(shard_of(kind, id)))
      return std::nullopt;
  }
  key k{kind, id};
  auto& s = bucket_for(k);
  std::shared_ptr<const void> snapshot;
  {
    std::lock_guard<std::mutex> guard(s.mtx);
    snapshot = local_snapshot_locked(s, k, now_ns());
  }
  if (!snapshot)
    return std::nullopt;
  // The reader runs unlocked (it may render the answer).
  auto answer = readers_[kind](msg, snapshot);
  if (!answer)
    return std::nullopt;
  published_answer out{std::move(*answer), false};
  auto lease = read_lease_ns_.load();
  if (lease <= 0 || !copiers_[kind])
    return out;
  // Leased only while the snapshot answered is still the published one: a write that
  // withdrew it in between sees no lease from this answer, and this answer is no copy.
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.live.find(k);
  if (it == s.live.end() || it->second.proxy || it->second.published.lock() != snapshot)
    return out;
  auto& until = s.leases[k];
  until = std::max(until, now_ns() + lease);
  out.leased = true;
  lease_counter_[kind]->Increment();
  return out;
}

std::chrono::steady_clock::time_point
directory::withdraw_for_write(entity_kind kind, const base::uuid& id,
                              const caf::actor_addr& who) {
  auto lease = read_lease_ns_.load();
  int64_t until = 0;
  if (lease > 0 && placement_)
    until = placement_changed_ns_.load() + lease;
  key k{kind, id};
  auto& s = bucket_for(k);
  {
    std::lock_guard<std::mutex> guard(s.mtx);
    auto it = s.live.find(k);
    if (it != s.live.end() && !it->second.proxy && it->second.hdl.address() == who)
      it->second.published.reset();
    auto l = s.leases.find(k);
    if (l != s.leases.end()) {
      until = std::max(until, l->second);
      if (l->second <= now_ns())
        s.leases.erase(l);
    }
  }
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(until));
}

void directory::keep_copy(entity_kind kind, const base::uuid& id,
                          const std::string& owner, const caf::message& answer,
                          std::chrono::steady_clock::time_point until) {
  // A node with no read lease of its own keeps no copies (every read asks the owner).
  if (!copiers_[kind] || read_lease_ns_.load() <= 0)
    return;
  auto snapshot = copiers_[kind](answer);
  if (!snapshot)
    return;
  auto until_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(until.time_since_epoch())
          .count();
  key k{kind, id};
  auto& s = bucket_for(k);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto& c = s.copies[k];
  // A later answer may arrive first: keep the copy that runs longest (both are the
  // owner's published state within their leases).
  if (until_ns > c.until)
    c = copy{std::move(snapshot), owner, until_ns};
}

caf::actor directory::resolve_local(entity_kind kind, const base::uuid& id) {
  if (!factories_[kind])
    return {};
  if (placement_) {
    auto view = placement_->current();
    if (!view->owns(shard_of(kind, id)))
      return {};
  }
  key k{kind, id};
  auto now = now_ns();
  auto& s = bucket_for(k);
  caf::actor retired;
  caf::actor hdl;
  {
    std::lock_guard<std::mutex> guard(s.mtx);
    auto it = s.live.find(k);
    if (it != s.live.end()) {
      if (!it->second.proxy) {
        it->second.last_used = now;
        return it->second.hdl;
      }
      retired = retire(s, it);
    }
    hdl = activate_locked(s, k, now);
  }
  if (hdl)
    watch(k, hdl, false);
  return hdl;
}

caf::actor directory::retire(shard& s, live_map::iterator it) {
  // The caller drops the returned handle only after releasing s.mtx: if it is the last
  // strong reference, the actor is destroyed right there and its exit functor calls
  // forget(), which takes s.mtx again.
  auto hdl = std::move(it->second.hdl);
  caf::anon_send(hdl, passivate_atom::value);
  s.live.erase(it);
  return hdl;
}

void directory::forget(const key& k, const caf::actor_addr& who, bool proxy,
                       const caf::error& reason) {
  auto& s = bucket_for(k);
  {
    caf::actor gone;
    std::lock_guard<std::mutex> guard(s.mtx);
    auto it = s.live.find(k);
    // A newer actor may already hold the slot: only remove the one that stopped.
    if (it != s.live.end() && it->second.hdl.address() == who) {
      gone = std::move(it->second.hdl);
      s.live.erase(it);
    }
  }
  if (proxy) {
    --proxies_;
    return;
  }
  --live_;
  --live_by_kind_[k.kind];
  ++passivations_;
  if (passivation_counter_[k.kind])
    passivation_counter_[k.kind]->Increment();
  // A normal stop (passivation, shutdown) or a load failure the entity reported is not a
  // crash; anything else is: the entity restarts on its next message, within limits.
  bool crashed = reason && reason != caf::exit_reason::user_shutdown &&
                 reason != caf::exit_reason::normal && code_of(reason) == errc::internal;
  if (!crashed)
    return;
  crash_counter_[k.kind]->Increment();
  std::string why;
  {
    std::lock_guard<std::mutex> guard(crash_mtx_);
    auto now = now_ns();
    auto window =
        std::chrono::duration_cast<std::chrono::nanoseconds>(crash_window_).count();
    auto& recent = recent_crashes_[k.kind];
    recent.erase(std::remove_if(recent.begin(), recent.end(),
                                [&](int64_t t) { return now - t > window; }),
                 recent.end());
    recent.push_back(now);
    if (recent.size() > max_crashes_)
      why = names_[k.kind] + " actors crashed " + std::to_string(recent.size()) +
            " times within " + std::to_string(crash_window_.count()) + " ms";
  }
  if (!why.empty() && escalate_)
    escalate_(why);
}

void directory::rebalance() {
  if (!placement_)
    return;
  // Entities whose shard this node just took may still have copies elsewhere, leased
  // by their previous owner: their writes wait those out (withdraw_for_write).
  placement_changed_ns_ = now_ns();
  auto view = placement_->current();
  for (auto& s : buckets_) {
    std::vector<caf::actor> retired;
    std::lock_guard<std::mutex> guard(s.mtx);
    for (auto it = s.live.begin(); it != s.live.end();) {
      auto& [k, e] = *it;
      auto& owner = view->owner(shard_of(k.kind, k.id));
      bool stale = e.proxy ? (owner != e.owner || owner.empty()) : owner != view->self;
      if (stale) {
        retired.push_back(retire(s, it++));
      } else {
        ++it;
      }
    }
  }
}

size_t directory::sweep(std::chrono::milliseconds idle_after, size_t max_live) {
  auto now = now_ns();
  auto idle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(idle_after).count();
  size_t asked = 0;
  std::vector<std::pair<int64_t, key>> candidates;
  bool over = live_.load() > max_live;
  for (auto& s : buckets_) {
    std::vector<caf::actor> retired;
    std::lock_guard<std::mutex> guard(s.mtx);
    // Leases and copies that ran out.
    for (auto it = s.leases.begin(); it != s.leases.end();)
      it = it->second <= now ? s.leases.erase(it) : std::next(it);
    for (auto it = s.copies.begin(); it != s.copies.end();)
      it = it->second.until <= now ? s.copies.erase(it) : std::next(it);
    for (auto it = s.live.begin(); it != s.live.end();) {
      auto& [k, e] = *it;
      if (now - e.last_used >= idle_ns) {
        retired.push_back(retire(s, it++));
        ++asked;
        continue;
      }
      if (over && !e.proxy)
        candidates.emplace_back(e.last_used, k);
      ++it;
    }
  }
  if (over && live_.load() > max_live) {
    // Least recently used first, until the node is back under its bound.
    auto excess = std::min(candidates.size(), live_.load() - max_live);
    std::partial_sort(candidates.begin(), candidates.begin() + excess, candidates.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < excess; ++i) {
      auto& k = candidates[i].second;
      auto& s = bucket_for(k);
      caf::actor retired;
      std::lock_guard<std::mutex> guard(s.mtx);
      auto it = s.live.find(k);
      if (it != s.live.end()) {
        retired = retire(s, it);
        ++asked;
      }
    }
  }
  return asked;
}

void directory::stop_all() {
  std::vector<caf::actor> all;
  for (auto& s : buckets_) {
    std::lock_guard<std::mutex> guard(s.mtx);
    for (auto& [k, e] : s.live)
      all.push_back(std::move(e.hdl));
    s.live.clear();
  }
  for (auto& hdl : all)
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
}

std::vector<base::uuid> directory::sample(entity_kind kind, size_t limit) const {
  std::vector<base::uuid> out;
  for (auto& s : buckets_) {
    std::lock_guard<std::mutex> guard(s.mtx);
    for (auto& [k, e] : s.live)
      if (k.kind == kind && !e.proxy) {
        out.push_back(k.id);
        if (out.size() >= limit)
          return out;
      }
  }
  return out;
}

} // namespace kyb::runtime

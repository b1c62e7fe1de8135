#include "persistence/pg_pool.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "persistence/io_watcher.hpp"
#include "persistence/statement_catalog.hpp"

namespace kyb::persistence {

struct pg_pool::impl {
  mutable std::mutex mtx; ///< guards actors and status (replaced on respawn)
  std::vector<pg_connection_actor> actors;
  std::vector<std::shared_ptr<pg_connection_status>> status;
  // What respawn needs.
  caf::actor_system* sys = nullptr;
  std::vector<pg_connection_options> options;
  std::shared_ptr<const statement_catalog> catalog;
  std::shared_ptr<io_watcher> watcher;
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};

  void stop() {
    if (stopped.exchange(true))
      return;
    std::lock_guard<std::mutex> guard(mtx);
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  ~impl() { stop(); }
};

pg_pool pg_pool::spawn(caf::actor_system& sys, pg_connection_options opts, size_t size,
                       std::shared_ptr<const statement_catalog> catalog,
                       std::shared_ptr<io_watcher> watcher) {
  pg_pool pool;
  pool.impl_ = std::make_shared<impl>();
  pool.impl_->sys = &sys;
  pool.impl_->catalog = catalog;
  pool.impl_->watcher = watcher;
  auto base_name = opts.name;
  for (size_t i = 0; i < std::max<size_t>(1, size); ++i) {
    auto o = opts;
    o.name = base_name + "-" + std::to_string(i);
    auto st = std::make_shared<pg_connection_status>();
    pool.impl_->status.push_back(st);
    pool.impl_->options.push_back(o);
    pool.impl_->actors.push_back(
        spawn_pg_connection(sys, std::move(o), catalog, watcher, st));
  }
  return pool;
}

pg_pool pg_pool::spawn(caf::actor_system& sys, const config::database_settings& cfg,
                       std::shared_ptr<const statement_catalog> catalog,
                       std::shared_ptr<io_watcher> watcher, std::string application_name,
                       std::shared_ptr<const pg_finisher> finisher) {
  auto opts = pg_connection_options::from(cfg);
  opts.application_name = std::move(application_name);
  opts.finisher = std::move(finisher);
  return spawn(sys, std::move(opts), static_cast<size_t>(std::max(1, cfg.pool_size)),
               std::move(catalog), std::move(watcher));
}

pg_connection_actor pg_pool::pick() const {
  if (!impl_)
    return {};
  std::lock_guard<std::mutex> guard(impl_->mtx);
  if (impl_->actors.empty())
    return {};
  auto n = impl_->actors.size();
  auto start = impl_->next.fetch_add(1, std::memory_order_relaxed);
  for (size_t k = 0; k < n; ++k) {
    auto i = (start + k) % n;
    if (impl_->status[i]->connected.load(std::memory_order_relaxed))
      return impl_->actors[i];
  }
  return impl_->actors[start % n];
}

size_t pg_pool::connected_count() const {
  if (!impl_)
    return 0;
  std::lock_guard<std::mutex> guard(impl_->mtx);
  size_t n = 0;
  for (auto& st : impl_->status)
    n += st->connected.load(std::memory_order_relaxed) ? 1 : 0;
  return n;
}

size_t pg_pool::size() const {
  return impl_ ? impl_->actors.size() : 0;
}

std::vector<pg_connection_actor> pg_pool::connections() const {
  if (!impl_)
    return {};
  std::lock_guard<std::mutex> guard(impl_->mtx);
  return impl_->actors;
}

pg_connection_actor pg_pool::respawn(size_t index) {
  if (!impl_ || index >= impl_->options.size() || impl_->stopped)
    return {};
  auto st = std::make_shared<pg_connection_status>();
  auto hdl = spawn_pg_connection(*impl_->sys, impl_->options[index], impl_->catalog,
                                 impl_->watcher, st);
  std::lock_guard<std::mutex> guard(impl_->mtx);
  impl_->actors[index] = hdl;
  impl_->status[index] = st;
  return hdl;
}

uint64_t pg_pool::connects() const {
  uint64_t n = 0;
  if (!impl_)
    return n;
  std::lock_guard<std::mutex> guard(impl_->mtx);
  for (auto& st : impl_->status)
    n += st->connects.load();
  return n;
}

bool pg_pool::wait_connected(size_t n, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (connected_count() < n) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

void pg_pool::stop() {
  if (impl_)
    impl_->stop();
}

} // namespace kyb::persistence

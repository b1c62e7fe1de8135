#include "persistence/io_watcher.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <caf/send.hpp>

#include "persistence/atoms.hpp"
#include "runtime/base/log.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

caf::expected<std::shared_ptr<io_watcher>> io_watcher::make() {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    return make_error(errc::internal,
                      std::string{"epoll_create1: "} + std::strerror(errno));
  int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    auto err =
        make_error(errc::internal, std::string{"eventfd: "} + std::strerror(errno));
    ::close(ep);
    return err;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, wake, &ev) != 0) {
    auto err =
        make_error(errc::internal, std::string{"epoll_ctl: "} + std::strerror(errno));
    ::close(wake);
    ::close(ep);
    return err;
  }
  return std::shared_ptr<io_watcher>{new io_watcher(ep, wake)};
}

io_watcher::io_watcher(int epoll_fd, int wake_fd)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {
  thread_ = std::thread([this] { run(); });
}

io_watcher::~io_watcher() {
  stopping_ = true;
  uint64_t one = 1;
  while (::write(wake_fd_, &one, sizeof(one)) < 0 && errno == EINTR)
    ;
  thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

caf::expected<uint64_t> io_watcher::add(int fd, caf::actor owner) {
  if (fd < 0)
    return make_error(errc::internal, "io_watcher: invalid socket");
  std::lock_guard<std::mutex> guard(mtx_);
  auto token = next_token_++;
  epoll_event ev{};
  ev.events = EPOLLONESHOT;
  ev.data.u64 = token;
  if (auto old = by_fd_.find(fd); old != by_fd_.end()) {
    // The kernel handed out this number again, so the old socket was closed (and left
    // the epoll set by itself) without its owner removing it first.
    entries_.erase(old->second);
    by_fd_.erase(old);
  }
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    if (errno != EEXIST || epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0)
      return make_error(errc::internal, std::string{"io_watcher: epoll_ctl add: "} +
                                            std::strerror(errno));
  }
  entries_.emplace(token, entry{fd, std::move(owner)});
  by_fd_[fd] = token;
  return token;
}

void io_watcher::arm(uint64_t token, bool want_read, bool want_write) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto i = entries_.find(token);
  if (i == entries_.end())
    return;
  auto j = by_fd_.find(i->second.fd);
  if (j == by_fd_.end() || j->second != token)
    return;
  epoll_event ev{};
  ev.events = EPOLLONESHOT | EPOLLRDHUP | (want_read ? EPOLLIN : 0u) |
              (want_write ? EPOLLOUT : 0u);
  ev.data.u64 = token;
  // ENOENT/EBADF: the socket was closed under us; the owner learns it from libpq/hiredis.
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, i->second.fd, &ev);
}

void io_watcher::remove(uint64_t token) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto i = entries_.find(token);
  if (i == entries_.end())
    return;
  auto j = by_fd_.find(i->second.fd);
  if (j != by_fd_.end() && j->second == token) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, i->second.fd, nullptr);
    by_fd_.erase(j);
  }
  entries_.erase(i);
}

size_t io_watcher::size() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return entries_.size();
}

void io_watcher::run() {
  std::vector<epoll_event> events(64);
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      base::log_error("io_watcher_failed", {{"error", std::strerror(errno)}});
      return;
    }
    for (int k = 0; k < n; ++k) {
      auto token = events[k].data.u64;
      if (token == 0)
        continue; // the wake-up eventfd: the loop condition decides
      auto flags = events[k].events;
      caf::actor owner;
      {
        std::lock_guard<std::mutex> guard(mtx_);
        auto i = entries_.find(token);
        if (i == entries_.end())
          continue;
        owner = i->second.owner;
      }
      bool failed = (flags & (EPOLLERR | EPOLLHUP)) != 0;
      bool readable = failed || (flags & (EPOLLIN | EPOLLRDHUP)) != 0;
      bool writable = failed || (flags & EPOLLOUT) != 0;
      ++notifications_;
      caf::anon_send(owner, io_ready_atom::value, token, readable, writable);
    }
  }
}

} // namespace kyb::persistence

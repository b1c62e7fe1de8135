// Open connections per client address, counted across all HTTP workers of a node (each
// worker is a broker in an actor system of its own), so that one address (a slowloris
// attacker, a runaway client) cannot take every connection slot: a connection beyond
// http.max_connections_per_ip is answered 503 and closed.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kyb::net {

class address_limiter {
public:
  /// Holds one connection's place in its address's count until destroyed.
  class slot {
  public:
    slot() = default;
    slot(slot&& other) noexcept;
    slot& operator=(slot&& other) noexcept;
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot();

    /// Whether the connection got its place (else it is over the limit).
    explicit operator bool() const noexcept { return owner_ != nullptr; }

  private:
    friend class address_limiter;
    slot(address_limiter* owner, std::string address) noexcept;
    void release() noexcept;

    address_limiter* owner_ = nullptr;
    std::string address_;
  };

  explicit address_limiter(size_t per_address) : per_address_(per_address) {}
  address_limiter(const address_limiter&) = delete;
  address_limiter& operator=(const address_limiter&) = delete;

  /// A place for a new connection from `address`; empty when that address already
  /// holds per_address() connections. The limiter must outlive its slots.
  slot acquire(const std::string& address);

  size_t per_address() const noexcept { return per_address_; }
  /// Connections `address` holds now.
  size_t open(const std::string& address) const;

private:
  void release(const std::string& address) noexcept;

  const size_t per_address_;
  mutable std::mutex mtx_;
  std::unordered_map<std::string, size_t> open_;
};

} // namespace kyb::net

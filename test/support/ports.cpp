#include "test/support/ports.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kyb::test {

uint16_t free_port() {
  // Ports come from below the kernel's ephemeral range: a port picked inside it and
  // closed again can become the source port of any outgoing connection (a node's own
  // connections to PostgreSQL and Redis) before the node binds it, and the node then
  // fails to listen.
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  int ephemeral_low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range)
    range >> ephemeral_low;
  int high = std::max(2048, ephemeral_low) - 1;
  int low = std::max(1024, high - 12000);
  std::lock_guard<std::mutex> guard(mutex);
  std::uniform_int_distribution<int> pick(low, high);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto port = static_cast<uint16_t>(pick(rng));
    if (handed_out.count(port))
      continue;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) {
      handed_out.insert(port);
      return port;
    }
  }
  throw std::runtime_error("no free port on 127.0.0.1 in " + std::to_string(low) + "-" +
                           std::to_string(high));
}

} // namespace kyb::test

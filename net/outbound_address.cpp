#include "net/outbound_address.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace kyb::net {

namespace {

constexpr bool in_v4(uint32_t addr, uint32_t net, int bits) noexcept {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (addr & mask) == (net & mask);
}

constexpr uint32_t v4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) noexcept {
  return a << 24 | b << 16 | c << 8 | d;
}

bool prefix_is(const uint8_t (&a)[16], std::initializer_list<uint8_t> bytes) noexcept {
  size_t i = 0;
  for (auto b : bytes)
    if (a[i++] != b)
      return false;
  return true;
}

uint32_t embedded_v4(const uint8_t (&a)[16], size_t at) noexcept {
  return uint32_t{a[at]} << 24 | uint32_t{a[at + 1]} << 16 | uint32_t{a[at + 2]} << 8 |
         uint32_t{a[at + 3]};
}

} // namespace

const char* to_string(address_kind k) noexcept {
  switch (k) {
  case address_kind::global:
    return "global";
  case address_kind::loopback:
    return "loopback";
  case address_kind::private_net:
    return "private";
  case address_kind::link_local:
    return "link-local";
  case address_kind::cgnat:
    return "CGNAT";
  case address_kind::multicast:
    return "multicast";
  case address_kind::unspecified:
    return "unspecified";
  case address_kind::broadcast:
    return "broadcast";
  case address_kind::reserved:
    return "reserved";
  case address_kind::documentation:
    return "documentation";
  case address_kind::metadata:
    return "cloud metadata";
  }
  return "reserved";
}

address_kind classify_ipv4(uint32_t a) noexcept {
  if (a == v4(169, 254, 169, 254))
    return address_kind::metadata;
  if (a == v4(255, 255, 255, 255))
    return address_kind::broadcast;
  if (in_v4(a, v4(0, 0, 0, 0), 8))
    return address_kind::unspecified;
  if (in_v4(a, v4(127, 0, 0, 0), 8))
    return address_kind::loopback;
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) ||
      in_v4(a, v4(192, 168, 0, 0), 16))
    return address_kind::private_net;
  if (in_v4(a, v4(169, 254, 0, 0), 16))
    return address_kind::link_local;
  if (in_v4(a, v4(100, 64, 0, 0), 10))
    return address_kind::cgnat;
  if (in_v4(a, v4(224, 0, 0, 0), 4))
    return address_kind::multicast;
  if (in_v4(a, v4(240, 0, 0, 0), 4))
    return address_kind::reserved;
  if (in_v4(a, v4(192, 0, 2, 0), 24) || in_v4(a, v4(198, 51, 100, 0), 24) ||
      in_v4(a, v4(203, 0, 113, 0), 24))
    return address_kind::documentation;
  // IETF protocol assignments, the 6to4 relay anycast, benchmarking.
  if (in_v4(a, v4(192, 0, 0, 0), 24) || in_v4(a, v4(192, 88, 99, 0), 24) ||
      in_v4(a, v4(198, 18, 0, 0), 15))
    return address_kind::reserved;
  return address_kind::global;
}

address_kind classify_ipv6(const uint8_t (&a)[16]) noexcept {
  bool zero96 = prefix_is(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  if (zero96) {
    auto low = embedded_v4(a, 12);
    if (low == 0)
      return address_kind::unspecified;
    if (low == 1)
      return address_kind::loopback;
    return classify_ipv4(low); // IPv4-compatible (deprecated, still routable by some)
  }
  if (prefix_is(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}) ||  // mapped
      prefix_is(a, {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}) ||  // SIIT
      prefix_is(a, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) // NAT64
    return classify_ipv4(embedded_v4(a, 12));
  if (prefix_is(a, {0x20, 0x02})) // 6to4
    return classify_ipv4(embedded_v4(a, 2));
  static const uint8_t ec2[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0,    0,
                                  0,    0, 0,    0,    0, 0, 0x02, 0x54};
  if (std::memcmp(a, ec2, 16) == 0)
    return address_kind::metadata;
  if (a[0] == 0xff)
    return address_kind::multicast;
  if ((a[0] & 0xfe) == 0xfc)
    return address_kind::private_net;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
    return address_kind::link_local;
  if (prefix_is(a, {0x20, 0x01, 0x0d, 0xb8}) || (a[0] == 0x3f && (a[1] & 0xf0) == 0xf0))
    return address_kind::documentation;
  // NAT64 local use (64:ff9b:1::/48), discard-only (100::/64), IETF protocol
  // assignments incl. Teredo (2001::/23), site-local (fec0::/10) and everything outside
  // global unicast 2000::/3.
  if (prefix_is(a, {0, 0x64, 0xff, 0x9b, 0, 1}) ||
      prefix_is(a, {0x01, 0, 0, 0, 0, 0, 0, 0}) ||
      (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02) || (a[0] & 0xe0) != 0x20)
    return address_kind::reserved;
  return address_kind::global;
}

address_kind classify_address(const sockaddr* sa) noexcept {
  if (!sa)
    return address_kind::reserved;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    return classify_ipv4(ntohl(in.sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    uint8_t bytes[16];
    std::memcpy(bytes, in6.sin6_addr.s6_addr, 16);
    return classify_ipv6(bytes);
  }
  return address_kind::reserved;
}

std::optional<address_kind> classify_address(std::string_view ip) {
  std::string s(ip);
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1)
    return classify_ipv4(ntohl(a4.s_addr));
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    uint8_t bytes[16];
    std::memcpy(bytes, a6.s6_addr, 16);
    return classify_ipv6(bytes);
  }
  return std::nullopt;
}

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa && sa->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    ::inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
  } else if (sa && sa->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
  }
  return buf;
}

} // namespace kyb::net

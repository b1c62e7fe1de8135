// Which network addresses a tenant-chosen URL may reach (SSRF): the outbound client
// classifies every address a host resolves to, and the address each socket actually
// connects to, and refuses anything but globally routable unicast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace kyb::net {

/// What an address is, as far as reaching it from a tenant-chosen URL goes.
enum class address_kind {
  global,        ///< Routable unicast: allowed.
  loopback,      ///< 127/8, ::1
  private_net,   ///< RFC 1918, fc00::/7
  link_local,    ///< 169.254/16, fe80::/10
  cgnat,         ///< 100.64/10 (shared address space)
  multicast,     ///< 224/4, ff00::/8
  unspecified,   ///< 0/8, ::
  broadcast,     ///< 255.255.255.255
  reserved,      ///< 240/4, IETF and benchmarking ranges, IPv6 outside 2000::/3, ...
  documentation, ///< 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  metadata,      ///< Cloud instance metadata: 169.254.169.254, fd00:ec2::254
};

/// "global", "loopback", "private", "link-local", "CGNAT", "multicast", "unspecified",
/// "broadcast", "reserved", "documentation" or "cloud metadata".
const char* to_string(address_kind k) noexcept;

/// Classifies an IPv4 address (host byte order).
address_kind classify_ipv4(uint32_t addr) noexcept;
/// Classifies an IPv6 address; IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96),
/// SIIT (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are
/// classified by the IPv4 address they carry.
address_kind classify_ipv6(const uint8_t (&addr)[16]) noexcept;
/// Classifies a socket address (AF_INET or AF_INET6; anything else is reserved).
address_kind classify_address(const sockaddr* sa) noexcept;
/// Classifies a numeric address ("10.0.0.1", "::ffff:127.0.0.1"); nullopt when `ip` is
/// not one.
std::optional<address_kind> classify_address(std::string_view ip);

/// The numeric form of a socket address ("127.0.0.1", "::1").
std::string address_text(const sockaddr* sa);

} // namespace kyb::net

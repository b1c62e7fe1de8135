// The listening TCP socket the HTTP brokers (and the metrics listener) accept on,
// opened before the actor systems start so a taken port fails start-up with its name.
#pragma once

#include <cstdint>
#include <string>

namespace kyb::net {

/// Opens a listening TCP socket on host:port, with SO_REUSEPORT unless `reuse_port` is
/// false (so several workers can share the port; a port of one listener only is bound
/// exclusively, and a second process on it fails). Returns -1 and sets `error` on
/// failure.
int open_listen_socket(const std::string& host, uint16_t port, std::string& error,
                       bool reuse_port = true);

} // namespace kyb::net

#pragma once

#include <cstdint>

namespace kyb::test {

/// A TCP port on 127.0.0.1 that was free a moment ago, below the ephemeral range (so no
/// outgoing connection takes it before the process under test binds it) and never handed
/// out twice in one test process.
uint16_t free_port();

} // namespace kyb::test

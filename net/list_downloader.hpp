// The sanctions list downloader: actors::downloader_actor implemented with the outbound
// HTTP client, on a thread of its own (a detached actor), bounded by the
// screening.download_* options.
#pragma once

#include <caf/fwd.hpp>

#include "actors/screening/list_download.hpp"
#include "config/settings.hpp"

namespace kyb::net {

/// Spawns the node's list downloader.
actors::downloader_actor spawn_list_downloader(caf::actor_system& sys,
                                               const config::screening_settings& cfg);

} // namespace kyb::net

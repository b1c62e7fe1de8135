// The node's webhook sender (actors/webhooks/webhook_messages.hpp): POSTs one event to a
// tenant's endpoint through the outbound client as an untrusted target (the SSRF rules:
// its name resolved and every address checked, allowed ports only), https only unless
// webhooks.allow_http, no redirect followed (a 3xx is an answer, not a delivery), within
// webhooks.timeout, reading at most 64 KiB of the answer.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/webhooks/webhook_messages.hpp"
#include "config/settings.hpp"
#include "net/outbound_client.hpp"

namespace kyb::net {

actors::webhook_sender_actor spawn_webhook_sender(caf::actor_system& sys,
                                                  std::shared_ptr<outbound_client> client,
                                                  config::webhook_settings settings);

} // namespace kyb::net

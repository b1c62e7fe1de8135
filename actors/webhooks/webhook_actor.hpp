// The node's webhook service: a tenant's endpoints (create with a secret shown once,
// read, change, delete, rotate the secret with an overlap), their deliveries (pages,
// redelivery), and the dispatcher that, every webhooks.poll_interval, fans new outbox
// events out to the endpoints subscribed to their type and sends what is due through
// the sender (webhook_messages.hpp): body {"id", "type", "created", "data"}, header
// KYB-Signature (webhook_signature.hpp). A 2xx is delivered; anything else is retried
// with exponential backoff and jitter until webhooks.retry_window, then failed; a 410
// Gone disables the endpoint. Deliveries are claimed with a lease, so a node killed
// mid-attempt loses none (another node takes them when the lease ends): at least once,
// the event id stable across attempts; per endpoint, one business's events in order.
#pragma once

#include <functional>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"
#include "actors/webhooks/webhook_messages.hpp"

namespace kyb::actors {

using webhook_actor = caf::typed_actor<
    /// Creates an endpoint (validated by the caller; admin scope); its answer carries
    /// the secret, once. Errors: forbidden.
    caf::replies_to<create_atom, request_meta,
                    webhook_endpoint_input>::with<webhook_endpoint_data>,
    /// The tenant's endpoints (admin scope).
    caf::replies_to<list_atom, request_meta>::with<std::vector<webhook_endpoint_data>>,
    /// One endpoint. Errors: not_found, forbidden.
    caf::replies_to<get_atom, request_meta, base::uuid>::with<webhook_endpoint_data>,
    /// Changes the members given. Errors: not_found, forbidden.
    caf::replies_to<update_atom, request_meta, base::uuid,
                    webhook_endpoint_input>::with<webhook_endpoint_data>,
    /// Deletes it (its pending deliveries fail). Errors: not_found, forbidden.
    caf::replies_to<delete_atom, request_meta, base::uuid>::with<webhook_endpoint_data>,
    /// A new secret (answered once); the old one signs too for `overlap_ms` (-1: the
    /// configured webhooks.rotation_overlap). Errors: not_found, forbidden.
    caf::replies_to<rotate_secret_atom, request_meta, base::uuid,
                    int64_t>::with<webhook_endpoint_data>,
    /// A page of an endpoint's deliveries, newest first. Errors: not_found,
    /// invalid_argument (cursor, limit), forbidden.
    caf::replies_to<deliveries_atom, request_meta, base::uuid, std::string,
                    uint32_t>::with<webhook_delivery_page>,
    /// Sends a delivery again now (a new retry window). Errors: not_found, forbidden.
    caf::replies_to<redeliver_atom, request_meta,
                    base::uuid>::with<webhook_delivery_data>,
    /// Sent to itself every webhooks.poll_interval.
    caf::reacts_to<dispatch_atom>>;

/// `sender` reads the node's sender (supervised: read it per attempt).
webhook_actor spawn_webhook_actor(caf::actor_system& sys, platform_ptr p,
                                  std::function<webhook_sender_actor()> sender);

} // namespace kyb::actors

// Any node accepts any request: when this node's region must not serve a tenant's
// request (its writes belong to the tenant's write region; its reads to the write
// region unless this region holds a replica of them within their lag SLA), the gateway
// sends it to a node of the region that must, chosen from the cluster's membership,
// and answers with that node's response. The request travels over the cluster channel
// to that node's request relay (net/region_forwarder), which hands it to its own HTTP
// port with X-KYB-Forwarded-By (node@region of each hop) and a proof only that process
// can make; a client's own X-KYB-Forwarded-By is ignored. A forwarded request is
// served where it arrives, unless
// that region does not know the tenant: then it goes on to a write region it has not
// visited (at most both write regions).
#pragma once

#include <string_view>

#include "net/exchange.hpp"

namespace kyb::net {

/// Forwards the request when a tenant of `residency` ("us", "eu") must be served by
/// another region (see route::replica_group for `replica_group`). True when it did:
/// the answer then comes from there and the caller does nothing more.
bool forward_if_elsewhere(const exchange_ptr& ex, std::string_view residency,
                          std::string_view replica_group);

/// After this region did not know a key's tenant: sends the request to a write region
/// it has not been through yet (each knows every tenant of its residency). False when
/// none is left (the key is not valid anywhere).
bool forward_unknown_tenant(const exchange_ptr& ex);

/// After this region could not read a key's tenant (its database is down: after a
/// failover, say, while its nodes still take requests): sends the request to the write
/// region of this region's residency, unless that is here or was visited.
bool forward_unreadable_tenant(const exchange_ptr& ex);

} // namespace kyb::net

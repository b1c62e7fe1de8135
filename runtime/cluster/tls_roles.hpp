// Roles from certificates. Every certificate the cluster CA signs names its holder's role
// in a subjectAltName URI: `kyb:role:node` for a node, `kyb:role:admin` for an operator's
// console (kybctl). A valid chain proves membership of the cluster; the role says what
// the holder may do. The TLS handshake checks it: the cluster port takes nodes only, the
// admin port takes admins only, and a node or kybctl connecting out takes only a node
// on the other side. A peer refused for its role (or for a chain from another CA) never
// gets past the handshake, so no message of it reaches an actor.
//
// The check runs inside OpenSSL's certificate verification: the executables install
// tls_verify_peer for every TLS context CAF makes (runtime/cluster/openssl_hooks.cpp).
#pragma once

#include <cstdint>
#include <string>

struct x509_st;
struct x509_store_ctx_st;
struct ssl_st;

namespace kyb::runtime {

/// Roles as bits, so that an endpoint can take several.
enum peer_role : unsigned {
  role_none = 0,
  role_node = 1u << 0,
  role_admin = 1u << 1,
};

/// The subjectAltName URI that names `role` ("kyb:role:node").
std::string role_uri(peer_role role);

/// The roles `cert` names in its subjectAltName URIs (bits of peer_role).
unsigned roles_of(x509_st* cert);

/// Accepting on local `port` takes peers holding one of `roles`; `endpoint` names the
/// port in logs and metrics ("cluster", "admin"). A port without a rule takes no one.
void accept_roles(uint16_t port, unsigned roles, const std::string& endpoint);

/// Connecting out takes servers holding one of `roles` (default: nodes).
void connect_roles(unsigned roles);

/// OpenSSL's verify callback: the chain as OpenSSL judged it, then the leaf's role
/// against the rule of the connection's endpoint. Refusals are logged and counted
/// (kyb_cluster_peer_refusals_total{endpoint,reason}).
int tls_verify_peer(int preverify_ok, x509_store_ctx_st* ctx);

/// Called after a failed server-side handshake: counts and logs it unless the
/// certificate check above already did (plain TCP, a client without a certificate,
/// garbage on the port).
void note_failed_handshake(ssl_st* ssl);

/// Refusals so far (for tests and the console).
uint64_t peer_refusals();

} // namespace kyb::runtime

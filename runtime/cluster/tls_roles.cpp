#include "runtime/cluster/tls_roles.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <map>
#include <mutex>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::runtime {

namespace {

struct rule {
  unsigned roles = role_none;
  std::string endpoint;
};

struct policy {
  std::mutex mtx;
  std::map<uint16_t, rule> accepting;
  unsigned connecting = role_node;
};

policy& global_policy() {
  static policy p;
  return p;
}

std::atomic<uint64_t> refusals{0};

// Marks an SSL whose refusal was already counted by the verify callback.
int counted_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string role_names(unsigned roles) {
  std::string out;
  for (auto [bit, name] : {std::pair{role_node, "node"}, std::pair{role_admin, "admin"}})
    if (roles & bit)
      out += (out.empty() ? "" : ",") + std::string(name);
  return out.empty() ? "none" : out;
}

std::string endpoint_text(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = {0};
  uint16_t port = 0;
  if (addr.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (addr.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "?";
}

uint16_t port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

/// Who is on the other side of `ssl` and what this side takes there.
struct connection_facts {
  std::string endpoint; ///< "cluster", "admin", "outbound" or "unknown"
  std::string peer;     ///< address of the other side
  unsigned takes = role_none;
};

connection_facts facts_of(SSL* ssl) {
  connection_facts f;
  int fd = ssl ? SSL_get_fd(ssl) : -1;
  sockaddr_storage local{}, remote{};
  socklen_t len = sizeof remote;
  if (fd >= 0 && ::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &len) == 0)
    f.peer = endpoint_text(remote);
  auto& p = global_policy();
  std::lock_guard<std::mutex> guard(p.mtx);
  if (ssl && !SSL_is_server(ssl)) {
    f.endpoint = "outbound";
    f.takes = p.connecting;
    return f;
  }
  len = sizeof local;
  f.endpoint = "unknown";
  if (fd >= 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
    auto it = p.accepting.find(port_of(local));
    if (it != p.accepting.end()) {
      f.endpoint = it->second.endpoint;
      f.takes = it->second.roles;
    }
  }
  return f;
}

std::string subject_of(X509* cert) {
  if (!cert)
    return "";
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

void refuse(const connection_facts& f, const std::string& reason,
            const std::string& subject, const std::string& detail) {
  refusals.fetch_add(1, std::memory_order_relaxed);
  static auto& family = base::metrics_registry::global().counter(
      "kyb_cluster_peer_refusals_total",
      "TLS peers refused on a cluster, admin or outbound connection, by reason "
      "(untrusted_certificate, role, handshake).",
      {"endpoint", "reason"});
  family.with({f.endpoint, reason}).Increment();
  base::log_warn("cluster.peer_refused", {{"endpoint", f.endpoint},
                                          {"peer", f.peer},
                                          {"reason", reason},
                                          {"subject", subject},
                                          {"detail", detail}});
}

} // namespace

std::string role_uri(peer_role role) {
  return "kyb:role:" + role_names(role);
}

unsigned roles_of(X509* cert) {
  unsigned roles = role_none;
  if (!cert)
    return roles;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names)
    return roles;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    auto* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI)
      continue;
    auto* uri = name->d.uniformResourceIdentifier;
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                     static_cast<size_t>(ASN1_STRING_length(uri)));
    if (text == role_uri(role_node))
      roles |= role_node;
    else if (text == role_uri(role_admin))
      roles |= role_admin;
  }
  GENERAL_NAMES_free(names);
  return roles;
}

void accept_roles(uint16_t port, unsigned roles, const std::string& endpoint) {
  auto& p = global_policy();
  std::lock_guard<std::mutex> guard(p.mtx);
  p.accepting[port] = rule{roles, endpoint};
}

void connect_roles(unsigned roles) {
  auto& p = global_policy();
  std::lock_guard<std::mutex> guard(p.mtx);
  p.connecting = roles;
}

int tls_verify_peer(int preverify_ok, X509_STORE_CTX* ctx) {
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (!preverify_ok) {
    auto f = facts_of(ssl);
    refuse(f, "untrusted_certificate", subject_of(X509_STORE_CTX_get_current_cert(ctx)),
           X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    if (ssl)
      SSL_set_ex_data(ssl, counted_index(), ssl);
    return 0;
  }
  if (X509_STORE_CTX_get_error_depth(ctx) != 0)
    return 1; // an intermediate or the CA: the role is the leaf's
  auto* leaf = X509_STORE_CTX_get_current_cert(ctx);
  auto f = facts_of(ssl);
  auto held = roles_of(leaf);
  if ((held & f.takes) != 0)
    return 1;
  refuse(f, "role", subject_of(leaf),
         "the certificate names role " + role_names(held) + "; the " + f.endpoint +
             " endpoint takes " + role_names(f.takes));
  X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
  if (ssl)
    SSL_set_ex_data(ssl, counted_index(), ssl);
  return 0;
}

void note_failed_handshake(SSL* ssl) {
  if (!ssl || SSL_get_ex_data(ssl, counted_index()) != nullptr)
    return;
  SSL_set_ex_data(ssl, counted_index(), ssl);
  refuse(facts_of(ssl), "handshake", "", "the TLS handshake failed");
}

uint64_t peer_refusals() {
  return refusals.load(std::memory_order_relaxed);
}

} // namespace kyb::runtime

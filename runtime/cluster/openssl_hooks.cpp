// OpenSSL calls of CAF 0.17's TLS sessions (libcaf_openssl, session.cpp), wrapped by the
// executables for two reasons. The node's executable defines these functions, so the
// dynamic linker binds CAF's calls here; each does its part and calls OpenSSL's own.
// Linked into the executables only (an object in a static library would not be pulled
// in: nothing references it by name).
//
// 1. Roles. CAF installs no verify callback, so a valid chain is all it asks of a peer.
//    SSL_CTX_set_verify installs runtime::tls_verify_peer, which also checks the role
//    the peer's certificate names (runtime/cluster/tls_roles.hpp); a failed server-side
//    handshake is counted and logged.
//
// 2. The error queue. CAF's TLS sessions (libcaf_openssl, session.cpp) never clear
// OpenSSL's per-thread error queue before SSL_read, SSL_write, SSL_accept or SSL_connect,
// and read it only when CAF logs at INFO. A failed handshake (a client with a certificate
// from another CA, or one speaking plain TCP to the TLS port) leaves its error in the
// queue of the multiplexer thread; the next SSL_read of a healthy session on that thread
// then sees SSL_ERROR_SSL and CAF closes the healthy connection. Anyone who can reach a
// node's cluster port could make the members declare each other down, once a second.
//
// OpenSSL requires an empty queue before each of these calls (SSL_get_error(3)), so
// each wrapper clears it first.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "runtime/cluster/tls_roles.hpp"

namespace {

template <class Fn>
Fn next_symbol(const char* name) {
  auto* fn = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
  if (!fn) {
    std::fprintf(stderr, "kyb: cannot find OpenSSL's %s: %s\n", name, ::dlerror());
    std::abort();
  }
  return fn;
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto next = next_symbol<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto next = next_symbol<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static const auto next = next_symbol<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  int rc = next(ssl);
  if (rc <= 0) {
    int why = SSL_get_error(ssl, rc); // peeks: CAF's own call sees the same
    if (why == SSL_ERROR_SSL || why == SSL_ERROR_SYSCALL || why == SSL_ERROR_ZERO_RETURN)
      kyb::runtime::note_failed_handshake(ssl);
  }
  return rc;
}

int SSL_connect(SSL* ssl) {
  static const auto next = next_symbol<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return next(ssl);
}

void SSL_CTX_set_verify(SSL_CTX* ctx, int mode, SSL_verify_cb cb) {
  static const auto next =
      next_symbol<void (*)(SSL_CTX*, int, SSL_verify_cb)>("SSL_CTX_set_verify");
  if ((mode & SSL_VERIFY_PEER) != 0 && cb == nullptr)
    cb = kyb::runtime::tls_verify_peer;
  next(ctx, mode, cb);
}

} // extern "C"

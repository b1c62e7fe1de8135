#include "net/http_request.hpp"

#include <utility>

namespace kyb::net {

namespace {

// Bodies above this are not kept as spare capacity for the connection's next request.
constexpr size_t retained_body_bytes = 64 * 1024;

} // namespace

void http_request::clear() noexcept {
  method.clear();
  target.clear();
  path.clear();
  query.clear();
  version = 11;
  headers.clear();
  trailers.clear();
  if (body.capacity() > retained_body_bytes)
    std::string{}.swap(body);
  else
    body.clear();
  keep_alive = true;
  chunked = false;
  expect_continue = false;
  received_at = {};
}

void http_request::swap(http_request& other) noexcept {
  using std::swap;
  method.swap(other.method);
  target.swap(other.target);
  path.swap(other.path);
  query.swap(other.query);
  swap(version, other.version);
  headers.swap(other.headers);
  trailers.swap(other.trailers);
  body.swap(other.body);
  swap(keep_alive, other.keep_alive);
  swap(chunked, other.chunked);
  swap(expect_continue, other.expect_continue);
  swap(received_at, other.received_at);
}

} // namespace kyb::net

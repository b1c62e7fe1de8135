#include "net/http_broker.hpp"

#include <cstdio>

#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>

#include "actors/tenant/api_key.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "net/exchange.hpp"
#include "net/http_response.hpp"
#include "net/problem.hpp"
#include "net/region_gateway.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"

namespace kyb::net {

namespace {

using clock = std::chrono::steady_clock;
using caf::io::connection_handle;
using tick_atom = actors::tick_atom;

constexpr auto tick_interval = std::chrono::seconds(1);
constexpr size_t read_chunk = 16 * 1024;

void process(http_broker_ptr self, connection_handle hdl);

/// Reads the socket when nothing holds the connection back (pipelining limit, a
/// streamed body's busy sink), through connection_state::read_state.
void update_reading(http_broker_ptr self, connection_handle hdl, connection_state& c) {
  using reading = connection_state::reading;
  bool want = !c.paused && !c.stream_blocked;
  auto settle = [&] {
    auto seq = ++c.flow_seq;
    auto me = caf::actor_cast<caf::actor>(self);
    self->backend().post(
        [me, hdl, seq] { caf::anon_send(me, flow_atom::value, hdl, seq); });
  };
  if (c.read_state == reading::on && !want) {
    self->halt(hdl);
    c.read_state = reading::turning_off;
    settle();
  } else if (c.read_state == reading::off && want) {
    self->trigger(hdl);
    c.read_state = reading::turning_on;
    settle();
  }
}

/// Writes every response that is next in line; closes after one that asked for it.
void write_ready(http_broker_ptr self, connection_handle hdl) {
  auto it = self->state.conns.find(hdl);
  if (it == self->state.conns.end())
    return;
  auto& c = it->second;
  bool wrote = false;
  while (!c.ready.empty() && c.ready.begin()->first == c.next_write) {
    auto node = c.ready.extract(c.ready.begin());
    auto& [bytes, close, encoded] = node.mapped();
    self->state.accounting.record_write_wait(
        std::chrono::duration<double>(clock::now() - encoded).count());
    auto& buf = self->wr_buf(hdl);
    buf.insert(buf.end(), bytes.begin(), bytes.end());
    wrote = true;
    ++c.next_write;
    if (close) {
      self->flush(hdl);
      self->close(hdl); // graceful: pending bytes are written first
      self->state.conns.erase(it);
      self->state.open_connections->Decrement();
      return;
    }
  }
  if (wrote)
    self->flush(hdl);
  if (c.paused && c.in_flight < self->state.svc->platform->settings.http.max_pipelined) {
    c.paused = false;
    update_reading(self, hdl, c);
    process(self, hdl);               // requests may already be buffered in the codec
    it = self->state.conns.find(hdl); // process() may have answered and closed
    if (it == self->state.conns.end())
      return;
  }
  auto& now = it->second;
  if (self->state.draining && now.in_flight == 0 && now.ready.empty()) {
    self->close(hdl);
    self->state.conns.erase(it);
    self->state.open_connections->Decrement();
  }
}

std::string make_request_id() {
  static thread_local std::string prefix = base::hex_encode(base::random_bytes(6));
  static thread_local uint64_t counter = 0;
  char buf[24];
  std::snprintf(buf, sizeof buf, "-%010llx", static_cast<unsigned long long>(++counter));
  return prefix + buf;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
          c == '.' || c == ':'))
      return false;
  return true;
}

/// Answers a request the codec rejected (its framing is lost: the connection closes).
void reject(http_broker_ptr self, connection_handle hdl, connection_state& c,
            const http_error& err) {
  auto ex = std::make_shared<exchange>();
  ex->self = self;
  ex->conn = hdl;
  ex->seq = c.next_seq++;
  ex->start = clock::now();
  ex->endpoint = "unmatched";
  ex->request_id = make_request_id();
  ex->req.method = c.codec.pending().method.empty() ? "-" : c.codec.pending().method;
  ex->req.path = c.codec.pending().path;
  ++c.in_flight;
  c.closing = true;
  ex->send_problem(make_problem(err), {}, true);
}

/// Runs the route's handler (authentication is done).
void handle(const exchange_ptr& ex) {
  ex->authed = clock::now();
  ex->rt->handler(ex);
}

/// Serves an authenticated request: here, or in the region that serves its tenant.
void run_as(const exchange_ptr& ex, const actors::principal& who) {
  ex->who = who;
  if (forward_if_elsewhere(ex, who.region, ex->rt->replica_group))
    return;
  handle(ex);
}

void authenticate_and_run(const exchange_ptr& ex) {
  const route& r = *ex->rt;
  if (r.auth == auth_kind::none) {
    handle(ex);
    return;
  }
  auto header = ex->req.header("authorization");
  std::string_view token;
  if (header.size() > 7 &&
      (header.substr(0, 7) == "Bearer " || header.substr(0, 7) == "bearer "))
    token = header.substr(7);
  if (r.auth == auth_kind::optional_key && header.empty()) {
    handle(ex); // an anonymous caller
    return;
  }
  auto key = actors::parse_api_key(token);
  if (!key) {
    ex->reply_problem(problem_type::unauthorized,
                      header.empty()
                          ? "send an API key: Authorization: Bearer <key>"
                          : "the Authorization header does not hold a valid API key");
    return;
  }
  uint8_t required = r.scope;
  if (r.auth == auth_kind::operator_) {
    if (!key->tenant_id.is_nil()) {
      ex->reply_problem(problem_type::forbidden,
                        "this endpoint needs a platform-operator key");
      return;
    }
    required = actors::scope_operator;
  }
  // A lease of this worker answers without a hop to the tenant actor (the same checks,
  // on what the tenant actor established).
  auto self = ex->self;
  auto now = clock::now();
  auto hash = actors::secret_hash(key->secret);
  if (auto* lease = self->state.leases.find(key->key_id, hash, now)) {
    if (!lease->who.has(required)) {
      ex->reply_problem(problem_type::forbidden,
                        actors::missing_scope_detail(required, lease->who.scopes));
      return;
    }
    --lease->tokens;
    run_as(ex, lease->who);
    return;
  }
  // One ask per key and secret at a time: a request that misses while another's ask is
  // on its way waits for that answer (and the lease it brings) instead of taking a
  // lease of its own, whose tokens would mostly run out unspent and drain the bucket
  // below what the limit allows.
  auto flight = key->key_id.to_string();
  flight += hash;
  auto& waiting = self->state.auth_waiting;
  if (auto it = waiting.find(flight); it != waiting.end()) {
    it->second.push_back(ex);
    return;
  }
  waiting.emplace(flight, std::vector<exchange_ptr>{});
  // The waiters start over once the answer is in: on the new lease while it has
  // tokens, then one of them asks again for the rest.
  auto release = [self, flight] {
    auto it = self->state.auth_waiting.find(flight);
    if (it == self->state.auth_waiting.end())
      return;
    auto waiters = std::move(it->second);
    self->state.auth_waiting.erase(it);
    for (auto& w : waiters)
      authenticate_and_run(w);
  };
  ex->ask_entity_or<actors::auth_grant>(
      actors::tenant_entity, key->tenant_id,
      [ex, self, key_id = key->key_id, hash, now, release](actors::auth_grant& g) {
        self->state.leases.keep(key_id, hash, g, now, clock::now());
        run_as(ex, g.who);
        release();
      },
      [ex, release](caf::error& err) {
        release();
        // A key that cannot be checked here (its tenant lives in another region, the
        // database is down) on a route where a key is optional: the node answers for
        // itself, as to an anonymous caller, and never forwards.
        if (ex->rt->auth == auth_kind::optional_key) {
          auto code = code_of(err);
          bool wrong_key = code == errc::unauthorized && field_of(err).empty();
          if (!wrong_key && code != errc::forbidden && code != errc::rate_limited) {
            handle(ex);
            return;
          }
          ex->reply_error(err);
          return;
        }
        // A tenant this region does not know may live in the other residency's region
        // (EU tenants exist only in eu-west-1; a new US tenant may not have replicated
        // here yet): that region answers. The same for a key not replicated here yet.
        auto hint = field_of(err);
        if (hint == "tenant_absent" && forward_unknown_tenant(ex))
          return;
        // A key this region's replica does not hold yet (made moments ago): the
        // tenant's home region decides.
        const std::string replica_prefix = "key_unknown_in_replica:";
        if (hint.rfind(replica_prefix, 0) == 0 &&
            forward_if_elsewhere(ex, hint.substr(replica_prefix.size()), ""))
          return;
        if (code_of(err) == errc::unavailable && forward_unreadable_tenant(ex))
          return;
        ex->reply_error(err);
      },
      actors::authenticate_atom::value, key->key_id, hash, required);
}

/// Takes the hops of a request this node's request relay handed over (proven with this
/// process's key); a client's X-KYB-Forwarded-By is ignored.
void accept_forwarded(exchange& ex) {
  auto hops = ex.req.header("x-kyb-forwarded-by");
  if (hops.empty())
    return;
  const auto& seal = ex.services().forward_seal;
  if (seal && !ex.streamed &&
      seal->verify(ex.req.header("x-kyb-forward-proof"), ex.req.method, ex.req.target,
                   hops, ex.req.body, clock::now())) {
    ex.forwarded_by = std::string(hops);
    return;
  }
  base::log_debug("http.forwarded_by_ignored",
                  {{"request_id", ex.request_id},
                   {"forwarded_by", std::string(hops.substr(0, 256))}});
}

/// Starts one decoded request.
void start(http_broker_ptr self, connection_handle hdl, connection_state& c,
           http_request req, bool streamed = false) {
  auto ex = std::make_shared<exchange>();
  ex->streamed = streamed;
  if (streamed)
    c.streamed = ex;
  ex->self = self;
  ex->conn = hdl;
  ex->seq = c.next_seq++;
  ex->start = req.received_at == clock::time_point{} ? clock::now() : req.received_at;
  auto rid = req.header("x-request-id");
  ex->request_id = valid_request_id(rid) ? std::string(rid) : make_request_id();
  ex->req = std::move(req);
  accept_forwarded(*ex);
  ++c.in_flight;
  c.pending.emplace(ex->seq, ex);
  if (c.in_flight >= self->state.svc->platform->settings.http.max_pipelined &&
      !c.paused) {
    c.paused = true;
    update_reading(self, hdl, c);
  }
  ex->routed = clock::now();
  auto m = self->state.svc->routes->match(ex->req.method, ex->req.path);
  switch (m.result) {
  case route_match::outcome::not_found:
    ex->endpoint = "unmatched";
    ex->reply_problem(problem_type::not_found, "no resource at " + ex->req.path);
    return;
  case route_match::outcome::method_not_allowed:
    ex->endpoint = "unmatched";
    ex->reply_problem(problem_type::method_not_allowed,
                      ex->req.method + " is not supported here; use " + m.allow,
                      {{"Allow", m.allow}});
    return;
  case route_match::outcome::bad_path:
    ex->endpoint = m.matched ? m.matched->pattern : "unmatched";
    ex->reply_problem(problem_type::malformed_request,
                      "the path has a malformed %-escape");
    return;
  case route_match::outcome::found:
    break;
  }
  ex->rt = m.matched;
  ex->endpoint = m.matched->pattern;
  ex->params = std::move(m.params);
  if (self->state.draining) {
    ex->reply_problem(problem_type::unavailable, "the node is shutting down; retry",
                      {{"Retry-After", "1"}}, nlohmann::json::object(), true);
    return;
  }
  authenticate_and_run(ex);
}

/// Starts a request whose body streams (its header is complete): the same route,
/// drain and authentication steps as start(); decoding of the body waits until the
/// handler installs its sink (exchange::stream_body) or answers.
void start_streamed(http_broker_ptr self, connection_handle hdl, connection_state& c) {
  http_request req = c.codec.pending(); // the header; body parts follow as events
  req.body.clear();
  c.stream_blocked = true;
  update_reading(self, hdl, c);
  start(self, hdl, c, std::move(req), true);
}

/// Pulls every complete request out of the connection's codec.
void process(http_broker_ptr self, connection_handle hdl) {
  auto it = self->state.conns.find(hdl);
  if (it == self->state.conns.end())
    return;
  auto& c = it->second;
  http_request req;
  while (!c.closing && !c.paused && !c.stream_blocked) {
    switch (c.codec.next(req)) {
    case decode_status::need_more:
      return;
    case decode_status::headers:
      start_streamed(self, hdl, c);
      if (self->state.conns.find(hdl) == self->state.conns.end())
        return;
      break;
    case decode_status::body_part:
      if (c.stream)
        c.stream->on_part(std::move(req.body));
      req.body.clear();
      if (self->state.conns.find(hdl) == self->state.conns.end())
        return;
      break;
    case decode_status::request: {
      if (c.streamed || c.stream) {
        // The end of a streamed body (its exchange started at `headers`).
        bool last = !req.keep_alive;
        auto sink = std::move(c.stream);
        c.stream.reset();
        if (c.streamed)
          c.streamed->body_done = true;
        c.streamed.reset();
        if (sink)
          sink->on_end(std::move(req.body));
        req = http_request{};
        if (self->state.conns.find(hdl) == self->state.conns.end())
          return;
        if (last) {
          c.closing = true;
          return;
        }
        break;
      }
      bool last = !req.keep_alive;
      start(self, hdl, c, std::move(req));
      req = http_request{};
      // start() may have answered synchronously and closed the connection (a request
      // with Connection: close answered at once): `c` is gone then.
      if (self->state.conns.find(hdl) == self->state.conns.end())
        return;
      if (last) {
        c.closing = true;
        return;
      }
      break;
    }
    case decode_status::expect_continue: {
      std::string out;
      write_continue(out);
      self->write(hdl, out.size(), out.data());
      self->flush(hdl);
      break;
    }
    case decode_status::error:
      if (auto ex = c.streamed) {
        // A streamed body broke (too large, bad chunk): its own request answers.
        auto sink = std::move(c.stream);
        auto p = make_problem(c.codec.error());
        if (sink)
          sink->on_abort(p.detail);
        ex->send_problem(std::move(p), {}, true);
        return;
      }
      reject(self, hdl, c, c.codec.error());
      return;
    case decode_status::closed:
      c.closing = true;
      return;
    }
  }
}

void flush_usage(http_broker_ptr self) {
  auto& st = self->state;
  auto samples = st.accounting.take_usage(clock::now());
  if (!samples.empty())
    self->send(st.svc->usage->get(), actors::record_atom::value, std::move(samples));
}

void on_tick(http_broker_ptr self) {
  auto& st = self->state;
  auto now = clock::now();
  auto& http = st.svc->platform->settings.http;
  std::vector<connection_handle> idle;
  std::vector<connection_handle> slow;
  for (auto& [hdl, c] : st.conns) {
    if (c.closing || c.in_flight > 0)
      continue;
    if (c.codec.request_started()) {
      if (now - c.codec.waiting_since() > http.read_timeout)
        slow.push_back(hdl);
    } else if (now - c.last_activity > http.idle_timeout) {
      idle.push_back(hdl);
    }
  }
  for (auto& hdl : slow) {
    // A slow client: answer 408 and close.
    auto& c = st.conns.at(hdl);
    auto ex = std::make_shared<exchange>();
    ex->self = self;
    ex->conn = hdl;
    ex->seq = c.next_seq++;
    ex->start = now;
    ex->endpoint = "unmatched";
    ex->request_id = make_request_id();
    ex->req.method = "-";
    ++c.in_flight;
    c.closing = true;
    ex->reply_problem(problem_type::request_timeout,
                      "the request did not arrive completely within " +
                          std::to_string(http.read_timeout.count()) + " ms",
                      {}, nlohmann::json::object(), true);
  }
  for (auto& hdl : idle) {
    self->close(hdl);
    st.conns.erase(hdl);
    st.open_connections->Decrement();
  }
  // Requests the platform did not answer in time get 504 (their late answers are
  // dropped).
  std::vector<exchange_ptr> expired;
  std::vector<connection_handle> stalled;
  for (auto& [hdl, c] : st.conns) {
    for (auto& [seq, weak] : c.pending)
      if (auto ex = weak.lock();
          ex && !ex->responded && !ex->streamed && now - ex->start > http.request_timeout)
        expired.push_back(std::move(ex));
    // A streamed body that stopped arriving (not because its sink is busy).
    if (c.stream && !c.stream_blocked && now - c.last_activity > http.read_timeout)
      stalled.push_back(hdl);
  }
  for (auto& hdl : stalled) {
    auto& c = st.conns.at(hdl);
    auto sink = std::move(c.stream);
    auto ex = c.streamed;
    sink->on_abort("no part of the body arrived within " +
                   std::to_string(http.read_timeout.count()) + " ms");
    if (ex)
      ex->reply_problem(problem_type::request_timeout,
                        "the upload stopped: no part of the body arrived within " +
                            std::to_string(http.read_timeout.count()) + " ms",
                        {}, nlohmann::json::object(), true);
  }
  for (auto& ex : expired)
    ex->reply_problem(problem_type::timeout,
                      "the platform did not answer within " +
                          std::to_string(http.request_timeout.count()) + " ms; retry",
                      {{"Retry-After", "1"}});
  if (now - st.accounting.last_usage_take() >=
      st.svc->platform->settings.api.usage_flush_interval)
    flush_usage(self);
  st.accounting.flush_access_log();
}

void finish_drain(http_broker_ptr self) {
  auto& st = self->state;
  flush_usage(self);
  st.accounting.flush_access_log();
  for (auto& rp : st.drain_waiters)
    rp.deliver(caf::unit);
  st.drain_waiters.clear();
  self->quit();
}

} // namespace

caf::actor spawn_http_broker(caf::actor_system& sys, int listen_fd, services_ptr svc,
                             int worker_index) {
  return sys.middleman().spawn_broker(
      [](http_broker_ptr self, int listen_fd, services_ptr svc,
         int worker_index) -> caf::behavior {
        auto& st = self->state;
        st.svc = svc;
        st.worker = worker_index;
        st.limits = codec_limits::from(svc->platform->settings.http);
        st.doorman = self->add_doorman(listen_fd);
        st.open_connections = &base::metrics_registry::global()
                                   .gauge("kyb_http_open_connections",
                                          "Open HTTP connections per worker", {"worker"})
                                   .with({std::to_string(worker_index)});
        st.refused_per_address = &base::metrics_registry::global()
                                      .counter("kyb_http_refused_per_address_total",
                                               "Connections refused: their address held "
                                               "http.max_connections_per_ip",
                                               {"worker"})
                                      .with({std::to_string(worker_index)});
        st.accounting = request_accounting(
            worker_index, svc->platform->settings.log.access, clock::now());
        self->delayed_send(self, tick_interval, tick_atom::value);
        return {
            [self](const caf::io::new_connection_msg& msg) {
              auto& st = self->state;
              auto& http = st.svc->platform->settings.http;
              // Over capacity: say so and close rather than queue without bound.
              auto refuse = [&](std::string detail) {
                auto p = make_problem(problem_type::unavailable, std::move(detail));
                p.retry_after = 1;
                std::string out;
                write_response(make_problem_response(p, false), out);
                self->write(msg.handle, out.size(), out.data());
                self->flush(msg.handle);
                self->close(msg.handle);
              };
              if (st.draining || st.conns.size() >= http.max_connections) {
                refuse(st.draining ? "the node is shutting down"
                                   : "too many open connections");
                return;
              }
              address_limiter::slot place;
              if (st.svc->per_address) {
                place = st.svc->per_address->acquire(self->remote_addr(msg.handle));
                if (!place) {
                  st.refused_per_address->Increment();
                  refuse("too many open connections from this address (at most " +
                         std::to_string(st.svc->per_address->per_address()) + ")");
                  return;
                }
              }
              auto [it, inserted] =
                  st.conns.emplace(msg.handle, connection_state{st.limits});
              it->second.place = std::move(place);
              it->second.last_activity = clock::now();
              it->second.codec.stream_bodies(
                  [routes = st.svc->routes](std::string_view method,
                                            std::string_view path) {
                    return routes->streams(method, path);
                  },
                  st.svc->platform->settings.import.max_upload_bytes);
              st.open_connections->Increment();
              self->configure_read(msg.handle,
                                   caf::io::receive_policy::at_most(read_chunk));
            },
            [self](const caf::io::new_data_msg& msg) {
              auto it = self->state.conns.find(msg.handle);
              if (it == self->state.conns.end())
                return;
              auto& c = it->second;
              auto now = clock::now();
              c.last_activity = now;
              if (c.closing)
                return; // the connection ends after what is in flight; ignore the rest
              c.codec.feed(msg.buf.data(), msg.buf.size(), now);
              process(self, msg.handle);
            },
            [self](const caf::io::connection_closed_msg& msg) {
              // The client went away, maybe mid-request: forget the connection; requests
              // already handed to actors complete (nothing accepted is lost), their
              // answers are dropped.
              auto it = self->state.conns.find(msg.handle);
              if (it == self->state.conns.end())
                return;
              auto sink = std::move(it->second.stream);
              self->state.conns.erase(it);
              self->state.open_connections->Decrement();
              if (sink)
                sink->on_abort("the client disconnected before the upload ended");
            },
            [self](const caf::io::acceptor_closed_msg&) {
              base::log_warn("http.acceptor_closed", {{"worker", self->state.worker}});
            },
            [self](flow_atom, connection_handle hdl, uint64_t seq) {
              auto it = self->state.conns.find(hdl);
              if (it == self->state.conns.end() || it->second.flow_seq != seq)
                return;
              using reading = connection_state::reading;
              auto& c = it->second;
              if (c.read_state == reading::turning_off)
                c.read_state = reading::off;
              else if (c.read_state == reading::turning_on)
                c.read_state = reading::on;
              update_reading(self, hdl, c); // what was asked meanwhile
            },
            [self](tick_atom) {
              on_tick(self);
              auto& st = self->state;
              if (st.draining && st.conns.empty()) {
                finish_drain(self);
                return;
              }
              self->delayed_send(self, tick_interval, tick_atom::value);
            },
            [self](drain_atom) {
              auto& st = self->state;
              auto rp = self->make_response_promise();
              st.drain_waiters.push_back(rp);
              if (st.draining)
                return;
              st.draining = true;
              self->close(st.doorman);
              // Idle connections close now; busy ones after their last answer.
              std::vector<connection_handle> idle;
              for (auto& [hdl, c] : st.conns)
                if (c.in_flight == 0)
                  idle.push_back(hdl);
              for (auto& hdl : idle) {
                self->close(hdl);
                st.conns.erase(hdl);
                st.open_connections->Decrement();
              }
              if (st.conns.empty()) {
                finish_drain(self);
                return;
              }
              auto timeout = st.svc->platform->settings.http.drain_timeout;
              self->delayed_send(self, timeout, drain_atom::value, drain_atom::value);
            },
            [self](drain_atom, drain_atom) {
              // The drain timeout passed: close what is left.
              auto& st = self->state;
              base::log_warn("http.drain_timeout",
                             {{"open_connections", st.conns.size()}});
              for (auto& [hdl, c] : st.conns)
                if (auto sink = std::move(c.stream))
                  sink->on_abort("the node is shutting down");
              self->close_all();
              st.conns.clear();
              finish_drain(self);
            },
        };
      },
      listen_fd, svc, worker_index);
}

// -- exchange: writing the answer and pacing a streamed body -------------------------

void exchange::respond(int status, std::string content_type, std::string body,
                       header_list headers, bool close) {
  if (responded)
    return;
  responded = true;
  answered = clock::now();
  auto& st = self->state;
  auto it = st.conns.find(conn);
  http_response res;
  res.status = status;
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  res.headers.add("X-Request-Id", request_id);
  for (auto& [k, v] : headers)
    res.headers.add(k, v);
  res.head = req.method == "HEAD";
  // An answer before a streamed body ended: the rest of the body is not read.
  bool early = streamed && !body_done;
  bool closing = close || early || !req.keep_alive || st.draining;
  res.keep_alive = !closing;
  std::string bytes;
  write_response(res, bytes);
  auto encoded = clock::now();
  served_request done;
  done.rt = rt;
  done.endpoint = endpoint;
  done.method = req.method;
  done.path = req.path;
  done.request_id = request_id;
  done.who = who ? &*who : nullptr;
  done.forwarded_out = forwarded_out;
  done.status = status;
  done.bytes_out = bytes.size();
  done.seconds = std::chrono::duration<double>(encoded - start).count();
  if (authed != clock::time_point{}) {
    auto secs = [](clock::duration d) {
      return std::chrono::duration<double>(d).count();
    };
    done.stages[stage_parse] = secs(routed - start);
    done.stages[stage_auth] = secs(authed - routed);
    done.stages[stage_handler] = secs(answered - authed);
    done.stages[stage_encode] = secs(encoded - answered);
  }
  st.accounting.record(done);
  if (it == st.conns.end())
    return; // the client left; the work is done, the answer has nowhere to go
  auto& c = it->second;
  --c.in_flight;
  c.pending.erase(seq);
  if (early) {
    c.closing = true;
    c.stream.reset();
    c.streamed.reset();
    c.stream_blocked = false;
  } else if (c.streamed.get() == this) {
    c.streamed.reset();
  }
  c.ready.emplace(seq, ready_answer{std::move(bytes), closing, encoded});
  write_ready(self, conn);
}

void exchange::stream_body(std::shared_ptr<body_stream> sink) {
  auto it = self->state.conns.find(conn);
  if (it == self->state.conns.end() || it->second.streamed.get() != this) {
    if (sink && !body_done)
      sink->on_abort("the client disconnected");
    return;
  }
  it->second.stream = std::move(sink);
  resume_body();
}

void exchange::pause_body() {
  auto it = self->state.conns.find(conn);
  if (it == self->state.conns.end() || it->second.stream_blocked)
    return;
  it->second.stream_blocked = true;
  update_reading(self, conn, it->second);
}

void exchange::resume_body() {
  auto it = self->state.conns.find(conn);
  if (it == self->state.conns.end() || !it->second.stream_blocked)
    return;
  auto& c = it->second;
  c.stream_blocked = false;
  c.last_activity = clock::now();
  update_reading(self, conn, c);
  process(self, conn);
}

} // namespace kyb::net

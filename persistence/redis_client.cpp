#include "persistence/redis_client.hpp"

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/backoff.hpp"
#include "persistence/io_watcher.hpp"
#include "persistence/redis_url.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

redis_client_options redis_client_options::from(const config::redis_settings& cfg) {
  redis_client_options opts;
  opts.url = cfg.url;
  if (cfg.timeout.count() > 0)
    opts.timeout = cfg.timeout;
  if (cfg.reconnect_backoff_max.count() > 0)
    opts.reconnect_backoff_max = cfg.reconnect_backoff_max;
  return opts;
}

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct redis_metrics {
  base::counter_family& commands;
  base::histogram_family& duration;
  base::gauge_family& connections;
  // The series of every command, resolved once (asking a family takes its lock).
  base::counter& ok_commands = commands.with({"ok"});
  base::histogram& command_seconds = duration.with({});

  static redis_metrics& get() {
    auto& r = base::metrics_registry::global();
    static redis_metrics m{
        r.counter("kyb_redis_commands_total",
                  "Redis commands by outcome (ok, error_reply, timeout, unavailable).",
                  {"outcome"}),
        r.histogram("kyb_redis_command_duration_seconds",
                    "Time from a command to its reply.", {},
                    {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                     0.1, 0.25, 0.5, 1}),
        r.gauge("kyb_redis_connections",
                "Redis connections by state (up, connecting, down).", {"state"}),
    };
    return m;
  }
};

enum class phase { down, connecting, up };

const char* state_label(phase p) {
  switch (p) {
  case phase::up:
    return "up";
  case phase::connecting:
    return "connecting";
  case phase::down:
    break;
  }
  return "down";
}

redis_reply convert(const redisReply* r) {
  redis_reply out;
  switch (r->type) {
  case REDIS_REPLY_STRING:
    out.type = redis_reply::kind::string;
    out.str.assign(r->str, r->len);
    break;
  case REDIS_REPLY_STATUS:
    out.type = redis_reply::kind::status;
    out.str.assign(r->str, r->len);
    break;
  case REDIS_REPLY_ERROR:
    out.type = redis_reply::kind::error;
    out.str.assign(r->str, r->len);
    break;
  case REDIS_REPLY_INTEGER:
    out.type = redis_reply::kind::integer;
    out.integer = r->integer;
    break;
  case REDIS_REPLY_ARRAY:
    out.type = redis_reply::kind::array;
    out.elements.reserve(r->elements);
    for (size_t i = 0; i < r->elements; ++i)
      out.elements.push_back(convert(r->element[i]));
    break;
  default:
    out.type = redis_reply::kind::nil;
    break;
  }
  return out;
}

struct pending_command {
  enum kind_t { user, ping, setup } kind;
  caf::response_promise rp;
  clock_type::time_point sent;
  std::string what; // setup: "AUTH", "SELECT", "PING"
};

struct redis_status {
  std::atomic<bool> connected{false};
  std::atomic<uint64_t> connects{0};
};

class redis_state {
public:
  static inline const char* name = "kyb.redis_client";

  using pointer = redis_actor::stateful_pointer<redis_state>;

  explicit redis_state(pointer self) : self_(self), backoff_(milliseconds{2000}) {}

  ~redis_state() {
    stopping_ = true;
    if (ac_)
      redisAsyncFree(ac_); // answers pending commands through their callbacks
    fail_pending("redis client stopped");
    unwatch();
    if (status_)
      status_->connected = false;
    redis_metrics::get().connections.with({state_label(phase_)}).Decrement();
  }

  redis_actor::behavior_type make_behavior(redis_client_options opts, redis_endpoint ep,
                                           std::shared_ptr<io_watcher> watcher,
                                           std::shared_ptr<redis_status> status) {
    opts_ = std::move(opts);
    ep_ = std::move(ep);
    watcher_ = std::move(watcher);
    status_ = std::move(status);
    backoff_ = backoff{opts_.reconnect_backoff_max};
    redis_metrics::get().connections.with({state_label(phase_)}).Increment();
    connect();
    return {
        [this](std::vector<std::string>& args) -> caf::result<redis_reply> {
          if (args.empty())
            return make_error(errc::invalid_argument, "empty redis command");
          if (phase_ != phase::up) {
            count("unavailable", clock_type::now());
            return down_error();
          }
          auto rp = self_->make_response_promise();
          submit(pending_command::user, args, rp);
          after_hiredis();
          return rp;
        },
        [this](ping_atom) -> caf::result<ok_atom> {
          if (phase_ != phase::up)
            return down_error();
          auto rp = self_->make_response_promise();
          submit(pending_command::ping, {"PING"}, rp);
          after_hiredis();
          return rp;
        },
        [this](io_ready_atom, uint64_t token, bool readable, bool writable) {
          if (token != token_ || !ac_)
            return; // stale: an earlier socket
          armed_ = false;
          if (readable) {
            last_read_ = clock_type::now();
            redisAsyncHandleRead(ac_);
          }
          if (ac_ && writable)
            redisAsyncHandleWrite(ac_);
          after_hiredis();
        },
        [this](retry_atom) {
          retry_scheduled_ = false;
          if (phase_ == phase::down && !ac_)
            connect();
        },
        [this](deadline_atom) {
          timer_scheduled_ = false;
          on_deadline();
        },
    };
  }

private:
  // -- hiredis adapter hooks: only record what hiredis waits for ---------------

  static void hook_add_read(void* p) { static_cast<redis_state*>(p)->want_read_ = true; }
  static void hook_del_read(void* p) { static_cast<redis_state*>(p)->want_read_ = false; }
  static void hook_add_write(void* p) {
    static_cast<redis_state*>(p)->want_write_ = true;
  }
  static void hook_del_write(void* p) {
    static_cast<redis_state*>(p)->want_write_ = false;
  }

  // hiredis is about to free the context (after answering pending callbacks).
  static void hook_cleanup(void* p) {
    auto* st = static_cast<redis_state*>(p);
    if (st->ac_ && st->ac_->c.err && !st->dropping_)
      st->last_error_ = st->ac_->c.errstr;
    st->ac_ = nullptr;
    st->unwatch();
    st->want_read_ = st->want_write_ = false;
  }

  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
    auto* st = static_cast<redis_state*>(ac->data);
    st->reply(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(privdata)),
              static_cast<redisReply*>(reply));
  }

  // -- connection lifecycle ----------------------------------------------------

  void set_phase(phase p) {
    if (p == phase_)
      return;
    auto& gauge = redis_metrics::get().connections;
    gauge.with({state_label(phase_)}).Decrement();
    gauge.with({state_label(p)}).Increment();
    phase_ = p;
    status_->connected = p == phase::up;
  }

  void connect() {
    set_phase(phase::connecting);
    dropping_ = false;
    auto* ac = redisAsyncConnect(ep_.host.c_str(), ep_.port);
    if (!ac) {
      disconnected("out of memory");
      return;
    }
    if (ac->err) {
      std::string why = ac->errstr;
      redisAsyncFree(ac);
      disconnected("connect failed: " + why);
      return;
    }
    ac_ = ac;
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = hook_add_read;
    ac->ev.delRead = hook_del_read;
    ac->ev.addWrite = hook_add_write;
    ac->ev.delWrite = hook_del_write;
    ac->ev.cleanup = hook_cleanup;
    auto token = watcher_->add(ac->c.fd, caf::actor_cast<caf::actor>(self_));
    if (!token) {
      drop("cannot watch the socket: " + detail_of(token.error()));
      return;
    }
    token_ = *token;
    setup_left_ = 0;
    if (!ep_.password.empty()) {
      if (ep_.user.empty())
        submit(pending_command::setup, {"AUTH", ep_.password}, {}, "AUTH");
      else
        submit(pending_command::setup, {"AUTH", ep_.user, ep_.password}, {}, "AUTH");
    }
    if (ep_.db != 0)
      submit(pending_command::setup, {"SELECT", std::to_string(ep_.db)}, {}, "SELECT");
    submit(pending_command::setup, {"PING"}, {}, "PING");
    after_hiredis();
  }

  // Closes the connection from our side (never from inside a hiredis callback).
  void drop(const std::string& why) {
    last_error_ = why;
    if (ac_) {
      dropping_ = true;
      redisAsyncFree(ac_); // runs the callbacks with NULL replies, then hook_cleanup
      ac_ = nullptr;
    }
    disconnected(why);
  }

  // The context is gone (freed by us or by hiredis): answer what waits, retry later.
  void disconnected(const std::string& why) {
    if (!why.empty())
      last_error_ = why;
    bool was_up = phase_ == phase::up;
    unwatch();
    fail_pending("redis connection lost; outcome unknown: " + last_error_);
    deadlines_.clear();
    drop_requested_ = false;
    set_phase(phase::down);
    if (was_up)
      base::log_warn("redis_connection_lost",
                     {{"conn", opts_.name}, {"error", last_error_}});
    else
      base::log_debug("redis_connect_failed",
                      {{"conn", opts_.name}, {"error", last_error_}});
    if (!retry_scheduled_ && !stopping_) {
      retry_scheduled_ = true;
      self_->delayed_send(self_, backoff_.next(), retry_atom::value);
    }
  }

  void unwatch() {
    if (token_ != 0 && watcher_)
      watcher_->remove(token_);
    token_ = 0;
    armed_ = false;
  }

  void rearm() {
    if (!ac_ || token_ == 0)
      return;
    if (armed_ && armed_read_ == want_read_ && armed_write_ == want_write_)
      return;
    watcher_->arm(token_, want_read_, want_write_);
    armed_ = true;
    armed_read_ = want_read_;
    armed_write_ = want_write_;
  }

  // Runs after every call into hiredis, outside its callbacks.
  void after_hiredis() {
    if (!ac_) {
      if (phase_ != phase::down)
        disconnected({});
      return;
    }
    if (drop_requested_) {
      drop_requested_ = false;
      drop(drop_reason_);
      return;
    }
    rearm();
    while (!deadlines_.empty() && pending_.count(deadlines_.front().first) == 0)
      deadlines_.pop_front();
    schedule_timer();
  }

  // -- commands ----------------------------------------------------------------

  caf::error down_error() const {
    return make_error(errc::unavailable, "redis is down: " + last_error_);
  }

  void submit(pending_command::kind_t kind, const std::vector<std::string>& args,
              caf::response_promise rp, std::string what = {}) {
    auto id = next_id_++;
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto now = clock_type::now();
    if (redisAsyncCommandArgv(
            ac_, on_reply, reinterpret_cast<void*>(static_cast<uintptr_t>(id)),
            static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      if (kind == pending_command::setup) {
        drop_requested_ = true;
        drop_reason_ = "sending " + what + " failed";
      } else {
        count("unavailable", now);
        rp.deliver(make_error(errc::unavailable, "redis connection is closing"));
      }
      return;
    }
    if (kind == pending_command::setup)
      ++setup_left_;
    pending_.emplace(id, pending_command{kind, std::move(rp), now, std::move(what)});
    deadlines_.emplace_back(id, now + opts_.timeout);
  }

  void reply(uint64_t id, redisReply* r) {
    auto i = pending_.find(id);
    if (i == pending_.end())
      return; // timed out earlier; the late reply is dropped
    auto cmd = std::move(i->second);
    pending_.erase(i);
    if (!r) {
      if (cmd.kind != pending_command::setup)
        fail(cmd,
             make_error(errc::unavailable,
                        "redis connection lost; outcome unknown: " + current_error()));
      return;
    }
    switch (cmd.kind) {
    case pending_command::setup:
      if (r->type == REDIS_REPLY_ERROR) {
        if (drop_requested_)
          return; // the first failure (AUTH) explains the later ones (NOAUTH)
        drop_requested_ = true;
        drop_reason_ = cmd.what + " failed: " + std::string{r->str, r->len};
        // Logged once per distinct reason: a wrong password would repeat it every retry.
        if (drop_reason_ != logged_setup_error_)
          base::log_error("redis_setup_failed",
                          {{"conn", opts_.name}, {"error", drop_reason_}});
        logged_setup_error_ = drop_reason_;
      } else if (--setup_left_ == 0) {
        set_phase(phase::up);
        backoff_.reset();
        ++status_->connects;
        last_error_.clear();
        logged_setup_error_.clear();
        base::log_info("redis_connected",
                       {{"conn", opts_.name}, {"connects", status_->connects.load()}});
      }
      return;
    case pending_command::ping:
      if (r->type == REDIS_REPLY_ERROR) {
        fail(cmd, make_error(errc::unavailable,
                             "redis answered PING with " + std::string{r->str, r->len}));
      } else {
        count("ok", cmd.sent);
        cmd.rp.deliver(ok_atom::value);
      }
      return;
    case pending_command::user:
      count(r->type == REDIS_REPLY_ERROR ? "error_reply" : "ok", cmd.sent);
      cmd.rp.deliver(convert(r));
      return;
    }
  }

  std::string current_error() const {
    if (ac_ && ac_->c.err)
      return ac_->c.errstr;
    return last_error_.empty() ? std::string{"connection closed"} : last_error_;
  }

  void fail(pending_command& cmd, const caf::error& err) {
    count(to_string(code_of(err)), cmd.sent);
    cmd.rp.deliver(err);
  }

  void fail_pending(const std::string& why) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, cmd] : pending)
      if (cmd.kind != pending_command::setup)
        fail(cmd, make_error(errc::unavailable, why));
  }

  void count(const char* outcome, clock_type::time_point sent) {
    auto& m = redis_metrics::get();
    (std::strcmp(outcome, "ok") == 0 ? m.ok_commands : m.commands.with({outcome}))
        .Increment();
    m.command_seconds.Observe(
        std::chrono::duration<double>(clock_type::now() - sent).count());
  }

  // -- deadlines ---------------------------------------------------------------

  void schedule_timer() {
    if (timer_scheduled_ || deadlines_.empty())
      return;
    auto wait = std::chrono::duration_cast<milliseconds>(deadlines_.front().second -
                                                         clock_type::now()) +
                milliseconds{1};
    timer_scheduled_ = true;
    self_->delayed_send(self_, std::max(wait, milliseconds{1}), deadline_atom::value);
  }

  void on_deadline() {
    auto now = clock_type::now();
    bool expired = false;
    bool setup_expired = false;
    while (!deadlines_.empty() && deadlines_.front().second <= now) {
      auto id = deadlines_.front().first;
      deadlines_.pop_front();
      auto i = pending_.find(id);
      if (i == pending_.end())
        continue;
      auto cmd = std::move(i->second);
      pending_.erase(i);
      expired = true;
      if (cmd.kind == pending_command::setup) {
        setup_expired = true;
        continue;
      }
      fail(cmd,
           make_error(errc::timeout, "redis command timed out after " +
                                         std::to_string(opts_.timeout.count()) + " ms"));
    }
    if (setup_expired) {
      drop("connect/setup timed out after " + std::to_string(opts_.timeout.count()) +
           " ms");
      return;
    }
    // A reply overdue while nothing at all arrived for a whole timeout: the server or the
    // network is gone (a stopped process keeps TCP open). Reconnect instead of waiting.
    if (expired && ac_ && now - last_read_ >= opts_.timeout) {
      drop("no reply for " + std::to_string(opts_.timeout.count()) + " ms");
      return;
    }
    schedule_timer();
  }

  pointer self_;
  redis_client_options opts_;
  redis_endpoint ep_;
  std::shared_ptr<io_watcher> watcher_;
  std::shared_ptr<redis_status> status_;
  backoff backoff_;

  redisAsyncContext* ac_ = nullptr;
  phase phase_ = phase::down;
  std::string last_error_ = "not connected yet";
  bool retry_scheduled_ = false;
  bool stopping_ = false;
  bool dropping_ = false;
  bool drop_requested_ = false;
  std::string drop_reason_;
  std::string logged_setup_error_;
  size_t setup_left_ = 0;

  uint64_t token_ = 0;
  bool want_read_ = false;
  bool want_write_ = false;
  bool armed_ = false;
  bool armed_read_ = false;
  bool armed_write_ = false;
  clock_type::time_point last_read_ = clock_type::now();

  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, pending_command> pending_;
  std::deque<std::pair<uint64_t, clock_type::time_point>> deadlines_;
  bool timer_scheduled_ = false;
};

redis_actor::behavior_type redis_impl(redis_actor::stateful_pointer<redis_state> self,
                                      redis_client_options opts, redis_endpoint ep,
                                      std::shared_ptr<io_watcher> watcher,
                                      std::shared_ptr<redis_status> status) {
  return self->state.make_behavior(std::move(opts), std::move(ep), std::move(watcher),
                                   std::move(status));
}

} // namespace

struct redis_client::impl {
  redis_actor actor;
  std::shared_ptr<redis_status> status;
  std::atomic<bool> stopped{false};

  void stop() {
    if (!stopped.exchange(true))
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }

  ~impl() { stop(); }
};

caf::expected<redis_client> redis_client::spawn(caf::actor_system& sys,
                                                redis_client_options opts,
                                                std::shared_ptr<io_watcher> watcher) {
  auto ep = parse_redis_url(opts.url);
  if (!ep)
    return ep.error();
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] { std::signal(SIGPIPE, SIG_IGN); });
  redis_client client;
  client.impl_ = std::make_shared<impl>();
  client.impl_->status = std::make_shared<redis_status>();
  client.impl_->actor = sys.spawn(redis_impl, std::move(opts), std::move(*ep),
                                  std::move(watcher), client.impl_->status);
  return client;
}

caf::expected<redis_client> redis_client::spawn(caf::actor_system& sys,
                                                const config::redis_settings& cfg,
                                                std::shared_ptr<io_watcher> watcher) {
  return spawn(sys, redis_client_options::from(cfg), std::move(watcher));
}

const redis_actor& redis_client::actor() const {
  static const redis_actor none;
  return impl_ ? impl_->actor : none;
}

bool redis_client::connected() const {
  return impl_ && impl_->status->connected.load(std::memory_order_relaxed);
}

uint64_t redis_client::connects() const {
  return impl_ ? impl_->status->connects.load() : 0;
}

bool redis_client::wait_connected(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!connected()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

void redis_client::stop() {
  if (impl_)
    impl_->stop();
}

} // namespace kyb::persistence

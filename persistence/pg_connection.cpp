#include "persistence/pg_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>

#include <libpq-fe.h>

#include <caf/actor_cast.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/backoff.hpp"
#include "persistence/io_watcher.hpp"
#include "persistence/pg_blocking_session.hpp"
#include "persistence/pg_error.hpp"
#include "persistence/pg_finisher.hpp"
#include "persistence/statement_catalog.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

pg_connection_options pg_connection_options::from(const config::database_settings& cfg) {
  pg_connection_options opts;
  opts.url = cfg.url;
  if (cfg.connect_timeout.count() > 0)
    opts.connect_timeout = cfg.connect_timeout;
  if (cfg.statement_timeout.count() > 0)
    opts.statement_timeout = cfg.statement_timeout;
  if (cfg.reconnect_backoff_max.count() > 0)
    opts.reconnect_backoff_max = cfg.reconnect_backoff_max;
  if (cfg.pipeline_max_statements > 0)
    opts.pipeline_max_statements = cfg.pipeline_max_statements;
  return opts;
}

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct pg_metrics {
  base::counter_family& batches;
  base::histogram_family& duration;
  base::gauge_family& connections;
  base::counter_family& connects;
  base::counter_family& copy_rows;
  // The series of every batch, resolved once (asking a family takes its lock).
  base::counter& ok_batches = batches.with({"ok"});
  base::histogram& batch_seconds = duration.with({});

  static pg_metrics& get() {
    auto& r = base::metrics_registry::global();
    static pg_metrics m{
        r.counter("kyb_db_batches_total",
                  "PostgreSQL batches (transactions) and COPY loads by outcome.",
                  {"outcome"}),
        r.histogram("kyb_db_batch_duration_seconds",
                    "Time from receiving a batch to its reply (queueing included).", {},
                    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                     2.5, 5, 10}),
        r.gauge("kyb_db_connections",
                "PostgreSQL connections by state (up, connecting, down).", {"state"}),
        r.counter("kyb_db_connect_attempts_total",
                  "PostgreSQL connection attempts by result.", {"result"}),
        r.counter("kyb_db_copy_rows_total", "Rows loaded through COPY.", {}),
    };
    return m;
  }
};

enum class phase { down, connecting, setting_up, ready, copying };

const char* state_label(phase p) {
  switch (p) {
  case phase::ready:
  case phase::copying:
    return "up";
  case phase::connecting:
  case phase::setting_up:
    return "connecting";
  case phase::down:
    break;
  }
  return "down";
}

// A request accepted but not yet written to the connection.
struct queued_work {
  enum kind_t { batch, copy, ping } kind;
  caf::response_promise rp;
  pg_batch statements;
  pg_copy load;
  clock_type::time_point received;
};

// Written to the connection, waiting for its results and the Sync that ends it.
struct in_flight {
  enum kind_t { setup, batch, ping } kind;
  // A batch the finisher completes runs in parts: `first` (BEGIN and the batch), then
  // `second` (the finisher's statements and COMMIT) or `rollback`.
  enum stage_t { whole, first, second, rollback } stage = whole;
  std::shared_ptr<const pg_batch> part; // the statements of `first` and `second`
  std::vector<pg_rows> kept;            // `second`: the batch's results, the reply
  caf::response_promise rp;
  size_t count = 0;  // statements before the Sync
  size_t cursor = 0; // the statement whose results arrive now
  std::vector<std::string> names;
  std::vector<pg_rows> results;
  caf::error error; // the first failure
  clock_type::time_point received;
};

// The COPY that runs outside pipeline mode, alone on the connection.
struct copy_run {
  enum stage_t { await_copy_in, sending, ending, flushing, await_result } stage;
  caf::response_promise rp;
  pg_copy load;
  size_t chunk = 0;
  uint64_t rows = 0;
  caf::error error;
  clock_type::time_point received;
};

pg_rows to_rows(const PGresult* res) {
  pg_rows out;
  int cols = PQnfields(res);
  int n = PQntuples(res);
  out.columns.reserve(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c)
    out.columns.emplace_back(PQfname(res, c));
  out.rows.resize(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    auto& row = out.rows[static_cast<size_t>(r)];
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(res, r, c))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string{PQgetvalue(res, r, c),
                                     static_cast<size_t>(PQgetlength(res, r, c))});
    }
  }
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(res));
  out.affected = tuples && *tuples ? std::strtoull(tuples, nullptr, 10) : 0;
  return out;
}

void drop_notice(void*, const char* message) {
  base::log_debug("db_notice", {{"message", libpq_message(message)}});
}

class pg_connection_state {
public:
  static inline const char* name = "kyb.pg_connection";

  using pointer = pg_connection_actor::stateful_pointer<pg_connection_state>;

  explicit pg_connection_state(pointer self)
      : self_(self), backoff_(milliseconds{2000}) {}

  ~pg_connection_state() { shutdown(); }

  pg_connection_actor::behavior_type
  make_behavior(pg_connection_options opts, std::shared_ptr<const statement_catalog> cat,
                std::shared_ptr<io_watcher> watcher,
                std::shared_ptr<pg_connection_status> st) {
    opts_ = std::move(opts);
    if (opts_.max_queued_statements == 0)
      opts_.max_queued_statements =
          64 * std::max<size_t>(1, opts_.pipeline_max_statements);
    catalog_ = cat ? std::move(cat) : std::make_shared<const statement_catalog>();
    watcher_ = std::move(watcher);
    status_ = st ? std::move(st) : std::make_shared<pg_connection_status>();
    backoff_ = backoff{opts_.reconnect_backoff_max};
    nparams_.assign(catalog_->size(), -1);
    is_copy_.assign(catalog_->size(), false);
    for (size_t i = 0; i < catalog_->size(); ++i) {
      is_copy_[i] = statement_catalog::is_copy(catalog_->statements()[i].sql);
      if (!is_copy_[i])
        prepared_.push_back(i);
    }
    tick_every_ = std::clamp(milliseconds{opts_.connect_timeout.count() / 4},
                             milliseconds{50}, milliseconds{1000});
    pg_metrics::get().connections.with({state_label(phase_)}).Increment();
    connect();
    self_->delayed_send(self_, tick_every_, tick_atom::value);
    return {
        [this](pg_batch& batch) -> caf::result<std::vector<pg_rows>> {
          return on_batch(std::move(batch));
        },
        [this](pg_copy& load) -> caf::result<uint64_t> {
          return on_copy(std::move(load));
        },
        [this](ping_atom) -> caf::result<ok_atom> { return on_ping(); },
        [this](io_ready_atom, uint64_t token, bool readable, bool writable) {
          on_io_ready(token, readable, writable);
        },
        [this](retry_atom) {
          retry_scheduled_ = false;
          if (phase_ == phase::down)
            connect();
        },
        [this](tick_atom) {
          on_tick();
          self_->delayed_send(self_, tick_every_, tick_atom::value);
        },
    };
  }

private:
  // -- requests ---------------------------------------------------------------

  caf::error validate(const pg_batch& batch) const {
    for (size_t i = 0; i < batch.statements.size(); ++i) {
      auto& stmt = batch.statements[i];
      auto idx = catalog_->index_of(stmt.name);
      if (idx < 0)
        return make_error(errc::internal, "statement " + std::to_string(i) +
                                              ": unknown prepared statement '" +
                                              stmt.name + "'");
      if (is_copy_[static_cast<size_t>(idx)])
        return make_error(errc::internal, "statement " + std::to_string(i) + ": '" +
                                              stmt.name + "' is a COPY; send a pg_copy");
      auto expected = nparams_[static_cast<size_t>(idx)];
      if (expected >= 0 && static_cast<size_t>(expected) != stmt.params.size())
        return make_error(errc::internal,
                          "statement " + std::to_string(i) + " (" + stmt.name +
                              ") takes " + std::to_string(expected) +
                              " parameters, got " + std::to_string(stmt.params.size()));
      for (auto& p : stmt.params)
        if (p && p->find('\0') != std::string::npos)
          return make_error(
              errc::invalid_argument,
              "statement " + std::to_string(i) + " (" + stmt.name +
                  "): a text parameter contains a NUL byte (use bytea_param)");
    }
    return {};
  }

  caf::error unavailable_now() const {
    return make_error(errc::unavailable,
                      "database connection " + opts_.name + " is down" +
                          (last_error_.empty() ? std::string{} : ": " + last_error_));
  }

  caf::result<std::vector<pg_rows>> on_batch(pg_batch batch) {
    auto start = clock_type::now();
    if (auto err = validate(batch)) {
      record(err, start);
      return err;
    }
    if (batch.statements.empty())
      return std::vector<pg_rows>{};
    if (!accepting()) {
      auto err = unavailable_now();
      record(err, start);
      return err;
    }
    if (queued_statements_ + batch.statements.size() > opts_.max_queued_statements) {
      auto err = make_error(errc::unavailable, "database connection " + opts_.name +
                                                   " is overloaded: queue full");
      record(err, start);
      return err;
    }
    auto rp = self_->make_response_promise();
    queued_statements_ += batch.statements.size();
    queue_.push_back(queued_work{queued_work::batch, rp, std::move(batch), {}, start});
    pump();
    return rp;
  }

  caf::result<uint64_t> on_copy(pg_copy load) {
    auto start = clock_type::now();
    auto def = catalog_->find(load.statement);
    if (!def || !statement_catalog::is_copy(def->sql)) {
      auto err =
          make_error(errc::internal,
                     "'" + load.statement + "' is not a COPY statement of the catalog");
      record(err, start);
      return err;
    }
    if (!accepting()) {
      auto err = unavailable_now();
      record(err, start);
      return err;
    }
    auto rp = self_->make_response_promise();
    queue_.push_back(queued_work{queued_work::copy, rp, {}, std::move(load), start});
    pump();
    return rp;
  }

  caf::result<ok_atom> on_ping() {
    if (!accepting())
      return unavailable_now();
    auto rp = self_->make_response_promise();
    queue_.push_back(queued_work{queued_work::ping, rp, {}, {}, clock_type::now()});
    pump();
    return rp;
  }

  bool accepting() const { return phase_ == phase::ready || phase_ == phase::copying; }

  // -- connection lifecycle ---------------------------------------------------

  void set_phase(phase p) {
    if (p == phase_)
      return;
    auto& gauge = pg_metrics::get().connections;
    gauge.with({state_label(phase_)}).Decrement();
    gauge.with({state_label(p)}).Increment();
    phase_ = p;
    phase_since_ = clock_type::now();
    status_->connected = accepting();
  }

  void connect() {
    set_phase(phase::connecting);
    auto timeout_s = connect_timeout_seconds(opts_.connect_timeout);
    const char* keys[] = {"dbname",
                          "application_name",
                          "keepalives",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "connect_timeout",
                          nullptr};
    const char* values[] = {opts_.url.c_str(),
                            opts_.application_name.c_str(),
                            "1",
                            "10",
                            "5",
                            "3",
                            timeout_s.c_str(),
                            nullptr};
    conn_ = PQconnectStartParams(keys, values, 1);
    if (!conn_) {
      connect_failed("out of memory");
      return;
    }
    if (PQstatus(conn_) == CONNECTION_BAD) {
      connect_failed(libpq_message(PQerrorMessage(conn_)));
      return;
    }
    PQsetNoticeProcessor(conn_, drop_notice, nullptr);
    if (!watch_socket())
      return;
    want_read_ = false;
    want_write_ = true; // as if PQconnectPoll had returned PGRES_POLLING_WRITING
    rearm();
  }

  // Registers the connection's current socket with the watcher (again, if libpq opened
  // a new one while connecting).
  bool watch_socket() {
    int fd = PQsocket(conn_);
    if (token_ != 0 && fd == fd_)
      return true;
    unwatch();
    auto token = watcher_->add(fd, caf::actor_cast<caf::actor>(self_));
    if (!token) {
      lost(detail_of(token.error()));
      return false;
    }
    token_ = *token;
    fd_ = fd;
    return true;
  }

  void unwatch() {
    if (token_ != 0)
      watcher_->remove(token_);
    token_ = 0;
    fd_ = -1;
    armed_ = false;
  }

  void rearm() {
    if (token_ == 0 || !conn_)
      return;
    if (armed_ && armed_read_ == want_read_ && armed_write_ == want_write_)
      return;
    watcher_->arm(token_, want_read_, want_write_);
    armed_ = true;
    armed_read_ = want_read_;
    armed_write_ = want_write_;
  }

  void continue_connect() {
    auto st = PQconnectPoll(conn_);
    if (st == PGRES_POLLING_FAILED) {
      connect_failed(libpq_message(PQerrorMessage(conn_)));
      return;
    }
    if (!watch_socket())
      return;
    if (st == PGRES_POLLING_OK) {
      start_session();
      return;
    }
    want_read_ = st == PGRES_POLLING_READING;
    want_write_ = st == PGRES_POLLING_WRITING;
  }

  void start_session() {
    if (PQsetnonblocking(conn_, 1) != 0 || PQenterPipelineMode(conn_) != 1) {
      connect_failed("cannot enter pipeline mode: " +
                     libpq_message(PQerrorMessage(conn_)));
      return;
    }
    set_phase(phase::setting_up);
    in_flight setup;
    setup.kind = in_flight::setup;
    setup.received = clock_type::now();
    auto timeout =
        "SET statement_timeout = " + std::to_string(opts_.statement_timeout.count());
    bool ok = PQsendQueryParams(conn_, timeout.c_str(), 0, nullptr, nullptr, nullptr,
                                nullptr, 0) == 1 &&
              PQsendQueryParams(conn_, "SET TIME ZONE 'UTC'", 0, nullptr, nullptr,
                                nullptr, nullptr, 0) == 1;
    setup.names = {"SET statement_timeout", "SET TIME ZONE"};
    for (auto i : prepared_) {
      if (!ok)
        break;
      auto& def = catalog_->statements()[i];
      ok = PQsendPrepare(conn_, def.name.c_str(), def.sql.c_str(), 0, nullptr) == 1 &&
           PQsendDescribePrepared(conn_, def.name.c_str()) == 1;
      setup.names.push_back("prepare " + def.name);
      setup.names.push_back("describe " + def.name);
    }
    if (!ok || PQpipelineSync(conn_) != 1) {
      lost("sending session setup failed: " + libpq_message(PQerrorMessage(conn_)));
      return;
    }
    setup.count = setup.names.size();
    in_flight_.push_back(std::move(setup));
    last_progress_ = clock_type::now();
    flush();
  }

  void setup_done(in_flight& setup) {
    if (setup.error) {
      auto what = detail_of(setup.error);
      // Logged once per distinct reason (a bad catalog statement fails every retry).
      if (what != logged_setup_error_)
        base::log_error("db_session_setup_failed",
                        {{"conn", opts_.name}, {"error", what}});
      logged_setup_error_ = what;
      lost("session setup failed: " + what);
      return;
    }
    set_phase(phase::ready);
    backoff_.reset();
    ++status_->connects;
    pg_metrics::get().connects.with({"ok"}).Increment();
    base::log_info("db_connected", {{"conn", opts_.name},
                                    {"statements", prepared_.size()},
                                    {"connects", status_->connects.load()}});
    last_error_.clear();
    logged_setup_error_.clear();
  }

  void connect_failed(const std::string& why) {
    pg_metrics::get().connects.with({"failed"}).Increment();
    lost("connect failed: " + why);
  }

  // Closes the connection, answers everything that waits on it, and schedules the next
  // attempt.
  void lost(const std::string& why) {
    bool was_up = accepting();
    last_error_ = why;
    if (was_up)
      base::log_warn("db_connection_lost", {{"conn", opts_.name}, {"error", why}});
    else
      base::log_debug("db_connect_failed", {{"conn", opts_.name}, {"error", why}});
    fail_all("connection lost; outcome unknown: " + why,
             "connection lost; not sent: " + why);
    unwatch();
    if (conn_) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    flush_pending_ = false;
    want_read_ = want_write_ = false;
    set_phase(phase::down);
    if (!retry_scheduled_ && !stopping_) {
      retry_scheduled_ = true;
      self_->delayed_send(self_, backoff_.next(), retry_atom::value);
    }
  }

  void fail_all(const std::string& in_flight_why, const std::string& queued_why) {
    exclusive_ = false;
    auto flight = std::move(in_flight_);
    in_flight_.clear();
    statements_in_flight_ = 0;
    for (auto& item : flight) {
      if (item.kind == in_flight::setup)
        continue;
      // A statement error already received is the batch's known outcome (rolled back);
      // errors without a server SQLSTATE are the connection failing.
      if (item.error && !sqlstate_of(item.error).empty() &&
          code_of(item.error) != errc::unavailable)
        finish(item.rp, item.error, item.received);
      else
        finish(item.rp, make_error(errc::unavailable, in_flight_why), item.received);
    }
    if (copy_) {
      auto run = std::move(*copy_);
      copy_.reset();
      if (run.error && !sqlstate_of(run.error).empty())
        finish(run.rp, run.error, run.received);
      else
        finish(run.rp, make_error(errc::unavailable, in_flight_why), run.received);
    }
    auto queued = std::move(queue_);
    queue_.clear();
    queued_statements_ = 0;
    for (auto& w : queued)
      finish(w.rp, make_error(errc::unavailable, queued_why), w.received);
  }

  void shutdown() {
    stopping_ = true;
    fail_all("connection actor stopped; outcome unknown", "connection actor stopped");
    unwatch();
    if (conn_) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    if (status_)
      status_->connected = false;
    pg_metrics::get().connections.with({state_label(phase_)}).Decrement();
  }

  // -- I/O --------------------------------------------------------------------

  void on_io_ready(uint64_t token, bool readable, bool writable) {
    if (token != token_ || !conn_)
      return; // stale: an earlier socket of this actor
    armed_ = false;
    last_progress_ = clock_type::now();
    switch (phase_) {
    case phase::down:
      return;
    case phase::connecting:
      continue_connect();
      break;
    case phase::setting_up:
    case phase::ready:
      if (writable || flush_pending_) {
        if (!flush())
          return;
      }
      if (readable && !consume())
        return;
      read_results();
      pump();
      break;
    case phase::copying:
      if (readable && !consume())
        return;
      step_copy();
      break;
    }
    if (phase_ == phase::connecting)
      rearm();
    else
      update_interest();
  }

  bool consume() {
    if (PQconsumeInput(conn_) == 1 && PQstatus(conn_) != CONNECTION_BAD)
      return true;
    auto why = libpq_message(PQerrorMessage(conn_));
    // Results that arrived before the failure are still delivered.
    if (phase_ != phase::copying)
      read_results();
    if (conn_)
      lost(why.empty() ? "server closed the connection" : why);
    return false;
  }

  bool flush() {
    int r = PQflush(conn_);
    if (r < 0) {
      lost("write failed: " + libpq_message(PQerrorMessage(conn_)));
      return false;
    }
    flush_pending_ = r == 1;
    return true;
  }

  void read_results() {
    while (conn_ && !in_flight_.empty()) {
      if (PQstatus(conn_) == CONNECTION_BAD || PQisBusy(conn_))
        return;
      PGresult* res = PQgetResult(conn_);
      auto& head = in_flight_.front();
      if (!res) {
        if (head.cursor >= head.count) {
          lost("protocol out of step: end of results where a Sync was due");
          return;
        }
        ++head.cursor;
        continue;
      }
      auto st = PQresultStatus(res);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(res);
        auto item = std::move(head);
        in_flight_.pop_front();
        statements_in_flight_ -= item.count;
        complete(item);
        continue;
      }
      switch (st) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
      case PGRES_EMPTY_QUERY:
      case PGRES_SINGLE_TUPLE:
        on_result(head, res);
        break;
      case PGRES_PIPELINE_ABORTED:
        if (!head.error)
          head.error = make_error(errc::db_error, "pipeline aborted");
        break;
      default:
        if (!head.error) {
          auto i = head.cursor;
          // The caller's numbering: a first part starts with our BEGIN.
          auto index = head.stage == in_flight::first && i > 0 ? i - 1 : i;
          std::string what = "statement " + std::to_string(index);
          if (i < head.names.size())
            what += " (" + head.names[i] + ")";
          what += " failed";
          head.error = make_pg_error(res, what, index);
        }
        break;
      }
      PQclear(res);
    }
  }

  void on_result(in_flight& head, PGresult* res) {
    if (head.kind == in_flight::batch) {
      if (head.cursor < head.results.size())
        head.results[head.cursor] = to_rows(res);
    } else if (head.kind == in_flight::setup && head.cursor >= 2 &&
               head.cursor % 2 == 1) {
      auto k = (head.cursor - 2) / 2; // a describe result: the statement's parameters
      if (k < prepared_.size())
        nparams_[prepared_[k]] = PQnparams(res);
    }
  }

  void complete(in_flight& item) {
    switch (item.kind) {
    case in_flight::setup:
      setup_done(item);
      return;
    case in_flight::ping:
      if (item.error)
        finish(item.rp, item.error, item.received);
      else
        item.rp.deliver(ok_atom::value);
      return;
    case in_flight::batch:
      switch (item.stage) {
      case in_flight::whole:
        if (item.error) {
          finish(item.rp, item.error, item.received);
        } else {
          observe("ok", item.received);
          item.rp.deliver(std::move(item.results));
        }
        return;
      case in_flight::first:
        first_part_done(item);
        return;
      case in_flight::second:
        if (item.error) {
          roll_back(item);
          return;
        }
        exclusive_ = false;
        observe("ok", item.received);
        item.rp.deliver(std::move(item.kept));
        return;
      case in_flight::rollback:
        exclusive_ = false;
        finish(item.rp, item.error, item.received);
        return;
      }
      return;
    }
  }

  // The transaction is open with the batch's locks held: send the finisher's statements
  // and the COMMIT, or roll back.
  void first_part_done(in_flight& item) {
    if (item.error) {
      roll_back(item);
      return;
    }
    item.results.erase(item.results.begin()); // BEGIN's
    auto more = opts_.finisher->finish(*item.part, item.results);
    if (!more) {
      item.error = std::move(more.error());
      roll_back(item);
      return;
    }
    auto second = std::make_shared<pg_batch>(pg_batch{std::move(*more)});
    if (auto err = validate(*second)) {
      item.error = std::move(err);
      roll_back(item);
      return;
    }
    in_flight next;
    next.kind = in_flight::batch;
    next.stage = in_flight::second;
    next.rp = std::move(item.rp);
    next.received = item.received;
    next.kept = std::move(item.results);
    next.part = second;
    send_item(std::move(next), second->statements, nullptr, "COMMIT");
  }

  // Ends the open transaction; the reply is item.error.
  void roll_back(in_flight& item) {
    in_flight next;
    next.kind = in_flight::batch;
    next.stage = in_flight::rollback;
    next.rp = std::move(item.rp);
    next.received = item.received;
    next.error = std::move(item.error);
    send_item(std::move(next), {}, "ROLLBACK", nullptr);
  }

  void finish(caf::response_promise& rp, const caf::error& err,
              clock_type::time_point received) {
    record(err, received);
    rp.deliver(err);
  }

  void record(const caf::error& err, clock_type::time_point received) {
    observe(to_string(code_of(err)), received);
  }

  void observe(const char* outcome, clock_type::time_point received) {
    auto& m = pg_metrics::get();
    (std::strcmp(outcome, "ok") == 0 ? m.ok_batches : m.batches.with({outcome}))
        .Increment();
    m.batch_seconds.Observe(
        std::chrono::duration<double>(clock_type::now() - received).count());
  }

  // Writes queued work while the pipeline has room. A COPY waits until the pipeline is
  // empty, then runs alone.
  void pump() {
    while (phase_ == phase::ready && !queue_.empty() && !exclusive_) {
      auto& w = queue_.front();
      if (w.kind == queued_work::copy) {
        if (!in_flight_.empty())
          break;
        auto work = std::move(w);
        queue_.pop_front();
        start_copy(std::move(work));
        update_interest();
        return;
      }
      auto n = w.statements.statements.size();
      if (w.kind == queued_work::batch && opts_.finisher &&
          opts_.finisher->wants(w.statements)) {
        // Runs alone: its transaction stays open across a round trip.
        if (!in_flight_.empty())
          break;
        auto work = std::move(w);
        queue_.pop_front();
        queued_statements_ -= n;
        in_flight item;
        item.kind = in_flight::batch;
        item.stage = in_flight::first;
        item.rp = std::move(work.rp);
        item.received = work.received;
        auto batch = std::make_shared<pg_batch>(std::move(work.statements));
        item.part = batch;
        exclusive_ = true;
        if (!send_item(std::move(item), batch->statements, "BEGIN", nullptr))
          return;
        continue;
      }
      if (!in_flight_.empty() &&
          statements_in_flight_ + n > opts_.pipeline_max_statements)
        break;
      auto work = std::move(w);
      queue_.pop_front();
      queued_statements_ -= n;
      if (!send(work))
        return;
    }
    if (conn_ && (phase_ == phase::ready || phase_ == phase::setting_up) && flush())
      update_interest();
  }

  // Asks the watcher for what the connection waits on now: always input (results, or
  // the server closing the connection), output while libpq holds unsent data.
  void update_interest() {
    if (!conn_ || phase_ == phase::down || phase_ == phase::connecting)
      return;
    want_read_ = true;
    want_write_ = flush_pending_;
    rearm();
  }

  bool send(queued_work& work) {
    in_flight item;
    item.kind = work.kind == queued_work::ping ? in_flight::ping : in_flight::batch;
    item.rp = std::move(work.rp);
    item.received = work.received;
    return send_item(std::move(item), work.statements.statements, nullptr, nullptr);
  }

  // Writes the plain command `before` (or none), `stmts` (prepared statements of the
  // catalog), the plain command `after` (or none) and a Sync; `item` then waits for
  // their results.
  bool send_item(in_flight item, const std::vector<pg_statement>& stmts,
                 const char* before, const char* after) {
    if (in_flight_.empty())
      last_progress_ = clock_type::now();
    auto plain = [&](const char* command) {
      if (PQsendQueryParams(conn_, command, 0, nullptr, nullptr, nullptr, nullptr, 0) !=
          1)
        return false;
      item.names.emplace_back(command);
      return true;
    };
    bool ok = !before || plain(before);
    std::vector<const char*> values;
    for (size_t i = 0; ok && i < stmts.size(); ++i) {
      auto& stmt = stmts[i];
      values.clear();
      for (auto& p : stmt.params)
        values.push_back(p ? p->c_str() : nullptr);
      ok = PQsendQueryPrepared(conn_, stmt.name.c_str(), static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0) == 1;
      if (ok)
        item.names.push_back(stmt.name);
    }
    if (ok && after)
      ok = plain(after);
    if (!ok) {
      in_flight_.push_back(std::move(item)); // so that lost() answers it
      lost("sending a statement failed: " + libpq_message(PQerrorMessage(conn_)));
      return false;
    }
    item.count = item.names.size();
    item.results.resize(item.count);
    if (PQpipelineSync(conn_) != 1) {
      in_flight_.push_back(std::move(item));
      lost("sending a Sync failed: " + libpq_message(PQerrorMessage(conn_)));
      return false;
    }
    statements_in_flight_ += item.count;
    in_flight_.push_back(std::move(item));
    return true;
  }

  // -- COPY -------------------------------------------------------------------

  void start_copy(queued_work work) {
    auto def = catalog_->find(work.load.statement);
    copy_run run;
    run.stage = copy_run::await_copy_in;
    run.rp = std::move(work.rp);
    run.load = std::move(work.load);
    run.received = work.received;
    copy_ = std::move(run);
    set_phase(phase::copying);
    last_progress_ = clock_type::now();
    if (PQexitPipelineMode(conn_) != 1 || PQsendQuery(conn_, def->sql.c_str()) != 1) {
      lost("starting COPY failed: " + libpq_message(PQerrorMessage(conn_)));
      return;
    }
    flush();
  }

  void step_copy() {
    while (conn_ && copy_) {
      auto& run = *copy_;
      switch (run.stage) {
      case copy_run::await_copy_in: {
        if (PQisBusy(conn_))
          return;
        PGresult* res = PQgetResult(conn_);
        if (!res) {
          finish_copy();
          return;
        }
        if (PQresultStatus(res) == PGRES_COPY_IN) {
          run.stage = copy_run::sending;
        } else {
          if (!run.error)
            run.error = make_pg_error(res, "COPY (" + run.load.statement + ") failed");
          run.stage = copy_run::await_result;
        }
        PQclear(res);
        break;
      }
      case copy_run::sending: {
        if (flush_pending_ && (!flush() || flush_pending_))
          return; // wait until the socket takes more
        if (run.chunk == run.load.chunks.size()) {
          run.stage = copy_run::ending;
          break;
        }
        auto& chunk = run.load.chunks[run.chunk];
        int r = chunk.empty()
                    ? 1
                    : PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size()));
        if (r == 0) {
          flush_pending_ = true;
          return;
        }
        if (r < 0) {
          run.stage = copy_run::await_result; // the server's error explains it
          break;
        }
        ++run.chunk;
        if (!flush())
          return;
        break;
      }
      case copy_run::ending: {
        int r = PQputCopyEnd(conn_, nullptr);
        if (r == 0) {
          flush_pending_ = true;
          return;
        }
        run.stage = r < 0 ? copy_run::await_result : copy_run::flushing;
        break;
      }
      case copy_run::flushing:
        if (!flush() || flush_pending_)
          return;
        run.stage = copy_run::await_result;
        break;
      case copy_run::await_result: {
        if (PQisBusy(conn_))
          return;
        PGresult* res = PQgetResult(conn_);
        if (!res) {
          finish_copy();
          return;
        }
        auto st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK) {
          const char* tuples = PQcmdTuples(res);
          run.rows = tuples && *tuples ? std::strtoull(tuples, nullptr, 10) : 0;
        } else if (st == PGRES_COPY_IN) {
          // Still copying although sending failed: end it so that the server answers.
          PQputCopyEnd(conn_, "client aborted the COPY");
          flush();
        } else if (!run.error) {
          run.error = make_pg_error(res, "COPY (" + run.load.statement + ") failed");
        }
        PQclear(res);
        break;
      }
      }
    }
  }

  void finish_copy() {
    auto run = std::move(*copy_);
    copy_.reset();
    if (PQenterPipelineMode(conn_) != 1) {
      copy_ = std::move(run); // answered by lost()
      lost("re-entering pipeline mode failed: " + libpq_message(PQerrorMessage(conn_)));
      return;
    }
    set_phase(phase::ready);
    if (run.error) {
      finish(run.rp, run.error, run.received);
    } else {
      observe("ok", run.received);
      pg_metrics::get().copy_rows.with({}).Increment(static_cast<double>(run.rows));
      run.rp.deliver(run.rows);
    }
    pump();
  }

  // -- timers -----------------------------------------------------------------

  void on_tick() {
    auto now = clock_type::now();
    if ((phase_ == phase::connecting || phase_ == phase::setting_up) &&
        now - phase_since_ > opts_.connect_timeout) {
      if (phase_ == phase::connecting)
        connect_failed("timeout after " + std::to_string(opts_.connect_timeout.count()) +
                       " ms");
      else
        lost("session setup timed out");
      return;
    }
    bool busy = !in_flight_.empty() || copy_.has_value();
    auto silence = opts_.statement_timeout + opts_.connect_timeout;
    if (accepting() && busy && now - last_progress_ > silence)
      lost("no answer from the server for " +
           std::to_string(std::chrono::duration_cast<milliseconds>(silence).count()) +
           " ms");
  }

  pointer self_;
  pg_connection_options opts_;
  std::shared_ptr<const statement_catalog> catalog_;
  std::shared_ptr<io_watcher> watcher_;
  std::shared_ptr<pg_connection_status> status_;
  backoff backoff_;
  std::vector<size_t> prepared_; // catalog indices of the statements we prepare
  std::vector<int> nparams_;     // per catalog index; -1 until described
  std::vector<bool> is_copy_;    // per catalog index
  milliseconds tick_every_{1000};

  PGconn* conn_ = nullptr;
  phase phase_ = phase::down;
  clock_type::time_point phase_since_ = clock_type::now();
  clock_type::time_point last_progress_ = clock_type::now();
  std::string last_error_ = "not connected yet";
  std::string logged_setup_error_;
  bool retry_scheduled_ = false;
  bool stopping_ = false;

  uint64_t token_ = 0;
  int fd_ = -1;
  bool want_read_ = false;
  bool want_write_ = false;
  bool armed_ = false;
  bool armed_read_ = false;
  bool armed_write_ = false;
  bool flush_pending_ = false;

  std::deque<queued_work> queue_;
  size_t queued_statements_ = 0;
  std::deque<in_flight> in_flight_;
  size_t statements_in_flight_ = 0;
  bool exclusive_ = false; // a finisher's batch holds its transaction open

  std::optional<copy_run> copy_;
};

pg_connection_actor::behavior_type pg_connection_impl(
    pg_connection_actor::stateful_pointer<pg_connection_state> self,
    pg_connection_options opts, std::shared_ptr<const statement_catalog> catalog,
    std::shared_ptr<io_watcher> watcher, std::shared_ptr<pg_connection_status> status) {
  return self->state.make_behavior(std::move(opts), std::move(catalog),
                                   std::move(watcher), std::move(status));
}

} // namespace

pg_connection_actor spawn_pg_connection(caf::actor_system& sys,
                                        pg_connection_options opts,
                                        std::shared_ptr<const statement_catalog> catalog,
                                        std::shared_ptr<io_watcher> watcher,
                                        std::shared_ptr<pg_connection_status> status) {
  return sys.spawn(pg_connection_impl, std::move(opts), std::move(catalog),
                   std::move(watcher), std::move(status));
}

} // namespace kyb::persistence

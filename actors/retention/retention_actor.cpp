#include "actors/retention/retention_actor.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/audit/audit_writer.hpp"
#include "actors/db.hpp"
#include "actors/retention/retention_metrics.hpp"
#include "actors/retention/retention_plan.hpp"
#include "persistence/pg_blocking_session.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

namespace {

using persistence::pg_blocking_session;
using persistence::sql_literal;
using steady = std::chrono::steady_clock;
using sys_clock = std::chrono::system_clock;

/// The session advisory lock that makes one node at a time run retention on a
/// database ("kyb_ret" in ASCII; the migrator's lock is another key).
constexpr const char* retention_lock_key = "7672143467209076";

// clang-format off
const char* const list_partitions_sql =
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'audit_logs'::regclass ORDER BY c.relname";
// The columns the chain covers (as the verifier reads them), then the row as JSON with
// every column: the line written to the export.
// audit_chain_columns (0-13), then the row as JSON (14).
const std::string export_columns =
    std::string("SELECT ") + audit_chain_columns + ", row_to_json(t)::text FROM ";
const char* const anchor_sql =
    "SELECT seq, hash, COALESCE(key_id, '') FROM audit_retention_anchors "
    "WHERE tenant_id = $1";
const char* const retire_sql =
    "SELECT kyb_audit_retire_partition($1, $2::int, $3::bigint, $4, $5, $6, $7::boolean)";
const char* const usage_delete_sql =
    "WITH gone AS (DELETE FROM api_usage WHERE id IN (SELECT id FROM api_usage "
    "WHERE created_at < $1::timestamptz LIMIT $2::int) RETURNING 1) "
    "SELECT count(*) FROM gone";
// clang-format on

const char* catalog_sql(const char* name) {
  for (auto& q : persistence::platform_queries())
    if (std::string_view{q.name} == name)
      return q.sql;
  return "";
}

struct retention_state {
  static inline const char* name = "kyb.retention";
  platform_ptr p;
  std::unique_ptr<pg_blocking_session> db;
  std::shared_ptr<audit_writer> writer;
};

using self_ptr = retention_actor::stateful_pointer<retention_state>;

std::string errno_text(int e) {
  return std::strerror(e);
}

/// mkdir -p with mode 0750.
caf::error make_dirs(const std::string& dir) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/')
      continue;
    partial = dir.substr(0, i);
    if (partial.empty())
      continue;
    if (::mkdir(partial.c_str(), 0750) != 0 && errno != EEXIST)
      return make_error(errc::unavailable,
                        "cannot create " + partial + ": " + errno_text(errno),
                        "retention.export_dir");
  }
  return {};
}

/// A file written whole or not at all: a temporary name, fsynced, then renamed.
class atomic_file {
public:
  explicit atomic_file(std::string path)
      : path_(std::move(path)), tmp_(temp_name(path_)) {}
  ~atomic_file() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }

  caf::error open() {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd_ < 0)
      return failed("cannot write " + tmp_);
    return {};
  }

  caf::error write(std::string_view data) {
    while (!data.empty()) {
      auto n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return failed("cannot write " + tmp_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  /// fsync, close, rename over `path`, fsync the directory.
  caf::error commit() {
    if (::fsync(fd_) != 0)
      return failed("cannot fsync " + tmp_);
    ::close(fd_);
    fd_ = -1;
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      auto e = errno;
      ::unlink(tmp_.c_str());
      errno = e;
      return failed("cannot rename " + tmp_ + " to " + path_);
    }
    auto slash = path_.rfind('/');
    auto dir = slash == std::string::npos ? std::string(".") : path_.substr(0, slash);
    int dfd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return {};
  }

private:
  static std::string temp_name(const std::string& path) {
    auto slash = path.rfind('/');
    auto dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    auto base = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "." + base + ".partial";
  }
  caf::error failed(const std::string& what) {
    return make_error(errc::unavailable, what + ": " + errno_text(errno),
                      "retention.export_dir");
  }

  std::string path_;
  std::string tmp_;
  int fd_ = -1;
};

/// Reads `path` back: its SHA-256 and its number of lines.
caf::expected<std::pair<std::string, int64_t>> read_back(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(errc::unavailable, "cannot read " + path + ": " + errno_text(errno),
                      "retention.export_dir");
  base::sha256_stream hash;
  int64_t lines = 0;
  std::string buf(1 << 16, '\0');
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      auto e = errno;
      ::close(fd);
      return make_error(errc::unavailable, "cannot read " + path + ": " + errno_text(e),
                        "retention.export_dir");
    }
    if (n == 0)
      break;
    std::string_view chunk{buf.data(), static_cast<size_t>(n)};
    hash.update(chunk);
    for (char c : chunk)
      lines += c == '\n';
  }
  ::close(fd);
  return std::make_pair(hash.hex_final(), lines);
}

std::string export_dir(const platform& p) {
  const auto& r = p.settings.retention;
  return r.export_dir.empty() ? p.settings.node.data_dir + "/exports/audit"
                              : r.export_dir;
}

std::string iso_utc(sys_clock::time_point t) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
  auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch() - secs);
  std::time_t tt = secs.count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<long long>(us.count()));
  return buf;
}

/// Writes `partition` to `dir`/<partition>.ndjson and its .sha256, checking each
/// tenant's chain in it on the way (from where retention left it, or its genesis).
caf::expected<retention_export> export_partition(pg_blocking_session& db,
                                                 const platform& p,
                                                 const std::string& partition,
                                                 const std::string& dir) {
  if (auto err = make_dirs(dir))
    return err;
  retention_export out;
  out.partition = partition;
  out.file = dir + "/" + partition + ".ndjson";
  atomic_file file(out.file);
  if (auto err = file.open())
    return err;
  base::sha256_stream hash;
  std::string buffer;
  std::string tenant;
  std::optional<audit_chain_verifier> chain;
  auto batch = std::max<size_t>(1, p.settings.retention.batch_size);
  std::string after_tenant;
  int64_t after_seq = 0;
  for (;;) {
    auto sql = export_columns + partition + " t" +
               (after_tenant.empty()
                    ? std::string()
                    : " WHERE (tenant_id, seq) > (" + sql_literal(after_tenant) +
                          "::uuid, " + std::to_string(after_seq) + ")") +
               " ORDER BY tenant_id, seq LIMIT " + std::to_string(batch);
    auto rows = db.query(sql);
    if (!rows)
      return rows.error();
    for (auto& r : *rows) {
      auto row = audit_chain_row_of([&](size_t i) { return r[i]; });
      if (row.tenant_id != tenant) {
        tenant = row.tenant_id;
        ++out.tenants;
        chain.emplace(p.audit_keys);
        auto anchor = db.query(anchor_sql, {tenant});
        if (!anchor)
          return anchor.error();
        if (!anchor->empty())
          chain->start_after(std::stoll(anchor->at(0).at(0)), anchor->at(0).at(1),
                             !anchor->at(0).at(2).empty());
      }
      if (auto why = chain->check(row))
        return make_error(errc::conflict, "tenant " + tenant + " row " +
                                              std::to_string(row.seq) +
                                              " does not verify: " + *why);
      buffer += r[14];
      buffer += '\n';
      ++out.rows;
      if (buffer.size() >= (1u << 20)) {
        hash.update(buffer);
        if (auto err = file.write(buffer))
          return err;
        buffer.clear();
      }
    }
    if (rows->size() < batch)
      break;
    after_tenant = rows->back()[2];
    after_seq = std::stoll(rows->back()[0]);
  }
  hash.update(buffer);
  if (auto err = file.write(buffer))
    return err;
  if (auto err = file.commit())
    return err;
  out.sha256 = hash.hex_final();
  auto back = read_back(out.file);
  if (!back)
    return back.error();
  if (back->first != out.sha256 || back->second != out.rows)
    return make_error(errc::internal, out.file + " reads back as " +
                                          std::to_string(back->second) +
                                          " lines with another SHA-256 than written");
  auto slash = out.file.rfind('/');
  atomic_file sidecar(out.file + ".sha256");
  if (auto err = sidecar.open())
    return err;
  if (auto err = sidecar.write(out.sha256 + "  " + out.file.substr(slash + 1) + "\n"))
    return err;
  if (auto err = sidecar.commit())
    return err;
  auto count = db.scalar("SELECT count(*) FROM " + partition);
  if (!count)
    return count.error();
  if (std::stoll(*count) != out.rows)
    return make_error(errc::conflict, partition + " holds " + *count + " rows but " +
                                          std::to_string(out.rows) + " were exported");
  return out;
}

/// Detaches an exported month and audits it, in one transaction.
caf::error retire_partition(retention_state& st, retention_export& e,
                            const std::string& trigger) {
  auto& db = *st.db;
  auto& p = *st.p;
  const auto& r = p.settings.retention;
  if (auto err = db.exec("BEGIN"))
    return err;
  auto fail = [&db](caf::error err) {
    (void)db.exec("ROLLBACK");
    return err;
  };
  auto by = "system:" + p.settings.node.id;
  auto tenants =
      db.query(retire_sql, {e.partition, std::to_string(r.audit_retention_months),
                            std::to_string(e.rows), e.sha256, e.file, by,
                            r.drop_detached ? "true" : "false"});
  if (!tenants)
    return fail(tenants.error());
  // The platform's chain is written where US rows are (a replica region's guard
  // refuses them): there the retirement is an audit row; elsewhere the owner-written
  // audit_retention_exports row and the log line record it.
  if (p.writes_here("us")) {
    pg_batch batch;
    add_audit(batch, p.platform_tenant, "us", by, "audit.partition_retired",
              "audit_partition", e.partition, "",
              nlohmann::json{{"partition", e.partition},
                             {"rows", e.rows},
                             {"tenants", e.tenants},
                             {"file", e.file},
                             {"sha256", e.sha256},
                             {"dropped", r.drop_detached},
                             {"trigger", trigger}}
                  .dump());
    auto& append = batch.statements.at(0);
    auto reserved = db.query(catalog_sql(persistence::q::audit_append), append.params);
    if (!reserved)
      return fail(reserved.error());
    std::vector<pg_rows> results(1);
    for (auto& row : *reserved) {
      std::vector<pg_value> values;
      for (auto& v : row)
        values.emplace_back(v);
      results[0].rows.push_back(std::move(values));
    }
    auto inserts = st.writer->finish(batch, results);
    if (!inserts)
      return fail(inserts.error());
    for (auto& stmt : *inserts)
      if (auto done = db.query(catalog_sql(stmt.name.c_str()), stmt.params); !done)
        return fail(done.error());
  }
  if (auto err = db.exec("COMMIT"))
    return fail(err);
  e.detached = true;
  e.dropped = r.drop_detached;
  return {};
}

void fail_step(retention_report& rep, std::string step, std::string partition,
               const caf::error& err) {
  base::log_error(
      "retention.failed",
      {{"step", step}, {"partition", partition}, {"error", kyb::detail_of(err)}});
  rep.failures.push_back({std::move(step), std::move(partition), kyb::detail_of(err)});
}

/// False (with a failure) once the session that holds the lock was lost: the lock went
/// with it, and a reconnected session must not go on without it.
bool still_locked(pg_blocking_session& db, retention_report& rep) {
  if (db.connected())
    return true;
  fail_step(rep, "lock", "",
            make_error(errc::unavailable, "the database session holding the retention "
                                          "lock was lost; the next run goes on"));
  return false;
}

/// Steps 2-4 of a run, under the lock.
void run_locked(retention_state& st, retention_report& rep) {
  auto& db = *st.db;
  const auto& cfg = st.p->settings.retention;
  retention_policy policy{cfg.audit_retention_months, cfg.audit_partitions_ahead,
                          cfg.usage_retention_months};
  // The database's clock decides the months, as kyb_ensure_audit_partitions and
  // kyb_audit_retire_partition see them.
  auto now_us = db.scalar("SELECT (extract(epoch FROM now()) * 1000000)::bigint");
  if (!now_us) {
    fail_step(rep, "partitions", "", now_us.error());
    return;
  }
  auto now = sys_clock::time_point{std::chrono::microseconds{std::stoll(*now_us)}};
  auto made = db.scalar("SELECT kyb_ensure_audit_partitions(" +
                        std::to_string(cfg.audit_partitions_ahead) + ")");
  if (!made)
    fail_step(rep, "partitions", "", made.error());
  else
    rep.partitions_created = std::stoll(*made);
  auto attached = db.query(list_partitions_sql);
  if (!attached) {
    fail_step(rep, "partitions", "", attached.error());
    return;
  }
  std::vector<std::string> names;
  for (auto& row : *attached)
    names.push_back(row.at(0));
  auto plan = plan_retention(now, policy, names);
  for (auto& m : plan.ensure)
    rep.partitions_ensured.push_back(to_string(m));
  rep.audit_cutoff = to_string(plan.audit_cutoff);
  rep.usage_cutoff = iso_utc(plan.usage_cutoff);
  if (made && !plan.missing.empty()) {
    std::string months;
    for (auto& m : plan.missing)
      months += (months.empty() ? "" : ", ") + to_string(m);
    fail_step(rep, "partitions", "",
              make_error(errc::internal, "months still without a partition: " + months));
  }
  auto dir = export_dir(*st.p);
  for (auto& partition : plan.retire) {
    if (!still_locked(db, rep))
      return;
    auto exported = export_partition(db, *st.p, partition, dir);
    if (!exported) {
      fail_step(rep, "export", partition, exported.error());
      break; // later months wait: chains are retired from their start
    }
    rep.exports.push_back(*exported);
    auto& e = rep.exports.back();
    if (auto err = retire_partition(st, e, rep.trigger)) {
      fail_step(rep, "detach", partition, err);
      break;
    }
    base::log_info("retention.partition_retired", {{"partition", partition},
                                                   {"rows", e.rows},
                                                   {"tenants", e.tenants},
                                                   {"file", e.file},
                                                   {"sha256", e.sha256},
                                                   {"dropped", e.dropped}});
  }
  auto cutoff = iso_utc(plan.usage_cutoff);
  auto batch = std::to_string(cfg.batch_size);
  for (;;) {
    if (!still_locked(db, rep))
      return;
    auto gone = db.query(usage_delete_sql, {cutoff, batch});
    if (!gone) {
      fail_step(rep, "usage", "", gone.error());
      break;
    }
    auto n = std::stoll(gone->at(0).at(0));
    if (n == 0)
      break;
    rep.usage_rows_deleted += n;
    ++rep.usage_batches;
    if (static_cast<size_t>(n) < cfg.batch_size)
      break;
  }
}

retention_report run(retention_state& st, const std::string& trigger) {
  auto t0 = steady::now();
  retention_report rep;
  rep.trigger = trigger;
  {
    auto& db = *st.db;
    auto locked =
        db.scalar(std::string("SELECT pg_try_advisory_lock(") + retention_lock_key + ")");
    if (!locked) {
      fail_step(rep, "lock", "", locked.error());
    } else if (*locked != "t") {
      rep.skipped = "another node is running retention on this database";
    } else {
      rep.ran = true;
      run_locked(st, rep);
      if (auto err = db.exec(std::string("SELECT pg_advisory_unlock(") +
                             retention_lock_key + ")"))
        db.reset(); // the lock goes with the session
    }
  }
  rep.ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
  auto unix_now = std::chrono::duration<double>(sys_clock::now().time_since_epoch());
  retention_metrics_record(rep, st.p->settings.node.region, unix_now.count());
  base::log_info("retention.run",
                 {{"trigger", rep.trigger},
                  {"ran", rep.ran},
                  {"skipped", rep.skipped},
                  {"partitions_created", rep.partitions_created},
                  {"exported", static_cast<int64_t>(rep.exports.size())},
                  {"usage_rows_deleted", rep.usage_rows_deleted},
                  {"failures", static_cast<int64_t>(rep.failures.size())},
                  {"ms", rep.ms}});
  return rep;
}

} // namespace

void register_retention_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<retention_report>("kyb::retention_report");
}

retention_actor spawn_retention_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn<caf::detached>(
      [](self_ptr self, platform_ptr p) -> retention_actor::behavior_type {
        auto& st = self->state;
        st.p = std::move(p);
        st.writer = std::make_shared<audit_writer>(st.p->audit_keys);
        const auto& s = st.p->settings;
        persistence::pg_blocking_options o;
        o.label = "retention";
        o.application_name = "kyb-retention-" + s.node.id;
        o.connect_timeout = s.database.connect_timeout;
        o.setup_sql = "SET TimeZone = 'UTC'; SET statement_timeout = " +
                      std::to_string(s.database.statement_timeout.count());
        st.db = std::make_unique<pg_blocking_session>(s.database.url, std::move(o));
        retention_metrics_init(s.node.region);
        if (s.retention.enabled)
          self->delayed_send(self,
                             std::min<std::chrono::milliseconds>(
                                 s.retention.interval, std::chrono::seconds(30)),
                             tick_atom::value);
        return {
            [self](retention_atom, const std::string& trigger) {
              return run(self->state, trigger);
            },
            [self](tick_atom) {
              run(self->state, "schedule");
              self->delayed_send(self, self->state.p->settings.retention.interval,
                                 tick_atom::value);
            },
        };
      },
      std::move(p));
}

} // namespace kyb::actors

// How actors talk to PostgreSQL: build a batch of named statements (one transaction),
// send it to a pooled connection actor, continue in a callback after the commit. Also
// the small decoders every actor uses on result rows.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "actors/platform.hpp"
#include "persistence/pg_types.hpp"
#include "persistence/queries.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

using persistence::pg_batch;
using persistence::pg_rows;
using persistence::pg_value;

/// Appends statement `name` with `params` to `batch`.
inline void add(pg_batch& batch, const char* name, std::vector<pg_value> params) {
  batch.statements.push_back(persistence::pg_statement{name, std::move(params)});
}

/// Sends `batch` and calls ok(std::vector<pg_rows>&) after the commit, or
/// fail(caf::error&).
template <class Self, class Ok, class Fail>
void run_batch(Self* self, const platform& p, pg_batch batch, Ok ok, Fail fail) {
  self->request(p.db.pick(), p.settings.http.request_timeout, std::move(batch))
      .then([ok](std::vector<pg_rows>& rows) mutable { ok(rows); },
            [fail](caf::error& err) mutable { fail(err); });
}

/// An entity's lease on its shard: the epoch its writes carry (kyb_check_fence), taken
/// from the node's lease manager before the first write.
struct entity_lease {
  uint32_t shard = 0;
  std::optional<int64_t> epoch;
};

/// run_batch for an entity's writes: the batch starts with the fence check of the
/// entity's shard at the epoch this node holds, so a node that lost the shard cannot
/// commit. ok() sees the results of the caller's statements only. A fenced write tells
/// the lease manager (the lease is gone) and fails with errc::fenced.
template <class Self, class Ok, class Fail>
void run_fenced(Self* self, const platform& p, entity_lease& lease, pg_batch batch, Ok ok,
                Fail fail) {
  auto go = [self, &p, &lease, ok, fail](pg_batch b, int64_t epoch) mutable {
    b.statements.insert(
        b.statements.begin(),
        persistence::pg_statement{
            persistence::q::fence_check,
            {persistence::pg_param(int64_t{lease.shard}), persistence::pg_param(epoch)}});
    auto shard = lease.shard;
    run_batch(
        self, p, std::move(b),
        [ok](std::vector<pg_rows>& res) mutable {
          res.erase(res.begin());
          ok(res);
        },
        [self, &p, &lease, shard, epoch, fail](caf::error& err) mutable {
          if (code_of(err) == errc::fenced) {
            self->send(p.leases->get(), runtime::lease_atom::value, shard, epoch);
            lease.epoch.reset();
          }
          fail(err);
        });
  };
  if (lease.epoch) {
    go(std::move(batch), *lease.epoch);
    return;
  }
  self->request(p.leases->get(), caf::infinite, runtime::lease_atom::value, lease.shard)
      .then(
          [&lease, go, b = std::move(batch)](int64_t epoch) mutable {
            lease.epoch = epoch;
            go(std::move(b), epoch);
          },
          [fail](caf::error& err) mutable { fail(err); });
}

inline pg_value val(std::string s) {
  return persistence::pg_param(std::move(s));
}
inline pg_value val(const char* s) {
  return persistence::pg_param(s);
}
inline pg_value val(const base::uuid& u) {
  return pg_value{u.to_string()};
}
inline pg_value val(const std::optional<std::string>& s) {
  return s;
}
inline pg_value val_num(double d) {
  return pg_value{std::to_string(d)};
}
inline pg_value val_bool(bool b) {
  return pg_value{b ? "t" : "f"};
}
inline pg_value val_int(int64_t n) {
  return pg_value{std::to_string(n)};
}
/// Scores and confidences are stored as numeric(5,4).
inline pg_value val_score(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", d);
  return pg_value{std::string(buf)};
}
inline pg_value null_value() {
  return persistence::pg_null();
}
/// bytea parameter in text format.
inline pg_value val_bytea(const std::string& raw) {
  return persistence::bytea_param(raw);
}

/// Column `i` of `row` as text ("" for NULL).
inline const std::string& col(const std::vector<pg_value>& row, size_t i) {
  static const std::string empty;
  return row.at(i) ? *row[i] : empty;
}
inline std::optional<std::string> opt_col(const std::vector<pg_value>& row, size_t i) {
  return row.at(i);
}
inline bool bool_col(const std::vector<pg_value>& row, size_t i) {
  return col(row, i) == "t";
}
inline int32_t int_col(const std::vector<pg_value>& row, size_t i) {
  auto& s = col(row, i);
  return s.empty() ? 0 : static_cast<int32_t>(std::stol(s));
}
inline int64_t int64_col(const std::vector<pg_value>& row, size_t i) {
  auto& s = col(row, i);
  return s.empty() ? 0 : std::stoll(s);
}
std::optional<double> opt_double(const std::vector<pg_value>& row, size_t i);
base::uuid uuid_col(const std::vector<pg_value>& row, size_t i);
/// A bytea column in text format (\x hex) as raw bytes.
std::optional<std::string> bytea_col(const std::vector<pg_value>& row, size_t i);

/// Appends an audit row to the tenant's hash chain, in the same batch (transaction).
void add_audit(pg_batch& batch, const base::uuid& tenant, const std::string& region,
               const std::string& actor, const std::string& action,
               const std::string& target_type, const std::string& target_id,
               const std::string& request_id, const std::string& details_json);

} // namespace kyb::actors

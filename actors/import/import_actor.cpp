#include "actors/import/import_actor.hpp"

#include <deque>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;

/// One record of the upload in line order: a business to write, or the errors that
/// refused it.
struct import_item {
  int64_t line = 0;
  std::optional<import_ready> row;
  std::vector<import_row_error> errors;
};

struct import_state {
  static inline const char* name = "kyb.import";

  platform_ptr p;
  request_meta meta;
  import_job job;
  bool begun = false;
  int64_t skip_through = 0; ///< a resumed job's committed line
  std::string today;
  std::deque<import_item> queue;
  int64_t skipped_pending = 0; ///< skipped rows not yet counted in the database
  int64_t errors_stored = 0;
  bool writing = false;
  bool finishing = false;
  bool aborted = false;
  bool ending = false; ///< finish_job() ran
  std::string abort_status;
  std::string abort_error;
  std::vector<caf::typed_response_promise<ok_atom>> acks; ///< rows waiting to be taken
  std::optional<caf::typed_response_promise<import_job>> done;
  import_completed_fn on_completed;
  std::vector<base::uuid> created; ///< for the warming event, bounded
};

using self_ptr = import_actor::stateful_pointer<import_state>;

base::counter& rows_counter(const char* outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_import_rows_total",
      "Records of bulk imports by outcome (written, failed, skipped: committed by an "
      "earlier upload of the same job)",
      {"outcome"});
  return family.with({outcome});
}

size_t batch_rows(const import_state& st) {
  return std::max<size_t>(1, st.p->settings.import.batch_rows);
}

/// Rows may keep arriving while this many wait to be written.
size_t high_water(const import_state& st) {
  return 4 * batch_rows(st);
}

void release_acks(self_ptr self) {
  auto& st = self->state;
  if (st.queue.size() >= high_water(st) && !st.aborted)
    return;
  auto acks = std::move(st.acks);
  st.acks.clear();
  for (auto& rp : acks)
    rp.deliver(ok_atom::value);
}

void fail_acks(self_ptr self, const caf::error& err) {
  auto acks = std::move(self->state.acks);
  self->state.acks.clear();
  for (auto& rp : acks)
    rp.deliver(err);
}

/// Ends the job with `status` in the database and stops.
void finish_job(self_ptr self, const std::string& status, const std::string& error) {
  auto& st = self->state;
  if (st.ending)
    return;
  st.ending = true;
  pg_batch batch;
  if (st.skipped_pending > 0)
    add(batch, q::import_job_progress,
        {val(st.job.id), val("0"), val("0"), val("0"),
         val(std::to_string(st.skipped_pending)), val(std::to_string(st.skip_through)),
         val(std::to_string(st.job.bytes_received))});
  size_t finish_result = batch.statements.size();
  add(batch, q::import_job_finish,
      {val(st.job.id), val(status), error.empty() ? null_value() : val(error),
       val(std::to_string(st.job.bytes_received))});
  if (status == "completed") {
    // import.completed for the tenant's webhooks, in the transaction that completes it.
    nlohmann::json payload = {{"job_id", st.job.id.to_string()},
                              {"status", status},
                              {"format", st.job.format},
                              {"rows_read", st.job.rows_read},
                              {"rows_written", st.job.rows_written},
                              {"rows_failed", st.job.rows_failed},
                              {"rows_skipped", st.job.rows_skipped + st.skipped_pending}};
    add(batch, q::outbox_event_insert,
        {val(base::uuid::make_v7()), val(st.job.tenant_id), val(st.job.region),
         val("import.completed"), val("import_job"), val(st.job.id), val(payload.dump()),
         val(base::utc_timestamp())});
  }
  run_batch(
      self, *st.p, std::move(batch),
      [self, finish_result](std::vector<pg_rows>& res) {
        auto& st = self->state;
        rows_counter("skipped").Increment(static_cast<double>(st.skipped_pending));
        st.skipped_pending = 0;
        auto& rows = res.at(finish_result).rows;
        if (!rows.empty()) {
          bool resumed = st.job.resumed;
          st.job = decode_import_job(row_columns(res.at(finish_result)), rows[0]);
          st.job.resumed = resumed;
        }
        base::log_info("import.finished", {{"job_id", st.job.id.to_string()},
                                           {"status", st.job.status},
                                           {"written", st.job.rows_written},
                                           {"failed", st.job.rows_failed},
                                           {"skipped", st.job.rows_skipped}});
        if (st.done)
          st.done->deliver(st.job);
        if (st.job.status == "completed" && st.on_completed && !st.created.empty())
          st.on_completed(std::move(st.created));
        self->quit();
      },
      [self](caf::error& err) {
        auto& st = self->state;
        base::log_warn("import.finish_failed",
                       {{"job_id", st.job.id.to_string()}, {"error", detail_of(err)}});
        if (st.done)
          st.done->deliver(err);
        self->quit();
      });
}

void maybe_write(self_ptr self);

/// Writes the first batch of the queue (the caller checked that one is due).
void write_batch(self_ptr self) {
  auto& st = self->state;
  st.writing = true;
  auto items = std::make_shared<std::vector<import_item>>();
  auto n = std::min(st.queue.size(), batch_rows(st));
  items->reserve(n);
  for (size_t i = 0; i < n; ++i) {
    items->push_back(std::move(st.queue.front()));
    st.queue.pop_front();
  }
  release_acks(self);
  // The duplicate tax id policy (migration 0017): unless the job allows duplicates, a
  // row whose tax id a live business of the tenant (or an earlier row of the upload)
  // has fails, and the write batch locks the rest's tax ids and checks them again, so
  // that a create landing between the check and the write fails the batch (the job
  // stops; resuming it with its key reports that row) rather than adding a duplicate.
  bool unique = !st.job.allow_duplicate_tax_id;
  std::vector<std::optional<std::string>> hashes;
  for (auto& it : *items)
    if (unique && it.row && it.row->tax_hash)
      hashes.push_back(*it.row->tax_hash);
  auto write = [self, items,
                unique](const std::unordered_map<std::string, std::string>& existing) {
    auto& st = self->state;
    // Duplicates: a live business of the tenant, or an earlier row of this batch.
    std::unordered_map<std::string, int64_t> seen;
    std::vector<import_ready> rows;
    std::vector<import_row_error> errors;
    int64_t failed = 0;
    for (auto& it : *items) {
      if (unique && it.row && it.row->tax_hash) {
        const auto& h = *it.row->tax_hash;
        if (auto e = existing.find(h); e != existing.end()) {
          it.errors.push_back({it.line, "/tax_id", duplicate_tax_id_detail(e->second)});
          it.row.reset();
        } else if (auto s = seen.find(h); s != seen.end()) {
          it.errors.push_back({it.line, "/tax_id",
                               "line " + std::to_string(s->second) +
                                   " of this upload has this tax id; upload with "
                                   "allow_duplicate_tax_id=true to import both"});
          it.row.reset();
        } else {
          seen.emplace(h, it.line);
        }
      }
      if (it.row) {
        rows.push_back(std::move(*it.row));
      } else {
        ++failed;
        for (auto& e : it.errors)
          if (st.errors_stored + static_cast<int64_t>(errors.size()) <
              static_cast<int64_t>(st.p->settings.import.max_errors_stored))
            errors.push_back(std::move(e));
      }
    }
    int64_t last_line = items->empty() ? st.skip_through : items->back().line;
    int64_t first_line = items->empty() ? 0 : items->front().line;
    pg_batch batch;
    if (unique && !seen.empty()) {
      std::vector<std::optional<std::string>> taxes;
      taxes.reserve(seen.size());
      for (auto& [h, line] : seen)
        taxes.push_back(h);
      add(batch, q::business_tax_unique,
          {val(st.job.tenant_id), val(persistence::pg_array(taxes)), null_value()});
    }
    if (!rows.empty()) {
      add_bulk_rows(batch, *st.p, st.job.tenant_id, st.job.region, rows);
      nlohmann::json ids = nlohmann::json::array();
      for (auto& r : rows)
        ids.push_back(r.rec.id.to_string());
      nlohmann::json details = {{"job_id", st.job.id.to_string()},
                                {"first_line", first_line},
                                {"last_line", last_line},
                                {"created", rows.size()},
                                {"business_ids", std::move(ids)}};
      add_audit(batch, st.job.tenant_id, st.job.region, st.meta.who.audit_actor(),
                "business.bulk_create", "import_job", st.job.id.to_string(),
                st.meta.request_id, details.dump());
    }
    add_import_errors(batch, st.job.id, st.job.tenant_id, st.job.region, errors);
    auto written = static_cast<int64_t>(rows.size());
    auto read = written + failed;
    auto skipped = st.skipped_pending;
    add(batch, q::import_job_progress,
        {val(st.job.id), val(std::to_string(read)), val(std::to_string(written)),
         val(std::to_string(failed)), val(std::to_string(skipped)),
         val(std::to_string(std::max(last_line, st.skip_through))),
         val(std::to_string(st.job.bytes_received))});
    auto stored = static_cast<int64_t>(errors.size());
    std::vector<base::uuid> ids;
    auto room = st.p->settings.cache.warm_max_businesses -
                std::min(st.created.size(), st.p->settings.cache.warm_max_businesses);
    for (size_t i = 0; i < rows.size() && i < room; ++i)
      ids.push_back(rows[i].rec.id);
    run_batch(
        self, *st.p, std::move(batch),
        [self, read, written, failed, skipped, stored, last_line,
         ids = std::move(ids)](std::vector<pg_rows>&) {
          auto& st = self->state;
          st.created.insert(st.created.end(), ids.begin(), ids.end());
          st.job.rows_read += read;
          st.job.rows_written += written;
          st.job.rows_failed += failed;
          st.job.rows_skipped += skipped;
          st.skipped_pending -= skipped;
          st.job.committed_line = std::max(st.job.committed_line, last_line);
          st.errors_stored += stored;
          rows_counter("written").Increment(static_cast<double>(written));
          rows_counter("failed").Increment(static_cast<double>(failed));
          rows_counter("skipped").Increment(static_cast<double>(skipped));
          st.writing = false;
          release_acks(self);
          maybe_write(self);
        },
        [self](caf::error& err) {
          // Not committed, or the outcome is unknown: the job stops here; a retry with
          // its key resumes after what the database says was committed.
          auto& st = self->state;
          st.writing = false;
          base::log_warn("import.batch_failed",
                         {{"job_id", st.job.id.to_string()}, {"error", detail_of(err)}});
          st.queue.clear();
          fail_acks(self, err);
          st.aborted = true;
          finish_job(self, "failed", "a batch could not be written: " + detail_of(err));
        });
  };
  if (hashes.empty()) {
    write({});
    return;
  }
  pg_batch read;
  add(read, q::business_tax_duplicates,
      {val(st.job.tenant_id), val(persistence::pg_array(hashes))});
  run_batch(
      self, *st.p, std::move(read),
      [write](std::vector<pg_rows>& res) {
        std::unordered_map<std::string, std::string> existing;
        row_columns c(res.at(0));
        for (auto& r : res.at(0).rows)
          existing.emplace(col(r, c["tax_id"]), col(r, c["id"]));
        write(existing);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        st.writing = false;
        st.queue.clear();
        fail_acks(self, err);
        st.aborted = true;
        finish_job(self, "failed", "a batch could not be checked: " + detail_of(err));
      });
}

void maybe_write(self_ptr self) {
  auto& st = self->state;
  if (st.writing)
    return;
  if (st.aborted) {
    finish_job(self, st.abort_status, st.abort_error);
    return;
  }
  if (st.queue.size() >= batch_rows(st) || (st.finishing && !st.queue.empty())) {
    write_batch(self);
    return;
  }
  if (st.finishing)
    finish_job(self, "completed", "");
}

/// Validates `r` and queues it (or its errors).
void take(import_state& st, import_row& r) {
  if (r.line <= st.skip_through) {
    ++st.skipped_pending;
    return;
  }
  import_item item;
  item.line = r.line;
  if (r.errors.empty())
    r.errors = validate_business_input(r.in, validation_mode::create, st.today);
  if (!r.errors.empty()) {
    for (auto& e : r.errors)
      item.errors.push_back({r.line, e.field, e.detail});
    st.queue.push_back(std::move(item));
    return;
  }
  import_ready ready;
  ready.line = r.line;
  ready.rec.id = base::uuid::make_v7();
  ready.rec.tenant_id = st.job.tenant_id;
  ready.rec.region = st.job.region;
  apply_business_input(ready.rec, r.in);
  if (ready.rec.tax_id)
    ready.tax_hash = tax_id_lookup_hash(*st.p, *ready.rec.tax_id);
  item.row = std::move(ready);
  st.queue.push_back(std::move(item));
}

} // namespace

import_actor spawn_import_actor(caf::actor_system& sys, platform_ptr p,
                                import_completed_fn on_completed) {
  return sys.spawn(
      [](self_ptr self, platform_ptr p,
         import_completed_fn on_completed) -> import_actor::behavior_type {
        self->state.p = std::move(p);
        self->state.on_completed = std::move(on_completed);
        self->state.today = utc_today();
        return {
            [self](begin_atom, const request_meta& meta,
                   const import_spec& spec) -> caf::result<import_job> {
              auto& st = self->state;
              if (!meta.who.has(scope_write))
                return make_error(errc::forbidden,
                                  "importing businesses needs the 'write' scope");
              if (st.begun)
                return make_error(errc::conflict, "the import has begun already");
              st.begun = true;
              st.meta = meta;
              auto rp = self->make_response_promise<import_job>();
              pg_batch batch;
              add(batch, q::import_job_insert,
                  {val(base::uuid::make_v7()), val(meta.who.tenant_id),
                   val(meta.who.region),
                   spec.job_key.empty() ? null_value() : val(spec.job_key),
                   val(spec.format), val(meta.who.audit_actor()),
                   val_bool(spec.allow_duplicate_tax_id)});
              if (!spec.job_key.empty())
                add(batch, q::import_job_by_key,
                    {val(meta.who.tenant_id), val(spec.job_key)});
              run_batch(
                  self, *st.p, std::move(batch),
                  [self, rp, spec](std::vector<pg_rows>& res) mutable {
                    auto& st = self->state;
                    if (!res.at(0).rows.empty()) {
                      st.job = decode_import_job(row_columns(res[0]), res[0].rows[0]);
                      rp.deliver(st.job);
                      return;
                    }
                    // The tenant has a job with this key.
                    auto existing =
                        decode_import_job(row_columns(res.at(1)), res.at(1).rows.at(0));
                    if (existing.format != spec.format) {
                      rp.deliver(make_error(errc::invalid_argument,
                                            "job key '" + spec.job_key +
                                                "' belongs to an upload of " +
                                                existing.format + ", not " + spec.format,
                                            "job_key"));
                      self->quit();
                      return;
                    }
                    if (existing.allow_duplicate_tax_id != spec.allow_duplicate_tax_id) {
                      rp.deliver(make_error(
                          errc::invalid_argument,
                          "job key '" + spec.job_key + "' belongs to an upload with " +
                              (existing.allow_duplicate_tax_id ? "" : "no ") +
                              "allow_duplicate_tax_id=true: resume it as it began",
                          "allow_duplicate_tax_id"));
                      self->quit();
                      return;
                    }
                    if (existing.status == "completed") {
                      existing.replayed = true;
                      rp.deliver(existing);
                      self->quit();
                      return;
                    }
                    pg_batch resume;
                    add(resume, q::import_job_resume,
                        {val(existing.id), val(existing.tenant_id), val(spec.format)});
                    run_batch(
                        self, *st.p, std::move(resume),
                        [self, rp, existing](std::vector<pg_rows>& r) mutable {
                          auto& st = self->state;
                          if (r.at(0).rows.empty()) {
                            rp.deliver(make_error(
                                errc::conflict,
                                "job " + existing.id.to_string() +
                                    " with this key is still receiving an upload"));
                            self->quit();
                            return;
                          }
                          st.job = decode_import_job(row_columns(r[0]), r[0].rows[0]);
                          st.job.resumed = true;
                          st.skip_through = st.job.committed_line;
                          st.errors_stored = st.job.rows_failed;
                          rp.deliver(st.job);
                        },
                        [self, rp](caf::error& err) mutable {
                          rp.deliver(err);
                          self->quit();
                        });
                  },
                  [self, rp](caf::error& err) mutable {
                    rp.deliver(err);
                    self->quit();
                  });
              return rp;
            },
            [self](record_atom, std::vector<import_row>& rows,
                   int64_t bytes) -> caf::result<ok_atom> {
              auto& st = self->state;
              if (st.aborted)
                return make_error(errc::unavailable, "the import stopped");
              if (st.job.id.is_nil())
                return make_error(errc::internal, "rows before the import began");
              st.job.bytes_received = bytes;
              for (auto& r : rows)
                take(st, r);
              maybe_write(self);
              if (st.queue.size() < high_water(st))
                return ok_atom::value;
              auto rp = self->make_response_promise<ok_atom>();
              st.acks.push_back(rp);
              return rp;
            },
            [self](complete_atom, int64_t bytes) -> caf::result<import_job> {
              auto& st = self->state;
              if (st.aborted)
                return make_error(errc::unavailable, "the import stopped");
              st.job.bytes_received = bytes;
              st.finishing = true;
              auto rp = self->make_response_promise<import_job>();
              st.done = rp;
              maybe_write(self);
              return rp;
            },
            [self](abort_atom, const std::string& status, const std::string& error) {
              auto& st = self->state;
              if (st.aborted || st.job.id.is_nil()) {
                if (st.job.id.is_nil())
                  self->quit();
                return;
              }
              st.aborted = true;
              st.abort_status = status;
              st.abort_error = error;
              // Rows not written are dropped: only what committed counts.
              st.queue.clear();
              fail_acks(self,
                        make_error(errc::unavailable, "the import stopped: " + error));
              maybe_write(self);
            },
        };
      },
      std::move(p), std::move(on_completed));
}

} // namespace kyb::actors

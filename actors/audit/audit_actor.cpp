#include "actors/audit/audit_actor.hpp"

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;

constexpr uint32_t verify_page_rows = 2000;

bool may_read_audit(const principal& who) {
  return who.has(scope_admin) || who.is_operator();
}

/// Walks the chain page by page; each page is one request, so the actor keeps serving.
/// The head is read first: rows appended while the walk runs lie beyond it and are
/// left for the next verification.
struct verify_job {
  explicit verify_job(std::shared_ptr<const audit_keyring> keys)
      : verifier(std::move(keys)) {}
  platform_ptr p;
  base::uuid tenant;
  int64_t head_seq = 0;
  std::string head_hash;
  audit_chain_verifier verifier;
  audit_verification result;
  caf::typed_response_promise<audit_verification> rp;
};

void take_counts(verify_job& job) {
  auto& v = job.verifier;
  job.result.head_seq = job.head_seq;
  job.result.rows_checked = v.rows_checked();
  job.result.legacy_rows = v.legacy_rows();
  job.result.unchecked_rows = v.unchecked_rows();
  job.result.first_unchecked_seq = v.first_unchecked_seq();
  job.result.unknown_key_ids.assign(v.unknown_key_ids().begin(),
                                    v.unknown_key_ids().end());
}

void finish(std::shared_ptr<verify_job> job) {
  take_counts(*job);
  if (auto why = job->verifier.check_head(job->head_seq, job->head_hash)) {
    job->result.valid = false;
    job->result.first_bad_seq = job->verifier.last_seq() + 1;
    job->result.reason = *why;
  } else if (job->verifier.unchecked_rows() > 0) {
    // Nothing found wrong, but not everything could be checked: not "valid".
    job->result.valid = false;
    std::string ids;
    for (auto& id : job->result.unknown_key_ids)
      ids += (ids.empty() ? "" : ", ") + id;
    job->result.reason = std::to_string(job->verifier.unchecked_rows()) +
                         " rows are keyed with audit key(s) " + ids +
                         " that this node does not hold, so they could not be checked "
                         "(add the key to security.audit_previous_keys)";
  } else {
    job->result.valid = true;
  }
  job->rp.deliver(job->result);
}

void verify_next(audit_actor::pointer self, std::shared_ptr<verify_job> job) {
  if (job->verifier.last_seq() >= job->head_seq) {
    finish(job);
    return;
  }
  pg_batch batch;
  add(batch, q::audit_chain_page,
      {val(job->tenant), val(std::to_string(job->verifier.last_seq())),
       val(std::to_string(verify_page_rows))});
  run_batch(
      self, *job->p, std::move(batch),
      [self, job](std::vector<pg_rows>& res) {
        auto& rows = res.at(0).rows;
        for (auto& row : rows) {
          auto r = audit_chain_row_of([&](size_t i) { return col(row, i); });
          if (r.seq > job->head_seq)
            break;
          if (auto why = job->verifier.check(r)) {
            take_counts(*job);
            job->result.valid = false;
            job->result.first_bad_seq = r.seq;
            job->result.first_bad_id = r.id;
            job->result.reason = *why;
            job->rp.deliver(job->result);
            return;
          }
        }
        if (rows.size() == verify_page_rows)
          verify_next(self, job);
        else
          finish(job);
      },
      [job](caf::error& err) { job->rp.deliver(err); });
}

void verify_start(audit_actor::pointer self, std::shared_ptr<verify_job> job) {
  pg_batch batch;
  add(batch, q::audit_head, {val(job->tenant)});
  run_batch(
      self, *job->p, std::move(batch),
      [self, job](std::vector<pg_rows>& res) {
        auto& head = res.at(0).rows;
        row_columns c(res.at(0));
        job->head_seq = head.empty() ? 0 : std::stoll(col(head[0], c["head_seq"]));
        job->head_hash =
            head.empty() ? audit_genesis_hash() : col(head[0], c["head_hash"]);
        if (!head.empty() && head[0].at(c["anchor_seq"])) {
          // Retention retired the chain's start: the rows left follow its last row.
          job->verifier.start_after(int64_col(head[0], c["anchor_seq"]),
                                    col(head[0], c["anchor_hash"]),
                                    !col(head[0], c["anchor_key_id"]).empty());
          job->result.retired_through_seq = int64_col(head[0], c["anchor_seq"]);
        }
        verify_next(self, job);
      },
      [job](caf::error& err) { job->rp.deliver(err); });
}

} // namespace

audit_actor spawn_audit_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](audit_actor::pointer self, platform_ptr p) -> audit_actor::behavior_type {
        return {
            [self, p](list_atom, const request_meta& meta, const std::string& cursor,
                      uint32_t limit) -> caf::result<audit_page> {
              if (!may_read_audit(meta.who))
                return make_error(errc::forbidden,
                                  "reading the audit log needs the 'admin' scope");
              pg_batch batch;
              auto fetch = std::to_string(limit + 1);
              if (cursor.empty()) {
                add(batch, q::audit_page, {val(meta.who.tenant_id), val(fetch)});
              } else {
                auto before = std::string::npos;
                long long seq = 0;
                try {
                  size_t pos = 0;
                  seq = std::stoll(cursor, &pos);
                  before = pos;
                } catch (...) {
                }
                if (before != cursor.size() || seq < 1)
                  return make_error(errc::invalid_argument,
                                    "the cursor is not one this API issued", "cursor");
                add(batch, q::audit_page_before,
                    {val(meta.who.tenant_id), val(std::to_string(seq)), val(fetch)});
              }
              auto rp = self->make_response_promise<audit_page>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp, limit](std::vector<pg_rows>& res) mutable {
                    audit_page page;
                    auto& rows = res.at(0).rows;
                    row_columns c(res.at(0));
                    for (size_t i = 0; i < rows.size() && i < limit; ++i) {
                      auto& row = rows[i];
                      audit_entry e;
                      e.seq = std::stoll(col(row, c["seq"]));
                      e.id = col(row, c["id"]);
                      e.actor = col(row, c["actor"]);
                      e.action = col(row, c["action"]);
                      e.target_type = col(row, c["target_type"]);
                      e.target_id = opt_col(row, c["target_id"]);
                      e.request_id = opt_col(row, c["request_id"]);
                      e.details = col(row, c["details"]);
                      e.created_at = col(row, c["created_at"]);
                      e.row_hash = col(row, c["row_hash"]);
                      page.items.push_back(std::move(e));
                    }
                    if (rows.size() > limit && !page.items.empty())
                      page.next_cursor = std::to_string(page.items.back().seq);
                    rp.deliver(std::move(page));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p](verify_atom,
                      const request_meta& meta) -> caf::result<audit_verification> {
              if (!may_read_audit(meta.who))
                return make_error(errc::forbidden,
                                  "verifying the audit log needs the 'admin' scope");
              auto job = std::make_shared<verify_job>(p->audit_keys);
              job->p = p;
              job->tenant = meta.who.tenant_id;
              job->rp = self->make_response_promise<audit_verification>();
              verify_start(self, job);
              return job->rp;
            },
        };
      },
      p);
}

} // namespace kyb::actors

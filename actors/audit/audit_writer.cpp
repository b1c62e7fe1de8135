#include "actors/audit/audit_writer.hpp"

#include <map>

#include <caf/scoped_actor.hpp>

#include "actors/db.hpp"
#include "actors/row_columns.hpp"
#include "persistence/queries.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;
using persistence::pg_value;

const std::string& text(const std::vector<pg_value>& xs, size_t i) {
  static const std::string empty;
  return i < xs.size() && xs[i] ? *xs[i] : empty;
}

} // namespace

audit_writer::audit_writer(std::shared_ptr<const audit_keyring> keys)
    : keys_(std::move(keys)) {}

bool audit_writer::wants(const persistence::pg_batch& batch) const {
  for (auto& stmt : batch.statements)
    if (stmt.name == q::audit_append)
      return true;
  return false;
}

caf::expected<std::vector<persistence::pg_statement>>
audit_writer::finish(const persistence::pg_batch& batch,
                     const std::vector<persistence::pg_rows>& results) const {
  std::vector<persistence::pg_statement> out;
  // Rows of one tenant in one batch: the head hash reserve returned is the chain's
  // before this batch, so later rows chain on the rows computed here.
  std::map<std::string, std::pair<int64_t, std::string>> last;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    auto& stmt = batch.statements[i];
    if (stmt.name != q::audit_append)
      continue;
    if (i >= results.size() || results[i].rows.size() != 1 ||
        results[i].rows[0].size() != 7 || stmt.params.size() != 9)
      return make_error(errc::internal, "audit append " + std::to_string(i) +
                                            ": unexpected reservation result");
    auto& res = results[i].rows[0];
    auto& p = stmt.params;
    audit_chain_row row;
    try {
      row.seq = std::stoll(text(res, 0));
      row.created_at_us = std::stoll(text(res, 6));
    } catch (...) {
      return make_error(errc::internal, "audit append " + std::to_string(i) +
                                            ": unreadable seq or created_at");
    }
    row.id = text(res, 2);
    row.tenant_id = text(res, 3);
    row.region = text(p, 2);
    row.actor = text(p, 3);
    row.action = text(p, 4);
    row.target_type = text(p, 5);
    row.target_id = text(p, 6);
    row.request_id = text(p, 7);
    row.details = text(res, 4);
    row.key_id = keys_->current_id();
    auto earlier = last.find(row.tenant_id);
    if (earlier == last.end()) {
      row.prev_hash = text(res, 1);
    } else {
      if (earlier->second.first + 1 != row.seq)
        return make_error(errc::internal,
                          "audit append " + std::to_string(i) + ": sequence out of step");
      row.prev_hash = earlier->second.second;
    }
    row.row_hash = audit_row_hmac(keys_->current_key(), row.prev_hash, row);
    last[row.tenant_id] = {row.seq, row.row_hash};
    out.push_back(persistence::pg_statement{
        q::audit_insert,
        {pg_value{row.id}, pg_value{row.tenant_id}, p[2], pg_value{text(res, 0)}, p[3],
         p[4], p[5], p[6], p[7], pg_value{row.details}, pg_value{text(res, 5)},
         pg_value{row.prev_hash}, pg_value{row.row_hash}, pg_value{row.key_id}}});
  }
  return out;
}

caf::expected<size_t> seal_unkeyed_chains(caf::actor_system& sys, const platform& p) {
  caf::scoped_actor self{sys};
  auto ask = [&](pg_batch batch) {
    caf::expected<std::vector<pg_rows>> out{caf::error{}};
    self->request(p.db.pick(), p.settings.database.statement_timeout, std::move(batch))
        .receive([&](std::vector<pg_rows>& rows) { out = std::move(rows); },
                 [&](caf::error& err) { out = std::move(err); });
    return out;
  };
  pg_batch find;
  add(find, q::audit_unkeyed_heads, {});
  auto heads = ask(std::move(find));
  if (!heads)
    return heads.error();
  pg_batch seal;
  row_columns c(heads->at(0));
  for (auto& row : heads->at(0).rows) {
    auto tenant = base::uuid::parse(col(row, c["tenant_id"]));
    if (!tenant || !p.writes_here(col(row, c["region"])))
      continue;
    add_audit(seal, *tenant, col(row, c["region"]), "system:" + p.settings.node.id,
              "audit.chain_keyed", "audit_chain", col(row, c["tenant_id"]), "",
              "{\"unkeyed_rows\": " + std::to_string(int64_col(row, c["seq"])) +
                  ", \"key_id\": \"" + p.audit_keys->current_id() + "\"}");
  }
  auto n = seal.statements.size();
  if (n == 0)
    return size_t{0};
  if (auto done = ask(std::move(seal)); !done)
    return done.error();
  return n;
}

} // namespace kyb::actors

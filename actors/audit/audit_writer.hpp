// Writes audit rows into the keyed chain. Actors add an audit_append statement to their
// batch (add_audit in actors/db.hpp); the batch's connection hands it to this finisher,
// which computes each row's HMAC from the head the first part locked, with the node's
// current audit key, and inserts the rows before the COMMIT. The key stays in the node.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/platform.hpp"
#include "persistence/pg_finisher.hpp"

namespace kyb::actors {

class audit_writer final : public persistence::pg_finisher {
public:
  explicit audit_writer(std::shared_ptr<const audit_keyring> keys);

  /// A batch with an audit_append statement.
  bool wants(const persistence::pg_batch& batch) const override;
  /// One audit_insert per audit_append, chained in batch order per tenant.
  caf::expected<std::vector<persistence::pg_statement>>
  finish(const persistence::pg_batch& batch,
         const std::vector<persistence::pg_rows>& results) const override;

private:
  std::shared_ptr<const audit_keyring> keys_;
};

/// Seals every chain whose newest row is unkeyed (written before migration 0008) and
/// whose tenant this node writes, with a keyed `audit.chain_keyed` row, so that the
/// verifier can require every chain to end in a keyed row (a chain rewritten into
/// unkeyed rows then shows). Blocks: call once at start, before serving. Returns the
/// number of chains sealed.
caf::expected<size_t> seal_unkeyed_chains(caf::actor_system& sys, const platform& p);

} // namespace kyb::actors

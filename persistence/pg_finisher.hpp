// Batches that are completed inside their own transaction from what their first part
// returned. The audit chain needs it: the node computes each row's HMAC from the chain
// head the first part locked, so the key never reaches the database.
#pragma once

#include <vector>

#include <caf/expected.hpp>

#include "persistence/pg_types.hpp"

namespace kyb::persistence {

/// Completes batches on the connection that runs them. A batch for which wants() holds
/// runs as BEGIN; its statements; Sync (the transaction stays open, its locks held);
/// then the statements finish() makes from the results; COMMIT; Sync. The connection
/// sends nothing else meanwhile. The reply holds the results of the batch's own
/// statements; a failure anywhere rolls everything back and is the reply.
class pg_finisher {
public:
  virtual ~pg_finisher() = default;
  /// Whether `batch` needs a second part.
  virtual bool wants(const pg_batch& batch) const = 0;
  /// The second part, from `batch` and its results (one pg_rows per statement). Called
  /// on the connection actor: must not block.
  virtual caf::expected<std::vector<pg_statement>>
  finish(const pg_batch& batch, const std::vector<pg_rows>& results) const = 0;
};

} // namespace kyb::persistence

// The audit hash chain, checked from the outside: rebuilds each row's canonical text
// exactly as kyb_audit_canonical() in persistence/migrations/0001_init.sql does, and
// recomputes row_hash = sha256(prev_hash || canonical) in hex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kyb::actors {

/// One audit row as stored, with the fields the chain covers.
struct audit_chain_row {
  int64_t seq = 0;
  std::string id;
  std::string tenant_id;
  std::string region;
  std::string actor;
  std::string action;
  std::string target_type;
  std::string target_id;  ///< "" for NULL
  std::string request_id; ///< "" for NULL
  std::string details;    ///< jsonb text as PostgreSQL prints it
  int64_t created_at_us = 0;
  std::string prev_hash;
  std::string row_hash;
};

/// The genesis value a tenant's chain starts from.
std::string audit_genesis_hash();

/// The text the chain hashes for `row`.
std::string audit_canonical(const audit_chain_row& row);

/// sha256(prev_hash || canonical) in hex.
std::string audit_row_hash(const std::string& prev_hash, const audit_chain_row& row);

/// Walks a chain row by row. Feed rows in seq order; the first row that does not fit
/// is reported with the reason.
class audit_chain_verifier {
public:
  /// Checks the next row; returns the reason it does not fit, or nullopt.
  std::optional<std::string> check(const audit_chain_row& row);
  /// Checks the end of the chain against the stored head (seq and hash).
  std::optional<std::string> check_head(int64_t head_seq,
                                        const std::string& head_hash) const;

  int64_t rows_checked() const noexcept { return checked_; }
  int64_t last_seq() const noexcept { return last_seq_; }

private:
  int64_t last_seq_ = 0;
  std::string last_hash_ = audit_genesis_hash();
  int64_t checked_ = 0;
};

} // namespace kyb::actors

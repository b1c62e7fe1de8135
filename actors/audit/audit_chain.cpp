#include "actors/audit/audit_chain.hpp"

#include "runtime/base/crypto.hpp"

namespace kyb::actors {

std::string audit_genesis_hash() {
  return std::string(64, '0');
}

std::string audit_canonical(const audit_chain_row& r) {
  const char sep = '\x1f';
  std::string out;
  out.reserve(256 + r.details.size());
  out += std::to_string(r.seq);
  for (auto* part : {&r.id, &r.tenant_id, &r.region, &r.actor, &r.action, &r.target_type,
                     &r.target_id, &r.request_id, &r.details}) {
    out += sep;
    out += *part;
  }
  out += sep;
  out += std::to_string(r.created_at_us);
  return out;
}

std::string audit_row_hash(const std::string& prev_hash, const audit_chain_row& row) {
  return base::sha256_hex(prev_hash + audit_canonical(row));
}

std::optional<std::string> audit_chain_verifier::check(const audit_chain_row& row) {
  if (row.seq != last_seq_ + 1)
    return "expected sequence number " + std::to_string(last_seq_ + 1) + " but found " +
           std::to_string(row.seq) + " (rows are missing)";
  if (row.prev_hash != last_hash_)
    return "prev_hash does not equal the hash of row " + std::to_string(last_seq_);
  auto expected = audit_row_hash(row.prev_hash, row);
  if (row.row_hash != expected)
    return "row_hash does not match the row's contents (the row was altered)";
  last_seq_ = row.seq;
  last_hash_ = row.row_hash;
  ++checked_;
  return std::nullopt;
}

std::optional<std::string>
audit_chain_verifier::check_head(int64_t head_seq, const std::string& head_hash) const {
  if (head_seq != last_seq_)
    return "the chain head is at sequence " + std::to_string(head_seq) +
           " but rows end at " + std::to_string(last_seq_) + " (rows are missing)";
  if (head_hash != last_hash_)
    return "the chain head hash does not match the last row";
  return std::nullopt;
}

} // namespace kyb::actors

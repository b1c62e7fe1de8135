#include "actors/audit/audit_chain.hpp"

#include "runtime/base/crypto.hpp"
#include "runtime/base/text.hpp"
#include "runtime/error.hpp"

namespace kyb::actors {

std::string audit_key_id(const std::string& key) {
  return base::sha256_hex(key).substr(0, 8);
}

caf::expected<audit_keyring> audit_keyring::parse(const std::string& current,
                                                  const std::string& previous) {
  auto cur = base::base64_key32(current);
  if (!cur)
    return make_error(
        errc::invalid_argument,
        "must be base64 of exactly 32 random bytes (openssl rand -base64 32)",
        "security.audit_key");
  std::vector<std::string> prev;
  size_t pos = 0;
  int n = 0;
  while (pos <= previous.size() && !previous.empty()) {
    auto comma = previous.find(',', pos);
    auto item = base::trim(std::string_view(previous).substr(
        pos, comma == std::string::npos ? std::string::npos : comma - pos));
    ++n;
    auto raw = base::base64_key32(item);
    if (!raw)
      return make_error(errc::invalid_argument,
                        "key " + std::to_string(n) +
                            " of the list must be base64 of exactly 32 bytes",
                        "security.audit_previous_keys");
    prev.push_back(std::move(*raw));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return audit_keyring{std::move(*cur), std::move(prev)};
}

audit_keyring::audit_keyring(std::string current, std::vector<std::string> previous)
    : current_(std::move(current)), current_id_(audit_key_id(current_)) {
  for (auto& k : previous)
    by_id_.emplace(audit_key_id(k), std::move(k));
  by_id_[current_id_] = current_;
}

const std::string* audit_keyring::find(const std::string& key_id) const {
  auto i = by_id_.find(key_id);
  return i == by_id_.end() ? nullptr : &i->second;
}

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

std::string audit_row_hmac(const std::string& key, const std::string& prev_hash,
                           const audit_chain_row& row) {
  return base::hmac_sha256_hex(key, prev_hash + audit_canonical(row));
}

std::string audit_row_hash(const std::string& prev_hash, const audit_chain_row& row) {
  return base::sha256_hex(prev_hash + audit_canonical(row));
}

audit_chain_verifier::audit_chain_verifier(std::shared_ptr<const audit_keyring> keys)
    : keys_(std::move(keys)) {}

void audit_chain_verifier::start_after(int64_t seq, std::string hash, bool keyed) {
  start_seq_ = seq;
  last_seq_ = seq;
  last_hash_ = std::move(hash);
  keyed_seen_ = keyed;
}

std::optional<std::string> audit_chain_verifier::check(const audit_chain_row& row) {
  if (row.seq != last_seq_ + 1)
    return "expected sequence number " + std::to_string(last_seq_ + 1) + " but found " +
           std::to_string(row.seq) + " (rows are missing)";
  if (row.prev_hash != last_hash_) {
    if (last_seq_ == start_seq_ && start_seq_ > 0)
      return "prev_hash does not equal the hash of row " + std::to_string(last_seq_) +
             ", the last row retention exported and detached";
    return "prev_hash does not equal the hash of row " + std::to_string(last_seq_);
  }
  if (row.key_id.empty()) {
    // Unkeyed rows are those from before the keyed chain, so only ever its start.
    if (keyed_seen_)
      return "the row has no key_id (a plain SHA-256 hash) but follows keyed rows: it "
             "was rewritten";
    if (row.row_hash != audit_row_hash(row.prev_hash, row))
      return "row_hash does not match the row's contents (the row was altered)";
    ++legacy_;
  } else {
    keyed_seen_ = true;
    auto key = keys_ ? keys_->find(row.key_id) : nullptr;
    if (!key) {
      ++unchecked_;
      unknown_.insert(row.key_id);
      if (!first_unchecked_)
        first_unchecked_ = row.seq;
      last_seq_ = row.seq;
      last_hash_ = row.row_hash;
      return std::nullopt;
    }
    if (row.row_hash != audit_row_hmac(*key, row.prev_hash, row)) {
      return "row_hash is not the HMAC of the row under audit key " + row.key_id +
             " (the row was altered, or its hash recomputed without the key)";
    }
  }
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
  if (last_seq_ > 0 && !keyed_seen_)
    return "the chain ends in unkeyed rows: no row signed with an audit key follows them "
           "(nodes seal older chains with one at start, so these rows were rewritten or "
           "no node has started since migration 0008)";
  return std::nullopt;
}

} // namespace kyb::actors

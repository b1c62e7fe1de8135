// The audit hash chain, checked from the outside. Each row's canonical text (the fields
// joined by the unit separator, as kyb_audit_canonical() in
// persistence/migrations/0001_init.sql also builds it) is chained to the previous row:
//   row_hash = HMAC-SHA256(key, prev_hash || canonical), hex, with key_id naming the key
//   (rows since migration 0008; the key never reaches the database), or
//   row_hash = SHA-256(prev_hash || canonical), hex, with no key_id (older rows).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/expected.hpp>

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
  std::string key_id; ///< "" for an unkeyed (pre-0008, plain SHA-256) row
};

/// The SELECT list over audit_logs an audit_chain_row is read from, in the order
/// audit_chain_row_of() takes the columns (NULLs as "").
inline constexpr const char* audit_chain_columns =
    "seq, id, tenant_id, region, actor, action, target_type, COALESCE(target_id, ''), "
    "COALESCE(request_id, ''), details::text, "
    "(extract(epoch FROM created_at) * 1000000)::bigint, prev_hash, row_hash, "
    "COALESCE(key_id, '')";

/// The row whose audit_chain_columns `col(i)` returns as text, i = 0..13.
template <class Column>
audit_chain_row audit_chain_row_of(Column&& col) {
  audit_chain_row r;
  r.seq = std::stoll(std::string(col(0)));
  r.id = col(1);
  r.tenant_id = col(2);
  r.region = col(3);
  r.actor = col(4);
  r.action = col(5);
  r.target_type = col(6);
  r.target_id = col(7);
  r.request_id = col(8);
  r.details = col(9);
  r.created_at_us = std::stoll(std::string(col(10)));
  r.prev_hash = col(11);
  r.row_hash = col(12);
  r.key_id = col(13);
  return r;
}

/// The id rows record for `key` (raw bytes): the first 8 hex digits of its SHA-256.
std::string audit_key_id(const std::string& key);

/// The node's audit keys: the current one (new rows) and earlier ones (verification of
/// older rows only), by key id.
class audit_keyring {
public:
  /// From base64 text: `current` (security.audit_key) and `previous`
  /// (security.audit_previous_keys, comma-separated). Each must be 32 bytes; the error
  /// names the setting and, for a previous key, its position.
  static caf::expected<audit_keyring> parse(const std::string& current,
                                            const std::string& previous);
  /// From raw keys.
  audit_keyring(std::string current, std::vector<std::string> previous = {});

  const std::string& current_key() const noexcept { return current_; }
  const std::string& current_id() const noexcept { return current_id_; }
  /// The key with id `key_id`, or nullptr.
  const std::string* find(const std::string& key_id) const;

private:
  std::string current_;
  std::string current_id_;
  std::map<std::string, std::string> by_id_;
};

/// The genesis value a tenant's chain starts from.
std::string audit_genesis_hash();

/// The text the chain hashes for `row`.
std::string audit_canonical(const audit_chain_row& row);

/// HMAC-SHA256(key, prev_hash || canonical) in hex.
std::string audit_row_hmac(const std::string& key, const std::string& prev_hash,
                           const audit_chain_row& row);

/// sha256(prev_hash || canonical) in hex: the unkeyed rows written before migration 0008.
std::string audit_row_hash(const std::string& prev_hash, const audit_chain_row& row);

/// Walks a chain row by row. Feed rows in seq order; the first row that does not fit
/// is reported with the reason. A row keyed with a key the ring lacks cannot be checked:
/// it is counted (unchecked_rows, unknown_key_ids) and the walk goes on, trusting its
/// row_hash as the next row's prev_hash.
class audit_chain_verifier {
public:
  explicit audit_chain_verifier(std::shared_ptr<const audit_keyring> keys);

  /// Starts the walk after a retired prefix (rows exported and detached by retention):
  /// the next row must be `seq` + 1 with prev_hash `hash`, the retired last row's
  /// row_hash; `keyed` says whether that row had a key_id. Call before the first check.
  void start_after(int64_t seq, std::string hash, bool keyed);

  /// Checks the next row; returns the reason it does not fit, or nullopt.
  std::optional<std::string> check(const audit_chain_row& row);
  /// Checks the end of the chain against the stored head (seq and hash), and that the
  /// chain ends in a keyed row.
  std::optional<std::string> check_head(int64_t head_seq,
                                        const std::string& head_hash) const;

  /// Rows whose hash was checked (unchecked_rows() not included).
  int64_t rows_checked() const noexcept { return checked_; }
  int64_t last_seq() const noexcept { return last_seq_; }
  /// The seq the walk started after (0: the chain's genesis).
  int64_t start_seq() const noexcept { return start_seq_; }
  /// Unkeyed rows checked (plain SHA-256: they prove nothing against a database writer
  /// beyond the first keyed row that follows them).
  int64_t legacy_rows() const noexcept { return legacy_; }
  /// Rows keyed with a key this node does not hold.
  int64_t unchecked_rows() const noexcept { return unchecked_; }
  std::optional<int64_t> first_unchecked_seq() const { return first_unchecked_; }
  const std::set<std::string>& unknown_key_ids() const noexcept { return unknown_; }

private:
  std::shared_ptr<const audit_keyring> keys_;
  int64_t start_seq_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_ = audit_genesis_hash();
  int64_t checked_ = 0;
  int64_t legacy_ = 0;
  int64_t unchecked_ = 0;
  bool keyed_seen_ = false;
  std::optional<int64_t> first_unchecked_;
  std::set<std::string> unknown_;
};

} // namespace kyb::actors

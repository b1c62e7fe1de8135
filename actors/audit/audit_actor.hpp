// Reads a tenant's audit log: pages (newest first) and a full verification of its hash
// chain. A stateless service actor; rows are written by the actors that make changes,
// inside their own transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

struct audit_entry {
  int64_t seq = 0;
  std::string id;
  std::string actor;
  std::string action;
  std::string target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> request_id;
  std::string details; ///< JSON text
  std::string created_at;
  std::string row_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_entry& x) {
  return f(x.seq, x.id, x.actor, x.action, x.target_type, x.target_id, x.request_id,
           x.details, x.created_at, x.row_hash);
}

struct audit_page {
  std::vector<audit_entry> items;
  std::optional<std::string> next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_page& x) {
  return f(x.items, x.next_cursor);
}

struct audit_verification {
  bool valid = false;
  int64_t rows_checked = 0;
  int64_t head_seq = 0;
  std::optional<int64_t> first_bad_seq; ///< the first row that does not fit
  std::optional<std::string> first_bad_id;
  std::optional<std::string> reason;
  int64_t legacy_rows = 0;    ///< unkeyed rows from before the keyed chain
  int64_t unchecked_rows = 0; ///< rows keyed with a key this node does not hold
  std::optional<int64_t> first_unchecked_seq;
  std::vector<std::string> unknown_key_ids;
  /// The chain's rows up to this seq were exported and detached by retention: the walk
  /// started after the last of them (audit_retention_anchors), 0 when none were.
  int64_t retired_through_seq = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_verification& x) {
  return f(x.valid, x.rows_checked, x.head_seq, x.first_bad_seq, x.first_bad_id, x.reason,
           x.legacy_rows, x.unchecked_rows, x.first_unchecked_seq, x.unknown_key_ids,
           x.retired_through_seq);
}

using audit_actor = caf::typed_actor<
    caf::replies_to<list_atom, request_meta, std::string /*cursor*/,
                    uint32_t /*limit*/>::with<audit_page>,
    caf::replies_to<verify_atom, request_meta>::with<audit_verification>>;

audit_actor spawn_audit_actor(caf::actor_system& sys, platform_ptr p);

} // namespace kyb::actors

// A business record packed into one allocation: what a loaded business actor keeps
// between requests. A business_record spends about 850 bytes on empty std::string and
// std::optional slots before its first character; packed, the same record (address,
// description, one owner) takes its text plus a length byte per field. Flows unpack it
// when they run; the fields every request reads (tenant, region, version, deleted or
// not) are read without unpacking.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "actors/business/business.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

class packed_record {
public:
  packed_record() = default;
  /// Packs `rec` (its tax_id_revealed / owners_revealed flags are not kept: a stored
  /// record is neither).
  explicit packed_record(const business_record& rec);

  packed_record(packed_record&&) noexcept = default;
  packed_record& operator=(packed_record&&) noexcept = default;

  /// False for a default-constructed one (nothing packed).
  bool empty() const noexcept { return !text_; }

  /// The record as it was packed.
  business_record unpack() const;

  const base::uuid& id() const noexcept { return id_; }
  const base::uuid& tenant_id() const noexcept { return tenant_id_; }
  int32_t version() const noexcept { return version_; }
  bool deleted() const noexcept { return deleted_; }
  std::string_view region() const noexcept;

  /// Bytes of the packed text (the allocation beside this object).
  size_t text_bytes() const noexcept { return size_; }

private:
  base::uuid id_;
  base::uuid tenant_id_;
  int32_t version_ = 0;
  bool deleted_ = false;
  uint32_t size_ = 0;
  std::unique_ptr<char[]> text_;
};

} // namespace kyb::actors

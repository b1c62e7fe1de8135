// The MCC risk tiers: merchant category codes the card networks single out as high
// risk, and those acquirers commonly treat as elevated risk, each with the programme or
// practice it comes from. Loaded from a CSV file (columns mcc, tier, description,
// source); see config/risk/mcc_risk_tiers.csv. An MCC not in the file is unlisted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/risk/enum_names.hpp"
#include "actors/risk/reference_file.hpp"

namespace kyb::risk {

/// How risky a listed MCC is.
enum class mcc_tier {
  high,     ///< Named by a card-network high-risk programme.
  elevated, ///< Commonly treated as higher risk by acquirers, not network-designated.
};

template <>
struct enum_names<mcc_tier> {
  static constexpr const char* names[] = {"high", "elevated"};
};

/// One row of the file.
struct mcc_listing {
  std::string mcc; ///< Four digits.
  mcc_tier tier = mcc_tier::high;
  std::string description;
  std::string source; ///< Programme or practice the tier comes from.
  size_t line = 0;
};

/// The loaded tiers. Immutable.
class mcc_risk_table {
public:
  /// Parses the file's text; every bad row is named by its line (an MCC that is not
  /// four digits, an unknown tier, an empty description or source, an MCC twice), and
  /// any problem refuses the whole file.
  static load_result<mcc_risk_table> parse(std::string_view text);

  /// Reads and parses the file at `path`.
  static load_result<mcc_risk_table> read(const std::string& path);

  /// The row for `mcc`, or nullptr when unlisted.
  const mcc_listing* find(std::string_view mcc) const;

  const std::vector<mcc_listing>& rows() const noexcept { return rows_; }

private:
  std::vector<mcc_listing> rows_;
};

/// True for exactly four ASCII digits.
bool is_mcc(std::string_view text);

} // namespace kyb::risk

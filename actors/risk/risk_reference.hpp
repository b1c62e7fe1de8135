// What every risk assessment on a node shares: the engine with its two reference tables
// (country risk, MCC tiers) and the default rules a tenant without rules of its own gets.
// Read from the files configured in risk.* or, when none is configured, from the copies
// of config/risk/ built into the binary; replaced whole by a reload (a new country-risk
// file is picked up without a restart). Its `version` names the contents, so an
// assessment records which reference data it used and a cached one is not reused after
// the data changed.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/risk/risk_engine.hpp"
#include "actors/risk/risk_rules.hpp"

namespace kyb::risk {

/// Where the reference data comes from; an empty path means the built-in copy.
struct reference_paths {
  std::string rules;     ///< risk.rules_path: the complete default rules (JSON).
  std::string countries; ///< risk.country_risk_path: country risk lists (CSV).
  std::string mccs;      ///< risk.mcc_tiers_path: MCC risk tiers (CSV).
};

/// One loaded generation of the reference data. Immutable.
struct risk_reference {
  risk_engine engine;
  risk_rules default_rules;
  /// "c:<as_of>:<hash>/m:<hash>/r:<hash>": the contents' identity (first 12 hex digits
  /// of each file's SHA-256).
  std::string version;
  /// Where each part came from: a path or "built-in".
  std::string countries_source;
  std::string mccs_source;
  std::string rules_source;
};

/// A generation, or the reason none could be loaded (every problem, file by file).
struct reference_load {
  std::shared_ptr<const risk_reference> reference;
  std::string error;
};

/// Loads the three parts from `paths` (built-in copies for empty paths).
reference_load load_risk_reference(const reference_paths& paths);

/// The node's current generation, shared by every business actor; `replace` swaps in a
/// newer one atomically (readers keep the generation they hold).
class risk_reference_holder {
public:
  explicit risk_reference_holder(std::shared_ptr<const risk_reference> first)
      : current_(std::move(first)) {}

  std::shared_ptr<const risk_reference> current() const {
    return std::atomic_load(&current_);
  }

  void replace(std::shared_ptr<const risk_reference> next) {
    std::atomic_store(&current_, std::move(next));
  }

private:
  std::shared_ptr<const risk_reference> current_;
};

} // namespace kyb::risk

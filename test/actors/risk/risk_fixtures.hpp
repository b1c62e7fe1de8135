// What the risk tests share: where the shipped reference files and default rules are,
// and the default rules loaded once.
#pragma once

#include <stdexcept>
#include <string>

#include "actors/risk/risk_rules.hpp"

namespace kyb::risk::test {

inline const std::string config_dir = std::string{KYB_SOURCE_DIR} + "/config/risk";
inline const std::string country_path = config_dir + "/country_risk.csv";
inline const std::string mcc_path = config_dir + "/mcc_risk_tiers.csv";
inline const std::string rules_path = config_dir + "/default_rules.json";

/// config/risk/default_rules.json; throws (failing the test) when it does not load.
inline const risk_rules& default_rules() {
  static const risk_rules rules = [] {
    auto loaded = load_rules_file(rules_path);
    if (!loaded)
      throw std::runtime_error(
          "default rules do not load: " + loaded.problems.at(0).pointer + " " +
          loaded.problems.at(0).problem);
    return *loaded.rules;
  }();
  return rules;
}

} // namespace kyb::risk::test

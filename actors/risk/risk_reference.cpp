#include "actors/risk/risk_reference.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/risk/reference_file.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::risk {

// Generated from config/risk/ (cmake/embed_files.cmake, actors/CMakeLists.txt).
extern const std::string_view builtin_default_rules;
extern const std::string_view builtin_country_risk;
extern const std::string_view builtin_mcc_tiers;

namespace {

/// The text at `path`, or the built-in copy when `path` is empty; nullopt (and `error`
/// says why) when the file cannot be read.
std::optional<std::string> text_of(const std::string& path, std::string_view builtin,
                                   std::string& error) {
  if (path.empty())
    return std::string(builtin);
  auto text = read_text_file(path);
  if (!text)
    error += "cannot read " + path + "\n";
  return text;
}

std::string short_hash(std::string_view text) {
  return base::sha256_hex(text).substr(0, 12);
}

std::string source_of(const std::string& path) {
  return path.empty() ? "built-in" : path;
}

} // namespace

reference_load load_risk_reference(const reference_paths& paths) {
  reference_load out;
  std::string error;
  auto rules_text = text_of(paths.rules, builtin_default_rules, error);
  auto countries_text = text_of(paths.countries, builtin_country_risk, error);
  auto mccs_text = text_of(paths.mccs, builtin_mcc_tiers, error);
  if (!rules_text || !countries_text || !mccs_text) {
    out.error = error;
    return out;
  }
  auto countries = country_risk_table::parse(*countries_text);
  if (!countries)
    error += source_of(paths.countries) + " (country risk):\n" +
             describe(countries.problems) + "\n";
  auto mccs = mcc_risk_table::parse(*mccs_text);
  if (!mccs)
    error += source_of(paths.mccs) + " (MCC tiers):\n" + describe(mccs.problems) + "\n";
  auto doc = nlohmann::json::parse(*rules_text, nullptr, false);
  rules_result rules;
  if (doc.is_discarded())
    rules.problems.push_back({"", "not JSON"});
  else
    rules = parse_complete_rules(doc);
  if (!rules) {
    error += source_of(paths.rules) + " (default rules):\n";
    for (auto& p : rules.problems)
      error += "  " + (p.pointer.empty() ? std::string("/") : p.pointer) + ": " +
               p.problem + "\n";
  }
  if (!error.empty()) {
    out.error = error;
    return out;
  }
  auto version = "c:" + countries.table->as_of().to_string() + ":" +
                 short_hash(*countries_text) + "/m:" + short_hash(*mccs_text) +
                 "/r:" + short_hash(*rules_text);
  out.reference = std::make_shared<const risk_reference>(risk_reference{
      risk_engine(std::move(*countries.table), std::move(*mccs.table)),
      std::move(*rules.rules), std::move(version), source_of(paths.countries),
      source_of(paths.mccs), source_of(paths.rules)});
  return out;
}

} // namespace kyb::risk

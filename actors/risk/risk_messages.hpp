// What the actors around risk assessment say to each other (actors/risk/ is the engine;
// the flows live in the business actor, the rules in the tenant actor, the trends in the
// business query actor). The message types travel between nodes: registered once in
// register_risk_types().
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

namespace kyb::actors {

// Atoms (at most 10 characters in CAF 0.17).
using assess_atom = caf::atom_constant<caf::atom("assess")>;
using latest_risk_atom = caf::atom_constant<caf::atom("latestrisk")>;
using risk_history_atom = caf::atom_constant<caf::atom("riskhist")>;
using risk_rules_atom = caf::atom_constant<caf::atom("riskrules")>;
using put_risk_rules_atom = caf::atom_constant<caf::atom("putrules")>;
using risk_trends_atom = caf::atom_constant<caf::atom("risktrend")>;

/// One version of a tenant's risk rules. Version 0 is the shipped defaults (a tenant
/// that never set rules): its document is "{}". A stored version's document is the
/// tenant's own document as accepted (the members it changes over the defaults).
struct risk_rules_version {
  int32_t version = 0;
  std::string document;   ///< JSON text of an object.
  std::string created_by; ///< Audit actor ("key:<id>"); "" for version 0.
  std::string created_at; ///< RFC 3339; "" for version 0.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_rules_version& x) {
  return f(caf::meta::type_name("kyb::risk_rules_version"), x.version, x.document,
           x.created_by, x.created_at);
}

/// Registers the risk message types (called by actors::register_types).
void register_risk_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

// The classification engine's input and result types made inspectable, so that they
// travel as CAF messages between the HTTP brokers and the classification actor.
#pragma once

#include <cstdint>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/classification/classification_input.hpp"
#include "actors/classification/classifier.hpp"

namespace kyb::classification {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, classification_input& x) {
  return f(x.legal_name, x.dba_name, x.description, x.website_text, x.country);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, code_prediction& x) {
  return f(x.code, x.title, x.confidence);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mcc_prediction& x) {
  return f(x.code, x.title, x.confidence, x.naics, x.sic);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, evidence_term& x) {
  static_assert(sizeof(input_field) == sizeof(uint8_t));
  return f(x.term, reinterpret_cast<uint8_t&>(x.field), x.is_country, x.weight);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, classification_result& x) {
  return f(x.model_version, x.mcc, x.mcc_alternates, x.naics, x.naics_sector, x.sic,
           x.evidence, x.known_merchant, x.needs_review);
}

} // namespace kyb::classification

namespace kyb::actors {

/// (classify_atom, classification_input) -> classification_result
using classify_atom = caf::atom_constant<caf::atom("classify")>;

/// Registers the types above with the actor system.
void register_classification_types(caf::actor_system_config& cfg);

} // namespace kyb::actors

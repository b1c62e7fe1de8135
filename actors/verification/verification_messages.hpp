// The atoms of verifications and the tenant's verification policy versions: small, so
// that the tenant actor's interface (which stores the policies) includes only this.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace kyb::actors {

using cancel_verification_atom = caf::atom_constant<caf::atom("vcancel")>;
using resume_verification_atom = caf::atom_constant<caf::atom("vresume")>;
using list_verifications_atom = caf::atom_constant<caf::atom("vlist")>;
using verification_policy_atom = caf::atom_constant<caf::atom("vpolicy")>;
using put_verification_policy_atom = caf::atom_constant<caf::atom("putvpolicy")>;

/// One version of a tenant's verification policy. Version 0 is the shipped defaults
/// (document "{}"); a stored version's document is the tenant's own, as accepted.
struct verification_policy_version {
  int32_t version = 0;
  std::string document = "{}";
  std::string created_by;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_policy_version& x) {
  return f(caf::meta::type_name("kyb::verification_policy_version"), x.version,
           x.document, x.created_by, x.created_at);
}

} // namespace kyb::actors

#include "actors/screening/entity_fingerprint.hpp"

#include "runtime/base/crypto.hpp"
#include "runtime/base/text.hpp"

namespace kyb::actors {

namespace {

/// Appends a length-prefixed field, so that no two different entries serialize alike.
void field(std::string& out, const std::string& s) {
  base::append_length_prefixed(out, s);
}

} // namespace

std::string entity_fingerprint(const screening::sanctioned_entity& e) {
  std::string c;
  field(c, screening::to_string(e.type));
  field(c, e.primary_name);
  c += "|aliases";
  for (auto& a : e.aliases) {
    field(c, a.name);
    field(c, a.strong ? "strong" : "weak");
    field(c, a.kind);
  }
  c += "|addresses";
  for (auto& a : e.addresses) {
    field(c, a.text);
    field(c, a.country);
  }
  c += "|countries";
  for (auto& k : e.countries)
    field(c, k);
  c += "|programs";
  for (auto& p : e.programs)
    field(c, p);
  c += "|dob";
  for (auto& d : e.dates_of_birth)
    field(c, d.to_string());
  c += "|ids";
  for (auto& i : e.identifiers) {
    field(c, i.type);
    field(c, i.value);
    field(c, i.country);
  }
  c += "|remarks";
  field(c, e.remarks);
  return "sha256:" + base::sha256_hex(c);
}

} // namespace kyb::actors

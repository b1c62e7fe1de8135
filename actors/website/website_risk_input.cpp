#include "actors/website/website_risk_input.hpp"

namespace kyb::website {

risk::website_input to_risk_input(const website_analysis& a, int signal_threshold) {
  risk::website_input in;
  in.url = a.url;
  in.reachable = a.reachable;
  if (a.tls)
    in.tls_valid = a.tls->valid();
  if (a.reachable)
    in.contact_details_found = !a.contacts.empty();
  for (auto& s : a.signals)
    if (s.score >= signal_threshold)
      in.prohibited_content.push_back(to_string(s.category));
  return in;
}

} // namespace kyb::website

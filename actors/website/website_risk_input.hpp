// The risk engine's view of a website analysis (risk::website_input): reachability, TLS
// validity, whether contact details are published, and the content-signal categories
// scoring at or above a threshold.
#pragma once

#include "actors/risk/risk_inputs.hpp"
#include "actors/website/website_analysis.hpp"

namespace kyb::website {

/// The score from which a content-signal category counts as prohibited content.
constexpr int default_signal_threshold = 50;

/// The summary for risk's website factor. `tls_valid` is nullopt when no TLS facts were
/// reported (an http:// site), `contact_details_found` when the home page was not
/// reachable (nothing could be checked); `prohibited_content` lists the categories whose
/// score is at least `signal_threshold`, in category order.
risk::website_input to_risk_input(const website_analysis& a,
                                  int signal_threshold = default_signal_threshold);

} // namespace kyb::website

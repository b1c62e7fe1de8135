// The node's website service (actors/website/business_website.hpp's website_actor): one
// actor per node that fetches a site through the outbound HTTP client — the home page
// as a tenant-chosen URL (SSRF rules, address pinned, every redirect hop checked), then
// up to website.max_pages same-site pages it links to, in parallel — and runs the
// website engine over them. The site's visible text goes to the classification service
// (when one runs) for the MCC the site suggests. Counts kyb_website_analyses_total.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/classification/classification_actor.hpp"
#include "actors/website/business_website.hpp"
#include "actors/website/website_analysis.hpp"
#include "config/settings.hpp"
#include "net/outbound_client.hpp"
#include "runtime/supervision/actor_slot.hpp"

namespace kyb::net {

/// The engine's options from website.* (pages, body cap).
website::analysis_options website_options_from(const config::website_settings& s);

struct website_service_parts {
  std::shared_ptr<const website::website_engine> engine;
  std::shared_ptr<outbound_client> client;
  config::website_settings settings;
  /// The node's classification service; null (or an empty slot): the analysis reports
  /// no predicted MCC.
  std::shared_ptr<runtime::actor_slot<actors::classification_actor>> classification;
};

/// Spawns the service.
actors::website_actor spawn_website_service(caf::actor_system& sys,
                                            website_service_parts parts);

/// The website_report of an analysis (outcome from its reachability).
actors::website_report website_report_of(const website::website_analysis& a);

} // namespace kyb::net

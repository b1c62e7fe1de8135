#include "net/registry_service.hpp"

#include <algorithm>
#include <chrono>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/registry/registry_json.hpp"
#include "actors/registry/registry_match.hpp"
#include "net/outbound_actor.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::net {

namespace {

using namespace std::chrono;
using actors::registry_job;
using actors::registry_report;
using registry::registry_kind;

void count_lookup(const std::string& registry, const std::string& result) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_registry_lookups_total",
      "Registry lookups by registry and result (matched: a record was found and "
      "compared; not_found: the registry has no such company; failed: no answer about "
      "the company)",
      {"registry", "result"});
  family.with({registry, result}).Increment();
}

/// The risk input as JSON (stored in the result document).
nlohmann::json risk_input_json(const risk::registry_input& in) {
  nlohmann::json j = {{"source", in.source},
                      {"found", in.found},
                      {"status", risk::to_string(in.status)},
                      {"registered_name", nullptr},
                      {"incorporation_date", nullptr}};
  if (in.registered_name)
    j["registered_name"] = *in.registered_name;
  if (in.incorporation_date)
    j["incorporation_date"] = *in.incorporation_date;
  return j;
}

registry_report report_of(const registry::registry_result& r) {
  registry_report out;
  out.registry = registry::to_string(r.registry);
  out.outcome = "matched";
  out.entity_id = r.entity_id;
  out.match_confidence = r.match.confidence;
  out.status = registry::to_string(r.status);
  out.registry_status = r.registry_status;
  for (const auto& d : r.documents)
    out.document_hashes.push_back(d.sha256);
  auto doc = registry::to_json(r);
  doc["risk_input"] = risk_input_json(registry::to_risk_input(r));
  out.result_json = doc.dump();
  return out;
}

registry_report report_of(const registry::lookup_error& e,
                          const std::vector<std::string>& hashes) {
  registry_report out;
  out.registry = registry::to_string(e.registry);
  auto in = registry::to_risk_input(e);
  out.outcome = in ? "not_found" : "failed";
  out.document_hashes = hashes;
  nlohmann::json doc = {{"error", registry::to_json(e)}};
  if (in)
    doc["risk_input"] = risk_input_json(*in);
  out.result_json = doc.dump();
  return out;
}

/// One registry's lookup in the making.
struct lookup {
  registry::lookup_state state;
  std::vector<registry::http_response> answers;
  size_t pending = 0;
  steady_clock::time_point deadline;
};

/// One job: a lookup per registry; the reports in the order of `registries`.
struct job_run {
  registry_job job;
  registry::business_identifiers ids;
  std::vector<registry::declared_owner> owners;
  std::vector<registry_kind> registries;
  std::vector<registry_report> reports;
  size_t pending = 0;
  caf::response_promise rp;
};
using job_ptr = std::shared_ptr<job_run>;

struct service_state {
  registry_service_parts parts;
  outbound_actor fetcher;
  std::shared_ptr<const registry::name_matcher> names;
  static inline const char* name = "kyb.registry";
};

using self_ptr = caf::stateful_actor<service_state>*;

void lookup_done(const job_ptr& job, size_t index, registry_report report) {
  count_lookup(report.registry, report.outcome);
  job->reports[index] = std::move(report);
  if (--job->pending == 0)
    job->rp.deliver(std::move(job->reports));
}

void step(self_ptr self, const job_ptr& job, size_t index, std::shared_ptr<lookup> l,
          registry::plan_step s);

/// Makes the step's requests (in parallel), then the next step.
void fetch_step(self_ptr self, const job_ptr& job, size_t index,
                std::shared_ptr<lookup> l, std::vector<registry::http_request> requests) {
  auto left = duration_cast<milliseconds>(l->deadline - steady_clock::now());
  if (left <= milliseconds(0)) {
    registry::lookup_error e;
    e.registry = l->state.registry;
    e.code = registry::lookup_error_code::upstream_error;
    e.message = "the lookup took longer than registry.timeout";
    lookup_done(job, index, report_of(e, {}));
    return;
  }
  l->answers.assign(requests.size(), {});
  l->pending = requests.size();
  auto failed = std::make_shared<std::optional<registry::lookup_error>>();
  auto target = std::string("registry:") + registry::to_string(l->state.registry);
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& hr = requests[i];
    outbound_request req;
    req.method = hr.method;
    req.url = hr.url;
    for (const auto& h : hr.headers)
      req.headers.push_back(h.name + ": " + h.value);
    req.target = target;
    req.timeout = left;
    auto log_url = hr.log_url.empty() ? hr.url : hr.log_url;
    self->request(self->state.fetcher, caf::infinite, outbound_fetch_atom::value,
                  std::move(req))
        .then(
            [self, job, index, l, i, failed, log_url](outbound_response& resp) {
              if (!resp.ok() && !*failed) {
                registry::lookup_error e;
                e.registry = l->state.registry;
                e.code = resp.error == outbound_error::too_large ||
                                 resp.error == outbound_error::protocol
                             ? registry::lookup_error_code::malformed_response
                             : registry::lookup_error_code::upstream_error;
                // The client's message names the redacted URL.
                e.message = std::string(to_string(resp.error)) + ": " + resp.message;
                e.url = log_url;
                *failed = std::move(e);
              } else if (resp.ok()) {
                auto& a = l->answers[i];
                a.status = static_cast<int>(resp.status);
                for (auto& [name, value] : resp.headers)
                  a.headers.push_back({name, value});
                a.body = std::move(resp.body);
                a.fetched_at = system_clock::now();
              }
              if (--l->pending > 0)
                return;
              if (*failed) {
                std::vector<std::string> hashes;
                for (auto& d : l->state.documents)
                  hashes.push_back(d.sha256);
                lookup_done(job, index, report_of(**failed, hashes));
                return;
              }
              step(self, job, index, l, registry::plan_next(l->state, l->answers));
            },
            [self, job, index, l, i, failed, log_url](caf::error& err) {
              if (!*failed) {
                registry::lookup_error e;
                e.registry = l->state.registry;
                e.code = registry::lookup_error_code::upstream_error;
                e.message = "the outbound client failed: " + to_string(err);
                e.url = log_url;
                *failed = std::move(e);
              }
              if (--l->pending == 0)
                lookup_done(job, index, report_of(**failed, {}));
            });
  }
}

void step(self_ptr self, const job_ptr& job, size_t index, std::shared_ptr<lookup> l,
          registry::plan_step s) {
  if (s.result) {
    s.result->owners =
        registry::compare_owners(job->owners, *s.result, *self->state.names);
    lookup_done(job, index, report_of(*s.result));
    return;
  }
  if (s.error) {
    std::vector<std::string> hashes;
    for (auto& d : l->state.documents)
      hashes.push_back(d.sha256);
    lookup_done(job, index, report_of(*s.error, hashes));
    return;
  }
  fetch_step(self, job, index, std::move(l), std::move(s.requests));
}

/// The registries of `job`, or a problem naming why there are none.
caf::expected<std::vector<registry_kind>>
registries_of(const registry_job& job, const registry::business_identifiers& ids,
              const config::registry_settings& s) {
  auto available = registry_availability_of(s);
  if (!job.registry.empty()) {
    auto kind = registry::parse_registry_kind(job.registry);
    if (!kind)
      return make_error(errc::invalid_argument,
                        "registry must be one of gleif, companies_house, sec_edgar, "
                        "opencorporates",
                        "registry");
    const char* missing = nullptr;
    if (*kind == registry_kind::companies_house && !available.companies_house)
      missing = "registry.companies_house_key";
    else if (*kind == registry_kind::sec_edgar && !available.sec_edgar)
      missing = "registry.user_agent";
    else if (*kind == registry_kind::opencorporates && !available.opencorporates)
      missing = "registry.opencorporates_token";
    if (missing)
      return make_error(errc::unprocessable,
                        job.registry + " is not configured on this node (" + missing +
                            " is empty)",
                        "registry");
    return std::vector<registry_kind>{*kind};
  }
  auto chosen = registry::select_registries(ids, available);
  if (chosen.empty())
    return make_error(errc::unprocessable,
                      "no registry can be asked about this business: give an lei, a "
                      "registration_number with country GB, a cik or ticker with country "
                      "US, or a legal name GLEIF can search",
                      "registry");
  return chosen;
}

void start(self_ptr self, job_ptr job) {
  const auto& s = self->state.parts.settings;
  auto& ids = job->ids;
  ids.legal_name = job->job.legal_name;
  ids.country = job->job.country;
  ids.jurisdiction = job->job.jurisdiction;
  ids.registration_number = job->job.registration_number;
  ids.lei = job->job.lei;
  ids.cik = job->job.cik;
  ids.ticker = job->job.ticker;
  for (const auto& o : job->job.owners)
    job->owners.push_back({o, false});
  auto chosen = registries_of(job->job, ids, s);
  if (!chosen) {
    job->rp.deliver(chosen.error());
    return;
  }
  job->registries = std::move(*chosen);
  job->reports.resize(job->registries.size());
  job->pending = job->registries.size();
  for (size_t i = 0; i < job->registries.size(); ++i) {
    auto l = std::make_shared<lookup>();
    l->deadline = steady_clock::now() + s.timeout;
    auto first = registry::plan_first(l->state, job->registries[i], ids,
                                      registry_adapter_config(s, job->registries[i]),
                                      *self->state.names);
    step(self, job, i, std::move(l), std::move(first));
  }
}

} // namespace

registry::adapter_config registry_adapter_config(const config::registry_settings& s,
                                                 registry_kind registry) {
  registry::adapter_config c;
  c.user_agent = s.user_agent;
  c.min_candidate_score = s.min_candidate_score;
  c.max_search_results = static_cast<int>(s.max_search_results);
  switch (registry) {
  case registry_kind::gleif:
    c.base_url = s.gleif_url;
    break;
  case registry_kind::companies_house:
    c.base_url = s.companies_house_url;
    c.api_key = s.companies_house_key;
    break;
  case registry_kind::sec_edgar:
    c.base_url = s.sec_url;
    c.tickers_url = s.sec_tickers_url;
    break;
  case registry_kind::opencorporates:
    c.base_url = s.opencorporates_url;
    c.api_key = s.opencorporates_token;
    break;
  }
  return c;
}

registry::registry_availability
registry_availability_of(const config::registry_settings& s) {
  registry::registry_availability a;
  a.gleif = !s.gleif_url.empty();
  a.companies_house = !s.companies_house_url.empty() && !s.companies_house_key.empty();
  a.sec_edgar = !s.sec_url.empty() && !s.user_agent.empty();
  a.opencorporates = !s.opencorporates_url.empty() && !s.opencorporates_token.empty();
  return a;
}

actors::registry_actor spawn_registry_service(caf::actor_system& sys,
                                              registry_service_parts parts) {
  auto untyped = sys.spawn(
      [](caf::stateful_actor<service_state>* self,
         registry_service_parts parts) -> caf::behavior {
        auto client = parts.client;
        self->state.parts = std::move(parts);
        self->state.names = std::make_shared<const registry::name_matcher>(
            registry::name_matcher::standalone());
        self->state.fetcher = spawn_outbound_actor(self->system(), client);
        self->link_to(self->state.fetcher);
        return {
            [self](actors::lookup_registry_atom, registry_job& job) {
              auto run = std::make_shared<job_run>();
              run->job = std::move(job);
              run->rp = self->make_response_promise();
              start(self, run);
            },
        };
      },
      std::move(parts));
  return caf::actor_cast<actors::registry_actor>(untyped);
}

} // namespace kyb::net

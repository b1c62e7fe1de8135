#include "net/website_service.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/website/website_risk_input.hpp"
#include "net/outbound_actor.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::net {

namespace {

using namespace std::chrono;
using actors::website_job;
using actors::website_report;

void count_analysis(const std::string& result) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_website_analyses_total",
      "Website analyses by result (analysed: the home page answered 2xx; unreachable: "
      "it did not; refused: the URL may not be fetched)",
      {"result"});
  family.with({result}).Increment();
}

/// Whether an outbound failure means the tenant's URL itself may not be fetched.
bool is_refusal(outbound_error e) {
  return e == outbound_error::refused_address || e == outbound_error::refused_url;
}

/// The engine's page from the client's response.
website::fetched_page page_of(const std::string& url, outbound_response& r) {
  website::fetched_page p;
  p.url = url;
  p.final_url = r.final_url;
  p.status = static_cast<int>(r.status);
  p.headers = r.headers;
  p.response_time = duration_cast<milliseconds>(r.timings.total);
  p.body = std::move(r.body);
  if (!r.ok()) {
    p.error = std::string(to_string(r.error)) + ": " + r.message;
  }
  if (r.tls.present) {
    website::tls_facts t;
    t.valid_chain = r.tls.chain_verified;
    t.issuer = r.tls.issuer;
    if (r.tls.not_after > 0)
      t.not_after = system_clock::time_point(seconds(r.tls.not_after));
    t.hostname_match = r.tls.hostname_match;
    t.protocol = r.tls.version;
    p.tls = std::move(t);
  } else if (r.error == outbound_error::tls) {
    p.tls = website::tls_facts{}; // the handshake or verification failed
  }
  p.redirected_http_to_https =
      url.rfind("http://", 0) == 0 && r.final_url.rfind("https://", 0) == 0;
  return p;
}

/// One analysis in the making.
struct run {
  website_job job;
  caf::response_promise rp;
  steady_clock::time_point deadline;
  website::fetched_page home;
  std::vector<website::fetched_page> others;
  size_t pending = 0;
  std::function<void()> done; ///< After the answer (the worker ends).
};
using run_ptr = std::shared_ptr<run>;

struct service_state {
  website_service_parts parts;
  outbound_actor fetcher;
  static inline const char* name = "kyb.website";
};

using self_ptr = caf::stateful_actor<service_state>*;

/// Fetches `url` (untrusted, bounded by the page timeout and what is left of the
/// analysis), then `done(page, refused, refusal)`.
template <class Done>
void fetch(self_ptr self, const run_ptr& r, const std::string& url, Done done) {
  const auto& s = self->state.parts.settings;
  auto left = duration_cast<milliseconds>(r->deadline - steady_clock::now());
  outbound_request req;
  req.url = url;
  req.target = "website";
  req.untrusted_target = true;
  req.timeout = std::max(milliseconds(1), std::min(s.page_timeout, left));
  req.headers = {"Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                 "Accept-Language: en;q=0.9,*;q=0.5"};
  // One byte past the cap: the engine reads the page's beginning and says it was cut.
  req.max_response_bytes = s.max_page_bytes + 1;
  req.truncate_at_limit = true;
  self->request(self->state.fetcher, caf::infinite, outbound_fetch_atom::value,
                std::move(req))
      .then(
          [url, done](outbound_response& resp) mutable {
            bool refused = is_refusal(resp.error);
            auto refusal = refused ? resp.message : std::string();
            done(page_of(url, resp), refused, refusal);
          },
          [url, done](caf::error& err) mutable {
            website::fetched_page p;
            p.url = url;
            p.error = "failed: " + to_string(err);
            done(std::move(p), false, std::string());
          });
}

/// The MCC the site's text suggests, then the report.
void finish(self_ptr self, const run_ptr& r) {
  const auto& engine = *self->state.parts.engine;
  website::business_facts facts;
  facts.legal_name = r->job.legal_name;
  if (!r->job.dba_name.empty())
    facts.dba_name = r->job.dba_name;
  if (!r->job.stored_mcc.empty())
    facts.stored_mcc = r->job.stored_mcc;
  auto analysis = std::make_shared<website::website_analysis>(
      engine.analyse(r->home, r->others, facts, system_clock::now()));
  auto deliver = [r, analysis] {
    auto report = website_report_of(*analysis);
    count_analysis(report.outcome);
    r->rp.deliver(std::move(report));
    if (r->done)
      r->done();
  };
  auto slot = self->state.parts.classification;
  auto classifier = slot ? slot->get() : actors::classification_actor{};
  if (!classifier || analysis->visible_text.empty()) {
    deliver();
    return;
  }
  classification::classification_input in;
  in.website_text = analysis->visible_text;
  self->request(classifier, seconds(10), actors::classify_atom::value, std::move(in))
      .then(
          [analysis, deliver](classification::classification_result& c) {
            website::set_predicted_mcc(*analysis, c.mcc.code, c.mcc.confidence);
            deliver();
          },
          [deliver](caf::error&) { deliver(); }); // the site is reported without it
}

void analyse(self_ptr self, run_ptr r) {
  fetch(self, r, r->job.url,
        [self, r](website::fetched_page home, bool refused, std::string refusal) {
          if (refused) {
            count_analysis("refused");
            website_report out;
            out.outcome = "refused";
            out.refusal = std::move(refusal);
            r->rp.deliver(std::move(out));
            if (r->done)
              r->done();
            return;
          }
          r->home = std::move(home);
          auto links = self->state.parts.engine->discover_from(r->home);
          if (links.empty() || steady_clock::now() >= r->deadline) {
            finish(self, r);
            return;
          }
          r->others.resize(links.size());
          r->pending = links.size();
          for (size_t i = 0; i < links.size(); ++i)
            fetch(self, r, links[i].url,
                  [self, r, i](website::fetched_page page, bool, std::string) {
                    r->others[i] = std::move(page);
                    if (--r->pending == 0)
                      finish(self, r);
                  });
        });
}

} // namespace

website::analysis_options website_options_from(const config::website_settings& s) {
  website::analysis_options o;
  o.max_pages = s.max_pages;
  o.max_body_bytes = s.max_page_bytes;
  return o;
}

website_report website_report_of(const website::website_analysis& a) {
  website_report out;
  out.outcome = a.reachable ? "analysed" : "unreachable";
  out.final_url = a.final_url;
  out.http_status = a.status;
  website::json_options with_text;
  with_text.include_text = true; // the visible text is part of the report
  auto doc = website::to_json(a, with_text);
  auto in = website::to_risk_input(a);
  nlohmann::json risk_input = {{"url", in.url},
                               {"reachable", in.reachable},
                               {"tls_valid", nullptr},
                               {"contact_details_found", nullptr},
                               {"prohibited_content", in.prohibited_content}};
  if (in.tls_valid)
    risk_input["tls_valid"] = *in.tls_valid;
  if (in.contact_details_found)
    risk_input["contact_details_found"] = *in.contact_details_found;
  doc["risk_input"] = std::move(risk_input);
  out.result_json = doc.dump();
  return out;
}

actors::website_actor spawn_website_service(caf::actor_system& sys,
                                            website_service_parts parts) {
  // The service hands each analysis to a worker of its own (fetches in flight, page
  // parsing and analysis on any of the scheduler's threads), which answers the caller
  // and ends; the service keeps only the shared fetcher.
  auto untyped = sys.spawn(
      [](caf::stateful_actor<service_state>* self,
         website_service_parts parts) -> caf::behavior {
        auto client = parts.client;
        self->state.parts = std::move(parts);
        self->state.fetcher = spawn_outbound_actor(self->system(), client);
        self->link_to(self->state.fetcher);
        return {
            [self](actors::analyse_website_atom, website_job& job) {
              auto worker = self->spawn(
                  [](caf::stateful_actor<service_state>* w, website_service_parts parts,
                     outbound_actor fetcher) -> caf::behavior {
                    w->state.parts = std::move(parts);
                    w->state.fetcher = std::move(fetcher);
                    return {
                        [w](actors::analyse_website_atom, website_job& job) {
                          auto r = std::make_shared<run>();
                          r->job = std::move(job);
                          r->rp = w->make_response_promise();
                          r->deadline =
                              steady_clock::now() + w->state.parts.settings.timeout;
                          r->done = [w] { w->quit(); };
                          analyse(w, r);
                        },
                    };
                  },
                  self->state.parts, self->state.fetcher);
              auto rp = self->make_response_promise();
              rp.delegate(worker, actors::analyse_website_atom::value, std::move(job));
            },
        };
      },
      std::move(parts));
  return caf::actor_cast<actors::website_actor>(untyped);
}

} // namespace kyb::net

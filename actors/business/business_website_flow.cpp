// The business actor's website analysis flow (actors/website/business_website.hpp):
// analyse the business's website (or a URL the caller names) through the node's website
// service, store the result with its audit row in the write slot, cache it for the
// website TTL (7 d) under the URL and what the site is compared with (legal
// name, DBA, latest classified MCC), refresh it proactively, and serve the stored one
// after re-activation while it still fits. A stored analysis is one of risk's inputs.
#include <cassert>

#include <nlohmann/json.hpp>

#include "actors/business/business_flows.hpp"
#include "actors/classification/business_classification.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::actors::business_internal {

namespace q = persistence::q;

namespace {

using website_done = std::function<void(caf::expected<business_website>)>;

runtime::ttl_cache<business_website>& website_cache(business_state& st) {
  return cache_in(st.derived().websites, runtime::cache_type::website_analysis);
}

void count_request(const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_business_website_requests_total",
      "Website analysis requests of stored businesses by outcome (stored: a new "
      "analysis was written; cached: served from the cache or the stored row; refused: "
      "the URL may not be fetched; failed)",
      {"outcome"});
  family.with({outcome}).Increment();
}

/// The URL an analysis reads: the caller's, else the business's website_url.
std::string url_for(const business_record& rec, const website_request& req) {
  if (!req.url.empty())
    return req.url;
  return rec.website_url.value_or("");
}

/// The job for `url`; the stored MCC is the latest classification's primary MCC.
website_job job_for(const business_record& rec, const std::string& url,
                    const pg_rows& classification) {
  website_job job;
  job.url = url;
  job.legal_name = rec.legal_name;
  job.dba_name = rec.dba_name.value_or("");
  if (auto stored = decode_stored_classification(classification, rec))
    job.stored_mcc = stored->data->mcc.code;
  return job;
}

/// The business actor's cache key of an analysis: the URL and the names. The stored
/// MCC is left out: a new classification clears the cache (forget_websites), and the
/// stored row's key (website_cache_key) covers it after re-activation.
std::string memory_key(const std::string& url, const business_record& rec) {
  return url + '\x1f' + rec.legal_name + '\x1f' + rec.dba_name.value_or("");
}
std::string memory_key(const website_job& job) {
  return job.url + '\x1f' + job.legal_name + '\x1f' + job.dba_name;
}

/// Asks the website service and stores what it found; `done` runs after the commit.
/// The caller holds the write slot (asserted).
void run_analysis(self_ptr self, website_actor service, website_job job,
                  const request_meta& meta, const std::string& trigger,
                  website_done done) {
  auto& st = self->state;
  assert(st.life.writing());
  auto limit = st.p->settings.website.timeout + std::chrono::seconds(5);
  self->request(service, limit, analyse_website_atom::value, job)
      .then(
          [self, job, meta, trigger, done](website_report& r) {
            if (r.outcome == "refused") {
              count_request("refused");
              done(make_error(errc::unprocessable,
                              "the website URL may not be fetched: " + r.refusal, "url"));
              return;
            }
            auto& st = self->state;
            if (!st.is(business_state::existence::present)) {
              done(make_error(errc::not_found, "no such business"));
              return;
            }
            const auto rec = record_of(st);
            auto data = std::make_shared<business_website_data>();
            data->id = base::uuid::make_v7();
            data->business_id = rec.id;
            data->tenant_id = rec.tenant_id;
            data->region = rec.region;
            data->requested_url = job.url;
            data->final_url = r.final_url;
            data->outcome = r.outcome;
            data->http_status = r.http_status;
            data->result_json = std::move(r.result_json);
            data->cache_key = website_cache_key(job);
            data->created_by =
                trigger == "api" ? meta.who.audit_actor() : "system:website-" + trigger;
            data->analysed_at = base::utc_timestamp();
            pg_batch batch;
            add_website_row(batch, *data);
            nlohmann::json details = {{"analysis_id", data->id.to_string()},
                                      {"trigger", trigger},
                                      {"url", data->requested_url},
                                      {"final_url", data->final_url},
                                      {"outcome", data->outcome},
                                      {"http_status", data->http_status}};
            add_audit(batch, rec.tenant_id, rec.region, data->created_by,
                      "business.website_analyse", "business", rec.id.to_string(),
                      meta.request_id, details.dump());
            run_fenced(
                self, *st.p, st.lease, std::move(batch),
                [self, data, job, done](std::vector<pg_rows>&) {
                  // The classifier reads the new text from now on (its cache key
                  // includes the text: the next classification is a new one).
                  self->state.derived().website_text = website_visible_text(*data);
                  self->state.derived().website_text_known = true;
                  unpublish_classification(self->state);
                  business_website out{data, false};
                  website_cache(self->state).put(memory_key(job), out, clock::now());
                  count_request("stored");
                  risk_inputs_changed(self);
                  done(std::move(out));
                },
                [done](caf::error& err) {
                  count_request("failed");
                  done(err);
                });
          },
          [done](caf::error& err) {
            count_request("failed");
            done(err);
          });
}

/// Reads the latest classification (the stored MCC the site is compared with), then
/// analyses `url` anew; the caller holds the write slot.
void analyse_fresh(self_ptr self, website_actor service, std::string url,
                   const request_meta& meta, const std::string& trigger,
                   website_done done) {
  auto& st = self->state;
  pg_batch read;
  add(read, q::classification_latest, {val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, service, url, meta, trigger, done](std::vector<pg_rows>& res) {
        auto job = job_for(record_of(self->state), url, res.at(0));
        run_analysis(self, service, job, meta, trigger, done);
      },
      [done](caf::error& err) { done(err); });
}

/// A proactive refresh of the cached analysis of `url` under `key`.
void refresh_website(self_ptr self, website_actor service, std::string url,
                     std::string key) {
  queue_refresh(self, &website_cache, std::move(key), "website-refresh",
                [self, service, url](const request_meta& meta, website_done done) {
                  analyse_fresh(self, service, url, meta, "refresh", std::move(done));
                });
}

/// The write path: a stored analysis of the same job within the TTL still serves
/// (after re-activation), else the site is analysed anew.
void do_analyse(self_ptr self, caf::typed_response_promise<business_website> rp,
                const request_meta& meta, const website_request& req,
                const std::string& url) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  st.life.begin_write(); // one analysis or write of this business at a time
  auto finish = answer_then_end_write(self, rp);
  pg_batch read;
  add(read, q::classification_latest, {val(st.id), val(tenant_of(st))});
  add(read, q::website_analysis_latest, {val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, meta, req, url, finish](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        auto job = job_for(record_of(st), url, res.at(0));
        auto ttl = runtime::cache_registry::global()
                       .policy(runtime::cache_type::website_analysis)
                       .ttl;
        auto stored = decode_website_row(res.at(1));
        if (!req.refresh && stored && stored->data.cache_key == website_cache_key(job) &&
            stored->age_seconds >= 0 &&
            std::chrono::duration<double>(stored->age_seconds) < ttl) {
          auto age = std::chrono::duration_cast<clock::duration>(
              std::chrono::duration<double>(stored->age_seconds));
          business_website out{
              std::make_shared<const business_website_data>(std::move(stored->data)),
              false};
          website_cache(st).put(memory_key(job), out, clock::now() - age);
          out.cached = true;
          count_request("cached");
          finish(std::move(out));
          return;
        }
        run_analysis(self, req.service, job, meta, "api", finish);
      },
      [finish](caf::error& err) mutable { finish(err); });
}

} // namespace

void forget_websites(business_state& st) {
  if (auto* d = st.derived_if_made())
    clear_cache(d->websites);
}

const std::string& website_text_of(const business_state& st) {
  static const std::string none;
  auto* d = st.derived_if_made();
  return d && d->website_text ? *d->website_text : none;
}

void with_website_text(self_ptr self, std::function<void()> then) {
  auto& st = self->state;
  if (st.derived().website_text_known || st.committed.empty()) {
    then();
    return;
  }
  pg_batch read;
  add(read, q::website_analysis_latest, {val(st.id), val(tenant_of(st))});
  run_batch(
      self, *st.p, std::move(read),
      [self, then](std::vector<pg_rows>& res) {
        auto& st = self->state;
        if (auto stored = decode_website_row(res.at(0)))
          st.derived().website_text = website_visible_text(stored->data);
        st.derived().website_text_known = true;
        then();
      },
      [then](caf::error&) { then(); });
}

caf::result<business_website> analyse_website(self_ptr self, const request_meta& meta,
                                              const website_request& req) {
  auto rp = self->make_response_promise<business_website>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden, "analysing a business's website stores the "
                                       "result: it needs the 'write' scope");
  if (!req.service)
    return make_error(errc::unavailable, "no website service runs on this node");
  // A cached analysis is answered as a read (no wait for the write slot, no database);
  // anything else waits for the slot.
  when_visible(self, rp, meta, false, [self, rp, meta, req]() mutable {
    auto& st = self->state;
    auto url = url_for(record_of(st), req);
    if (url.empty()) {
      rp.deliver(make_error(errc::invalid_argument,
                            "the business has no website_url: set it (PATCH "
                            "/v1/businesses/{id}) or name one in the body's url",
                            "url"));
      return;
    }
    if (!req.refresh) {
      auto key = memory_key(url, record_of(st));
      auto found = website_cache(st).get(key, clock::now());
      if (found.value) {
        business_website cached = *found.value;
        cached.cached = true;
        count_request("cached");
        rp.deliver(std::move(cached));
        if (found.refresh_due)
          refresh_website(self, req.service, url, key);
        return;
      }
    }
    when_ready(self, rp, true,
               [self, rp, meta, req, url] { do_analyse(self, rp, meta, req, url); });
  });
  return rp;
}

caf::result<business_website> latest_website(self_ptr self, const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_website>(
      self, meta, "reading website analyses needs the 'read' scope",
      "the business's website has not been analysed yet",
      [&st](pg_batch& batch) {
        add(batch, q::website_analysis_latest, {val(st.id), val(tenant_of(st))});
      },
      [](std::vector<pg_rows>& res) -> std::optional<business_website> {
        auto stored = decode_website_row(res.at(0));
        if (!stored)
          return std::nullopt;
        return business_website{
            std::make_shared<const business_website_data>(std::move(stored->data)), true};
      });
}

} // namespace kyb::actors::business_internal

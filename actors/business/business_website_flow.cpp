// The business actor's website analysis flow (actors/website/business_website.hpp):
// analyse the business's website (or a URL the caller names) through the node's website
// service, store the result with its audit row in the write slot, cache it for the
// seed's website TTL (7 d) under the URL and what the site is compared with (legal
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
  return cache_in(st.websites, runtime::cache_type::website_analysis);
}

void count_request(const std::string& outcome) {
  static auto& family = base::metrics_registry::global().counter(
      "kyb_business_website_requests_total",
      "Website analysis requests of stored businesses by outcome (stored: a new "
      "analysis was written; cached: served from the cache or the stored row; refused: "
      "the URL may not be fetched; failed)",
      {"outcome"});
  family.with({outcome}).inc();
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
            const auto& rec = record_of(st);
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
                [self, data, done](std::vector<pg_rows>&) {
                  business_website out{data, false};
                  website_cache(self->state).put(data->cache_key, out, clock::now());
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

/// A proactive refresh of the cached analysis under `key` (its job is in the entry).
void refresh_website(self_ptr self, website_actor service, website_job job,
                     std::string key) {
  queue_refresh(self, &website_cache, std::move(key), "website-refresh",
                [self, service, job](const request_meta& meta, website_done done) {
                  run_analysis(self, service, job, meta, "refresh", std::move(done));
                });
}

void do_analyse(self_ptr self, caf::typed_response_promise<business_website> rp,
                const request_meta& meta, const website_request& req) {
  auto& st = self->state;
  if (!visible(st, meta)) {
    rp.deliver(make_error(errc::not_found, "no such business"));
    return;
  }
  auto url = url_for(record_of(st), req);
  if (url.empty()) {
    rp.deliver(make_error(errc::invalid_argument,
                          "the business has no website_url: set it (PATCH "
                          "/v1/businesses/{id}) or name one in the body's url",
                          "url"));
    return;
  }
  st.life.begin_write(); // one analysis or write of this business at a time
  auto finish = answer_then_end_write(self, rp);
  // The stored MCC the site is compared with comes from the latest classification, and
  // an analysis made from the same job within the TTL still serves.
  pg_batch read;
  add(read, q::classification_latest, {val(st.id), val(record_of(st).tenant_id)});
  add(read, q::website_analysis_latest, {val(st.id), val(record_of(st).tenant_id)});
  run_batch(
      self, *st.p, std::move(read),
      [self, meta, req, url, finish](std::vector<pg_rows>& res) mutable {
        auto& st = self->state;
        auto job = job_for(record_of(st), url, res.at(0));
        auto key = website_cache_key(job);
        auto now = clock::now();
        if (!req.refresh) {
          auto found = website_cache(st).get(key, now);
          if (found.value) {
            business_website cached = *found.value;
            cached.cached = true;
            bool refresh = found.refresh_due;
            count_request("cached");
            finish(std::move(cached));
            if (refresh)
              refresh_website(self, req.service, job, key);
            return;
          }
          auto ttl = runtime::cache_registry::global()
                         .policy(runtime::cache_type::website_analysis)
                         .ttl;
          auto stored = decode_website_row(res.at(1));
          if (stored && stored->data.cache_key == key && stored->age_seconds >= 0 &&
              std::chrono::duration<double>(stored->age_seconds) < ttl) {
            auto age = std::chrono::duration_cast<clock::duration>(
                std::chrono::duration<double>(stored->age_seconds));
            business_website out{
                std::make_shared<const business_website_data>(std::move(stored->data)),
                false};
            website_cache(st).put(key, out, now - age);
            out.cached = true;
            count_request("cached");
            finish(std::move(out));
            return;
          }
        }
        run_analysis(self, req.service, job, meta, "api", finish);
      },
      [finish](caf::error& err) mutable { finish(err); });
}

} // namespace

void forget_websites(business_state& st) {
  clear_cache(st.websites);
}

caf::result<business_website> analyse_website(self_ptr self, const request_meta& meta,
                                              const website_request& req) {
  auto rp = self->make_response_promise<business_website>();
  if (!meta.who.has(scope_write))
    return make_error(errc::forbidden, "analysing a business's website stores the "
                                       "result: it needs the 'write' scope");
  if (!req.service)
    return make_error(errc::unavailable, "no website service runs on this node");
  when_ready(self, rp, true, [self, rp, meta, req] { do_analyse(self, rp, meta, req); });
  return rp;
}

caf::result<business_website> latest_website(self_ptr self, const request_meta& meta) {
  auto& st = self->state;
  return read_stored<business_website>(
      self, meta, "reading website analyses needs the 'read' scope",
      "the business's website has not been analysed yet",
      [&st](pg_batch& batch) {
        add(batch, q::website_analysis_latest,
            {val(st.id), val(record_of(st).tenant_id)});
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

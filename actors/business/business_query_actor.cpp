#include "actors/business/business_query_actor.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/business/business_rows.hpp"
#include "actors/business/business_search.hpp"
#include "actors/business/business_validation.hpp"
#include "actors/db.hpp"
#include "persistence/queries.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::actors {

namespace {

namespace q = persistence::q;

/// A page row (KYB_BUSINESS_COLUMNS, then the owners as JSON) as a masked record: owners'
/// dates of birth show their year alone, as GET /v1/businesses/{id} shows them.
business_record page_row(const row_columns& c, const std::vector<pg_value>& row) {
  std::optional<std::string> sealed;
  auto r = decode_business_row(c, row, sealed);
  if (sealed)
    r.tax_id = std::string("****"); // present; lists never decrypt tax ids
  auto owners =
      nlohmann::json::parse(opt_col(row, c["owners"]).value_or("[]"), nullptr, false);
  if (owners.is_array()) {
    for (auto& o : owners) {
      if (!o.is_object())
        continue;
      auto text = [&o](const char* key) -> std::optional<std::string> {
        auto it = o.find(key);
        if (it == o.end() || !it->is_string())
          return std::nullopt;
        return it->get<std::string>();
      };
      owner ow;
      ow.name = text("name").value_or("");
      if (auto dob = text("date_of_birth"))
        ow.date_of_birth = mask_date_of_birth(*dob);
      ow.nationality = text("nationality");
      if (auto pct = o.find("ownership_percent"); pct != o.end() && pct->is_number())
        ow.ownership_percent = pct->get<double>();
      r.owners.push_back(std::move(ow));
    }
  }
  return r;
}

/// The first id after `id` in uuid order (bytes as one big-endian number); nullopt
/// after the last.
std::optional<base::uuid> next_uuid(base::uuid id) {
  for (size_t i = id.bytes.size(); i-- > 0;)
    if (++id.bytes[i] != 0)
      return id;
  return std::nullopt;
}

/// A row of risk_trends_businesses (columns `c`).
risk_trend_month trend_month_row(const row_columns& c, const std::vector<pg_value>& row) {
  risk_trend_month m;
  m.month = col(row, c["month"]);
  m.assessments = int64_col(row, c["assessments"]);
  m.average_score = opt_double(row, c["average_score"]).value_or(0);
  m.first_score = opt_double(row, c["first_score"]).value_or(0);
  m.last_score = opt_double(row, c["last_score"]).value_or(0);
  m.change = opt_double(row, c["change"]).value_or(0);
  m.trend = col(row, c["trend"]);
  return m;
}

/// A row of risk_trends_months (columns `c`).
risk_trend_summary trend_summary_row(const row_columns& c,
                                     const std::vector<pg_value>& row) {
  risk_trend_summary s;
  s.month = col(row, c["month"]);
  s.businesses = int64_col(row, c["businesses"]);
  s.assessments = int64_col(row, c["assessments"]);
  s.average_score = opt_double(row, c["average_score"]);
  s.low = int64_col(row, c["low"]);
  s.medium = int64_col(row, c["medium"]);
  s.high = int64_col(row, c["high"]);
  s.critical = int64_col(row, c["critical"]);
  s.increasing = int64_col(row, c["increasing"]);
  s.decreasing = int64_col(row, c["decreasing"]);
  s.stable = int64_col(row, c["stable"]);
  return s;
}

} // namespace

std::string encode_business_cursor(const std::string& created_at, const base::uuid& id) {
  return base::base64url_encode(created_at + "|" + id.to_string());
}

bool decode_business_cursor(const std::string& cursor, std::string& created_at,
                            base::uuid& id) {
  auto raw = base::base64url_decode(cursor);
  if (!raw)
    return false;
  auto bar = raw->find('|');
  if (bar == std::string::npos || bar != 27)
    return false;
  created_at = raw->substr(0, bar);
  // 2026-11-25T16:00:00.123456Z
  if (created_at.size() != 27 || created_at[4] != '-' || created_at[10] != 'T' ||
      created_at.back() != 'Z' || !is_iso_date(created_at.substr(0, 10)))
    return false;
  for (size_t i : {11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25})
    if (!std::isdigit(static_cast<unsigned char>(created_at[i])))
      return false;
  auto u = base::uuid::parse(raw->substr(bar + 1));
  if (!u)
    return false;
  id = *u;
  return true;
}

business_query_actor spawn_business_query_actor(caf::actor_system& sys, platform_ptr p) {
  return sys.spawn(
      [](business_query_actor::pointer self,
         platform_ptr p) -> business_query_actor::behavior_type {
        return {
            [self, p](list_atom, const request_meta& meta, const std::string& cursor,
                      uint32_t limit) -> caf::result<business_page> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "listing businesses needs the 'read' scope");
              pg_batch batch;
              // One row more than asked tells whether there is a next page.
              auto fetch = std::to_string(limit + 1);
              if (cursor.empty()) {
                add(batch, q::business_page, {val(meta.who.tenant_id), val(fetch)});
              } else {
                std::string created_at;
                base::uuid id;
                if (!decode_business_cursor(cursor, created_at, id))
                  return make_error(errc::invalid_argument,
                                    "the cursor is not one this API issued", "cursor");
                add(batch, q::business_page_after,
                    {val(meta.who.tenant_id), val(created_at), val(id), val(fetch)});
              }
              auto rp = self->make_response_promise<business_page>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp, limit](std::vector<pg_rows>& res) mutable {
                    business_page page;
                    auto& rows = res.at(0).rows;
                    row_columns c(res.at(0));
                    for (size_t i = 0; i < rows.size() && i < limit; ++i)
                      page.items.push_back(page_row(c, rows[i]));
                    if (rows.size() > limit && !page.items.empty())
                      page.next_cursor = encode_business_cursor(
                          page.items.back().created_at, page.items.back().id);
                    rp.deliver(std::move(page));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self,
             p](search_atom, const request_meta& meta, const std::string& text,
                const std::string& tax_id) -> caf::result<std::vector<business_summary>> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "searching businesses needs the 'read' scope");
              pg_value hash;
              if (!tax_id.empty())
                hash = val(tax_id_lookup_hash(*p, normalize_tax_id(tax_id)));
              pg_batch batch;
              // Relevance ranks the newest matches, at least 500 and twice the
              // results a search returns: bounded work for any word.
              auto limit = p->settings.api.search_limit;
              add(batch, q::business_search,
                  {val(meta.who.tenant_id), val(search_text_of(text)), hash,
                   val(std::to_string(limit)),
                   val(std::to_string(std::max(size_t{500}, 2 * limit)))});
              auto rp = self->make_response_promise<std::vector<business_summary>>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp](std::vector<pg_rows>& res) mutable {
                    std::vector<business_summary> out;
                    row_columns c(res.at(0));
                    for (auto& row : res.at(0).rows) {
                      business_summary s;
                      s.id = uuid_col(row, c["id"]);
                      s.legal_name = col(row, c["legal_name"]);
                      s.dba_name = opt_col(row, c["dba_name"]);
                      s.website_url = opt_col(row, c["website_url"]);
                      s.country = col(row, c["country"]);
                      s.created_at = col(row, c["created_at"]);
                      s.relevance = opt_double(row, c["relevance_score"]).value_or(0);
                      s.risk_score = opt_double(row, c["overall_score"]);
                      s.risk_level = opt_col(row, c["risk_level"]);
                      s.risk_assessed_at = opt_col(row, c["assessed_at"]);
                      out.push_back(std::move(s));
                    }
                    rp.deliver(std::move(out));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p](import_atom, const request_meta& meta, const base::uuid& job,
                      int64_t after, uint32_t limit) -> caf::result<import_report> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading import jobs needs the 'read' scope");
              pg_batch batch;
              add(batch, q::import_job_get, {val(job), val(meta.who.tenant_id)});
              add(batch, q::import_job_errors_page,
                  {val(job), val(std::to_string(after)), val(std::to_string(limit))});
              auto rp = self->make_response_promise<import_report>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp](std::vector<pg_rows>& res) mutable {
                    if (res.at(0).rows.empty()) {
                      rp.deliver(make_error(errc::not_found, "no such import job"));
                      return;
                    }
                    import_report out;
                    out.job = decode_import_job(row_columns(res[0]), res[0].rows[0]);
                    row_columns c(res.at(1));
                    for (auto& row : res.at(1).rows)
                      out.errors.push_back({int64_col(row, c["line"]),
                                            col(row, c["field"]),
                                            col(row, c["message"])});
                    rp.deliver(std::move(out));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p](import_atom, const request_meta& meta,
                      uint32_t limit) -> caf::result<std::vector<import_job>> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading import jobs needs the 'read' scope");
              pg_batch batch;
              add(batch, q::import_jobs_page,
                  {val(meta.who.tenant_id), val(std::to_string(limit))});
              auto rp = self->make_response_promise<std::vector<import_job>>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp](std::vector<pg_rows>& res) mutable {
                    std::vector<import_job> out;
                    row_columns c(res.at(0));
                    for (auto& row : res.at(0).rows)
                      out.push_back(decode_import_job(c, row));
                    rp.deliver(std::move(out));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p](list_verifications_atom, const request_meta& meta,
                      const base::uuid& business, const std::string& cursor,
                      uint32_t limit) -> caf::result<verification_page> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden,
                                  "reading verifications needs the 'read' scope");
              if (limit < 1 || limit > 1000)
                return make_error(errc::invalid_argument, "must be from 1 to 1000",
                                  "limit");
              std::string after_at;
              base::uuid after_id;
              if (!cursor.empty() && !decode_business_cursor(cursor, after_at, after_id))
                return make_error(errc::invalid_argument,
                                  "the cursor is not one this API issued", "cursor");
              pg_batch batch;
              add(batch, q::business_visible, {val(business), val(meta.who.tenant_id)});
              // One more than asked tells whether there is a next page.
              add(batch, q::verifications_of_business,
                  {val(business), val(meta.who.tenant_id),
                   cursor.empty() ? null_value() : val(after_at),
                   cursor.empty() ? null_value() : val(after_id),
                   val_int(int64_t{limit} + 1)});
              auto rp = self->make_response_promise<verification_page>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp, limit](std::vector<pg_rows>& res) mutable {
                    if (res.at(0).rows.empty()) {
                      rp.deliver(make_error(errc::not_found, "no such business"));
                      return;
                    }
                    verification_page page;
                    page.items = decode_verification_rows(res.at(1));
                    if (page.items.size() > limit) {
                      page.items.resize(limit);
                      page.next_cursor = encode_business_cursor(
                          page.items.back().created_at, page.items.back().id);
                    }
                    rp.deliver(std::move(page));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
            [self, p](risk_trends_atom, const request_meta& meta,
                      const risk_trends_query& rq) -> caf::result<risk_trends> {
              if (!meta.who.has(scope_read))
                return make_error(errc::forbidden, "risk trends need the 'read' scope");
              if (rq.months < 1 || rq.months > 60)
                return make_error(errc::invalid_argument, "must be from 1 to 60",
                                  "months");
              // A page is a range of business ids: [first, last] inclusive. One
              // business is a range of one; a cursor is the last business of the page
              // before, so the range starts at the next id.
              base::uuid first;
              base::uuid last;
              last.bytes.fill(0xff);
              if (rq.business_id) {
                first = last = *rq.business_id;
              } else if (!rq.cursor.empty()) {
                auto raw = base::base64url_decode(rq.cursor);
                auto after = raw ? base::uuid::parse(*raw) : std::nullopt;
                auto next = after ? next_uuid(*after) : std::nullopt;
                if (!next)
                  return make_error(errc::invalid_argument,
                                    "the cursor is not one this API issued", "cursor");
                first = *next;
              }
              auto months = std::to_string(rq.months);
              pg_batch batch;
              // One business more than asked tells whether there is a next page.
              add(batch, q::risk_trends_businesses,
                  {val(meta.who.tenant_id), val(months), val(first), val(last),
                   val(std::to_string(rq.limit + 1))});
              bool with_summary = !rq.business_id && rq.cursor.empty();
              if (with_summary)
                add(batch, q::risk_trends_months, {val(meta.who.tenant_id), val(months)});
              auto rp = self->make_response_promise<risk_trends>();
              run_batch(
                  self, *p, std::move(batch),
                  [rp, limit = rq.limit,
                   with_summary](std::vector<pg_rows>& res) mutable {
                    risk_trends out;
                    row_columns c(res.at(0));
                    for (auto& row : res.at(0).rows) {
                      auto id = uuid_col(row, c["business_id"]);
                      if (out.businesses.empty() ||
                          out.businesses.back().business_id != id) {
                        if (out.businesses.size() == limit) {
                          out.next_cursor = base::base64url_encode(
                              out.businesses.back().business_id.to_string());
                          break;
                        }
                        out.businesses.push_back({id, {}});
                      }
                      out.businesses.back().months.push_back(trend_month_row(c, row));
                    }
                    if (with_summary) {
                      out.summary.emplace();
                      row_columns summary_columns(res.at(1));
                      for (auto& row : res.at(1).rows)
                        out.summary->push_back(trend_summary_row(summary_columns, row));
                    }
                    rp.deliver(std::move(out));
                  },
                  [rp](caf::error& err) mutable { rp.deliver(err); });
              return rp;
            },
        };
      },
      p);
}

} // namespace kyb::actors

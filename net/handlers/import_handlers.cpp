// Bulk import over HTTP: POST /v1/businesses/bulk streams NDJSON or CSV into an import
// actor (actors/import/) as it arrives; GET reads jobs and their row errors.
#include <cctype>

#include "actors/business/business_query_actor.hpp"
#include "actors/import/import_actor.hpp"
#include "net/business_json.hpp"
#include "net/handlers/handlers.hpp"
#include "net/import_reader.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

/// Messages to the import actor in flight before the upload pauses.
constexpr int max_unacked = 2;

json import_job_to_json(const import_job& j) {
  json out = {{"object", "import_job"},
              {"id", j.id.to_string()},
              {"job_key", j.job_key.empty() ? json() : json(j.job_key)},
              {"format", j.format},
              {"allow_duplicate_tax_id", j.allow_duplicate_tax_id},
              {"status", j.status},
              {"rows_read", j.rows_read},
              {"rows_written", j.rows_written},
              {"rows_failed", j.rows_failed},
              {"rows_skipped", j.rows_skipped},
              {"committed_line", j.committed_line},
              {"bytes_received", j.bytes_received},
              {"error", j.error.empty() ? json() : json(j.error)},
              {"created_by", j.created_by},
              {"created_at", j.created_at},
              {"updated_at", j.updated_at},
              {"completed_at", j.completed_at.empty() ? json() : json(j.completed_at)}};
  if (j.resumed)
    out["resumed"] = true;
  if (j.replayed)
    out["replayed"] = true;
  return out;
}

json errors_to_json(const std::vector<import_row_error>& errors) {
  json out = json::array();
  for (const auto& e : errors)
    out.push_back({{"line", e.line}, {"field", e.field}, {"detail", e.detail}});
  return out;
}

std::string job_location(const import_job& j) {
  return "/v1/businesses/bulk/" + j.id.to_string();
}

bool valid_job_key(const std::string& k) {
  if (k.empty() || k.size() > 255)
    return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
          c == '.' || c == ':'))
      return false;
  return true;
}

/// Reads the upload, turns its records into create inputs, and sends them to the
/// import actor, pausing the upload while the actor is behind.
class import_stream final : public body_stream,
                            public std::enable_shared_from_this<import_stream> {
public:
  import_stream(exchange_ptr ex, import_actor actor, import_format format,
                import_limits limits)
      : ex_(std::move(ex)), actor_(std::move(actor)), reader_(format, limits) {}

  void on_part(std::string bytes) override {
    if (failed_)
      return;
    bytes_ += static_cast<int64_t>(bytes.size());
    records_.clear();
    if (!reader_.feed(bytes, records_)) {
      unreadable();
      return;
    }
    send_records();
  }

  void on_end(std::string bytes) override {
    on_part(std::move(bytes));
    if (failed_)
      return;
    records_.clear();
    if (!reader_.finish(records_)) {
      unreadable();
      return;
    }
    send_records();
    auto self = shared_from_this();
    ex_->self->request(actor_, caf::infinite, complete_atom::value, bytes_)
        .then(
            [self](import_job& job) {
              auto& ex = self->ex_;
              if (job.status == "failed") {
                ex->reply_problem(problem_type::unavailable,
                                  "the import stopped: " + job.error +
                                      " (retry with the same job_key to resume)",
                                  {{"Retry-After", "1"}, {"Location", job_location(job)}},
                                  {{"job", import_job_to_json(job)}});
                return;
              }
              ex->reply_json(202, import_job_to_json(job),
                             {{"Location", job_location(job)}});
            },
            [self](caf::error& err) { self->ex_->reply_error(err); });
  }

  void on_abort(const std::string& why) override {
    if (failed_)
      return;
    failed_ = true;
    anon_send(actor_, abort_atom::value, std::string("interrupted"), why);
  }

private:
  /// The upload cannot be read at all (a bad CSV header): the job fails, 400.
  void unreadable() {
    failed_ = true;
    anon_send(actor_, abort_atom::value, std::string("failed"), reader_.fatal_error());
    ex_->reply_problem(problem_type::validation_failed,
                       "the upload cannot be read: " + reader_.fatal_error());
  }

  void send_records() {
    if (records_.empty())
      return;
    std::vector<import_row> rows;
    rows.reserve(records_.size());
    for (auto& r : records_) {
      import_row row;
      row.line = r.line;
      if (!r.error.empty())
        row.errors.push_back({r.field, r.error});
      else
        row.errors = business_input_from_json(r.object, row.in);
      rows.push_back(std::move(row));
    }
    records_.clear();
    if (++unacked_ >= max_unacked)
      ex_->pause_body();
    auto self = shared_from_this();
    ex_->self->request(actor_, caf::infinite, record_atom::value, std::move(rows), bytes_)
        .then(
            [self](ok_atom) {
              if (--self->unacked_ < max_unacked && !self->failed_)
                self->ex_->resume_body();
            },
            [self](caf::error& err) {
              if (self->failed_)
                return;
              self->failed_ = true;
              self->ex_->reply_error(err);
            });
  }

  exchange_ptr ex_;
  import_actor actor_;
  import_reader reader_;
  std::vector<import_record> records_;
  int64_t bytes_ = 0;
  int unacked_ = 0;
  bool failed_ = false;
};

/// A retried upload of a completed job: its body is read and dropped, then the job is
/// the answer (nothing is imported twice).
class replay_stream final : public body_stream {
public:
  replay_stream(exchange_ptr ex, import_job job)
      : ex_(std::move(ex)), job_(std::move(job)) {}
  void on_part(std::string) override {}
  void on_end(std::string) override {
    ex_->reply_json(200, import_job_to_json(job_), {{"Location", job_location(job_)}});
  }
  void on_abort(const std::string&) override {}

private:
  exchange_ptr ex_;
  import_job job_;
};

} // namespace

void import_businesses(const exchange_ptr& ex) {
  auto format = import_format_of(ex->req.content_type());
  if (!format) {
    ex->reply_problem(problem_type::unsupported_media_type,
                      "send NDJSON (Content-Type: application/x-ndjson) or CSV "
                      "(Content-Type: text/csv); got '" +
                          std::string(ex->req.content_type()) + "'");
    return;
  }
  auto q = ex->query();
  if (!q)
    return;
  import_spec spec;
  spec.format = to_string(*format);
  if (auto it = q->find("job_key"); it != q->end()) {
    if (!valid_job_key(it->second)) {
      ex->reply_invalid({{"job_key", "must be 1 to 255 letters, digits or -_.:"}});
      return;
    }
    spec.job_key = it->second;
  }
  if (!ex->bool_param(*q, "allow_duplicate_tax_id", spec.allow_duplicate_tax_id))
    return;
  for (auto& [name, value] : *q)
    if (name != "job_key" && name != "allow_duplicate_tax_id") {
      ex->reply_invalid(
          {{name, "unknown query parameter (only job_key and allow_duplicate_tax_id)"}});
      return;
    }
  if (!ex->services().spawn_import) {
    ex->reply_problem(problem_type::unavailable, "bulk import is not available here",
                      {{"Retry-After", "1"}});
    return;
  }
  auto actor = ex->services().spawn_import();
  import_limits limits;
  limits.max_record_bytes = ex->settings().import.max_record_bytes;
  limits.max_depth = ex->settings().http.max_json_depth;
  ex->self->request(actor, caf::infinite, begin_atom::value, ex->meta(), spec)
      .then(
          [ex, actor, format, limits](import_job& job) {
            if (job.replayed) {
              ex->stream_body(std::make_shared<replay_stream>(ex, std::move(job)));
              return;
            }
            ex->stream_body(std::make_shared<import_stream>(ex, actor, *format, limits));
          },
          [ex](caf::error& err) { ex->reply_error(err); });
}

void get_import_job(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto q = ex->query();
  if (!q)
    return;
  int64_t after = 0;
  uint32_t limit = 100;
  std::vector<field_error> bad;
  for (auto& [name, value] : *q) {
    try {
      size_t pos = 0;
      if (name == "errors_after") {
        after = std::stoll(value, &pos);
        if (pos != value.size() || after < 0)
          bad.push_back({name, "must be a line number (0 or more)"});
      } else if (name == "errors_limit") {
        auto n = std::stoll(value, &pos);
        if (pos != value.size() || n < 0 || n > 1000)
          bad.push_back({name, "must be 0 to 1000"});
        limit = static_cast<uint32_t>(n);
      } else {
        bad.push_back({name, "unknown query parameter (errors_after, errors_limit)"});
      }
    } catch (const std::exception&) {
      bad.push_back({name, "must be a whole number"});
    }
  }
  if (!bad.empty()) {
    ex->reply_invalid(bad);
    return;
  }
  ex->ask<import_report>(
      ex->services().business_query->get(),
      [ex, limit](import_report& r) {
        auto out = import_job_to_json(r.job);
        out["errors"] = errors_to_json(r.errors);
        if (r.errors.size() == limit && limit > 0)
          out["next_errors_after"] = r.errors.back().line;
        ex->reply_json(200, out);
      },
      import_atom::value, ex->meta(), *id, after, limit);
}

void list_import_jobs(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  auto page = ex->page_params(*q);
  if (!page)
    return;
  if (!page->first.empty()) {
    ex->reply_invalid({{"cursor", "the job list has one page: the newest jobs"}});
    return;
  }
  ex->ask<std::vector<import_job>>(
      ex->services().business_query->get(),
      [ex](std::vector<import_job>& jobs) {
        json data = json::array();
        for (auto& j : jobs)
          data.push_back(import_job_to_json(j));
        ex->reply_json(200, {{"object", "list"}, {"data", data}});
      },
      import_atom::value, ex->meta(), page->second);
}

} // namespace kyb::net::handlers

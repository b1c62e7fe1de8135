// kybctl import: uploads an NDJSON or CSV file to POST /v1/businesses/bulk with chunked
// transfer (the file is streamed, never loaded whole), draws a progress bar on stderr,
// then prints the job and its row errors.
#include "runtime/main/kybctl_import.hpp"

#include "runtime/main/kybctl_probe.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "net/outbound_client.hpp"

namespace kyb {

namespace {

using json = nlohmann::json;

struct upload_state {
  std::FILE* file = nullptr;
  uint64_t size = 0;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point last_draw;
  bool tty = false;
};

void draw_progress(upload_state& st, uint64_t sent) {
  auto now = std::chrono::steady_clock::now();
  if (now - st.last_draw < std::chrono::milliseconds(200) && sent < st.size)
    return;
  st.last_draw = now;
  double secs = std::chrono::duration<double>(now - st.start).count();
  // `sent` counts the chunked framing too: never past the whole file.
  double frac =
      st.size > 0
          ? std::min(1.0, static_cast<double>(sent) / static_cast<double>(st.size))
          : 1;
  int width = 40;
  int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(static_cast<size_t>(width), '.');
  std::fprintf(stderr, "%s[%s] %5.1f%%  %.1f MiB  %.1f MiB/s%s", st.tty ? "\r" : "",
               bar.c_str(), frac * 100, static_cast<double>(sent) / (1 << 20),
               secs > 0 ? static_cast<double>(sent) / (1 << 20) / secs : 0.0,
               st.tty ? "" : "\n");
  std::fflush(stderr);
}

/// RFC 3986 percent-encoding of a query value.
std::string escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

net::outbound_options client_options() {
  net::outbound_options o;
  o.connect_timeout = std::chrono::seconds(10);
  o.max_response_bytes = size_t{64} << 20;
  o.user_agent = "kybctl/0.1";
  return o;
}

/// One request; returns the HTTP status (0 when it could not be made) and the body.
long call(net::outbound_client& client, const std::string& url, const std::string& key,
          std::string& body) {
  net::outbound_request req;
  req.url = url;
  req.target = "kybctl";
  req.follow_redirects = false;
  req.headers.push_back("Authorization: Bearer " + key);
  req.timeout = std::chrono::seconds(60);
  auto r = client.perform(std::move(req));
  body = std::move(r.body);
  return r.ok() ? r.status : 0;
}

void print_job(const json& job) {
  std::printf("job %s: %s\n", job.value("id", "?").c_str(),
              job.value("status", "?").c_str());
  std::printf(
      "  rows read %s, written %s, failed %s, skipped %s; committed through line %s\n",
      job["rows_read"].dump().c_str(), job["rows_written"].dump().c_str(),
      job["rows_failed"].dump().c_str(), job["rows_skipped"].dump().c_str(),
      job["committed_line"].dump().c_str());
  if (job.contains("error") && job["error"].is_string())
    std::printf("  error: %s\n", job["error"].get<std::string>().c_str());
  if (job.value("resumed", false))
    std::printf("  (resumed an interrupted upload of this job key)\n");
  if (job.value("replayed", false))
    std::printf("  (this job key was complete already: nothing imported)\n");
}

} // namespace

int run_import(const import_options& o) {
  if (o.key.empty()) {
    std::fprintf(stderr, "kybctl import: give an API key with write scope (--key or "
                         "KYB_API_KEY)\n");
    return 2;
  }
  std::string format = o.format;
  if (format.empty()) {
    auto dot = o.file.rfind('.');
    auto ext = dot == std::string::npos ? "" : o.file.substr(dot + 1);
    format = ext == "csv" ? "csv" : ext == "ndjson" || ext == "jsonl" ? "ndjson" : "";
    if (format.empty()) {
      std::fprintf(stderr,
                   "kybctl import: cannot tell the format of '%s' (use --format "
                   "ndjson|csv)\n",
                   o.file.c_str());
      return 2;
    }
  }
  if (o.api.rfind("http://", 0) != 0 && o.api.rfind("https://", 0) != 0) {
    std::fprintf(stderr,
                 "kybctl import: --api takes the URL of a node's HTTP API, starting with "
                 "http:// or https:// (e.g. http://127.0.0.1:8080), got '%s'\n",
                 o.api.c_str());
    return 2;
  }
  if (format != "csv" && format != "ndjson") {
    std::fprintf(stderr, "kybctl import: --format must be ndjson or csv\n");
    return 2;
  }
  upload_state st;
  st.file = std::fopen(o.file.c_str(), "rb");
  if (!st.file) {
    std::fprintf(stderr, "kybctl import: cannot open '%s'\n", o.file.c_str());
    return 2;
  }
  std::fseek(st.file, 0, SEEK_END);
  st.size = static_cast<uint64_t>(std::ftell(st.file));
  std::fseek(st.file, 0, SEEK_SET);
  st.tty = isatty(2) != 0;
  st.start = std::chrono::steady_clock::now();

  net::outbound_client client(client_options());
  std::string url = o.api + "/v1/businesses/bulk";
  std::string query;
  if (!o.job_key.empty())
    query += "&job_key=" + escape(o.job_key);
  if (o.allow_duplicate_tax_id)
    query += "&allow_duplicate_tax_id=true";
  if (!query.empty())
    url += "?" + query.substr(1);
  net::outbound_request req;
  req.method = "POST";
  req.url = url;
  req.target = "kybctl";
  req.follow_redirects = false;
  req.headers = {"Authorization: Bearer " + o.key,
                 std::string("Content-Type: ") +
                     (format == "csv" ? "text/csv" : "application/x-ndjson"),
                 "Transfer-Encoding: chunked"};
  // The file streams (never loaded whole); the import may take long, but a stalled
  // connection ends.
  req.timeout = std::chrono::hours(24);
  req.idle_timeout = std::chrono::minutes(10);
  req.body_source = [&st](char* buf, size_t n) { return std::fread(buf, 1, n, st.file); };
  req.progress = [&st](uint64_t sent, uint64_t) { draw_progress(st, sent); };
  auto answer = client.perform(std::move(req));
  std::fclose(st.file);
  if (st.tty)
    std::fprintf(stderr, "\n");
  if (!answer.ok()) {
    // A port that accepts connections but does not speak HTTP is a node's cluster or
    // admin port: say so rather than the transfer's error alone.
    auto at = runtime::http_url_endpoint(o.api);
    if (at && runtime::probe_port(*at) == runtime::port_answer::not_http) {
      std::fprintf(stderr,
                   "kybctl import: %s accepts connections but does not answer HTTP: it "
                   "is probably a node's cluster or admin port (cluster.listen, "
                   "cluster.admin_listen); --api takes the node's HTTP API, api.listen "
                   "(http://127.0.0.1:8080 for `deploy/local/kyb up`)\n",
                   config::to_string(*at).c_str());
      return 1;
    }
    std::fprintf(stderr, "kybctl import: the upload failed: %s\n",
                 answer.message.c_str());
    return 1;
  }
  long status = answer.status;
  std::string body = std::move(answer.body);
  auto j = json::parse(body, nullptr, false);
  int exit_code = 0;
  json job;
  if (status == 200 || status == 202) {
    job = j;
  } else {
    std::fprintf(stderr, "kybctl import: HTTP %ld: %s\n", status,
                 j.is_object() ? j.value("detail", body).c_str() : body.c_str());
    exit_code = 1;
    if (j.is_object() && j.contains("job"))
      job = j["job"];
  }
  if (job.is_object() && job.contains("id")) {
    if (o.as_json)
      std::printf("%s\n", job.dump(2).c_str());
    else
      print_job(job);
    // The row errors, a page at a time.
    int64_t after = 0;
    int shown = 0;
    for (;;) {
      std::string page;
      auto s = call(client,
                    o.api + "/v1/businesses/bulk/" + job["id"].get<std::string>() +
                        "?errors_limit=1000&errors_after=" + std::to_string(after),
                    o.key, page);
      auto pj = json::parse(page, nullptr, false);
      if (s != 200 || !pj.is_object())
        break;
      for (auto& e : pj["errors"]) {
        if (shown == 0)
          std::printf("errors:\n");
        std::printf("  line %s%s%s: %s\n", e["line"].dump().c_str(),
                    e.value("field", "").empty() ? "" : " ", e.value("field", "").c_str(),
                    e.value("detail", "").c_str());
        ++shown;
      }
      if (!pj.contains("next_errors_after"))
        break;
      after = pj["next_errors_after"].get<int64_t>();
    }
    // 0 only when every row made it: scripts can tell a partial import.
    if (job.value("status", "") != "completed" || job.value("rows_failed", 0) > 0)
      exit_code = 1;
  }
  return exit_code;
}

} // namespace kyb

#include "net/http_fetcher.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string_view>
#include <system_error>

#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "runtime/base/redact.hpp"
#include "runtime/base/text.hpp"

namespace kyb::net {

namespace {

namespace fs = std::filesystem;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// What the last fetch of a file learned, for a conditional request next time.
struct validators {
  std::string url;
  std::string etag;
  std::string last_modified;
};

validators read_validators(const std::string& path) {
  validators v;
  std::ifstream in(path);
  if (!in)
    return v;
  std::stringstream buf;
  buf << in.rdbuf();
  auto j = nlohmann::json::parse(buf.str(), nullptr, false);
  if (!j.is_object())
    return v;
  v.url = j.value("url", std::string{});
  v.etag = j.value("etag", std::string{});
  v.last_modified = j.value("last_modified", std::string{});
  return v;
}

void write_validators(const std::string& path, const validators& v) {
  nlohmann::json j = {
      {"url", v.url}, {"etag", v.etag}, {"last_modified", v.last_modified}};
  auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << "\n";
    if (!out)
      return;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
}

/// The state of one transfer, shared with libcurl's callbacks.
struct transfer {
  std::FILE* out = nullptr;
  size_t max_bytes = 0;
  uint64_t written = 0;
  bool too_large = false;
  bool write_failed = false;
  const std::atomic<bool>* cancel = nullptr;
  std::string etag; ///< Of the latest response (a redirect starts a new one).
  std::string last_modified;
  std::string location; ///< Where the latest response redirected (when it did).
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  size_t len = size * n;
  if (t->written + len > t->max_bytes) {
    t->too_large = true;
    return 0; // aborts the transfer (CURLE_WRITE_ERROR)
  }
  if (std::fwrite(data, 1, len, t->out) != len) {
    t->write_failed = true;
    return 0;
  }
  t->written += len;
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->etag.clear();
    t->last_modified.clear();
    t->location.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return size * n;
  auto name = base::trim(line.substr(0, colon));
  auto value = base::trim(line.substr(colon + 1));
  if (base::iequals(name, "etag"))
    t->etag = std::string(value);
  else if (base::iequals(name, "last-modified"))
    t->last_modified = std::string(value);
  else if (base::iequals(name, "location"))
    t->location = std::string(value.substr(0, 2048));
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<transfer*>(user);
  return t->cancel && t->cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

} // namespace

const char* to_string(fetch_outcome::status s) noexcept {
  switch (s) {
  case fetch_outcome::status::fetched:
    return "fetched";
  case fetch_outcome::status::not_modified:
    return "not_modified";
  case fetch_outcome::status::failed:
    return "failed";
  }
  return "failed";
}

http_fetcher::http_fetcher(fetch_limits limits) : limits_(limits) {
  init_curl_once();
  curl_ = curl_easy_init();
}

http_fetcher::~http_fetcher() {
  if (curl_)
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

fetch_outcome http_fetcher::fetch_to_file(const std::string& url, const std::string& path,
                                          const std::atomic<bool>* cancel) {
  fetch_outcome out;
  auto fail = [&](std::string why) {
    out.result = fetch_outcome::status::failed;
    out.error = "GET " + base::redact_url(url) + ": " + std::move(why);
    return out;
  };
  auto* curl = static_cast<CURL*>(curl_);
  if (!curl)
    return fail("the HTTP client could not be initialised");
  bool secure = url.rfind("https://", 0) == 0;
  if (url.rfind("http://", 0) != 0 && !secure)
    return fail("only http:// and https:// URLs are fetched");
  std::error_code ec;
  auto dir = fs::path(path).parent_path();
  if (!dir.empty())
    fs::create_directories(dir, ec);
  if (ec)
    return fail("cannot create " + dir.string() + ": " + ec.message());

  // Conditional only when we still have the file the validators describe.
  auto vpath = path + ".validators";
  auto old = read_validators(vpath);
  bool have_copy = fs::is_regular_file(path, ec);
  if (old.url != url || !have_copy)
    old = validators{};

  auto part = path + ".part";
  transfer t;
  t.out = std::fopen(part.c_str(), "wb");
  if (!t.out)
    return fail("cannot write " + part);
  t.max_bytes = limits_.max_bytes;
  t.cancel = cancel;

  curl_easy_reset(curl);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  if (!old.etag.empty())
    headers = curl_slist_append(headers, ("If-None-Match: " + old.etag).c_str());
  if (!old.last_modified.empty())
    headers =
        curl_slist_append(headers, ("If-Modified-Since: " + old.last_modified).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // An https download stays https: a redirect may not take it down to plain http.
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, secure ? "https" : "http,https");
  if (!limits_.ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, limits_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, limits_.max_redirects);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(limits_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(limits_.max_bytes));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "kyb-platform/0.1 (sanctions list fetcher)");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  if (headers)
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  auto rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  bool closed = std::fclose(t.out) == 0;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* final_url = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &final_url);
  out.http_status = status;
  out.final_url = final_url ? final_url : url;
  auto discard = [&] { fs::remove(part, ec); };

  if (rc != CURLE_OK) {
    discard();
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
      return fail("the response is larger than " + std::to_string(limits_.max_bytes) +
                  " bytes (screening.download_max_bytes)");
    if (rc == CURLE_ABORTED_BY_CALLBACK)
      return fail("cancelled (the node is stopping)");
    if (rc == CURLE_TOO_MANY_REDIRECTS)
      return fail("more than " + std::to_string(limits_.max_redirects) +
                  " redirects (screening.download_max_redirects)");
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && secure)
      return fail("refused a redirect from https to " +
                  (t.location.empty() ? std::string("a non-https URL") : t.location) +
                  " (an https download is only redirected to https)");
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return fail(std::string("timed out (") + (errbuf[0] ? errbuf : "") + ")");
    if (t.write_failed)
      return fail("cannot write " + part);
    return fail(std::string(curl_easy_strerror(rc)) +
                (errbuf[0] ? std::string(": ") + errbuf : ""));
  }
  if (status == 304) {
    discard();
    if (!have_copy)
      return fail("the server answered 304 Not Modified but no earlier copy exists");
    out.result = fetch_outcome::status::not_modified;
    out.bytes = static_cast<uint64_t>(fs::file_size(path, ec));
    return out;
  }
  if (status < 200 || status > 299) {
    discard();
    return fail("the server answered HTTP " + std::to_string(status));
  }
  if (!closed) {
    discard();
    return fail("cannot write " + part);
  }
  fs::rename(part, path, ec);
  if (ec) {
    discard();
    return fail("cannot move the download to " + path + ": " + ec.message());
  }
  if (!t.etag.empty() || !t.last_modified.empty())
    write_validators(vpath, validators{url, t.etag, t.last_modified});
  else
    fs::remove(vpath, ec);
  out.result = fetch_outcome::status::fetched;
  out.bytes = t.written;
  return out;
}

} // namespace kyb::net

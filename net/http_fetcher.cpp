#include "net/http_fetcher.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "net/outbound_client.hpp"
#include "runtime/base/redact.hpp"

namespace kyb::net {

namespace {

namespace fs = std::filesystem;

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

http_fetcher::http_fetcher(fetch_limits limits, std::shared_ptr<outbound_client> client)
    : limits_(std::move(limits)),
      client_(client ? std::move(client) : outbound_client::process()) {}

fetch_outcome http_fetcher::fetch_to_file(const std::string& url, const std::string& path,
                                          const std::atomic<bool>* cancel) {
  fetch_outcome out;
  auto fail = [&](std::string why) {
    out.result = fetch_outcome::status::failed;
    out.error = "GET " + base::redact_url(url) + ": " + std::move(why);
    return out;
  };
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
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
  std::FILE* file = std::fopen(part.c_str(), "wb");
  if (!file)
    return fail("cannot write " + part);
  outbound_request req;
  req.url = url;
  req.target = "list_download";
  req.timeout = limits_.timeout;
  req.connect_timeout = limits_.connect_timeout;
  // A publisher that stops sending is given up on within the whole bound, not sooner.
  req.idle_timeout = limits_.timeout;
  req.max_response_bytes = limits_.max_bytes;
  req.max_redirects = static_cast<int>(limits_.max_redirects);
  req.ca_file = limits_.ca_file;
  req.if_none_match = old.etag;
  req.if_modified_since = old.last_modified;
  req.cancel = cancel;
  req.headers.push_back("User-Agent: kyb-platform/0.1 (sanctions list fetcher)");
  req.body_sink = [file](std::string_view data) {
    return std::fwrite(data.data(), 1, data.size(), file) == data.size();
  };
  auto r = client_->perform(std::move(req));
  bool closed = std::fclose(file) == 0;
  out.http_status = r.status;
  out.final_url = r.final_url.empty() ? url : r.final_url;
  auto discard = [&] { fs::remove(part, ec); };

  if (!r.ok()) {
    discard();
    switch (r.error) {
    case outbound_error::too_large:
      return fail("the response is larger than " + std::to_string(limits_.max_bytes) +
                  " bytes (screening.download_max_bytes)");
    case outbound_error::cancelled:
      return fail("cancelled (the node is stopping)");
    case outbound_error::io:
      return fail("cannot write " + part);
    default:
      break;
    }
    // The client's message names the URL (of the hop that failed) and the reason.
    out.result = fetch_outcome::status::failed;
    out.error = r.message;
    if (r.error == outbound_error::refused_redirect &&
        r.message.find("more than") != std::string::npos)
      out.error += " (screening.download_max_redirects)";
    if (out.error.find(base::redact_url(url)) == std::string::npos)
      out.error = "GET " + base::redact_url(url) + ": " + out.error;
    return out;
  }
  if (r.not_modified) {
    discard();
    if (!have_copy)
      return fail("the server answered 304 Not Modified but no earlier copy exists");
    out.result = fetch_outcome::status::not_modified;
    out.bytes = static_cast<uint64_t>(fs::file_size(path, ec));
    return out;
  }
  if (r.status < 200 || r.status > 299) {
    discard();
    return fail("the server answered HTTP " + std::to_string(r.status));
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
  auto etag = r.header("etag");
  auto last_modified = r.header("last-modified");
  if (!etag.empty() || !last_modified.empty())
    write_validators(vpath, validators{url, etag, last_modified});
  else
    fs::remove(vpath, ec);
  out.result = fetch_outcome::status::fetched;
  out.bytes = r.body_bytes;
  return out;
}

} // namespace kyb::net

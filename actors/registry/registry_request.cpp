#include "actors/registry/registry_request.hpp"

#include <cctype>
#include <ctime>

#include <nlohmann/json.hpp>

#include "runtime/base/text.hpp"

namespace kyb::registry {

namespace {

std::string find_header(const std::vector<http_header>& headers, std::string_view name) {
  for (const auto& h : headers)
    if (base::iequals(h.name, name))
      return h.value;
  return {};
}

// The registries' error bodies: Companies House {"errors":[{"error":"..."}]}, GLEIF
// (JSON:API) {"errors":[{"title":..,"detail":..}]}, OpenCorporates
// {"error":{"message":..}}. Anything else: no text.
std::string error_text(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return {};
  auto text_of = [](const nlohmann::json& v, const char* key) -> std::string {
    if (v.is_object()) {
      auto it = v.find(key);
      if (it != v.end() && it->is_string())
        return it->get<std::string>();
    }
    return {};
  };
  if (auto it = j.find("errors"); it != j.end() && it->is_array() && !it->empty()) {
    const auto& e = it->front();
    for (const char* key : {"error", "detail", "title", "message"})
      if (auto t = text_of(e, key); !t.empty())
        return t;
  }
  if (auto it = j.find("error"); it != j.end()) {
    if (it->is_string())
      return it->get<std::string>();
    if (auto t = text_of(*it, "message"); !t.empty())
      return t;
  }
  return text_of(j, "message");
}

int month_number(std::string_view m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (m == names[i])
      return i;
  return -1;
}

bool digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

} // namespace

std::string http_request::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string http_response::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string percent_encode(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
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

std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query) {
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  std::string url(base);
  if (!path.empty() && path.front() != '/')
    url.push_back('/');
  url.append(path);
  char sep = '?';
  for (const auto& [name, value] : query) {
    url.push_back(sep);
    url += percent_encode(name);
    url.push_back('=');
    url += percent_encode(value);
    sep = '&';
  }
  return url;
}

std::string redact_query(std::string_view url, const std::vector<std::string>& secrets) {
  auto q = url.find('?');
  if (q == std::string_view::npos)
    return std::string(url);
  std::string out(url.substr(0, q + 1));
  auto rest = url.substr(q + 1);
  bool first = true;
  while (true) {
    auto amp = rest.find('&');
    auto param = rest.substr(0, amp);
    auto eq = param.find('=');
    auto name = param.substr(0, eq);
    if (!first)
      out.push_back('&');
    first = false;
    bool secret = false;
    for (const auto& s : secrets)
      secret = secret || name == s;
    if (secret && eq != std::string_view::npos)
      out.append(name).append("=REDACTED");
    else
      out.append(param);
    if (amp == std::string_view::npos)
      break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

std::optional<std::chrono::seconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = base::trim(value);
  if (value.empty())
    return std::nullopt;
  if (digits(value)) {
    if (value.size() > 9) // beyond ~31 years: not a delay anyone means
      return std::nullopt;
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters).
  if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(26) != "GMT")
    return std::nullopt;
  auto day = value.substr(5, 2), year = value.substr(12, 4), hh = value.substr(17, 2),
       mm = value.substr(20, 2), ss = value.substr(23, 2);
  int month = month_number(value.substr(8, 3));
  if (month < 0 || !digits(day) || !digits(year) || !digits(hh) || !digits(mm) ||
      !digits(ss) || value[7] != ' ' || value[11] != ' ' || value[16] != ' ' ||
      value[19] != ':' || value[22] != ':' || value[25] != ' ')
    return std::nullopt;
  std::tm tm{};
  tm.tm_mday = std::stoi(std::string(day));
  tm.tm_mon = month;
  tm.tm_year = std::stoi(std::string(year)) - 1900;
  tm.tm_hour = std::stoi(std::string(hh));
  tm.tm_min = std::stoi(std::string(mm));
  tm.tm_sec = std::stoi(std::string(ss));
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto delta = std::chrono::duration_cast<std::chrono::seconds>(at - now);
  return delta.count() < 0 ? std::chrono::seconds(0) : delta;
}

std::optional<lookup_error> check_status(registry_kind registry, const http_request& req,
                                         const http_response& resp) {
  int s = resp.status;
  if (s >= 200 && s < 300)
    return std::nullopt;
  if (req.absent_ok && (s == 404 || s == 410))
    return std::nullopt;
  lookup_error e;
  e.registry = registry;
  e.http_status = s;
  e.url = req.log_url.empty() ? redact_query(req.url, {"api_token"}) : req.log_url;
  std::string what = req.purpose.empty() ? std::string("request") : req.purpose;
  std::string detail = error_text(resp.body);
  auto with_detail = [&](std::string m) {
    return detail.empty() ? m : m + " (" + detail + ")";
  };
  if (s == 404) {
    e.code = lookup_error_code::not_found;
    e.message = with_detail(what + ": not found (HTTP 404)");
  } else if (s == 410) {
    e.code = lookup_error_code::gone;
    e.message = with_detail(what + ": gone (HTTP 410)");
  } else if (s == 429) {
    e.code = lookup_error_code::rate_limited;
    e.retry_after = parse_retry_after(resp.header("Retry-After"), resp.fetched_at);
    e.message = with_detail(
        what + ": rate limited (HTTP 429" +
        (e.retry_after ? ", retry after " + std::to_string(e.retry_after->count()) + " s"
                       : std::string()) +
        ")");
  } else if (s == 401 || s == 403) {
    e.code = lookup_error_code::unauthorized;
    e.message = with_detail(what + ": refused (HTTP " + std::to_string(s) +
                            "): check the configured key");
  } else {
    e.code = lookup_error_code::upstream_error;
    e.retry_after = s == 503
                        ? parse_retry_after(resp.header("Retry-After"), resp.fetched_at)
                        : std::nullopt;
    e.message = with_detail(what + ": unexpected HTTP status " + std::to_string(s));
  }
  return e;
}

} // namespace kyb::registry

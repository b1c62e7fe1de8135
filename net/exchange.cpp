#include "net/exchange.hpp"

#include "net/json_body.hpp"
#include "net/router.hpp"
#include "runtime/base/log.hpp"

namespace kyb::net {

const http_services& exchange::services() const {
  return *self->state.svc;
}

const config::settings& exchange::settings() const {
  return self->state.svc->platform->settings;
}

actors::request_meta exchange::meta() const {
  return actors::request_meta{who ? *who : actors::principal{}, request_id};
}

void exchange::reply_json(int status, const nlohmann::json& body, header_list headers) {
  respond(status, "application/json",
          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          std::move(headers));
}

void exchange::reply_problem(problem_type type, std::string detail, header_list headers,
                             nlohmann::json extra, bool close) {
  auto p = make_problem(type, std::move(detail));
  if (extra.is_object())
    p.extensions = std::move(extra);
  send_problem(std::move(p), std::move(headers), close);
}

void exchange::send_problem(problem p, header_list headers, bool close) {
  p.instance = req.path;
  p.request_id = request_id;
  for (auto it = headers.begin(); it != headers.end();) {
    if (it->first == "Retry-After") {
      p.retry_after = static_cast<uint32_t>(std::stoul(it->second));
      it = headers.erase(it);
    } else if (it->first == "Allow") {
      p.allow = it->second;
      it = headers.erase(it);
    } else {
      ++it;
    }
  }
  auto res = make_problem_response(p, !close);
  for (auto& [k, v] : headers)
    res.headers.add(k, v);
  header_list all;
  for (auto f : res.headers)
    all.emplace_back(std::string(f.name), std::string(f.value));
  respond(res.status, res.content_type, std::move(res.body), std::move(all), close);
}

void exchange::reply_error(const caf::error& err) {
  auto code = code_of(err);
  if (code == errc::internal || code == errc::db_error || code == errc::fenced)
    base::log_error(
        "http.internal_error",
        {{"request_id", request_id}, {"endpoint", endpoint}, {"error", detail_of(err)}});
  send_problem(make_problem(err), {});
}

void exchange::reply_error(const http_error& err) {
  send_problem(make_problem(err), {}, err.close);
}

void exchange::reply_invalid(const std::vector<actors::field_error>& errors) {
  std::vector<problem_field_error> fields;
  fields.reserve(errors.size());
  for (auto& e : errors)
    fields.push_back({e.field, e.detail});
  reply_error(invalid_fields(std::move(fields)));
}

std::optional<nlohmann::json> exchange::json_body() {
  auto r = parse_json_request(req, settings().http.max_json_depth);
  if (!r) {
    reply_error(r.error());
    return std::nullopt;
  }
  return std::move(*r);
}

result<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < q.size()) {
    auto j = q.find('&', i);
    if (j == std::string_view::npos)
      j = q.size();
    auto part = q.substr(i, j - i);
    i = j + 1;
    if (part.empty())
      continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    std::string raw_key(part.substr(0, eq));
    std::string raw_value(eq == std::string_view::npos ? "" : part.substr(eq + 1));
    for (auto* s : {&raw_key, &raw_value})
      for (auto& ch : *s)
        if (ch == '+')
          ch = ' ';
    if (!percent_decode(raw_key, key, true) || !percent_decode(raw_value, value, true))
      return http_error{problem_type::malformed_request,
                        "the query string has a malformed %-escape",
                        false,
                        {}};
    if (out.count(key))
      return invalid_fields({{key, "is given more than once"}});
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

result<std::pair<std::string, uint32_t>>
parse_page_params(const std::map<std::string, std::string>& query, size_t default_limit,
                  size_t max_limit) {
  uint32_t limit = static_cast<uint32_t>(default_limit);
  if (auto it = query.find("limit"); it != query.end()) {
    auto& v = it->second;
    bool digits = !v.empty() && v.size() <= 4 &&
                  v.find_first_not_of("0123456789") == std::string::npos;
    auto n = digits ? std::stoul(v) : 0;
    if (!digits || n < 1 || n > max_limit)
      return invalid_fields(
          {{"limit", "must be an integer from 1 to " + std::to_string(max_limit)}});
    limit = static_cast<uint32_t>(n);
  }
  auto it = query.find("cursor");
  return std::make_pair(it != query.end() ? it->second : std::string{}, limit);
}

std::optional<std::map<std::string, std::string>> exchange::query() {
  auto r = parse_query(req.query);
  if (!r) {
    reply_error(r.error());
    return std::nullopt;
  }
  return std::move(*r);
}

std::optional<std::pair<std::string, uint32_t>>
exchange::page_params(const std::map<std::string, std::string>& query) {
  auto& api = settings().api;
  auto r = parse_page_params(query, api.default_page_limit, api.max_page_limit);
  if (!r) {
    reply_error(r.error());
    return std::nullopt;
  }
  return std::move(*r);
}

bool exchange::bool_param(const std::map<std::string, std::string>& query,
                          const std::string& name, bool& out) {
  auto it = query.find(name);
  if (it == query.end())
    return true;
  if (it->second != "true" && it->second != "false") {
    reply_invalid({{name, "must be true or false"}});
    return false;
  }
  out = it->second == "true";
  return true;
}

std::optional<base::uuid> exchange::uuid_param(const std::string& name) {
  auto it = params.find(name);
  auto id = it == params.end() ? std::nullopt : base::uuid::parse(it->second);
  if (!id)
    reply_problem(problem_type::not_found, "no resource at " + req.path + " ('" +
                                               (it == params.end() ? "" : it->second) +
                                               "' is not an id)");
  return id;
}

} // namespace kyb::net

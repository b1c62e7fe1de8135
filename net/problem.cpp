#include "net/problem.hpp"

#include <string_view>

namespace kyb::net {

namespace {

constexpr std::string_view internal_detail =
    "The platform could not complete the request; quote the request_id when reporting "
    "this.";
constexpr std::string_view moving_detail =
    "The resource is moving to another node; retry shortly.";

/// What a client is told of an error PostgreSQL raised: never its message, which names
/// statements, constraints, SQLSTATEs and sometimes hosts. The platform's own codes
/// (KYnnn, raised by SQL it wrote for clients to read) keep their text.
std::string database_detail(errc code) {
  switch (code) {
  case errc::conflict:
    return "A record with these values exists already.";
  case errc::invalid_argument:
    return "A value in the request cannot be stored (out of range, or holding "
           "characters the database refuses).";
  case errc::timeout:
    return "The database did not answer in time; retry shortly.";
  default:
    return "The database is unavailable; retry shortly.";
  }
}

/// The wait a rate_limited error carries (whole seconds), 1 when it carries none.
uint32_t retry_seconds(const std::string& wait) {
  bool digits = !wait.empty() && wait.size() <= 9 &&
                wait.find_first_not_of("0123456789") == std::string::npos;
  return digits ? static_cast<uint32_t>(std::stoul(wait)) : 1;
}

bool reserved_member(const std::string& name) {
  return name == "type" || name == "title" || name == "status" || name == "detail" ||
         name == "instance" || name == "request_id" || name == "errors";
}

} // namespace

problem_type problem_type_for(errc code) noexcept {
  switch (code) {
  case errc::invalid_argument:
    return problem_type::validation_failed;
  case errc::not_found:
    return problem_type::not_found;
  case errc::conflict:
    return problem_type::conflict;
  case errc::unauthorized:
    return problem_type::unauthorized;
  case errc::forbidden:
    return problem_type::forbidden;
  case errc::rate_limited:
    return problem_type::rate_limited;
  case errc::unavailable:
  case errc::fenced:
    return problem_type::unavailable;
  case errc::timeout:
    return problem_type::timeout;
  case errc::payload_too_large:
    return problem_type::payload_too_large;
  case errc::unprocessable:
    return problem_type::unprocessable;
  case errc::none:
  case errc::db_error:
  case errc::internal:
    return problem_type::internal_error;
  }
  return problem_type::internal_error;
}

problem make_problem(problem_type type, std::string detail) {
  problem p;
  p.type = type;
  p.detail = std::move(detail);
  return p;
}

problem make_problem(const caf::error& err) {
  // Errors arrive in one vocabulary, kyb::errc (runtime/error.hpp); code_of() also maps
  // CAF's system errors (a peer gone: unavailable). A layer with errors of its own
  // (regions/, the classification engine) turns them into errc where they cross an
  // actor boundary, so this switch stays the only mapping to HTTP.
  auto code = code_of(err);
  problem p;
  p.type = problem_type_for(code);
  // Every 503 is worth retrying (a shard moving, a node without quorum, a dependency
  // down): say when. A 429 says when the tenant's bucket has a token again.
  if (p.type == problem_type::unavailable)
    p.retry_after = 1;
  if (code == errc::rate_limited)
    p.retry_after = retry_seconds(field_of(err));
  auto sqlstate = sqlstate_of(err);
  if (p.type == problem_type::internal_error) {
    p.detail = internal_detail;
  } else if (code == errc::fenced) {
    p.detail = moving_detail;
  } else if (!sqlstate.empty() && sqlstate.rfind("KY", 0) != 0) {
    p.detail = database_detail(code);
  } else {
    p.detail = detail_of(err);
    // A field's problem (a bad value, or a value that conflicts, like a tax id
    // another business has) is also listed under errors, as validation lists them.
    if (code == errc::invalid_argument || code == errc::conflict) {
      auto field = field_of(err);
      if (!field.empty())
        p.errors.push_back({std::move(field), p.detail});
    }
  }
  return p;
}

problem make_problem(const http_error& err) {
  auto p = make_problem(err.type, err.detail);
  p.errors = err.errors;
  return p;
}

http_error invalid_fields(std::vector<problem_field_error> errors) {
  http_error err{problem_type::validation_failed, {}, false, std::move(errors)};
  if (!err.errors.empty()) {
    auto& first = err.errors.front();
    err.detail = (first.field.empty() ? std::string("the body") : first.field) + " " +
                 first.detail;
  }
  if (err.errors.size() > 1)
    err.detail += " (and " + std::to_string(err.errors.size() - 1) + " more)";
  return err;
}

std::string problem_json(const problem& p) {
  const auto& info = describe(p.type);
  nlohmann::ordered_json j;
  j["type"] = type_uri(p.type);
  j["title"] = info.title;
  j["status"] = info.status;
  if (!p.detail.empty())
    j["detail"] = p.detail;
  if (!p.instance.empty())
    j["instance"] = p.instance;
  if (!p.request_id.empty())
    j["request_id"] = p.request_id;
  if (!p.errors.empty()) {
    auto& errors = j["errors"] = nlohmann::ordered_json::array();
    for (const auto& e : p.errors)
      errors.push_back({{"field", e.field}, {"detail", e.detail}});
  }
  if (p.extensions.is_object())
    for (const auto& [name, value] : p.extensions.items())
      if (!reserved_member(name))
        j[name] = value;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

http_response make_problem_response(const problem& p, bool keep_alive) {
  http_response res;
  res.status = describe(p.type).status;
  res.content_type = "application/problem+json";
  res.body = problem_json(p);
  res.keep_alive = keep_alive;
  if (p.retry_after)
    res.headers.add("Retry-After", std::to_string(*p.retry_after));
  if (!p.allow.empty())
    res.headers.add("Allow", p.allow);
  if (p.type == problem_type::unauthorized)
    res.headers.add("WWW-Authenticate", "Bearer");
  return res;
}

} // namespace kyb::net

#include "net/problem_type.hpp"

namespace kyb::net {

const problem_type_info& describe(problem_type type) noexcept {
  // Slugs are public API (clients switch on them): never rename one.
  static const problem_type_info malformed{400, "malformed-request", "Malformed Request"};
  static const problem_type_info framing{400, "ambiguous-framing",
                                         "Ambiguous Message Framing"};
  static const problem_type_info json{400, "invalid-json", "Invalid JSON"};
  static const problem_type_info deep{400, "json-too-deep", "JSON Nested Too Deeply"};
  static const problem_type_info validation{400, "validation-failed",
                                            "Validation Failed"};
  static const problem_type_info unauthorized{401, "unauthorized", "Unauthorized"};
  static const problem_type_info forbidden{403, "forbidden", "Forbidden"};
  static const problem_type_info not_found{404, "not-found", "Not Found"};
  static const problem_type_info method{405, "method-not-allowed", "Method Not Allowed"};
  static const problem_type_info req_timeout{408, "request-timeout", "Request Timeout"};
  static const problem_type_info conflict{409, "conflict", "Conflict"};
  static const problem_type_info too_large{413, "payload-too-large", "Content Too Large"};
  static const problem_type_info uri{414, "uri-too-long", "URI Too Long"};
  static const problem_type_info media{415, "unsupported-media-type",
                                       "Unsupported Media Type"};
  static const problem_type_info expectation{417, "expectation-failed",
                                             "Expectation Failed"};
  static const problem_type_info unprocessable{422, "unprocessable-content",
                                               "Unprocessable Content"};
  static const problem_type_info rate{429, "rate-limited", "Too Many Requests"};
  static const problem_type_info headers{431, "headers-too-large",
                                         "Request Header Fields Too Large"};
  static const problem_type_info internal{500, "internal-error", "Internal Server Error"};
  static const problem_type_info not_impl{501, "not-implemented", "Not Implemented"};
  static const problem_type_info unavailable{503, "unavailable", "Service Unavailable"};
  static const problem_type_info timeout{504, "timeout", "Gateway Timeout"};
  static const problem_type_info version{505, "http-version-not-supported",
                                         "HTTP Version Not Supported"};
  switch (type) {
  case problem_type::malformed_request:
    return malformed;
  case problem_type::ambiguous_framing:
    return framing;
  case problem_type::invalid_json:
    return json;
  case problem_type::json_too_deep:
    return deep;
  case problem_type::validation_failed:
    return validation;
  case problem_type::unauthorized:
    return unauthorized;
  case problem_type::forbidden:
    return forbidden;
  case problem_type::not_found:
    return not_found;
  case problem_type::method_not_allowed:
    return method;
  case problem_type::request_timeout:
    return req_timeout;
  case problem_type::conflict:
    return conflict;
  case problem_type::payload_too_large:
    return too_large;
  case problem_type::uri_too_long:
    return uri;
  case problem_type::unsupported_media_type:
    return media;
  case problem_type::expectation_failed:
    return expectation;
  case problem_type::unprocessable:
    return unprocessable;
  case problem_type::rate_limited:
    return rate;
  case problem_type::headers_too_large:
    return headers;
  case problem_type::internal_error:
    return internal;
  case problem_type::not_implemented:
    return not_impl;
  case problem_type::unavailable:
    return unavailable;
  case problem_type::timeout:
    return timeout;
  case problem_type::http_version_not_supported:
    return version;
  }
  return internal;
}

std::string type_uri(problem_type type) {
  std::string uri(problem_type_base);
  uri += describe(type).slug;
  return uri;
}

} // namespace kyb::net

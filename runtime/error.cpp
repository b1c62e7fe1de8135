#include "runtime/error.hpp"

#include <caf/sec.hpp>

namespace kyb {

const char* to_string(errc code) {
  switch (code) {
  case errc::none:
    return "none";
  case errc::invalid_argument:
    return "invalid_argument";
  case errc::not_found:
    return "not_found";
  case errc::conflict:
    return "conflict";
  case errc::unauthorized:
    return "unauthorized";
  case errc::forbidden:
    return "forbidden";
  case errc::rate_limited:
    return "rate_limited";
  case errc::unavailable:
    return "unavailable";
  case errc::timeout:
    return "timeout";
  case errc::payload_too_large:
    return "payload_too_large";
  case errc::unprocessable:
    return "unprocessable";
  case errc::fenced:
    return "fenced";
  case errc::db_error:
    return "db_error";
  case errc::internal:
    return "internal";
  }
  return "unknown";
}

errc code_of(const caf::error& err) {
  if (!err)
    return errc::none;
  if (err.category() == kyb_error_atom::value)
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
    case caf::sec::request_timeout:
      return errc::timeout;
    case caf::sec::request_receiver_down:
    case caf::sec::remote_linking_failed:
    case caf::sec::cannot_connect_to_node:
    case caf::sec::no_actor_published_at_port:
    case caf::sec::no_route_to_receiving_node:
    case caf::sec::connection_timeout:
      return errc::unavailable;
    default:
      break;
    }
  }
  return errc::internal;
}

std::string detail_of(const caf::error& err) {
  if (err.category() == kyb_error_atom::value &&
      err.context().match_element<std::string>(0))
    return err.context().get_as<std::string>(0);
  if (err.category() == caf::atom("system"))
    return std::string("actor system: ") +
           caf::to_string(static_cast<caf::sec>(err.code()));
  return "error " + std::to_string(err.code());
}

std::string sqlstate_of(const caf::error& err) {
  // persistence::make_pg_error's context: detail, field, SQLSTATE, statement, constraint.
  if (err.category() == kyb_error_atom::value && err.context().size() == 5 &&
      err.context()
          .match_elements<std::string, std::string, std::string, uint64_t, std::string>())
    return err.context().get_as<std::string>(2);
  return {};
}

std::string field_of(const caf::error& err) {
  if (err.category() == kyb_error_atom::value && err.context().size() >= 2 &&
      err.context().match_element<std::string>(1))
    return err.context().get_as<std::string>(1);
  return {};
}

} // namespace kyb

#include "config/host_port.hpp"

namespace kyb::config {

namespace {

host_port_result fail(std::string why) {
  return host_port_result{std::nullopt, std::move(why)};
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

} // namespace

host_port_result parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return fail("unbalanced brackets: '[' without ']' in " + quoted(text));
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (rest.empty())
      return fail("no port: expected HOST:PORT, got " + quoted(text));
    if (rest.front() != ':')
      return fail("expected ':PORT' after ']' in " + quoted(text));
    port = rest.substr(1);
    if (host.find_first_of("[]") != std::string_view::npos)
      return fail("unbalanced brackets in " + quoted(text));
  } else {
    if (text.find_first_of("[]") != std::string_view::npos)
      return fail("unbalanced brackets: ']' without '[' in " + quoted(text));
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return fail("no port: expected HOST:PORT, got " + quoted(text));
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail("an IPv6 host goes in brackets ('[::1]:9101'), got " + quoted(text));
  }
  if (host.empty())
    return fail("empty host in " + quoted(text));
  if (port.empty())
    return fail("no port: expected HOST:PORT, got " + quoted(text));
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    return fail("the port must be a number in 1..65535, got " + quoted(port));
  auto n = std::stoul(std::string(port));
  if (n < 1 || n > 65535)
    return fail("the port must be a number in 1..65535, got " + quoted(port));
  return host_port_result{host_port{std::string(host), static_cast<uint16_t>(n)}, {}};
}

std::string to_string(const host_port& endpoint) {
  auto port = std::to_string(endpoint.port);
  if (endpoint.host.find(':') != std::string::npos)
    return "[" + endpoint.host + "]:" + port;
  return endpoint.host + ":" + port;
}

} // namespace kyb::config

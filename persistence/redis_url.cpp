#include "persistence/redis_url.hpp"

#include <cctype>

#include "runtime/error.hpp"

namespace kyb::persistence {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

bool percent_decode(const std::string& in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool all_digits(const std::string& s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

caf::error bad(const std::string& why) {
  return make_error(errc::invalid_argument, "redis url: " + why, "redis.url");
}

} // namespace

caf::expected<redis_endpoint> parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return bad("must start with redis://");
  redis_endpoint ep;
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? std::string{} : rest.substr(slash + 1);
  if (auto q = path.find('?'); q != std::string::npos)
    path.resize(q);
  if (auto at = authority.rfind('@'); at != std::string::npos) {
    auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    std::string user =
        colon == std::string::npos ? std::string{} : userinfo.substr(0, colon);
    std::string pass = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    if (!percent_decode(user, ep.user) || !percent_decode(pass, ep.password))
      return bad("bad percent-encoding in the credentials");
  }
  std::string host = authority;
  std::string port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos)
      return bad("unclosed [ in the host");
    port =
        close + 1 < host.size() && host[close + 1] == ':' ? host.substr(close + 2) : "";
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
  }
  if (!host.empty())
    ep.host = host;
  if (!port.empty()) {
    if (!all_digits(port) || port.size() > 5 || std::stoi(port) == 0 ||
        std::stoi(port) > 65535)
      return bad("port '" + port + "' is not a number in 1..65535");
    ep.port = static_cast<uint16_t>(std::stoi(port));
  }
  if (!path.empty()) {
    if (!all_digits(path) || path.size() > 5)
      return bad("database '" + path + "' is not a number");
    ep.db = std::stoi(path);
  }
  return ep;
}

} // namespace kyb::persistence

#include "runtime/base/redact.hpp"

namespace kyb::base {

std::string redact_url(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  auto scheme = url.find("://");
  size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto path = url.find_first_of("/?#", authority);
  auto host_part =
      url.substr(authority, path == std::string_view::npos ? std::string_view::npos
                                                           : path - authority);
  out.append(url.substr(0, authority));
  if (auto at = host_part.rfind('@'); at != std::string_view::npos) {
    auto userinfo = host_part.substr(0, at);
    auto colon = userinfo.find(':');
    out.append(userinfo.substr(0, colon));
    if (colon != std::string_view::npos)
      out.append(":***");
    out.append(host_part.substr(at));
  } else {
    out.append(host_part);
  }
  if (path == std::string_view::npos)
    return out;
  auto rest = url.substr(path);
  auto query = rest.find('?');
  out.append(rest.substr(0, query));
  if (query == std::string_view::npos)
    return out;
  auto fragment = rest.find('#', query);
  auto q =
      rest.substr(query + 1, fragment == std::string_view::npos ? std::string_view::npos
                                                                : fragment - query - 1);
  out += '?';
  size_t i = 0;
  while (i <= q.size()) {
    auto amp = q.find('&', i);
    auto item =
        q.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i);
    auto eq = item.find('=');
    out.append(item.substr(0, eq));
    if (eq != std::string_view::npos)
      out.append("=***");
    if (amp == std::string_view::npos)
      break;
    out += '&';
    i = amp + 1;
  }
  if (fragment != std::string_view::npos)
    out.append(rest.substr(fragment));
  return out;
}

} // namespace kyb::base

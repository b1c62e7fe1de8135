#include "actors/website/url.hpp"

#include <algorithm>
#include <vector>

#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '-' || c == '.';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool has_bad_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
}

/// Splits "scheme:" off `s`; empty when `s` has no scheme.
std::string_view scheme_of(std::string_view s) {
  if (s.empty() || !is_alpha(s[0]))
    return {};
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ':')
      return s.substr(0, i);
    if (!is_scheme_char(s[i]))
      return {};
  }
  return {};
}

bool is_web(const std::string& scheme) {
  return scheme == "http" || scheme == "https";
}

/// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view in) {
  std::vector<std::string_view> out;
  bool absolute = !in.empty() && in.front() == '/';
  bool trailing = false;
  size_t pos = absolute ? 1 : 0;
  while (pos <= in.size()) {
    auto slash = in.find('/', pos);
    auto seg = in.substr(pos, slash == std::string_view::npos ? std::string_view::npos
                                                              : slash - pos);
    bool last = slash == std::string_view::npos;
    trailing = false;
    if (seg == ".") {
      trailing = true;
    } else if (seg == "..") {
      if (!out.empty())
        out.pop_back();
      trailing = true;
    } else {
      out.push_back(seg);
    }
    if (last)
      break;
    pos = slash + 1;
  }
  std::string path = absolute ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0)
      path += '/';
    path += out[i];
  }
  if (trailing && !out.empty() && !out.back().empty())
    path += '/';
  return path;
}

/// Parses authority, path, query and fragment of `rest` (what follows "scheme:").
bool parse_hierarchical(std::string_view rest, url_parts& u) {
  auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    u.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  auto question = rest.find('?');
  if (question != std::string_view::npos) {
    u.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    auto end = rest.find('/');
    auto authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      u.userinfo = std::string(authority.substr(0, at));
      authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    if (!authority.empty() && authority.front() == '[') {
      auto close = authority.find(']');
      if (close == std::string_view::npos)
        return false;
      host = authority.substr(0, close + 1);
      auto after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':')
          return false;
        u.port = std::string(after.substr(1));
      }
    } else {
      auto colon = authority.rfind(':');
      if (colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        u.port = std::string(authority.substr(colon + 1));
      }
    }
    if (!std::all_of(u.port.begin(), u.port.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    u.host = base::to_lower_ascii(host);
    while (!u.host.empty() && u.host.back() == '.')
      u.host.pop_back();
  }
  u.path = std::string(rest);
  if (is_web(u.scheme)) {
    if (u.host.empty())
      return false;
    if (u.path.empty())
      u.path = "/";
    u.path = remove_dot_segments(u.path);
  }
  return true;
}

} // namespace

std::string url_parts::to_string() const {
  std::string out = scheme + ":";
  if (!host.empty()) {
    out += "//";
    if (!userinfo.empty())
      out += userinfo + "@";
    out += host;
    if (!port.empty())
      out += ":" + port;
  }
  out += path;
  if (query)
    out += "?" + *query;
  if (fragment)
    out += "#" + *fragment;
  return out;
}

std::optional<url_parts> parse_url(std::string_view text) {
  text = base::trim(text);
  if (text.empty() || has_bad_char(text))
    return std::nullopt;
  auto scheme = scheme_of(text);
  if (scheme.empty())
    return std::nullopt;
  url_parts u;
  u.scheme = base::to_lower_ascii(scheme);
  if (!parse_hierarchical(text.substr(scheme.size() + 1), u))
    return std::nullopt;
  return u;
}

std::optional<url_parts> resolve_url(const url_parts& base, std::string_view reference) {
  reference = base::trim(reference);
  // Browsers drop tabs and line breaks inside URLs; spaces are kept and refused below.
  std::string ref;
  for (char c : reference)
    if (c != '\t' && c != '\n' && c != '\r')
      ref += c;
  if (!scheme_of(ref).empty())
    return parse_url(ref);
  if (base.scheme.empty() || has_bad_char(ref))
    return std::nullopt;
  url_parts r;
  r.scheme = base.scheme;
  if (ref.compare(0, 2, "//") == 0)
    return parse_url(base.scheme + ":" + ref);
  r.userinfo = base.userinfo;
  r.host = base.host;
  r.port = base.port;
  std::string_view rest = ref;
  auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    r.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  auto question = rest.find('?');
  if (question != std::string_view::npos) {
    r.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  if (rest.empty()) {
    r.path = base.path;
    if (!r.query)
      r.query = base.query;
  } else if (rest.front() == '/') {
    r.path = remove_dot_segments(rest);
  } else {
    std::string merged;
    if (!base.host.empty() && base.path.empty())
      merged = "/" + std::string(rest);
    else
      merged = base.path.substr(0, base.path.rfind('/') + 1) + std::string(rest);
    r.path = remove_dot_segments(merged);
  }
  if (is_web(r.scheme) && r.path.empty())
    r.path = "/";
  return r;
}

std::string registrable_host(std::string_view host) {
  std::string h = base::to_lower_ascii(host);
  if (h.empty() || h.front() == '[')
    return h;
  if (std::all_of(h.begin(), h.end(),
                  [](char c) { return (c >= '0' && c <= '9') || c == '.'; }))
    return h;
  std::vector<std::string> labels;
  size_t pos = 0;
  for (;;) {
    auto dot = h.find('.', pos);
    labels.push_back(
        h.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos)
      break;
    pos = dot + 1;
  }
  size_t keep = 2;
  static const char* const second_level[] = {"co",  "com", "org", "net", "ac", "gov",
                                             "edu", "ne",  "or",  "ltd", "plc"};
  if (labels.size() >= 3 && labels.back().size() == 2 &&
      std::any_of(std::begin(second_level), std::end(second_level),
                  [&](const char* s) { return labels[labels.size() - 2] == s; }))
    keep = 3;
  if (labels.size() <= keep)
    return h;
  std::string out;
  for (size_t i = labels.size() - keep; i < labels.size(); ++i) {
    if (!out.empty())
      out += '.';
    out += labels[i];
  }
  return out;
}

bool same_site(const url_parts& a, const url_parts& b) {
  return is_web(a.scheme) && is_web(b.scheme) && !a.host.empty() &&
         registrable_host(a.host) == registrable_host(b.host);
}

} // namespace kyb::website

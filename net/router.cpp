#include "net/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace kyb::net {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  if (!path.empty() && path[0] == '/')
    i = 1;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

} // namespace

bool percent_decode(std::string_view in, std::string& out, bool allow_slash) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    auto hex = [](char h) -> int {
      if (h >= '0' && h <= '9')
        return h - '0';
      if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
      if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
      return -1;
    };
    int hi = hex(in[i + 1]);
    int lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    char d = static_cast<char>(hi * 16 + lo);
    if (d == '\0' || (d == '/' && !allow_slash))
      return false;
    out += d;
    i += 2;
  }
  return true;
}

void router::add(route r) {
  for (auto seg : split_path(r.pattern))
    r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void router::set_replica_group(std::string_view method, std::string_view pattern,
                               std::string group) {
  for (auto& r : routes_)
    if (r.method == method && r.pattern == pattern) {
      r.replica_group = std::move(group);
      return;
    }
  throw std::logic_error("no route " + std::string(method) + " " + std::string(pattern));
}

bool router::streams(std::string_view method, std::string_view path) const {
  for (const auto& r : routes_) {
    if (!r.streams || r.method != method)
      continue;
    auto m = match(method, path); // rare: only for a streamed route's method
    return m.result == route_match::outcome::found && m.matched->streams;
  }
  return false;
}

route_match router::match(std::string_view method, std::string_view path) const {
  route_match m;
  auto segs = split_path(path);
  // A trailing slash is not a different resource, but it is not this one either.
  const route* best = nullptr;
  int best_literals = -1;
  std::set<std::string> allowed;
  int allowed_literals = -1;
  for (auto& r : routes_) {
    if (r.segments.size() != segs.size())
      continue;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (is_param(r.segments[i]))
        ok = !segs[i].empty();
      else if (r.segments[i] == segs[i])
        ++literals;
      else
        ok = false;
    }
    if (!ok)
      continue;
    bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
    if (literals > allowed_literals) {
      allowed.clear();
      allowed_literals = literals;
    }
    if (literals == allowed_literals) {
      allowed.insert(r.method);
      if (r.method == "GET")
        allowed.insert("HEAD");
    }
    if (method_ok && literals > best_literals) {
      best = &r;
      best_literals = literals;
    }
  }
  if (best && best_literals == allowed_literals) {
    m.matched = best;
    for (size_t i = 0; i < segs.size(); ++i) {
      if (!is_param(best->segments[i]))
        continue;
      std::string decoded;
      if (!percent_decode(segs[i], decoded)) {
        m.result = route_match::outcome::bad_path;
        return m;
      }
      m.params[best->segments[i].substr(1, best->segments[i].size() - 2)] =
          std::move(decoded);
    }
    m.result = route_match::outcome::found;
    return m;
  }
  if (!allowed.empty()) {
    m.result = route_match::outcome::method_not_allowed;
    for (auto& a : allowed) {
      if (!m.allow.empty())
        m.allow += ", ";
      m.allow += a;
    }
    return m;
  }
  m.result = route_match::outcome::not_found;
  return m;
}

} // namespace kyb::net

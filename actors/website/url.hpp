// URLs as the website analysis needs them: split into parts, relative references
// resolved against a base (RFC 3986 section 5, dot segments removed), and the site a host
// belongs to. No I/O, no IDNA: hosts are compared as written, lower-cased.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kyb::website {

/// An absolute URL in parts. `host` is lower-case; `port` is empty when not written.
struct url_parts {
  std::string scheme; ///< Lower-case ("https").
  std::string userinfo;
  std::string host;
  std::string port;
  std::string path; ///< "/" at least for http(s) URLs with a host.
  std::optional<std::string> query;
  std::optional<std::string> fragment;

  /// The URL written back ("https://example.com/a?b").
  std::string to_string() const;
};

/// Parses an absolute URL (a scheme is required); nullopt for anything else, for URLs
/// with spaces or control characters inside, and for http(s) URLs without a host.
std::optional<url_parts> parse_url(std::string_view text);

/// Resolves `reference` (an href as written, blanks trimmed) against the absolute `base`.
/// nullopt when the reference is unusable (empty base, unparseable result).
std::optional<url_parts> resolve_url(const url_parts& base, std::string_view reference);

/// The registrable part of a host, by a small heuristic instead of the Public Suffix
/// List: the last two labels, or the last three when the last is a two-letter country
/// code and the one before it a common second-level label ("co", "com", "org", "net",
/// "ac", "gov", "edu", "ne", "or", "ltd", "plc"), so "shop.example.co.uk" and
/// "www.example.co.uk" are both "example.co.uk". IP addresses are returned whole.
std::string registrable_host(std::string_view host);

/// True for http and https URLs of the same registrable host.
bool same_site(const url_parts& a, const url_parts& b);

} // namespace kyb::website

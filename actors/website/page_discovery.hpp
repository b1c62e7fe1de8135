// Which pages of a site to fetch after its home page: same-site http(s) links whose path
// or anchor text says contact, imprint (Impressum), about, terms, privacy or legal
// notice, in English, German, French, Spanish and Italian words. Deterministic: one page
// of each kind first (in the order of kind_priority, each the first such link in the
// document), then the remaining ones by kind and document order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "actors/website/html_page.hpp"
#include "actors/website/url.hpp"

namespace kyb::website {

/// What a page is for. `home` is the page the analysis started from; `other` a page
/// fetched besides it whose kind neither its URL nor the home page's link to it says.
enum class page_kind { home, contact, imprint, about, terms, privacy, legal, other };

/// "home", "contact", "imprint", "about", "terms", "privacy", "legal", "other".
const char* to_string(page_kind k) noexcept;

/// A page worth fetching.
struct discovered_link {
  std::string url; ///< Absolute, fragment dropped.
  page_kind kind;
  std::string text; ///< The anchor text.
};

/// The kind a link suggests by its URL path or anchor text; `home` when none.
page_kind kind_of_link(const url_parts& url, const std::string& anchor_text);

/// Up to `max_pages` links of `home` (read from `home_url`, its final URL) to fetch.
std::vector<discovered_link> discover_pages(const html_page& home,
                                            const url_parts& home_url, size_t max_pages);

} // namespace kyb::website

// One HTML page read with gumbo: title, meta description, language, links (resolved
// against <base href> and the page's URL) and its text. Two texts are kept: the visible
// text (scripts, styles, noscript, templates, SVG, iframes and also navigation, headers
// and footers dropped), which feeds classification, and the full text (navigation,
// headers and footers kept), where contacts, signals and names are looked for, since
// imprints and addresses usually sit in footers. Whitespace is collapsed; block elements
// and <br> end lines. Bounded: the text is capped, links are capped, and the nesting
// depth is bounded before gumbo sees the page (gumbo frees its tree recursively).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/website/url.hpp"

namespace kyb::website {

/// Bounds on what reading one page may cost.
struct html_limits {
  size_t max_text_bytes = 200 * 1024; ///< Each of the two texts.
  size_t max_depth = 400;             ///< Elements open at once (the rest is cut off).
  size_t max_links = 5000;
};

/// A link of the page.
struct page_link {
  std::string url;  ///< Absolute http(s) URL, fragment dropped.
  std::string text; ///< Anchor text (whitespace collapsed), else the title attribute.
};

/// What one page holds.
struct html_page {
  std::string title;
  std::string meta_description;
  std::string language;            ///< <html lang> (as written, trimmed).
  std::string content_language;    ///< <meta http-equiv="Content-Language">.
  std::string base_href;           ///< The resolved <base href>, if any.
  std::string visible_text;        ///< Lines joined by '\n'.
  std::string full_text;           ///< Lines joined by '\n'.
  bool text_truncated = false;     ///< A text reached max_text_bytes.
  bool depth_limited = false;      ///< The page nested deeper than max_depth and was cut.
  std::vector<page_link> links;    ///< http(s) links in document order (repeats kept).
  std::vector<std::string> mailto; ///< mailto: targets as written (without "mailto:").
  std::vector<std::string> tel;    ///< tel: targets as written (without "tel:").
};

/// How many leading bytes of `html` to parse so that no more than `max_depth` elements
/// are open at once (an over-estimate of gumbo's depth: start tags of non-void elements
/// count until an end tag of the same name closes them).
size_t depth_bounded_length(std::string_view html, size_t max_depth);

/// Reads the UTF-8 `html` of the page at `page_url` (used to resolve links; may be
/// nullopt, then only absolute links are kept).
html_page read_html(std::string_view html, const std::optional<url_parts>& page_url,
                    const html_limits& limits = {});

} // namespace kyb::website

#include "actors/website/html_page.hpp"

#include <gumbo.h>

#include <algorithm>
#include <unordered_map>

#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == ':' || c == '_';
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_void(std::string_view n) {
  return one_of(n, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                    "meta", "param", "source", "track", "wbr", "keygen", "basefont",
                    "bgsound", "frame"});
}

/// Elements a later start tag of the same name closes (end tags are optional).
bool closes_itself(std::string_view n) {
  return one_of(n, {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
                    "tbody", "thead", "tfoot", "rb", "rt", "rp", "colgroup", "caption"});
}

/// Elements whose content is text up to their end tag.
bool is_raw_text(std::string_view n) {
  return one_of(n, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                    "noframes"});
}

/// Collapses whitespace into single spaces and block boundaries into single line ends,
/// up to a byte cap (never splitting a UTF-8 sequence).
class text_sink {
public:
  explicit text_sink(size_t cap) : cap_(cap) {}

  void text(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && !full_) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        space_ = true;
        ++i;
        continue;
      }
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
        space_ = true; // no-break space
        i += 2;
        continue;
      }
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      len = std::min(len, s.size() - i);
      std::string_view sep;
      if (!out_.empty()) {
        if (newline_)
          sep = "\n";
        else if (space_)
          sep = " ";
      }
      if (out_.size() + sep.size() + len > cap_) {
        full_ = true;
        break;
      }
      out_ += sep;
      out_.append(s.data() + i, len);
      newline_ = space_ = false;
      i += len;
    }
  }

  void block() noexcept { newline_ = true; }

  bool full() const noexcept { return full_; }
  std::string take() { return std::move(out_); }

private:
  size_t cap_;
  std::string out_;
  bool space_ = false;
  bool newline_ = false;
  bool full_ = false;
};

bool is_block(GumboTag t) {
  switch (t) {
  case GUMBO_TAG_ADDRESS:
  case GUMBO_TAG_ARTICLE:
  case GUMBO_TAG_ASIDE:
  case GUMBO_TAG_BLOCKQUOTE:
  case GUMBO_TAG_BR:
  case GUMBO_TAG_CAPTION:
  case GUMBO_TAG_DD:
  case GUMBO_TAG_DIV:
  case GUMBO_TAG_DL:
  case GUMBO_TAG_DT:
  case GUMBO_TAG_FIELDSET:
  case GUMBO_TAG_FIGCAPTION:
  case GUMBO_TAG_FIGURE:
  case GUMBO_TAG_FORM:
  case GUMBO_TAG_H1:
  case GUMBO_TAG_H2:
  case GUMBO_TAG_H3:
  case GUMBO_TAG_H4:
  case GUMBO_TAG_H5:
  case GUMBO_TAG_H6:
  case GUMBO_TAG_HR:
  case GUMBO_TAG_LI:
  case GUMBO_TAG_MAIN:
  case GUMBO_TAG_OL:
  case GUMBO_TAG_P:
  case GUMBO_TAG_PRE:
  case GUMBO_TAG_SECTION:
  case GUMBO_TAG_TABLE:
  case GUMBO_TAG_TD:
  case GUMBO_TAG_TH:
  case GUMBO_TAG_TR:
  case GUMBO_TAG_UL:
  case GUMBO_TAG_NAV:
  case GUMBO_TAG_HEADER:
  case GUMBO_TAG_FOOTER:
  case GUMBO_TAG_BODY:
    return true;
  default:
    return false;
  }
}

/// Never text: dropped from both texts.
bool is_hidden(GumboTag t) {
  switch (t) {
  case GUMBO_TAG_SCRIPT:
  case GUMBO_TAG_STYLE:
  case GUMBO_TAG_NOSCRIPT:
  case GUMBO_TAG_TEMPLATE:
  case GUMBO_TAG_SVG:
  case GUMBO_TAG_MATH:
  case GUMBO_TAG_IFRAME:
  case GUMBO_TAG_TITLE:
  case GUMBO_TAG_OBJECT:
  case GUMBO_TAG_SELECT:
  case GUMBO_TAG_TEXTAREA:
    return true;
  default:
    return false;
  }
}

/// Page furniture: dropped from the visible text only.
bool is_furniture(GumboTag t) {
  return t == GUMBO_TAG_NAV || t == GUMBO_TAG_HEADER || t == GUMBO_TAG_FOOTER;
}

std::string attr(const GumboNode* node, const char* name) {
  auto a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a && a->value ? std::string(a->value) : std::string();
}

/// The text below `node`, collapsed, up to `cap` bytes (iterative: no recursion).
std::string subtree_text(const GumboNode* node, size_t cap) {
  text_sink sink(cap);
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty() && !sink.full()) {
    auto n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      sink.text(n->v.text.text);
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
      continue;
    if (n != node && is_hidden(n->v.element.tag))
      continue;
    auto& children = n->v.element.children;
    for (unsigned i = children.length; i > 0; --i)
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
  }
  return sink.take();
}

struct walker {
  walker(const html_limits& l, std::optional<url_parts> b, html_page& p)
      : limits(l), base(std::move(b)), page(p) {}

  const html_limits& limits;
  std::optional<url_parts> base;
  html_page& page;
  text_sink visible{limits.max_text_bytes};
  text_sink full{limits.max_text_bytes};
  bool saw_title = false;
  bool saw_base = false;

  void link(const GumboNode* node) {
    auto href = std::string(base::trim(attr(node, "href")));
    if (href.empty())
      return;
    if (base::istarts_with(href, "mailto:")) {
      page.mailto.push_back(href.substr(7));
      return;
    }
    if (base::istarts_with(href, "tel:")) {
      page.tel.push_back(href.substr(4));
      return;
    }
    if (!base || page.links.size() >= limits.max_links)
      return;
    auto target = resolve_url(*base, href);
    if (!target || (target->scheme != "http" && target->scheme != "https"))
      return;
    target->fragment.reset();
    auto text = subtree_text(node, 200);
    if (text.empty())
      text = std::string(base::trim(attr(node, "title")));
    page.links.push_back({target->to_string(), std::move(text)});
  }

  void enter(const GumboNode* node) {
    auto tag = node->v.element.tag;
    bool html_ns = node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
    if (!html_ns)
      return;
    switch (tag) {
    case GUMBO_TAG_HTML:
      page.language = std::string(base::trim(attr(node, "lang")));
      if (page.language.empty())
        page.language = std::string(base::trim(attr(node, "xml:lang")));
      break;
    case GUMBO_TAG_TITLE:
      if (!saw_title) {
        saw_title = true;
        page.title = subtree_text(node, 2048);
      }
      break;
    case GUMBO_TAG_BASE:
      if (!saw_base) {
        saw_base = true;
        auto href = attr(node, "href");
        if (base && !href.empty())
          if (auto resolved = resolve_url(*base, href)) {
            base = resolved;
            page.base_href = resolved->to_string();
          }
      }
      break;
    case GUMBO_TAG_META: {
      auto name = base::to_lower_ascii(attr(node, "name"));
      auto property = base::to_lower_ascii(attr(node, "property"));
      auto equiv = base::to_lower_ascii(attr(node, "http-equiv"));
      auto content = std::string(base::trim(attr(node, "content")));
      if (name == "description" && page.meta_description.empty())
        page.meta_description = content;
      else if (property == "og:description" && og_description.empty())
        og_description = content;
      else if (equiv == "content-language" && page.content_language.empty())
        page.content_language = content;
      break;
    }
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
      link(node);
      break;
    default:
      break;
    }
  }

  std::string og_description;

  void walk(const GumboNode* root) {
    struct frame {
      const GumboNode* node;
      unsigned next;
      bool hidden;
      bool furniture;
    };
    std::vector<frame> stack{{root, 0, false, false}};
    while (!stack.empty()) {
      auto& f = stack.back();
      const auto* n = f.node;
      if (n->type == GUMBO_NODE_DOCUMENT) {
        auto& children = n->v.document.children;
        if (f.next < children.length) {
          auto child = static_cast<const GumboNode*>(children.data[f.next++]);
          stack.push_back({child, 0, false, false});
          begin(stack.back());
        } else {
          stack.pop_back();
        }
        continue;
      }
      if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
        auto& children = n->v.element.children;
        if (f.next < children.length) {
          auto child = static_cast<const GumboNode*>(children.data[f.next++]);
          bool hidden = f.hidden;
          bool furniture = f.furniture;
          stack.push_back({child, 0, hidden, furniture});
          begin(stack.back());
        } else {
          if (!f.hidden && is_block(n->v.element.tag)) {
            full.block();
            if (!f.furniture)
              visible.block();
          }
          stack.pop_back();
        }
        continue;
      }
      stack.pop_back();
    }
  }

  /// Handles a node as it is first reached: text goes to the sinks, elements are
  /// looked at and mark their subtree hidden or furniture.
  template <class Frame>
  void begin(Frame& f) {
    const auto* n = f.node;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      if (!f.hidden) {
        full.text(n->v.text.text);
        if (!f.furniture)
          visible.text(n->v.text.text);
      }
      return;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
      return;
    enter(n);
    auto tag = n->v.element.tag;
    if (is_hidden(tag))
      f.hidden = true;
    if (is_furniture(tag))
      f.furniture = true;
    if (!f.hidden && is_block(tag)) {
      full.block();
      if (!f.furniture)
        visible.block();
    }
  }
};

} // namespace

size_t depth_bounded_length(std::string_view html, size_t max_depth) {
  std::unordered_map<std::string, size_t> open;
  size_t depth = 0;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    if (html.substr(pos, 4) == "<!--") {
      auto end = html.find("-->", pos + 4);
      if (end == std::string_view::npos)
        return html.size();
      pos = end + 3;
      continue;
    }
    size_t start = pos;
    bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
    size_t name_at = pos + (closing ? 2 : 1);
    size_t name_end = name_at;
    while (name_end < html.size() && is_name_char(html[name_end]))
      ++name_end;
    if (name_end == name_at) {
      pos = name_at;
      continue;
    }
    auto name = base::to_lower_ascii(html.substr(name_at, name_end - name_at));
    auto gt = html.find('>', name_end);
    if (gt == std::string_view::npos)
      return html.size();
    pos = gt + 1;
    if (closing) {
      auto it = open.find(name);
      if (it != open.end() && it->second > 0) {
        --it->second;
        --depth;
      }
      continue;
    }
    if (is_void(name))
      continue;
    if (is_raw_text(name)) {
      auto lower_end = "</" + name;
      size_t search = pos;
      for (;;) {
        auto end = html.find("</", search);
        if (end == std::string_view::npos)
          return html.size();
        if (base::istarts_with(html.substr(end), lower_end)) {
          pos = end;
          break;
        }
        search = end + 2;
      }
      continue;
    }
    auto& count = open[name];
    if (closes_itself(name) && count > 0)
      continue;
    if (depth + 1 > max_depth)
      return start;
    ++count;
    ++depth;
  }
  return html.size();
}

html_page read_html(std::string_view html, const std::optional<url_parts>& page_url,
                    const html_limits& limits) {
  html_page page;
  auto keep = depth_bounded_length(html, limits.max_depth);
  if (keep < html.size()) {
    page.depth_limited = true;
    html = html.substr(0, keep);
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  if (!output)
    return page;
  walker w{limits, page_url, page};
  w.walk(output->document);
  if (page.meta_description.empty())
    page.meta_description = w.og_description;
  page.text_truncated = w.visible.full() || w.full.full();
  page.visible_text = w.visible.take();
  page.full_text = w.full.take();
  gumbo_destroy_output(&options, output);
  return page;
}

} // namespace kyb::website

#include "actors/website/page_discovery.hpp"

#include <algorithm>
#include <set>

#include "actors/website/phrase_matcher.hpp"
#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

/// A keyword: matched against the words of a path or anchor text; `prefix` keywords
/// also match the start of a longer word ("datenschutzerklaerung").
struct keyword {
  page_kind kind;
  const char* words;
  bool prefix;
};

// Kinds in priority order; within a kind, any keyword.
const keyword keywords[] = {
    {page_kind::contact, "contact", true},
    {page_kind::contact, "kontakt", true},
    {page_kind::contact, "contacto", false},
    {page_kind::contact, "contactez", false},
    {page_kind::contact, "contatti", false},
    {page_kind::contact, "get in touch", false},
    {page_kind::imprint, "impressum", true},
    {page_kind::imprint, "imprint", true},
    {page_kind::imprint, "legal notice", false},
    {page_kind::imprint, "mentions legales", false},
    {page_kind::imprint, "mentions légales", false},
    {page_kind::imprint, "aviso legal", false},
    {page_kind::imprint, "anbieterkennzeichnung", false},
    {page_kind::about, "about", false},
    {page_kind::about, "about us", false},
    {page_kind::about, "aboutus", false},
    {page_kind::about, "über uns", false},
    {page_kind::about, "ueber uns", false},
    {page_kind::about, "uber uns", false},
    {page_kind::about, "unternehmen", false},
    {page_kind::about, "company", false},
    {page_kind::about, "who we are", false},
    {page_kind::about, "qui sommes nous", false},
    {page_kind::about, "quienes somos", false},
    {page_kind::about, "quiénes somos", false},
    {page_kind::about, "chi siamo", false},
    {page_kind::about, "a propos", false},
    {page_kind::about, "à propos", false},
    {page_kind::terms, "terms", true},
    {page_kind::terms, "agb", false},
    {page_kind::terms, "tos", false},
    {page_kind::terms, "conditions", false},
    {page_kind::terms, "nutzungsbedingungen", false},
    {page_kind::terms, "geschaeftsbedingungen", false},
    {page_kind::terms, "geschäftsbedingungen", false},
    {page_kind::terms, "cgv", false},
    {page_kind::terms, "cgu", false},
    {page_kind::terms, "terminos", false},
    {page_kind::terms, "términos", false},
    {page_kind::privacy, "privacy", true},
    {page_kind::privacy, "datenschutz", true},
    {page_kind::privacy, "privacidad", false},
    {page_kind::privacy, "confidentialite", false},
    {page_kind::privacy, "confidentialité", false},
    {page_kind::privacy, "gdpr", false},
    {page_kind::privacy, "dsgvo", false},
    {page_kind::legal, "legal", false},
    {page_kind::legal, "rechtliches", false},
    {page_kind::legal, "rechtliche hinweise", false},
    {page_kind::legal, "disclaimer", false},
    {page_kind::legal, "haftungsausschluss", false},
};

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/// " w1 w2 w3 " of folded `s` (every non-word byte separates).
std::string spaced_words(const std::string& s) {
  auto f = fold_case(s);
  std::string out = " ";
  for (char c : f) {
    if (is_word_byte(static_cast<unsigned char>(c)))
      out += c;
    else if (out.back() != ' ')
      out += ' ';
  }
  if (out.back() != ' ')
    out += ' ';
  return out;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool matches(const std::string& spaced, const keyword& k) {
  auto needle = " " + std::string(k.words) + (k.prefix ? "" : " ");
  return spaced.find(needle) != std::string::npos;
}

bool is_document(const std::string& path) {
  auto lower = base::to_lower_ascii(path);
  for (const char* ext : {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".doc",
                          ".docx", ".xls", ".xlsx", ".mp4", ".mp3", ".svg", ".webp"})
    if (lower.size() >= std::char_traits<char>::length(ext) &&
        lower.compare(lower.size() - std::char_traits<char>::length(ext),
                      std::string::npos, ext) == 0)
      return true;
  return false;
}

} // namespace

const char* to_string(page_kind k) noexcept {
  switch (k) {
  case page_kind::home:
    return "home";
  case page_kind::contact:
    return "contact";
  case page_kind::imprint:
    return "imprint";
  case page_kind::about:
    return "about";
  case page_kind::terms:
    return "terms";
  case page_kind::privacy:
    return "privacy";
  case page_kind::legal:
    return "legal";
  case page_kind::other:
    return "other";
  }
  return "home";
}

page_kind kind_of_link(const url_parts& url, const std::string& anchor_text) {
  // The most specific evidence first: the anchor text, then the last path segment, then
  // the whole path ("/kontakt/impressum/" is the imprint, not the contact page).
  auto path = percent_decoded(url.path);
  auto trimmed = std::string_view(path);
  while (!trimmed.empty() && trimmed.back() == '/')
    trimmed.remove_suffix(1);
  auto last = trimmed.substr(
      trimmed.rfind('/') == std::string_view::npos ? 0 : trimmed.rfind('/') + 1);
  for (const auto& where :
       {spaced_words(anchor_text), spaced_words(std::string(last)), spaced_words(path)})
    for (auto& k : keywords)
      if (matches(where, k))
        return k.kind;
  return page_kind::home;
}

std::vector<discovered_link> discover_pages(const html_page& home,
                                            const url_parts& home_url, size_t max_pages) {
  struct candidate {
    discovered_link link;
    size_t order;
  };
  std::vector<candidate> candidates;
  std::set<std::string> seen;
  auto self = home_url;
  self.fragment.reset();
  seen.insert(self.to_string());
  for (auto& l : home.links) {
    auto u = parse_url(l.url);
    if (!u || !same_site(*u, home_url) || is_document(u->path))
      continue;
    auto kind = kind_of_link(*u, l.text);
    if (kind == page_kind::home)
      continue;
    if (!seen.insert(u->to_string()).second)
      continue;
    candidates.push_back({{u->to_string(), kind, l.text}, candidates.size()});
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const candidate& a, const candidate& b) { return a.link.kind < b.link.kind; });
  std::vector<discovered_link> out;
  std::vector<bool> taken(candidates.size(), false);
  // One of each kind first, so five contact links do not crowd out the imprint.
  for (size_t i = 0; i < candidates.size() && out.size() < max_pages; ++i)
    if (i == 0 || candidates[i].link.kind != candidates[i - 1].link.kind) {
      out.push_back(candidates[i].link);
      taken[i] = true;
    }
  for (size_t i = 0; i < candidates.size() && out.size() < max_pages; ++i)
    if (!taken[i])
      out.push_back(candidates[i].link);
  std::stable_sort(
      out.begin(), out.end(),
      [](const discovered_link& a, const discovered_link& b) { return a.kind < b.kind; });
  return out;
}

} // namespace kyb::website

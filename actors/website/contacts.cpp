#include "actors/website/contacts.hpp"

#include <algorithm>
#include <cctype>

#include "actors/screening/engine/text_decoder.hpp"
#include "actors/website/phrase_matcher.hpp"
#include "actors/website/url.hpp"
#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

constexpr size_t max_each = 50;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_char(char c) {
  return is_alnum(c) || c == '.' || c == '-';
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool valid_email(std::string_view local, std::string_view domain) {
  if (local.empty() || local.size() > 64 || domain.size() < 4 || domain.size() > 253)
    return false;
  if (local.front() == '.' || local.back() == '.')
    return false;
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0)
    return false;
  auto tld = domain.substr(dot + 1);
  if (tld.size() < 2 || tld.size() > 24)
    return false;
  for (char c : tld)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      return false;
  auto ltld = base::to_lower_ascii(tld);
  // Retina image names ("logo@2x.png") look like addresses.
  for (const char* ext : {"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js"})
    if (ltld == ext)
      return false;
  if (domain.front() == '-' || domain.front() == '.' ||
      domain.find("..") != std::string_view::npos)
    return false;
  return true;
}

template <class T, class Key>
bool contains(const std::vector<T>& v, const Key& key) {
  return std::find(v.begin(), v.end(), key) != v.end();
}

void add_email(contact_details& c, std::string email) {
  if (!email.empty() && c.emails.size() < max_each && !contains(c.emails, email))
    c.emails.push_back(std::move(email));
}

void emails_in_text(const std::string& text, contact_details& c) {
  size_t at = 0;
  while ((at = text.find('@', at)) != std::string::npos) {
    size_t b = at;
    while (b > 0 && is_local_char(text[b - 1]))
      --b;
    size_t e = at + 1;
    while (e < text.size() && is_domain_char(text[e]))
      ++e;
    while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
      --e;
    add_email(c, clean_email(std::string_view(text).substr(b, e - b)));
    at = e > at ? e : at + 1;
  }
}

void add_phone(contact_details& c, std::string number, std::string written,
               const char* source) {
  if (c.phones.size() >= max_each)
    return;
  for (auto& p : c.phones)
    if (p.number == number)
      return;
  c.phones.push_back({std::move(number), std::move(written), source});
}

/// "+49 (0) 5225 87384" -> "+49522587384"; digits only otherwise.
std::string normalise_phone(std::string_view written) {
  std::string s(written);
  for (auto p = s.find("(0)"); p != std::string::npos; p = s.find("(0)"))
    s.erase(p, 3);
  std::string out;
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
  if (s.compare(i, 1, "+") == 0)
    out = "+";
  else if (s.compare(i, 2, "00") == 0) {
    out = "+";
    i += 2;
  }
  for (; i < s.size(); ++i)
    if (is_digit(s[i]))
      out += s[i];
  return out;
}

size_t digits_in(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), is_digit));
}

void phones_in_text(const std::string& text, contact_details& c) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '+' || !is_digit(text[i + 1]))
      continue;
    if (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '+'))
      continue;
    size_t e = i + 1;
    while (e < text.size() && e - i < 26 &&
           (is_digit(text[e]) || text[e] == ' ' || text[e] == '-' || text[e] == '.' ||
            text[e] == '(' || text[e] == ')' || text[e] == '/'))
      ++e;
    while (e > i + 1 && !is_digit(text[e - 1]))
      --e;
    if (e < text.size() && is_alnum(text[e]))
      continue; // glued to a word: not a number on its own
    auto written = std::string(text.substr(i, e - i));
    auto number = normalise_phone(written);
    auto digits = number.size() - 1;
    if (digits >= 8 && digits <= 15)
      add_phone(c, number, written, "text");
    i = e;
  }
}

/// The words (ASCII letters folded; other bytes kept) of a line.
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::string w;
  for (char ch : line) {
    auto u = static_cast<unsigned char>(ch);
    if (is_alnum(ch) || u >= 0x80 || ch == '.') {
      w += ch;
    } else if (!w.empty()) {
      out.push_back(fold_case(w));
      w.clear();
    }
  }
  if (!w.empty())
    out.push_back(fold_case(w));
  for (auto& x : out)
    while (!x.empty() && x.back() == '.' && x != "st." && x != "str." && x != "rd.")
      x.pop_back();
  return out;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_street(std::string_view line) {
  static const char* const words[] = {
      "street", "st.",      "st",    "road",      "rd.",     "rd",     "avenue",
      "ave",    "lane",     "drive", "boulevard", "blvd",    "way",    "place",
      "square", "court",    "suite", "highway",   "parkway", "rue",    "via",
      "calle",  "avenida",  "plaza", "straße",    "strasse", "str.",   "str",
      "platz",  "allee",    "weg",   "ring",      "gasse",   "damm",   "ufer",
      "hof",    "chaussee", "markt", "postfach",  "box",     "piazza", "viale",
      "laan",   "straat",   "gade",  "vej",       "gatan",   "vägen"};
  static const char* const suffixes[] = {"straße", "strasse", "str.",  "weg",  "allee",
                                         "platz",  "gasse",   "damm",  "ufer", "straat",
                                         "laan",   "gade",    "gatan", "vägen"};
  if (digits_in(line) == 0)
    return false;
  for (auto& w : words_of(line)) {
    for (auto s : words)
      if (w == s)
        return true;
    for (auto s : suffixes)
      if (ends_with(w, s))
        return true;
  }
  return false;
}

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

/// A postcode: five digits standing alone followed by a word ("29614 Soltau") or after
/// a two-letter state ("DE 19901"), four digits followed by a word ("8001 Zürich",
/// "1012 AB"), or a UK postcode ("EC1A 1BB").
bool has_postcode(std::string_view l) {
  for (size_t i = 0; i < l.size(); ++i) {
    if (!is_digit(l[i]) || (i > 0 && is_alnum(l[i - 1])))
      continue;
    size_t e = i;
    while (e < l.size() && is_digit(l[e]))
      ++e;
    size_t n = e - i;
    bool word_after =
        e + 1 < l.size() && l[e] == ' ' &&
        (is_upper(l[e + 1]) || static_cast<unsigned char>(l[e + 1]) >= 0x80);
    bool state_before =
        i >= 3 && l[i - 1] == ' ' && is_upper(l[i - 2]) && is_upper(l[i - 3]);
    bool zip4 = e + 5 <= l.size() && l[e] == '-' && digits_in(l.substr(e + 1, 4)) == 4;
    if (n == 5 && (e == l.size() || !is_alnum(l[e])) &&
        (word_after || state_before || zip4))
      return true;
    if (n == 4 && word_after)
      return true;
    i = e;
  }
  // UK: outward code (A9, A99, AA9, AA99, A9A, AA9A), space, inward code (9AA).
  for (size_t i = 0; i + 6 <= l.size(); ++i) {
    if (i > 0 && is_alnum(l[i - 1]))
      continue;
    size_t p = i;
    size_t letters = 0;
    while (p < l.size() && is_upper(l[p]) && letters < 2) {
      ++p;
      ++letters;
    }
    if (letters == 0 || p >= l.size() || !is_digit(l[p]))
      continue;
    ++p;
    if (p < l.size() && (is_digit(l[p]) || is_upper(l[p])))
      ++p;
    if (p + 4 <= l.size() && l[p] == ' ' && is_digit(l[p + 1]) && is_upper(l[p + 2]) &&
        is_upper(l[p + 3]) && (p + 4 == l.size() || !is_alnum(l[p + 4])))
      return true;
  }
  return false;
}

void addresses_in_text(const std::string& text, contact_details& c) {
  std::string_view prev;
  size_t pos = 0;
  while (pos <= text.size() && c.addresses.size() < max_each) {
    auto nl = text.find('\n', pos);
    auto line = base::trim(std::string_view(text).substr(
        pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (line.size() <= 150 && has_postcode(line)) {
      std::string candidate;
      if (has_street(line))
        candidate = std::string(line);
      else if (!prev.empty() && prev.size() <= 100 && has_street(prev))
        candidate = std::string(prev) + ", " + std::string(line);
      if (!candidate.empty() && !contains(c.addresses, candidate))
        c.addresses.push_back(std::move(candidate));
    }
    prev = line;
    if (nl == std::string::npos)
      break;
    pos = nl + 1;
  }
}

void social_of(const std::string& link, contact_details& c) {
  auto u = parse_url(link);
  if (!u)
    return;
  auto site = registrable_host(u->host);
  std::string platform;
  if (site == "facebook.com" || site == "fb.com")
    platform = "facebook";
  else if (site == "instagram.com")
    platform = "instagram";
  else if (site == "linkedin.com")
    platform = "linkedin";
  else if (site == "twitter.com" || site == "x.com")
    platform = "x";
  else if (site == "youtube.com")
    platform = "youtube";
  else if (site == "tiktok.com")
    platform = "tiktok";
  else
    return;
  auto path = u->path;
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  if (path.size() <= 1)
    return;
  auto first = base::to_lower_ascii(path.substr(1, path.find('/', 1) - 1));
  // Share buttons, embeds and single videos are not the business's profile.
  for (const char* p : {"sharer", "sharer.php", "share", "share.php", "dialog", "plugins",
                        "intent", "home", "embed", "watch", "tr", "login", "hashtag",
                        "search", "sharearticle", "sharing"})
    if (first == p)
      return;
  auto url = "https://" + u->host + path;
  for (auto& s : c.social)
    if (base::iequals(s.url, url))
      return;
  if (c.social.size() < max_each)
    c.social.push_back({platform, url});
}

} // namespace

std::string clean_email(std::string_view text) {
  auto s = percent_decode(base::trim(text));
  auto q = s.find('?');
  if (q != std::string::npos)
    s.resize(q);
  auto comma = s.find(',');
  if (comma != std::string::npos)
    s.resize(comma);
  auto t = std::string(base::trim(s));
  auto at = t.find('@');
  if (at == std::string::npos || t.find('@', at + 1) != std::string::npos)
    return {};
  auto local = std::string_view(t).substr(0, at);
  auto domain = std::string_view(t).substr(at + 1);
  if (!std::all_of(local.begin(), local.end(), is_local_char) ||
      !std::all_of(domain.begin(), domain.end(), is_domain_char))
    return {};
  if (!valid_email(local, domain))
    return {};
  return base::to_lower_ascii(t);
}

void collect_contacts(const html_page& page, contact_details& into) {
  for (auto& m : page.mailto)
    add_email(into, clean_email(m));
  emails_in_text(page.full_text, into);
  for (auto& t : page.tel) {
    auto written = percent_decode(base::trim(t));
    if (!screening::is_valid_utf8(written)) // "%FF": keep it as written
      written = std::string(base::trim(t));
    auto number = normalise_phone(written);
    if (digits_in(number) >= 5 && digits_in(number) <= 15)
      add_phone(into, number, written, "tel");
  }
  phones_in_text(page.full_text, into);
  addresses_in_text(page.full_text, into);
  for (auto& l : page.links)
    social_of(l.url, into);
}

} // namespace kyb::website

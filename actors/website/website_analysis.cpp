#include "actors/website/website_analysis.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "actors/screening/engine/legal_form_table.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "actors/website/charset.hpp"
#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

std::string header_value(const fetched_page& p, std::string_view name) {
  for (auto& [k, v] : p.headers)
    if (base::iequals(base::trim(k), name))
      return std::string(base::trim(v));
  return {};
}

/// `s` as valid UTF-8 for the JSON document: strings from headers and the fetcher (URLs
/// from Location headers, Content-Language) are bytes a server chose; those that are not
/// UTF-8 get U+FFFD for each non-ASCII byte.
std::string safe_text(std::string_view s) {
  if (screening::is_valid_utf8(s))
    return std::string(s);
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x80)
      out += c;
    else
      out += "\xEF\xBF\xBD";
  return out;
}

bool answered(const fetched_page& p) {
  return p.error.empty() && p.status >= 200 && p.status < 300;
}

/// Why a body is not read as HTML, or empty when it is.
std::string skip_reason(const fetched_page& p) {
  auto type = base::to_lower_ascii(header_value(p, "Content-Type"));
  auto semi = type.find(';');
  auto mime = std::string(base::trim(std::string_view(type).substr(0, semi)));
  if (!mime.empty() && mime != "text/html" && mime != "application/xhtml+xml" &&
      mime != "text/plain" && mime != "application/xml" && mime != "text/xml")
    return "not HTML: " + safe_text(mime);
  if (p.body.empty())
    return "empty body";
  // NUL bytes in the first KiB (without a UTF-16 byte-order mark): not text.
  auto head = std::string_view(p.body).substr(0, 1024);
  bool utf16 = head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF";
  if (!utf16 && head.find('\0') != std::string_view::npos)
    return "binary content";
  return {};
}

int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string final_of(const fetched_page& p) {
  return p.final_url.empty() ? p.url : p.final_url;
}

/// A page that was read, kept while the analysis runs.
struct read_page {
  const fetched_page* fetched;
  std::string url; ///< Final URL.
  html_page html;
  std::string raw_utf8; ///< The decoded HTML (home page only: parking markers).
  std::string searched; ///< Title and full text: where signals and names are looked for.
};

/// A fetched page's kind: from the home page's link to the URL asked for (its anchor
/// text), else that URL, else the final URL; `other` when none says.
page_kind kind_of_fetched(const fetched_page& f,
                          const std::vector<page_link>& home_links) {
  if (auto asked = parse_url(f.url)) {
    asked->fragment.reset();
    auto key = asked->to_string();
    for (auto& l : home_links)
      if (l.url == key)
        if (auto k = kind_of_link(*asked, l.text); k != page_kind::home)
          return k;
    if (auto k = kind_of_link(*asked, {}); k != page_kind::home)
      return k;
  }
  if (auto reached = parse_url(final_of(f)))
    if (auto k = kind_of_link(*reached, {}); k != page_kind::home)
      return k;
  return page_kind::other;
}

std::vector<std::string> name_tokens(const std::string& name) {
  auto tokens = screening::normalizer::tokens(name);
  auto marks = screening::legal_form_table::builtin().mark(tokens);
  std::vector<std::string> kept;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!marks[i])
      kept.push_back(tokens[i]);
  return kept.empty() ? tokens : kept;
}

std::optional<name_match>
match_name(const std::optional<std::string>& name,
           const std::vector<std::pair<std::string, std::vector<std::string>>>& site) {
  if (!name || base::trim(*name).empty())
    return std::nullopt;
  name_match m;
  m.name = *name;
  auto wanted = name_tokens(*name);
  for (auto& t : wanted)
    m.normalized += (m.normalized.empty() ? "" : " ") + t;
  if (wanted.empty())
    return m;
  for (auto& [url, tokens] : site)
    if (std::search(tokens.begin(), tokens.end(), wanted.begin(), wanted.end()) !=
        tokens.end()) {
      m.found = true;
      m.page_url = url;
      break;
    }
  return m;
}

nlohmann::json evidence_json(const phrase_evidence& e) {
  return {{"term", e.term},
          {"page_url", e.page_url},
          {"snippet", e.snippet},
          {"occurrences", e.occurrences}};
}

nlohmann::json name_json(const std::optional<name_match>& m) {
  if (!m)
    return nullptr;
  nlohmann::json j{{"name", m->name}, {"normalized", m->normalized}, {"found", m->found}};
  j["page_url"] =
      m->page_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(m->page_url);
  return j;
}

template <class T>
nlohmann::json optional_json(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

} // namespace

website_engine::website_engine(std::shared_ptr<const signal_tables> tables,
                               analysis_options options)
    : tables_(std::move(tables)), options_(std::move(options)) {}

website_engine::read_page_result website_engine::read(const fetched_page& page) const {
  read_page_result out;
  std::string_view body = page.body;
  if (body.size() > options_.max_body_bytes) {
    body = body.substr(0, options_.max_body_bytes);
    out.body_truncated = true;
  }
  auto decoded = decode_page(body, header_value(page, "Content-Type"));
  out.charset = decoded.charset;
  out.charset_source = to_string(decoded.source);
  out.page = read_html(decoded.utf8, parse_url(final_of(page)), options_.html);
  out.html_utf8 = std::move(decoded.utf8);
  return out;
}

std::vector<discovered_link>
website_engine::discover_from(const fetched_page& home) const {
  if (!answered(home) || !skip_reason(home).empty())
    return {};
  auto url = parse_url(final_of(home));
  if (!url)
    return {};
  auto r = read(home);
  return discover_pages(r.page, *url, options_.max_pages);
}

website_analysis
website_engine::analyse(const fetched_page& home, const std::vector<fetched_page>& others,
                        const business_facts& business,
                        std::chrono::system_clock::time_point now) const {
  website_analysis a;
  a.tables_version = tables_->version;
  a.url = safe_text(home.url);
  a.final_url = safe_text(final_of(home));
  a.status = home.status;
  a.error = safe_text(home.error);
  a.reachable = answered(home);
  a.response_time_ms = home.response_time.count();
  auto asked = parse_url(home.url);
  auto reached = parse_url(a.final_url);
  a.https_redirect =
      home.redirected_http_to_https ||
      (asked && reached && asked->scheme == "http" && reached->scheme == "https");
  if (home.tls) {
    tls_report t;
    t.valid_chain = home.tls->valid_chain;
    t.issuer = safe_text(home.tls->issuer);
    t.hostname_match = home.tls->hostname_match;
    t.protocol = safe_text(home.tls->protocol);
    if (home.tls->not_after) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                      home.tls->not_after->time_since_epoch())
                      .count();
      t.not_after = secs;
      auto left =
          std::chrono::duration_cast<std::chrono::seconds>(*home.tls->not_after - now)
              .count();
      t.days_to_expiry = floor_div(left, 86400);
    }
    a.tls = t;
  }

  // Read every page that answered with HTML; report every page.
  std::vector<read_page> pages;
  std::vector<const fetched_page*> all{&home};
  for (auto& o : others)
    all.push_back(&o);
  std::vector<page_link> home_links;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& f = *all[i];
    page_report r;
    r.url = safe_text(f.url);
    r.final_url = safe_text(final_of(f));
    r.status = f.status;
    r.error = safe_text(f.error);
    r.body_bytes = f.body.size();
    if (i > 0)
      r.kind = kind_of_fetched(f, home_links);
    if (!answered(f)) {
      if (r.error.empty())
        r.skipped = "HTTP status " + std::to_string(f.status);
      a.pages.push_back(std::move(r));
      continue;
    }
    r.skipped = skip_reason(f);
    if (!r.skipped.empty()) {
      a.pages.push_back(std::move(r));
      continue;
    }
    auto rp = read(f);
    r.title = rp.page.title;
    r.language = rp.page.language;
    r.charset = rp.charset;
    r.charset_source = rp.charset_source;
    r.body_truncated = rp.body_truncated;
    r.text_bytes = rp.page.visible_text.size();
    r.text_truncated = rp.page.text_truncated;
    r.depth_limited = rp.page.depth_limited;
    if (i == 0) {
      home_links = rp.page.links;
      a.title = rp.page.title;
      a.meta_description = rp.page.meta_description;
      a.language = rp.page.language;
      if (a.language.empty())
        a.language = safe_text(header_value(f, "Content-Language"));
      if (a.language.empty())
        a.language = rp.page.content_language;
      a.charset = rp.charset;
    }
    collect_contacts(rp.page, a.contacts);
    read_page kept{&f, r.final_url, std::move(rp.page), {}, {}};
    kept.searched = kept.html.title + "\n" + kept.html.full_text;
    if (i == 0)
      kept.raw_utf8 = std::move(rp.html_utf8);
    pages.push_back(std::move(kept));
    a.pages.push_back(std::move(r));
  }

  // The site's visible text, home page first.
  for (auto& p : pages) {
    if (p.html.visible_text.empty())
      continue;
    auto sep = a.visible_text.empty() ? std::string_view{} : std::string_view{"\n\n"};
    auto room =
        options_.max_site_text_bytes -
        std::min(options_.max_site_text_bytes, a.visible_text.size() + sep.size());
    if (p.html.visible_text.size() > room) {
      a.visible_text_truncated = true;
      // Cut at a UTF-8 character boundary.
      size_t cut = room;
      while (cut > 0 &&
             (static_cast<unsigned char>(p.html.visible_text[cut]) & 0xC0) == 0x80)
        --cut;
      if (cut > 0) {
        a.visible_text += sep;
        a.visible_text.append(p.html.visible_text, 0, cut);
      }
      break;
    }
    a.visible_text += sep;
    a.visible_text += p.html.visible_text;
  }
  a.visible_text_bytes = a.visible_text.size();
  a.visible_text_truncated = a.visible_text_truncated ||
                             std::any_of(pages.begin(), pages.end(),
                                         [](auto& p) { return p.html.text_truncated; });

  // Content signals: each term's first occurrence (page order, then position) and count.
  const auto& table = tables_->signals;
  struct term_found {
    size_t first_page = 0;
    size_t first_pos = 0;
    size_t occurrences = 0;
    std::string snippet;
    std::string page_url;
  };
  std::map<size_t, term_found> found; // by term index
  for (size_t pi = 0; pi < pages.size(); ++pi) {
    const auto& text = pages[pi].searched;
    for (auto& h : table.matcher().find(text)) {
      auto [it, fresh] = found.try_emplace(h.phrase);
      auto& t = it->second;
      if (fresh) {
        t.first_page = pi;
        t.first_pos = h.pos;
        t.snippet = snippet(text, h.pos, table.terms()[h.phrase].term.size());
        t.page_url = pages[pi].url;
      }
      ++t.occurrences;
    }
  }
  std::map<signal_category, std::vector<std::pair<size_t, const term_found*>>>
      by_category;
  for (auto& [term, t] : found)
    by_category[table.terms()[term].category].push_back({term, &t});
  for (auto& [category, terms] : by_category) {
    std::sort(terms.begin(), terms.end(), [](auto& x, auto& y) {
      if (x.second->first_page != y.second->first_page)
        return x.second->first_page < y.second->first_page;
      if (x.second->first_pos != y.second->first_pos)
        return x.second->first_pos < y.second->first_pos;
      return x.first < y.first;
    });
    category_signal s{category, 0, {}};
    for (auto& [term, t] : terms) {
      s.score = std::min(100, s.score + table.terms()[term].weight);
      if (s.evidence.size() < options_.max_hits_per_category)
        s.evidence.push_back(
            {table.terms()[term].term, t->page_url, t->snippet, t->occurrences});
    }
    a.signals.push_back(std::move(s));
  }

  // Parked or under construction: the home page only.
  if (!pages.empty() && pages.front().fetched == &home) {
    const auto& p = pages.front();
    const auto& parked = tables_->parked;
    bool thin = p.html.visible_text.size() < options_.thin_page_bytes;
    auto note = [&](size_t row, const std::string& text, size_t pos, bool in_title) {
      const auto& phrase = parked.phrases()[row];
      for (auto& h : a.parked.evidence)
        if (h.evidence.term == phrase.phrase) {
          ++h.evidence.occurrences;
          return;
        }
      bool counts = phrase.kind != parked_kind::under_construction || thin || in_title;
      if (!counts)
        return;
      if (phrase.kind == parked_kind::under_construction)
        a.parked.under_construction = true;
      else
        a.parked.parked = true;
      a.parked.evidence.push_back(
          {phrase.kind,
           {phrase.phrase, p.url, snippet(text, pos, phrase.phrase.size()), 1}});
    };
    // A phrase inside a longer one found at the same place ("domain is for sale" in
    // "this domain is for sale") is not evidence of its own.
    auto scan = [&](const phrase_matcher& m, const std::vector<size_t>& rows,
                    const std::string& text, bool in_title) {
      size_t covered_until = 0;
      for (auto& h : m.find(text)) {
        auto end = h.pos + parked.phrases()[rows[h.phrase]].phrase.size();
        if (end <= covered_until)
          continue;
        covered_until = end;
        note(rows[h.phrase], text, h.pos, in_title);
      }
    };
    scan(parked.text_matcher(), parked.text_rows(), p.html.title, true);
    scan(parked.text_matcher(), parked.text_rows(), p.html.full_text, false);
    scan(parked.html_matcher(), parked.html_rows(), p.raw_utf8, false);
  }

  // Consistency with the business.
  std::vector<std::pair<std::string, std::vector<std::string>>> site_tokens;
  for (auto& p : pages)
    site_tokens.push_back({p.url, screening::normalizer::tokens(p.searched)});
  a.consistency.legal_name = match_name(
      business.legal_name.empty() ? std::nullopt
                                  : std::optional<std::string>(business.legal_name),
      site_tokens);
  a.consistency.dba_name = match_name(business.dba_name, site_tokens);
  a.consistency.stored_mcc = business.stored_mcc;
  set_predicted_mcc(a, business.predicted_mcc, business.predicted_confidence);
  return a;
}

void set_predicted_mcc(website_analysis& a, std::optional<std::string> mcc,
                       std::optional<double> confidence) {
  auto& c = a.consistency;
  c.predicted_mcc = std::move(mcc);
  c.predicted_confidence = c.predicted_mcc ? confidence : std::nullopt;
  if (!c.predicted_mcc || !c.stored_mcc || c.predicted_mcc->empty() ||
      c.stored_mcc->empty())
    c.mcc_agreement = "unknown";
  else
    c.mcc_agreement = *c.predicted_mcc == *c.stored_mcc ? "agreement" : "mismatch";
}

std::string normalized_name(const std::string& name) {
  std::string out;
  for (auto& t : name_tokens(name))
    out += (out.empty() ? "" : " ") + t;
  return out;
}

nlohmann::json to_json(const website_analysis& a, const json_options& options) {
  using nlohmann::json;
  json j;
  j["url"] = a.url;
  j["reachable"] = a.reachable;
  j["final_url"] = a.final_url;
  j["status"] = a.status;
  j["error"] = text_or_null(a.error);
  j["https_redirect"] = a.https_redirect;
  j["response_time_ms"] = a.response_time_ms;
  if (a.tls)
    j["tls"] = {{"valid", a.tls->valid()},
                {"valid_chain", a.tls->valid_chain},
                {"issuer", a.tls->issuer},
                {"not_after", optional_json(a.tls->not_after)},
                {"days_to_expiry", optional_json(a.tls->days_to_expiry)},
                {"hostname_match", a.tls->hostname_match},
                {"protocol", a.tls->protocol}};
  else
    j["tls"] = nullptr;
  j["title"] = text_or_null(a.title);
  j["meta_description"] = text_or_null(a.meta_description);
  j["language"] = text_or_null(a.language);
  j["charset"] = text_or_null(a.charset);
  j["visible_text_bytes"] = a.visible_text_bytes;
  j["visible_text_truncated"] = a.visible_text_truncated;
  if (options.include_text)
    j["visible_text"] = a.visible_text;
  auto pages = json::array();
  for (auto& p : a.pages)
    pages.push_back({{"url", p.url},
                     {"final_url", p.final_url},
                     {"kind", to_string(p.kind)},
                     {"status", p.status},
                     {"error", text_or_null(p.error)},
                     {"skipped", text_or_null(p.skipped)},
                     {"title", text_or_null(p.title)},
                     {"language", text_or_null(p.language)},
                     {"charset", text_or_null(p.charset)},
                     {"charset_source", text_or_null(p.charset_source)},
                     {"body_bytes", p.body_bytes},
                     {"body_truncated", p.body_truncated},
                     {"text_bytes", p.text_bytes},
                     {"text_truncated", p.text_truncated},
                     {"depth_limited", p.depth_limited}});
  j["pages"] = std::move(pages);
  auto phones = json::array();
  for (auto& p : a.contacts.phones)
    phones.push_back(
        {{"number", p.number}, {"as_written", p.as_written}, {"source", p.source}});
  auto social = json::array();
  for (auto& s : a.contacts.social)
    social.push_back({{"platform", s.platform}, {"url", s.url}});
  j["contacts"] = {{"emails", a.contacts.emails},
                   {"phones", std::move(phones)},
                   {"addresses", a.contacts.addresses},
                   {"social", std::move(social)}};
  auto signals = json::array();
  for (auto& s : a.signals) {
    auto evidence = json::array();
    for (auto& e : s.evidence)
      evidence.push_back(evidence_json(e));
    signals.push_back({{"category", to_string(s.category)},
                       {"score", s.score},
                       {"evidence", evidence}});
  }
  j["signals"] = std::move(signals);
  auto parked_evidence = json::array();
  for (auto& h : a.parked.evidence) {
    auto e = evidence_json(h.evidence);
    e["kind"] = to_string(h.kind);
    parked_evidence.push_back(std::move(e));
  }
  j["parked"] = {{"parked", a.parked.parked},
                 {"under_construction", a.parked.under_construction},
                 {"evidence", std::move(parked_evidence)}};
  j["consistency"] = {
      {"legal_name", name_json(a.consistency.legal_name)},
      {"dba_name", name_json(a.consistency.dba_name)},
      {"stored_mcc", optional_json(a.consistency.stored_mcc)},
      {"predicted_mcc", optional_json(a.consistency.predicted_mcc)},
      {"predicted_confidence", optional_json(a.consistency.predicted_confidence)},
      {"mcc_agreement", a.consistency.mcc_agreement}};
  j["tables_version"] = a.tables_version;
  return j;
}

} // namespace kyb::website

// The website analysis engine: from the fetched home page and the pages discovered
// through it (see discover_from), to one website_analysis: reachability, TLS, page
// facts, visible text, contacts, content signals with evidence, parked-domain and
// under-construction detection, and consistency with the business. Pure: no I/O, no
// clock (`now` is an argument), no actors. The same inputs always give the same result.
//
// The caller's flow:
//   1. fetch the home page; 2. discover_from(home, options) gives up to max_pages URLs;
//   3. fetch those; 4. analyse(home, others, business, now);
//   5. classify analysis.visible_text, then set_predicted_mcc(analysis, mcc, confidence)
//      (or pass the prediction in business_facts when it is known up front).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/website/contacts.hpp"
#include "actors/website/fetched_page.hpp"
#include "actors/website/html_page.hpp"
#include "actors/website/page_discovery.hpp"
#include "actors/website/signal_tables.hpp"

namespace kyb::website {

/// Bounds and thresholds of one analysis.
struct analysis_options {
  size_t max_pages = 5;            ///< website.max_pages: pages besides the home page.
  size_t max_body_bytes = 2 << 20; ///< Bytes of a body read; the rest is ignored.
  size_t max_site_text_bytes = 200 * 1024; ///< The combined visible text.
  html_limits html;                        ///< Per page.
  /// Under-construction phrases count when the home page's visible text is shorter.
  size_t thin_page_bytes = 1500;
  size_t max_hits_per_category = 10; ///< Evidence kept per category.
};

/// The TLS block: as the fetcher reported it, plus days to expiry.
struct tls_report {
  bool valid_chain = false;
  std::string issuer;
  std::optional<int64_t> not_after;      ///< Unix seconds.
  std::optional<int64_t> days_to_expiry; ///< Whole days from `now` (negative: expired).
  bool hostname_match = false;
  std::string protocol;

  /// Chain valid, hostname matching and not expired.
  bool valid() const noexcept {
    return valid_chain && hostname_match && (!days_to_expiry || *days_to_expiry >= 0);
  }
};

/// One analysed page.
struct page_report {
  std::string url;
  std::string final_url;
  page_kind kind = page_kind::home;
  int status = 0;
  std::string error;   ///< Why it was not fetched, empty if it was.
  std::string skipped; ///< Why its body was not read ("not HTML: image/png"), if so.
  std::string title;
  std::string language;
  std::string charset;
  std::string charset_source;
  size_t body_bytes = 0;
  bool body_truncated = false; ///< Only max_body_bytes were read.
  size_t text_bytes = 0;       ///< Of its visible text.
  bool text_truncated = false;
  bool depth_limited = false;
};

/// A phrase found on the site.
struct phrase_evidence {
  std::string term;
  std::string page_url;
  std::string snippet;    ///< ±60 bytes of text around the first occurrence.
  size_t occurrences = 0; ///< Over all pages.
};

/// One content-signal category that was found.
struct category_signal {
  signal_category category;
  int score = 0; ///< Sum of the weights of the distinct terms found, capped at 100.
  std::vector<phrase_evidence> evidence; ///< By term order of first appearance.
};

/// Parked-domain / under-construction detection.
struct parked_report {
  bool parked = false;             ///< A for-sale or parking phrase on the home page.
  bool under_construction = false; ///< An under-construction phrase on a thin home page.
  struct hit {
    parked_kind kind;
    phrase_evidence evidence;
  };
  std::vector<hit> evidence;
};

/// Where a name was found.
struct name_match {
  std::string name;       ///< As declared.
  std::string normalized; ///< What was looked for (legal forms dropped).
  bool found = false;
  std::string page_url; ///< The first page it was found on.
};

/// The site against the business.
struct consistency_report {
  std::optional<name_match> legal_name; ///< nullopt: no name was given.
  std::optional<name_match> dba_name;
  std::optional<std::string> stored_mcc;
  std::optional<std::string> predicted_mcc;
  std::optional<double> predicted_confidence;
  /// "agreement", "mismatch" or "unknown" (either MCC missing).
  std::string mcc_agreement = "unknown";
};

/// The analysis of one site.
struct website_analysis {
  std::string url;        ///< The home page asked for.
  bool reachable = false; ///< The home page answered 2xx.
  std::string final_url;
  int status = 0;
  std::string error;           ///< The fetch failure of the home page, if any.
  bool https_redirect = false; ///< http:// asked, https:// reached.
  int64_t response_time_ms = 0;
  std::optional<tls_report> tls;
  std::string title;
  std::string meta_description;
  std::string language;     ///< <html lang>, else Content-Language (header, then meta).
  std::string charset;      ///< The home page's.
  std::string visible_text; ///< Of all pages, home first, capped at max_site_text_bytes.
  size_t visible_text_bytes = 0;
  bool visible_text_truncated = false;
  std::vector<page_report> pages; ///< Home first.
  contact_details contacts;
  std::vector<category_signal> signals; ///< Only categories found, in category order.
  parked_report parked;
  consistency_report consistency;
  std::string tables_version; ///< signal_tables::version used.
};

/// The engine: the tables and options every analysis on a node shares. Immutable.
class website_engine {
public:
  website_engine(std::shared_ptr<const signal_tables> tables,
                 analysis_options options = {});

  /// Decodes and reads one fetched page (charset detection, gumbo).
  struct read_page_result {
    html_page page;
    std::string charset;
    std::string charset_source;
    bool body_truncated = false;
    std::string
        html_utf8; ///< The decoded bytes read (parking markers are looked for here).
  };
  read_page_result read(const fetched_page& page) const;

  /// The pages to fetch after `home` (same site, by kind; at most options.max_pages).
  std::vector<discovered_link> discover_from(const fetched_page& home) const;

  /// The whole analysis. `others` are the discovered pages as fetched, reported in the
  /// order given; each one's kind comes from the home page's link to it (anchor text),
  /// else its URL, else `other`. `now` computes the certificate's days to expiry.
  website_analysis analyse(const fetched_page& home,
                           const std::vector<fetched_page>& others,
                           const business_facts& business,
                           std::chrono::system_clock::time_point now) const;

  const analysis_options& options() const noexcept { return options_; }
  const signal_tables& tables() const noexcept { return *tables_; }

private:
  std::shared_ptr<const signal_tables> tables_;
  analysis_options options_;
};

/// Sets the classifier's prediction and the agreement with the stored MCC.
void set_predicted_mcc(website_analysis& a, std::optional<std::string> mcc,
                       std::optional<double> confidence = std::nullopt);

/// The names `text` holds as normalised tokens with legal forms dropped ("Acme Widgets
/// LLC" -> "acme widgets"); empty when nothing is left.
std::string normalized_name(const std::string& name);

/// JSON options.
struct json_options {
  bool include_text = false; ///< Add "visible_text" (else only its size).
};

/// The analysis as JSON (the API's and the stored document's shape).
nlohmann::json to_json(const website_analysis& a, const json_options& options = {});

} // namespace kyb::website

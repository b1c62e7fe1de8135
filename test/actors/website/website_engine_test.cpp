// The website analysis engine on real pages (test/data/website, see SOURCES.md) and on
// small pages written for these tests: page facts, charsets, discovery, contacts,
// content signals, parked pages, consistency, the risk summary, JSON and determinism.
#define BOOST_TEST_MODULE website_engine
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/website/charset.hpp"
#include "actors/website/website_risk_input.hpp"
#include "test/actors/website/website_fixtures.hpp"

using namespace kyb::website;
using kyb::website::test::engine;
using kyb::website::test::page;
using kyb::website::test::read_data;

namespace {

const auto now = test::at_unix(1767225600); // 2026-01-01T00:00:00Z

website_analysis analyse_one(const fetched_page& p, business_facts b = {}) {
  return engine().analyse(p, {}, b, now);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> urls_of(const std::vector<discovered_link>& links) {
  std::vector<std::string> out;
  for (auto& l : links)
    out.push_back(std::string(to_string(l.kind)) + " " + l.url);
  return out;
}

const category_signal* signal_of(const website_analysis& a, signal_category c) {
  for (auto& s : a.signals)
    if (s.category == c)
      return &s;
  return nullptr;
}

} // namespace

BOOST_AUTO_TEST_CASE(law_firm_home_page) {
  auto home = page("https://www.anwaltniemeyer.de/",
                   read_data("pages/trafilatura/legal_anwaltniemeyer_de_homepage.html"));
  auto a = analyse_one(home);
  BOOST_TEST(a.reachable);
  BOOST_TEST(a.title == "Anwalt Niemeyer");
  BOOST_TEST(a.language == "de");
  BOOST_TEST(a.charset == "UTF-8");
  BOOST_TEST(a.meta_description.rfind("Rechtsanwalt Jens-Christof Niemeyer ist im "
                                      "Internetrecht/IT-Recht",
                                      0) == 0);
  BOOST_TEST(contains(a.visible_text, "Ich bin Jens-Christof Niemeyer, Rechtsanwalt und "
                                      "Fachanwalt für IT-Recht."));
  // Scripts and styles never reach the text.
  BOOST_TEST(!contains(a.visible_text, "function("));
  BOOST_TEST(!contains(a.visible_text, "{"));
  BOOST_TEST(a.visible_text_bytes == a.visible_text.size());
  BOOST_TEST(a.contacts.emails == std::vector<std::string>{"kanzlei@anwaltniemeyer.de"});
  BOOST_REQUIRE(a.contacts.phones.size() == 1u);
  BOOST_TEST(a.contacts.phones[0].number == "+4952258738444");
  BOOST_TEST(a.contacts.phones[0].source == "tel");
  BOOST_TEST(a.contacts.addresses ==
             std::vector<std::string>{"Vorwerks Hof 9, 32130 Enger"});
  BOOST_REQUIRE(a.contacts.social.size() == 1u);
  BOOST_TEST(a.contacts.social[0].platform == "linkedin");
  BOOST_TEST(a.contacts.social[0].url == "https://www.linkedin.com/in/jcniemeyer");
  BOOST_TEST(a.signals.empty());
  BOOST_TEST(!a.parked.parked);
  BOOST_TEST(!a.parked.under_construction);
}

BOOST_AUTO_TEST_CASE(law_firm_pages_to_fetch) {
  auto home = page("https://www.anwaltniemeyer.de/",
                   read_data("pages/trafilatura/legal_anwaltniemeyer_de_homepage.html"));
  // kontakt.html is only linked inside an HTML comment: not a link.
  auto links = engine().discover_from(home);
  BOOST_TEST(urls_of(links) ==
                 (std::vector<std::string>{
                     "imprint https://www.anwaltniemeyer.de/impressum.html",
                     "privacy https://www.anwaltniemeyer.de/datenschutzhinweise.html"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(agency_imprint_page) {
  const std::string url =
      "https://www.markeich.de/kontakt/impressum-werbeagentur-soltau/";
  auto a = analyse_one(
      page(url, read_data("pages/trafilatura/agency_markeich_de_impressum.html")),
      {"Marke Ich GmbH", std::string("Agentur MARKE ICH"), {}, {}, {}});
  BOOST_TEST(a.title == "Impressum - Werbeagentur MARKE ICH | Soltau im Heidekreis");
  BOOST_TEST(a.language == "de-DE");
  BOOST_TEST(a.meta_description == "Impressum der Werbeagentur MARKE ICH in Soltau im "
                                   "Heidekreis.");
  BOOST_TEST(a.contacts.emails == std::vector<std::string>{"info@markeich.de"});
  BOOST_TEST(a.contacts.addresses ==
                 (std::vector<std::string>{"Heidjerweg 1, 29614 Soltau",
                                           "Gothaer Allee 1, 50969 Köln"}),
             boost::test_tools::per_element());
  std::vector<std::string> social;
  for (auto& s : a.contacts.social)
    social.push_back(s.platform + " " + s.url);
  BOOST_TEST(social == (std::vector<std::string>{
                           "facebook https://www.facebook.com/markeich",
                           "x https://twitter.com/marke_ich",
                           "instagram https://www.instagram.com/agentur.markeich"}),
             boost::test_tools::per_element());
  // "Fon 05191 979238" has no country code and no tel: link: not a phone number.
  BOOST_TEST(a.contacts.phones.empty());
  BOOST_TEST(contains(a.visible_text, "Umsatzsteuer-Identifikationsnummer gemäß §27 a "
                                      "Umsatzsteuergesetz: DE246292916"));
  BOOST_REQUIRE(a.consistency.legal_name);
  BOOST_TEST(a.consistency.legal_name->normalized == "marke ich");
  BOOST_TEST(a.consistency.legal_name->found);
  BOOST_TEST(a.consistency.legal_name->page_url == url);
  BOOST_REQUIRE(a.consistency.dba_name);
  BOOST_TEST(a.consistency.dba_name->found);

  auto other = analyse_one(
      page(url, read_data("pages/trafilatura/agency_markeich_de_impressum.html")),
      {"Soltau Widgets Ltd", {}, {}, {}, {}});
  BOOST_TEST(other.consistency.legal_name->normalized == "soltau widgets");
  BOOST_TEST(!other.consistency.legal_name->found);
  BOOST_TEST(!other.consistency.dba_name);
}

BOOST_AUTO_TEST_CASE(agency_pages_to_fetch) {
  const std::string url =
      "https://www.markeich.de/kontakt/impressum-werbeagentur-soltau/";
  auto p = page(url, read_data("pages/trafilatura/agency_markeich_de_impressum.html"));
  // The page itself (linked from itself) is not fetched again; one page of each kind
  // comes first, then the rest by kind and document order.
  auto links = engine().discover_from(p);
  BOOST_TEST(
      urls_of(links) ==
          (std::vector<std::string>{
              "contact https://www.markeich.de/kontakt-werbeagentur-soltau/",
              "contact https://www.markeich.de/kontakt/anfahrt-werbeagentur-soltau/",
              "about https://www.markeich.de/unternehmen/",
              "about https://www.markeich.de/unternehmen/werbeagentur-soltau-heidekreis/",
              "privacy https://www.markeich.de/kontakt/datenschutz/"}),
      boost::test_tools::per_element());
  analysis_options two;
  two.max_pages = 2;
  website_engine small(load_signal_tables().tables, two);
  BOOST_TEST(urls_of(small.discover_from(p)) ==
                 (std::vector<std::string>{
                     "contact https://www.markeich.de/kontakt-werbeagentur-soltau/",
                     "about https://www.markeich.de/unternehmen/"}),
             boost::test_tools::per_element());
  // From the site's home page, the imprint is a page to fetch.
  p.url = "https://www.markeich.de/";
  auto from_home = urls_of(engine().discover_from(p));
  BOOST_TEST(
      std::count(
          from_home.begin(), from_home.end(),
          "imprint https://www.markeich.de/kontakt/impressum-werbeagentur-soltau/") == 1);
}

BOOST_AUTO_TEST_CASE(association_page_with_svg_titles) {
  auto a = analyse_one(page("https://www.iab.com/news/lean/",
                            read_data("pages/readability/iab-1/source.html")));
  // The page has <title> elements inside inline SVG icons too ("arrow-down").
  BOOST_TEST(a.title == "Getting LEAN with Digital Ad UX | IAB");
  BOOST_TEST(a.language == "en-US");
  BOOST_TEST(a.contacts.emails ==
                 (std::vector<std::string>{"membership@iab.com", "adblocking@iab.com"}),
             boost::test_tools::per_element());
  std::vector<std::string> platforms;
  for (auto& s : a.contacts.social)
    platforms.push_back(s.platform);
  BOOST_TEST(platforms == (std::vector<std::string>{"x", "facebook", "linkedin",
                                                    "instagram", "youtube"}),
             boost::test_tools::per_element());
  BOOST_TEST(contains(a.visible_text,
                      "We messed up. As technologists, tasked with delivering "
                      "content and services to users, we lost track of the "
                      "user experience."));
  BOOST_TEST(!contains(a.visible_text, "arrow-down"));
}

BOOST_AUTO_TEST_CASE(credit_marketplace_signals) {
  auto a = analyse_one(page("https://www.smava.de/privatkredit/zinsen/",
                            read_data("pages/trafilatura/fintech_smava_de.html")));
  BOOST_TEST(a.title == "Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten | SMAVA");
  BOOST_TEST(a.language == "de-DE");
  auto s = signal_of(a, signal_category::high_risk_financial);
  BOOST_REQUIRE(s);
  // "Kredit ohne Schufa" (50) and "Sofortkredit" (20) are links of its menu.
  BOOST_TEST(s->score == 70);
  BOOST_REQUIRE(s->evidence.size() == 2u);
  BOOST_TEST(s->evidence[0].term == "kredit ohne schufa");
  BOOST_TEST(contains(s->evidence[0].snippet, "Kredit ohne Schufa"));
  BOOST_TEST(s->evidence[1].term == "sofortkredit");
  BOOST_TEST(a.signals.size() == 1u);
  auto risk = to_risk_input(a);
  BOOST_TEST(risk.prohibited_content == std::vector<std::string>{"high_risk_financial"});
  BOOST_TEST(to_risk_input(a, 71).prohibited_content.empty());
}

BOOST_AUTO_TEST_CASE(declared_gb2312_page_saved_as_utf8) {
  // The copy in Mozilla's test suite was re-saved as UTF-8 but keeps <meta
  // charset=gb2312>: valid non-ASCII UTF-8 wins over the declaration.
  auto a = analyse_one(page("https://tech.qq.com/a/20161014/",
                            read_data("pages/readability/qq/source.html")));
  BOOST_TEST(a.title == "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶_科技_腾讯网");
  BOOST_TEST(a.charset == "UTF-8");
  BOOST_TEST(a.pages[0].charset_source == "utf8_valid");
  auto decoded = decode_page(read_data("pages/readability/qq/source.html"), "");
  BOOST_TEST(decoded.declared == "gb2312");
}

BOOST_AUTO_TEST_CASE(latin1_page_decodes) {
  auto body = read_data("latin1_bakery_WRITTEN.html");
  BOOST_REQUIRE(body.find('\xFC') != std::string::npos); // "ü" as one Latin-1 byte
  auto a = analyse_one(page("https://www.baeckerei-mueller.example/", body));
  BOOST_TEST(a.title == "Bäckerei Müller · Über uns");
  BOOST_TEST(a.charset == "windows-1252");
  BOOST_TEST(a.pages[0].charset_source == "meta");
  BOOST_TEST(a.meta_description == "Frische Brötchen für Groß und Klein");
  BOOST_TEST(contains(a.visible_text,
                      "Frische Brötchen für Groß und Klein, seit 1921 in München."));
  // Navigation and footer are not visible text; they are searched for contacts.
  BOOST_TEST(!contains(a.visible_text, "Start"));
  BOOST_TEST(!contains(a.visible_text, "Impressum"));
  BOOST_TEST(a.contacts.addresses ==
             std::vector<std::string>{"Hauptstraße 5, 80331 München"});
  BOOST_REQUIRE(a.contacts.phones.size() == 1u);
  BOOST_TEST(a.contacts.phones[0].number == "+49891234560");
  BOOST_TEST(a.contacts.phones[0].as_written == "+49 89 1234560");
  BOOST_TEST(a.contacts.emails ==
             std::vector<std::string>{"info@baeckerei-mueller.example"});
  BOOST_TEST(urls_of(engine().discover_from(
                 page("https://www.baeckerei-mueller.example/", body))) ==
                 (std::vector<std::string>{
                     "contact https://www.baeckerei-mueller.example/kontakt.html",
                     "imprint https://www.baeckerei-mueller.example/impressum.html",
                     "about https://www.baeckerei-mueller.example/ueber-uns.html"}),
             boost::test_tools::per_element());
  // The header's charset comes before the page's own declaration.
  auto header = decode_page(body, "text/html; charset=ISO-8859-1");
  BOOST_TEST(header.source == charset_source::header);
  BOOST_TEST(header.charset == "windows-1252");
  BOOST_TEST(contains(header.utf8, "Bäckerei Müller"));
}

BOOST_AUTO_TEST_CASE(undeclared_windows_1252_page_decodes) {
  auto body = read_data("cp1252_undeclared_WRITTEN.html");
  auto a = analyse_one(page("https://cafe.example/", body, "text/html"));
  BOOST_TEST(a.charset == "windows-1252");
  BOOST_TEST(a.pages[0].charset_source == "fallback");
  BOOST_TEST(a.title == "Café Crème – Menü");
  BOOST_TEST(contains(a.visible_text, "Espresso 2,50 € – Croissant 1,80 €"));
  BOOST_TEST(contains(a.visible_text, "„Geöffnet“ täglich"));
}

BOOST_AUTO_TEST_CASE(shift_jis_page_decodes) {
  auto body = read_data("shift_jis_company_WRITTEN.html");
  auto a = analyse_one(page("https://www.sample-shoji.example/", body));
  BOOST_TEST(a.charset == "windows-31j");
  BOOST_TEST(a.pages[0].charset_source == "meta");
  BOOST_TEST(a.title == "株式会社サンプル商事｜会社概要");
  BOOST_TEST(a.language == "ja");
  BOOST_TEST(a.meta_description == "東京の文房具卸売り");
  BOOST_TEST(
      contains(a.visible_text, "株式会社サンプル商事は文房具の卸売りを行っています。"));
  BOOST_TEST(contains(a.visible_text, "〒100-0005 東京都千代田区丸の内1-1-1"));
  BOOST_REQUIRE(a.contacts.phones.size() == 1u);
  BOOST_TEST(a.contacts.phones[0].number == "+81312345678");
  BOOST_TEST(
      urls_of(engine().discover_from(page("https://www.sample-shoji.example/", body))) ==
          (std::vector<std::string>{"contact https://www.sample-shoji.example/contact/",
                                    "about https://www.sample-shoji.example/company/"}),
      boost::test_tools::per_element());
  // Declared by the header only.
  std::string no_meta = body;
  no_meta.erase(no_meta.find("<meta charset=\"Shift_JIS\">"), 25);
  auto decoded = decode_page(no_meta, "text/html; charset=Shift_JIS");
  BOOST_TEST(decoded.source == charset_source::header);
  BOOST_TEST(decoded.declared == "Shift_JIS");
  BOOST_TEST(contains(decoded.utf8, "株式会社サンプル商事"));
  BOOST_TEST(!decoded.replaced);
  // Without any declaration the bytes are not UTF-8: windows-1252, and no Japanese.
  auto undeclared = decode_page(no_meta, "");
  BOOST_TEST(undeclared.source == charset_source::fallback);
  BOOST_TEST(!contains(undeclared.utf8, "株式会社"));
}

BOOST_AUTO_TEST_CASE(iso_8859_1_label_on_ascii_page) {
  auto a =
      analyse_one(page("http://www.hundeverein-kreisunna.de/",
                       read_data("pages/trafilatura/club_hundeverein_de_home.html"), ""));
  BOOST_TEST(a.title == "Hunde Verein Kreis Unna 1990 e. V.");
  BOOST_TEST(a.charset == "windows-1252");
  // Written as &auml; entities in the page.
  BOOST_TEST(contains(a.visible_text, "Beitrittserklärung"));
  BOOST_TEST(urls_of(engine().discover_from(
                 page("http://www.hundeverein-kreisunna.de/",
                      read_data("pages/trafilatura/club_hundeverein_de_home.html")))) ==
                 (std::vector<std::string>{
                     "contact http://www.hundeverein-kreisunna.de/kontakt.html"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(thin_page_without_parking_phrases) {
  auto a = analyse_one(page("https://www.prof-pc.de/",
                            read_data("pages/trafilatura/tiny_prof-pc_de_home.html")));
  BOOST_TEST(a.title == "Home");
  BOOST_TEST(a.language == "de-de");
  BOOST_TEST(a.visible_text.rfind("Time to say goodbye.", 0) == 0);
  BOOST_TEST(a.visible_text_bytes < 1500u);
  BOOST_TEST(!a.parked.parked);
  BOOST_TEST(!a.parked.under_construction);
  BOOST_TEST(a.parked.evidence.empty());
  BOOST_REQUIRE(a.contacts.social.size() == 1u);
  BOOST_TEST(a.contacts.social[0].url == "https://twitter.com/baltpeter");
  BOOST_TEST(a.contacts.empty()); // no email, phone or address
  auto risk = to_risk_input(a);
  BOOST_REQUIRE(risk.contact_details_found);
  BOOST_TEST(!*risk.contact_details_found);
}

BOOST_AUTO_TEST_CASE(parked_domain_for_sale) {
  auto a = analyse_one(
      page("http://example-widgets.com/", read_data("parked_for_sale_WRITTEN.html")));
  BOOST_TEST(a.parked.parked);
  BOOST_TEST(!a.parked.under_construction);
  std::vector<std::string> hits;
  for (auto& h : a.parked.evidence)
    hits.push_back(std::string(to_string(h.kind)) + ": " + h.evidence.term);
  BOOST_TEST(hits == (std::vector<std::string>{"for_sale: this domain is for sale",
                                               "for_sale: make an offer on this domain",
                                               "for_sale: buy this domain",
                                               "parking: sedoparking.com"}),
             boost::test_tools::per_element());
  BOOST_TEST(contains(a.parked.evidence[0].evidence.snippet, "This domain is for sale!"));
  auto j = to_json(a);
  BOOST_TEST(j["parked"]["parked"] == true);
  BOOST_TEST(j["parked"]["evidence"][3]["kind"] == "parking");
}

BOOST_AUTO_TEST_CASE(under_construction_only_on_thin_pages) {
  auto body = read_data("under_construction_WRITTEN.html");
  auto a = analyse_one(page("https://acme-widgets.example/", body),
                       {"Acme Widgets LLC", std::string("Acme Gadgets"), {}, {}, {}});
  BOOST_TEST(a.parked.under_construction);
  BOOST_TEST(!a.parked.parked);
  BOOST_REQUIRE(a.parked.evidence.size() == 2u);
  BOOST_TEST(a.parked.evidence[0].evidence.term == "coming soon"); // in the title
  BOOST_TEST(a.parked.evidence[1].evidence.term == "under construction");
  BOOST_TEST(a.consistency.legal_name->normalized == "acme widgets");
  BOOST_TEST(a.consistency.legal_name->found);
  BOOST_TEST(!a.consistency.dba_name->found);
  BOOST_TEST(a.contacts.emails == std::vector<std::string>{"hello@acme-widgets.example"});

  // The same phrase in the body of a full page is not a sign.
  auto full = read_data("pages/trafilatura/fintech_smava_de.html");
  full.insert(full.rfind("</body>"), "<p>New offers coming soon.</p>");
  auto b = analyse_one(page("https://www.smava.de/", full));
  BOOST_TEST(contains(b.visible_text, "New offers coming soon."));
  BOOST_TEST(!b.parked.under_construction);
  BOOST_TEST(b.parked.evidence.empty());
}

BOOST_AUTO_TEST_CASE(content_signals_with_evidence) {
  auto a = analyse_one(
      page("https://lucky-star.example/", read_data("high_risk_signals_WRITTEN.html")));
  auto gambling = signal_of(a, signal_category::gambling);
  BOOST_REQUIRE(gambling);
  // online casino 60 + casino 30 + roulette 30 + blackjack 30 + free spins 50, capped.
  BOOST_TEST(gambling->score == 100);
  std::vector<std::string> terms;
  for (auto& e : gambling->evidence)
    terms.push_back(e.term + " x" + std::to_string(e.occurrences));
  // Title first; "casinos-like", "pokerface" and "unroulette" are other words.
  BOOST_TEST(terms ==
                 (std::vector<std::string>{"online casino x2", "casino x4", "roulette x1",
                                           "blackjack x1", "free spins x1"}),
             boost::test_tools::per_element());
  auto pharmacy = signal_of(a, signal_category::pharmacy_no_prescription);
  BOOST_REQUIRE(pharmacy);
  BOOST_TEST(pharmacy->score == 100);
  BOOST_TEST(
      contains(pharmacy->evidence[0].snippet, "ships Tramadol without prescription"));
  auto crypto = signal_of(a, signal_category::crypto);
  BOOST_REQUIRE(crypto);
  BOOST_TEST(crypto->score == 40); // "Bitcoin" once; "bitcoins" is another word
  auto adult = signal_of(a, signal_category::adult);
  BOOST_REQUIRE(adult);
  BOOST_TEST(adult->score == 20);
  BOOST_TEST(!signal_of(a, signal_category::weapons));

  auto risk = to_risk_input(a);
  BOOST_TEST(risk.prohibited_content ==
                 (std::vector<std::string>{"gambling", "pharmacy_no_prescription"}),
             boost::test_tools::per_element());
  BOOST_TEST(risk.reachable);
  BOOST_TEST(!risk.tls_valid);
  BOOST_REQUIRE(risk.contact_details_found);
  BOOST_TEST(!*risk.contact_details_found);
}

BOOST_AUTO_TEST_CASE(reachability_redirect_and_tls) {
  auto home = page("http://www.anwaltniemeyer.de/",
                   read_data("pages/trafilatura/legal_anwaltniemeyer_de_homepage.html"));
  home.final_url = "https://www.anwaltniemeyer.de/";
  home.response_time = std::chrono::milliseconds(412);
  tls_facts tls;
  tls.valid_chain = true;
  tls.issuer = "C=US, O=Let's Encrypt, CN=R3";
  tls.hostname_match = true;
  tls.protocol = "TLSv1.3";
  tls.not_after = now + std::chrono::hours(24 * 10 + 1);
  home.tls = tls;
  auto a = analyse_one(home);
  BOOST_TEST(a.reachable);
  BOOST_TEST(a.https_redirect);
  BOOST_TEST(a.final_url == "https://www.anwaltniemeyer.de/");
  BOOST_TEST(a.response_time_ms == 412);
  BOOST_REQUIRE(a.tls);
  BOOST_TEST(*a.tls->days_to_expiry == 10);
  BOOST_TEST(a.tls->valid());
  BOOST_TEST(*to_risk_input(a).tls_valid);
  auto j = to_json(a);
  BOOST_TEST(j["tls"]["days_to_expiry"] == 10);
  BOOST_TEST(j["tls"]["issuer"] == "C=US, O=Let's Encrypt, CN=R3");
  BOOST_TEST(j["tls"]["protocol"] == "TLSv1.3");
  BOOST_TEST(j["https_redirect"] == true);

  home.tls->not_after = now - std::chrono::seconds(1);
  auto expired = analyse_one(home);
  BOOST_TEST(*expired.tls->days_to_expiry == -1);
  BOOST_TEST(!expired.tls->valid());
  BOOST_TEST(!*to_risk_input(expired).tls_valid);
  home.tls->not_after = now + std::chrono::hours(24 * 30);
  home.tls->hostname_match = false;
  BOOST_TEST(!*to_risk_input(analyse_one(home)).tls_valid);

  fetched_page down;
  down.url = "https://gone.example/";
  down.error = "connect timeout";
  auto d = analyse_one(down);
  BOOST_TEST(!d.reachable);
  BOOST_TEST(d.error == "connect timeout");
  auto risk = to_risk_input(d);
  BOOST_TEST(!risk.reachable);
  BOOST_TEST(!risk.contact_details_found);
  BOOST_TEST(!risk.tls_valid);
  auto missing = page("https://gone.example/", "<html><title>Not Found</title></html>");
  missing.status = 404;
  auto m = analyse_one(missing);
  BOOST_TEST(!m.reachable);
  BOOST_TEST(m.pages[0].skipped == "HTTP status 404");
  BOOST_TEST(m.title.empty());
}

BOOST_AUTO_TEST_CASE(several_pages_of_one_site) {
  const std::string site = "https://www.baeckerei-mueller.example";
  auto home = page(site + "/", read_data("latin1_bakery_WRITTEN.html"));
  auto contact = page(site + "/kontakt.html", "");
  contact.status = 404;
  auto imprint =
      page(site + "/impressum.html", read_data("cp1252_undeclared_WRITTEN.html"), "");
  auto a =
      engine().analyse(home, {contact, imprint}, {"Café Crème", {}, {}, {}, {}}, now);
  BOOST_REQUIRE(a.pages.size() == 3u);
  BOOST_TEST(to_string(a.pages[0].kind) == std::string("home"));
  BOOST_TEST(to_string(a.pages[1].kind) == std::string("contact"));
  BOOST_TEST(a.pages[1].status == 404);
  BOOST_TEST(to_string(a.pages[2].kind) == std::string("imprint"));
  BOOST_TEST(a.pages[2].charset == "windows-1252");
  BOOST_TEST(a.pages[2].title == "Café Crème – Menü");
  // Home page first, then the others, separated by a blank line.
  auto split = a.visible_text.find("\n\nEspresso 2,50 €");
  BOOST_TEST(split != std::string::npos);
  BOOST_TEST(contains(a.visible_text.substr(0, split), "seit 1921 in München."));
  BOOST_TEST(a.title == "Bäckerei Müller · Über uns"); // the home page's
  BOOST_TEST(a.consistency.legal_name->found);
  BOOST_TEST(a.consistency.legal_name->page_url == site + "/impressum.html");
}

BOOST_AUTO_TEST_CASE(mcc_agreement) {
  business_facts b{
      "Bäckerei Müller GmbH", {}, std::string("5462"), std::string("5462"), 0.81};
  auto a = analyse_one(page("https://www.baeckerei-mueller.example/",
                            read_data("latin1_bakery_WRITTEN.html")),
                       b);
  BOOST_TEST(a.consistency.mcc_agreement == "agreement");
  BOOST_TEST(a.consistency.legal_name->normalized == "backerei muller");
  BOOST_TEST(a.consistency.legal_name->found);
  set_predicted_mcc(a, std::string("5812"), 0.55);
  BOOST_TEST(a.consistency.mcc_agreement == "mismatch");
  BOOST_TEST(*a.consistency.predicted_confidence == 0.55);
  set_predicted_mcc(a, std::nullopt);
  BOOST_TEST(a.consistency.mcc_agreement == "unknown");
  BOOST_TEST(!a.consistency.predicted_confidence);
  a.consistency.stored_mcc.reset();
  set_predicted_mcc(a, std::string("5462"));
  BOOST_TEST(a.consistency.mcc_agreement == "unknown");
  auto j = to_json(a);
  BOOST_TEST(j["consistency"]["mcc_agreement"] == "unknown");
  BOOST_TEST(j["consistency"]["predicted_mcc"] == "5462");
}

BOOST_AUTO_TEST_CASE(json_shape) {
  auto a = analyse_one(
      page("https://www.anwaltniemeyer.de/",
           read_data("pages/trafilatura/legal_anwaltniemeyer_de_homepage.html")));
  auto j = to_json(a);
  for (const char* key :
       {"url", "reachable", "final_url", "status", "https_redirect", "response_time_ms",
        "tls", "title", "meta_description", "language", "charset", "visible_text_bytes",
        "pages", "contacts", "signals", "parked", "consistency", "tables_version"})
    BOOST_TEST(j.contains(key), key);
  BOOST_TEST(!j.contains("visible_text"));
  BOOST_TEST(j["contacts"]["emails"][0] == "kanzlei@anwaltniemeyer.de");
  BOOST_TEST(j["pages"][0]["kind"] == "home");
  BOOST_TEST(j["tls"].is_null());
  auto with_text = to_json(a, {true});
  BOOST_TEST(with_text["visible_text"] == a.visible_text);
  BOOST_TEST(j["visible_text_bytes"] == a.visible_text.size());
}

BOOST_AUTO_TEST_CASE(deterministic) {
  const std::string site = "https://www.markeich.de/";
  auto p = page(site, read_data("pages/trafilatura/agency_markeich_de_impressum.html"));
  auto q =
      page(site + "kontakt/datenschutz/", read_data("high_risk_signals_WRITTEN.html"));
  business_facts b{"Marke Ich GmbH", {}, std::string("7311"), std::string("7311"), 0.9};
  auto first = to_json(engine().analyse(p, {q}, b, now), {true}).dump();
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(to_json(engine().analyse(p, {q}, b, now), {true}).dump() == first);
  auto links = urls_of(engine().discover_from(p));
  BOOST_TEST(urls_of(engine().discover_from(p)) == links,
             boost::test_tools::per_element());
  // An engine over a fresh load of the same tables answers the same.
  website_engine other(load_signal_tables().tables);
  BOOST_TEST(to_json(other.analyse(p, {q}, b, now), {true}).dump() == first);
}

BOOST_AUTO_TEST_CASE(base_href_language_header_and_addresses) {
  auto p = page("https://www.acme.example/",
                "<html><head><title>Acme</title>"
                "<base href=\"https://www.acme.example/shop/\">"
                "</head><body>"
                "<a href=\"kontakt.html\">Write to us</a>"
                "<a href=\"../legal/terms\">T&amp;C</a>"
                "<a href=\"https://shop.acme.example/about-us\">Team</a>"
                "<a href=\"https://acme-fake.example/impressum\">X</a>"
                "<address>1 Main St<br>Dover, DE 19901</address>"
                "<p>10 Downing Street, London SW1A 2AA</p>"
                "<p>Founded 2015 in a garage on Elm Road.</p>"
                "<p>Call +1 (302) 555-0147 or +44 20 7946 0958</p>"
                "</body></html>");
  p.headers.emplace_back("Content-Language", "en-GB");
  auto a = analyse_one(p);
  BOOST_TEST(a.language == "en-GB"); // no <html lang>: the header
  BOOST_TEST(a.contacts.addresses ==
                 (std::vector<std::string>{"1 Main St, Dover, DE 19901",
                                           "10 Downing Street, London SW1A 2AA"}),
             boost::test_tools::per_element());
  std::vector<std::string> phones;
  for (auto& ph : a.contacts.phones)
    phones.push_back(ph.number + " " + ph.source);
  BOOST_TEST(phones ==
                 (std::vector<std::string>{"+13025550147 text", "+442079460958 text"}),
             boost::test_tools::per_element());
  // Relative links resolve against <base href>; another registrable domain is another
  // site, a subdomain is the same site.
  BOOST_TEST(
      urls_of(engine().discover_from(p)) ==
          (std::vector<std::string>{"contact https://www.acme.example/shop/kontakt.html",
                                    "about https://shop.acme.example/about-us",
                                    "terms https://www.acme.example/legal/terms"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(kind_of_fetched_pages) {
  auto home =
      page("https://cms.example/", "<html><body><a href=\"/p/17#top\">Impressum</a>"
                                   "<a href=\"/p/18\">Kontakt</a></body></html>");
  auto imprint = page("https://cms.example/p/17",
                      "<p>Example GmbH, Musterweg 1, 12345 Musterstadt</p>");
  auto contact = page("https://cms.example/p/18", "<p>Contact us</p>");
  contact.final_url = "https://cms.example/kontakt/";
  auto unlinked = page("https://cms.example/p/99", "<p>Something else</p>");
  auto a = engine().analyse(home, {imprint, contact, unlinked}, {}, now);
  BOOST_REQUIRE(a.pages.size() == 4u);
  // The anchor text of the home page's link names the first two; the third says nothing.
  BOOST_TEST(to_string(a.pages[1].kind) == std::string("imprint"));
  BOOST_TEST(to_string(a.pages[2].kind) == std::string("contact"));
  BOOST_TEST(to_string(a.pages[3].kind) == std::string("other"));
  BOOST_TEST(a.contacts.addresses ==
             std::vector<std::string>{"Example GmbH, Musterweg 1, 12345 Musterstadt"});
  BOOST_TEST(to_json(a)["pages"][3]["kind"] == "other");
}

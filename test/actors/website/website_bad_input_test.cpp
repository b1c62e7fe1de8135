// The website engine on input a hostile or broken site sends: empty and binary bodies,
// a 20 MB page, truncated HTML, deep nesting, undecodable bytes, unknown charsets and
// junk URLs. Each ends in an analysis, in bounded time and memory.
#define BOOST_TEST_MODULE website_bad_input
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

#include "actors/website/charset.hpp"
#include "actors/website/website_risk_input.hpp"
#include "test/actors/website/website_fixtures.hpp"

using namespace kyb::website;
using kyb::website::test::engine;
using kyb::website::test::page;
using kyb::website::test::read_data;

namespace {

const auto now = test::at_unix(1767225600);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string random_bytes(size_t n, unsigned seed, unsigned char low) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> byte(low, 255);
  std::string out(n, '\0');
  for (auto& c : out)
    c = static_cast<char>(byte(gen));
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(empty_body) {
  auto a = engine().analyse(page("https://empty.example/", ""), {},
                            {"Empty Ltd", {}, {}, {}, {}}, now);
  BOOST_TEST(a.reachable);
  BOOST_TEST(a.pages[0].skipped == "empty body");
  BOOST_TEST(a.visible_text.empty());
  BOOST_TEST(a.title.empty());
  BOOST_TEST(!a.consistency.legal_name->found);
  BOOST_TEST(engine().discover_from(page("https://empty.example/", "")).empty());
  auto risk = to_risk_input(a);
  BOOST_TEST(!*risk.contact_details_found);
  BOOST_TEST(to_json(a)["pages"][0]["skipped"] == "empty body");
}

BOOST_AUTO_TEST_CASE(binary_bodies) {
  // Bytes with NULs: not read at all.
  auto with_nuls = page("https://bin.example/", random_bytes(1 << 20, 7, 0), "");
  auto a = engine().analyse(with_nuls, {}, {}, now);
  BOOST_TEST(a.pages[0].skipped == "binary content");
  BOOST_TEST(a.visible_text.empty());
  // A declared image is not read either.
  auto image = page("https://bin.example/logo", read_data("latin1_bakery_WRITTEN.html"),
                    "image/png");
  BOOST_TEST(engine().analyse(image, {}, {}, now).pages[0].skipped ==
             "not HTML: image/png");
  // High bytes without NULs, sent as HTML: decoded as windows-1252, text capped.
  auto high = page("https://bin.example/", random_bytes(1 << 20, 11, 0x80));
  auto b = engine().analyse(high, {}, {}, now);
  BOOST_TEST(b.pages[0].skipped.empty());
  BOOST_TEST(b.charset == "windows-1252");
  BOOST_TEST(b.visible_text.size() <= 200u * 1024);
  BOOST_TEST(b.visible_text_truncated);
  BOOST_TEST(!to_json(b, {true}).dump().empty()); // valid UTF-8 throughout
}

BOOST_AUTO_TEST_CASE(twenty_megabyte_page) {
  std::string body = "<!DOCTYPE html><html><head><title>Big</title></head><body>";
  const std::string chunk =
      "<div><p>Row of text with casino words and more words</p></div>\n";
  while (body.size() < 20u << 20)
    body += chunk;
  body += "<p>info@never-read.example</p></body></html>";
  auto rss_before = max_rss_kib();
  auto start = std::chrono::steady_clock::now();
  auto a = engine().analyse(page("https://big.example/", body), {}, {}, now);
  auto elapsed = seconds_since(start);
  BOOST_TEST_MESSAGE("20 MB page: " << elapsed << " s, max RSS grew by "
                                    << (max_rss_kib() - rss_before) / 1024 << " MiB");
  BOOST_TEST(a.title == "Big");
  BOOST_TEST(a.pages[0].body_bytes == body.size());
  BOOST_TEST(a.pages[0].body_truncated); // only the first 2 MiB are read
  BOOST_TEST(a.visible_text.size() <= 200u * 1024);
  BOOST_TEST(a.visible_text_truncated);
  BOOST_TEST(a.contacts.emails.empty()); // past the part read
  BOOST_TEST(elapsed < 60.0);            // sanitizer build on a shared machine
  BOOST_TEST(max_rss_kib() - rss_before < 512 * 1024); // under 512 MiB more
}

BOOST_AUTO_TEST_CASE(truncated_html) {
  auto full = read_data("pages/trafilatura/agency_markeich_de_impressum.html");
  // Cut inside the address block, in the middle of a tag.
  auto cut_at = full.find("<br/>\n        29614 Soltau");
  BOOST_REQUIRE(cut_at != std::string::npos);
  auto a = engine().analyse(page("https://www.markeich.de/", full.substr(0, cut_at + 3)),
                            {}, {}, now);
  BOOST_TEST(a.title == "Impressum - Werbeagentur MARKE ICH | Soltau im Heidekreis");
  BOOST_TEST(contains(a.visible_text, "Heidjerweg 1"));
  BOOST_TEST(!contains(a.visible_text, "29614 Soltau"));
  BOOST_TEST(a.contacts.addresses.empty());
  // Cut inside an attribute value, and after a single '<'.
  for (auto text :
       {std::string("<html><head><title>T</title></head><body><a href=\"/kont"),
        std::string("<"), std::string("<!--"), std::string("<html><body><p>x<"),
        std::string("<script>var a = '</scr")}) {
    auto b = engine().analyse(page("https://t.example/", text), {}, {}, now);
    BOOST_TEST(b.reachable);
  }
}

BOOST_AUTO_TEST_CASE(deeply_nested_tags) {
  // gumbo frees its tree recursively: 400,000 nested <i> (1.2 MB, inside the body cap)
  // overflowed the stack before the depth bound.
  struct nest {
    std::string open, close;
    int times;
  };
  for (auto& [open, close, times] :
       {nest{"<i>", "</i>", 400000}, nest{"<div>", "</div>", 100000},
        nest{"<b>", "</b>", 100000}, nest{"<span><i>", "</i></span>", 100000},
        nest{"<li><ul>", "</ul></li>", 100000},
        nest{"<table><tr><td>", "</td></tr></table>", 100000}}) {
    std::string body =
        "<html><head><title>Deep</title></head><body><p>Before the nest.</p>";
    for (int i = 0; i < times; ++i)
      body += open;
    body += "Inside the nest.";
    for (int i = 0; i < times; ++i)
      body += close;
    auto start = std::chrono::steady_clock::now();
    auto a = engine().analyse(page("https://deep.example/", body), {}, {}, now);
    BOOST_TEST_MESSAGE(open << " x" << times << ": " << seconds_since(start) << " s");
    BOOST_TEST(a.title == "Deep");
    BOOST_TEST(a.pages[0].depth_limited, open);
    BOOST_TEST(contains(a.visible_text, "Before the nest."), open);
    BOOST_TEST(seconds_since(start) < 60.0);
  }
  // A nest within the bound is read whole.
  std::string body = "<html><body>";
  for (int i = 0; i < 300; ++i)
    body += "<div>";
  body += "Inside the nest.";
  for (int i = 0; i < 300; ++i)
    body += "</div>";
  auto a = engine().analyse(page("https://deep.example/", body), {}, {}, now);
  BOOST_TEST(!a.pages[0].depth_limited);
  BOOST_TEST(contains(a.visible_text, "Inside the nest."));
  // Paragraphs and list items without end tags do not count as nesting.
  std::string flat = "<html><body>";
  for (int i = 0; i < 5000; ++i)
    flat += "<p>para <li>item ";
  flat += "<p>The end.";
  auto f = engine().analyse(page("https://flat.example/", flat), {}, {}, now);
  BOOST_TEST(!f.pages[0].depth_limited);
  BOOST_TEST(contains(f.visible_text, "The end."));
}

BOOST_AUTO_TEST_CASE(undecodable_and_unknown_charsets) {
  // Declared UTF-8 with a Latin-1 byte: U+FFFD in its place.
  auto bad = decode_page("<p>caf\xE9 au lait</p>", "text/html; charset=utf-8");
  BOOST_TEST(bad.replaced);
  BOOST_TEST(contains(bad.utf8, "caf\xEF\xBF\xBD au lait"));
  // A label nobody knows: decided from the bytes.
  auto unknown =
      decode_page("<p>caf\xC3\xA9</p>", "text/html; charset=x-no-such-charset");
  BOOST_TEST(unknown.charset == "UTF-8");
  BOOST_TEST(unknown.declared == "x-no-such-charset");
  auto unknown_latin =
      decode_page("<p>caf\xE9</p>", "text/html; charset=x-no-such-charset");
  BOOST_TEST(unknown_latin.charset == "windows-1252");
  BOOST_TEST(unknown_latin.utf8 == "<p>caf\xC3\xA9</p>");
  // Truncated multi-byte sequences at the very end.
  auto cut = decode_page("<p>\xE6\xA0", "text/html; charset=utf-8");
  BOOST_TEST(cut.replaced);
  auto sjis_cut = decode_page("<p>\x82", "text/html; charset=Shift_JIS");
  BOOST_TEST(sjis_cut.replaced);
  // UTF-16 with a byte-order mark.
  std::string utf16("\xFF\xFE<\0p\0>\0h\0i\0", 12);
  auto u16 = decode_page(utf16, "");
  BOOST_TEST(u16.source == charset_source::bom);
  BOOST_TEST(u16.utf8 == "<p>hi");
  // Meta declarations: quoted, unquoted, http-equiv, and UTF-16 (read as UTF-8).
  BOOST_TEST(sniff_meta_charset("<meta charset='KOI8-R'>") == "KOI8-R");
  BOOST_TEST(sniff_meta_charset("<META HTTP-EQUIV=\"Content-Type\" "
                                "CONTENT=\"text/html; charset=Shift_JIS\">") ==
             "Shift_JIS");
  BOOST_TEST(sniff_meta_charset("<meta charset=euc-jp>") == "euc-jp");
  BOOST_TEST(sniff_meta_charset("<meta name=x>").empty());
  BOOST_TEST(decode_page("<meta charset=\"utf-16\"><p>x", "").charset == "UTF-8");
}

BOOST_AUTO_TEST_CASE(junk_urls_and_links) {
  std::string body = "<html><head><base href=\"http://[::1\"></head><body>"
                     "<a href=\"javascript:alert(1)\">Kontakt</a>"
                     "<a href=\"data:text/html,x\">Impressum</a>"
                     "<a href=\"http://[bad\">About</a>"
                     "<a href=\"ftp://files.example/terms\">Terms</a>"
                     "<a href=\"mailto:\">mail</a>"
                     "<a href=\"mailto:not-an-address\">mail</a>"
                     "<a href=\"mailto:a@b@c.example\">mail</a>"
                     "<a href=\"mailto:Info%40Example.COM?subject=Hi\">mail</a>"
                     "<a href=\"tel:\">tel</a>"
                     "<a href=\"https://other-site.example/impressum\">Impressum</a>"
                     "<a href=\"/kontakt\">Kontakt</a>"
                     "<a href=\"/datenschutz.pdf\">Datenschutz</a>"
                     "</body></html>";
  auto p = page("https://site.example/", body);
  auto a = engine().analyse(p, {}, {}, now);
  BOOST_TEST(a.contacts.emails == std::vector<std::string>{"info@example.com"});
  BOOST_TEST(a.contacts.phones.empty());
  auto links = engine().discover_from(p);
  // The broken <base> is ignored; other sites, non-web schemes and documents are not
  // pages to fetch.
  BOOST_REQUIRE(links.size() == 1u);
  BOOST_TEST(links[0].url == "https://site.example/kontakt");
  // The page's own URL unusable: only absolute links are kept, nothing crashes.
  auto q = page("not a url", body);
  BOOST_TEST(engine().discover_from(q).empty());
  BOOST_TEST(engine().analyse(q, {}, {}, now).reachable);
}

BOOST_AUTO_TEST_CASE(urls_resolve) {
  auto base = parse_url("https://www.Example.co.uk/a/b/c.html?q=1#top");
  BOOST_REQUIRE(base);
  BOOST_TEST(base->host == "www.example.co.uk");
  auto r = [&](const char* ref) {
    auto u = resolve_url(*base, ref);
    return u ? u->to_string() : std::string("-");
  };
  BOOST_TEST(r("d.html") == "https://www.example.co.uk/a/b/d.html");
  BOOST_TEST(r("../d") == "https://www.example.co.uk/a/d");
  BOOST_TEST(r("../../../../d") == "https://www.example.co.uk/d");
  BOOST_TEST(r("/x/./y/../z") == "https://www.example.co.uk/x/z");
  BOOST_TEST(r("//cdn.example.com/s.js") == "https://cdn.example.com/s.js");
  BOOST_TEST(r("?p=2") == "https://www.example.co.uk/a/b/c.html?p=2");
  BOOST_TEST(r("#x") == "https://www.example.co.uk/a/b/c.html?q=1#x");
  BOOST_TEST(r("HTTP://Shop.Example.co.uk:8080") == "http://shop.example.co.uk:8080/");
  BOOST_TEST(r("a b") == "-");
  BOOST_TEST(registrable_host("shop.example.co.uk") == "example.co.uk");
  BOOST_TEST(registrable_host("www.example.de") == "example.de");
  BOOST_TEST(registrable_host("example.de") == "example.de");
  BOOST_TEST(registrable_host("192.168.1.10") == "192.168.1.10");
  BOOST_TEST(same_site(*parse_url("http://example.co.uk/"), *base));
  BOOST_TEST(!same_site(*parse_url("https://other.co.uk/"), *base));
  BOOST_TEST(!parse_url("https://"));
  BOOST_TEST(!parse_url("https://host:port/"));
  BOOST_TEST(!parse_url("/relative"));
}

BOOST_AUTO_TEST_CASE(header_and_fetcher_bytes_that_are_not_utf8) {
  // Found by website_page_fuzz: a Content-Type with a non-UTF-8 byte reached the JSON
  // (which throws on invalid UTF-8) through the skip reason.
  auto p = page("https://x.example/\xE9t\xE9",
                "<html><body><a href=\"tel:%FF1234567\">t</a>"
                "</body></html>",
                "t\x92xt/html");
  auto a = engine().analyse(p, {}, {}, now);
  BOOST_TEST(a.pages[0].skipped == "not HTML: t\xEF\xBF\xBDxt/html");
  BOOST_CHECK_NO_THROW(to_json(a).dump());
  p.headers = {{"Content-Type", "text/html"}, {"Content-Language", "d\xFF"}};
  p.final_url = "https://x.example/\xC3";
  p.tls = tls_facts{true, "CN=\xE9", std::nullopt, true, "TLSv1.3\xFF"};
  auto b = engine().analyse(p, {}, {}, now);
  BOOST_TEST(b.language == "d\xEF\xBF\xBD");
  BOOST_REQUIRE(b.contacts.phones.size() == 1u);
  BOOST_TEST(b.contacts.phones[0].as_written == "%FF1234567");
  BOOST_CHECK_NO_THROW(to_json(b, {true}).dump());
  BOOST_TEST(to_json(b)["final_url"] == "https://x.example/\xEF\xBF\xBD");
}

// The website analysis engine (actors/website) on hostile pages. The input is a
// Content-Type header value, a line "%%", and the body bytes. Checked: every text the
// analysis holds is valid UTF-8 (the JSON writer throws otherwise) and within its cap,
// links are absolute http(s) URLs, pages to fetch are of the same site and at most
// max_pages, and signal scores lie in 1..100.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/screening/engine/text_decoder.hpp"
#include "actors/website/charset.hpp"
#include "actors/website/website_analysis.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::website;

namespace {

bool utf8(const std::string& s) {
  return kyb::screening::is_valid_utf8(s);
}

const website_engine& engine() {
  static const website_engine e(load_signal_tables().tables);
  return e;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parts = kyb::fuzz::split(input, "\n%%\n");
  std::string content_type(parts[0].substr(0, 200));
  std::string body = parts.size() > 1 ? std::string(parts[1]) : std::string(input);

  auto decoded = decode_page(body, content_type);
  FUZZ_CHECK(utf8(decoded.utf8));

  fetched_page p;
  p.url = "https://www.fuzz.example/start/";
  p.status = 200;
  p.body = body;
  p.headers.emplace_back("Content-Type", content_type);
  auto page = engine().read(p).page;
  const auto& limits = engine().options().html;
  FUZZ_CHECK(page.visible_text.size() <= limits.max_text_bytes);
  FUZZ_CHECK(page.full_text.size() <= limits.max_text_bytes);
  FUZZ_CHECK(utf8(page.visible_text) && utf8(page.full_text) && utf8(page.title));
  FUZZ_CHECK(page.links.size() <= limits.max_links);
  for (auto& l : page.links) {
    auto u = parse_url(l.url);
    FUZZ_CHECK(u && (u->scheme == "http" || u->scheme == "https") && !u->fragment);
  }

  auto links = engine().discover_from(p);
  FUZZ_CHECK(links.size() <= engine().options().max_pages);
  auto home = parse_url(p.url);
  for (auto& l : links) {
    auto u = parse_url(l.url);
    FUZZ_CHECK(u && same_site(*u, *home));
  }

  auto a = engine().analyse(p, {}, {"Fuzz GmbH", std::string("Fuzz"), {}, {}, {}},
                            std::chrono::system_clock::time_point{});
  FUZZ_CHECK(a.visible_text.size() <= engine().options().max_site_text_bytes);
  for (auto& s : a.signals)
    FUZZ_CHECK(s.score >= 1 && s.score <= 100 && !s.evidence.empty());
  auto json = to_json(a, {true}).dump(); // throws on invalid UTF-8
  FUZZ_CHECK(!json.empty());
  return 0;
}

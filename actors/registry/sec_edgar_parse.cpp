// SEC EDGAR: company_tickers.json and the submissions API.
#include <cctype>

#include "actors/registry/json_reader.hpp"
#include "actors/registry/registry_parse.hpp"

namespace kyb::registry {

using detail::json;
using detail::json_reader;

namespace {

constexpr int64_t max_cik = 9'999'999'999;

std::string cik10(int64_t cik) {
  auto s = std::to_string(cik);
  return std::string(s.size() < 10 ? 10 - s.size() : 0, '0') + s;
}

std::string ticker_key(const std::string& t) {
  std::string out;
  for (char c : t)
    out.push_back(
        c == '.' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

bool us_state(const std::string& code) {
  return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1]));
}

registry_address read_address(json_reader& rd, const json& a, const std::string& path) {
  registry_address out;
  for (const char* key : {"street1", "street2"}) {
    auto line = rd.str(a, path, key);
    // Copies of EDGAR data re-serialised from Python carry "None" for null.
    if (!line.empty() && line != "None")
      out.lines.push_back(line);
  }
  out.city = rd.str(a, path, "city");
  auto where = rd.str(a, path, "stateOrCountry");
  out.postal_code = rd.str(a, path, "zipCode");
  // EDGAR codes US states with two letters, other countries with a letter and a digit.
  if (us_state(where)) {
    out.region = where;
    out.country = "US";
  } else {
    out.country = rd.str(a, path, "stateOrCountryDescription");
  }
  if (out.postal_code == "None")
    out.postal_code.clear();
  return out;
}

} // namespace

std::optional<std::string> normalize_cik(const std::string& cik) {
  if (cik.empty() || cik.size() > 10)
    return std::nullopt;
  for (char c : cik)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  return std::string(10 - cik.size(), '0') + cik;
}

parsed<std::vector<candidate>> parse_sec_tickers(std::string_view body,
                                                 const std::string& ticker) {
  json_reader rd(registry_kind::sec_edgar, "company_tickers.json");
  if (!rd.parse(body))
    return rd.error();
  std::vector<candidate> out;
  auto wanted = ticker_key(ticker);
  for (const auto& [key, row] : rd.root().items()) {
    if (!row.is_object()) {
      rd.fail(key, "is " + detail::a_type(row) + ", expected an object");
      break;
    }
    auto t = rd.str(row, key, "ticker", true);
    auto cik = rd.integer(row, key, "cik_str", 1, max_cik, true);
    auto title = rd.str(row, key, "title", true);
    if (rd.failed())
      break;
    if (!cik)
      continue;
    if (!wanted.empty() && ticker_key(t) != wanted)
      continue;
    out.push_back({cik10(*cik), title, "", ""});
    if (!wanted.empty())
      break;
  }
  if (rd.failed())
    return rd.error();
  return out;
}

parsed<registry_result> parse_sec_submissions(std::string_view body) {
  json_reader rd(registry_kind::sec_edgar, "submissions");
  if (!rd.parse(body))
    return rd.error();
  const auto& j = rd.root();
  registry_result r;
  r.registry = registry_kind::sec_edgar;
  auto cik = rd.integer(j, "", "cik", 1, max_cik, true);
  if (!cik && !rd.failed())
    rd.fail("cik", "is missing");
  if (cik)
    r.entity_id = cik10(*cik);
  r.legal_name = rd.str(j, "", "name", true);
  auto sic = rd.str(j, "", "sic");
  if (!sic.empty())
    r.industry_codes.push_back({"SIC", sic, rd.str(j, "", "sicDescription")});
  auto state = rd.str(j, "", "stateOfIncorporation");
  if (us_state(state))
    r.jurisdiction = "US-" + state;
  else if (!state.empty())
    r.jurisdiction = rd.str(j, "", "stateOfIncorporationDescription");
  r.legal_form = rd.str(j, "", "entityType");
  if (auto addresses = rd.object(j, "", "addresses")) {
    if (auto b = rd.object(*addresses, "addresses", "business"))
      r.business_address = read_address(rd, *b, "addresses.business");
    if (auto m = rd.object(*addresses, "addresses", "mailing"))
      r.mailing_address = read_address(rd, *m, "addresses.mailing");
  }
  if (auto former = rd.array(j, "", "formerNames")) {
    for (size_t i = 0; i < former->size() && !rd.failed(); ++i) {
      auto p = "formerNames[" + std::to_string(i) + "]";
      const auto& f = (*former)[i];
      if (!f.is_object()) {
        rd.fail(p, "is " + detail::a_type(f) + ", expected an object");
        break;
      }
      auto n = rd.str(f, p, "name");
      if (!n.empty())
        r.previous_names.push_back(n);
    }
  }
  // EDGAR publishes no company status.
  r.status = company_status::unknown;
  if (rd.failed())
    return rd.error();
  return r;
}

} // namespace kyb::registry

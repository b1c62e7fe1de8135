#include "actors/business/business_validation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <set>

#include "runtime/base/text.hpp"

namespace kyb::actors {

namespace {

// ISO 3166-1 alpha-2: the 249 officially assigned codes, plus XK (Kosovo), which is
// user-assigned but used by the European Commission, SWIFT and the sanctions lists.
constexpr const char* country_codes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
                                      "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
                                      "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM "
                                      "CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
                                      "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD "
                                      "GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
                                      "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS "
                                      "IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
                                      "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
                                      "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
                                      "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ "
                                      "OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
                                      "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK "
                                      "SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
                                      "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US "
                                      "UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
                                      "ZW XK";

constexpr size_t max_name = 300;
constexpr size_t max_short = 64;
constexpr size_t max_url = 2048;
constexpr size_t max_description = 5000;
constexpr size_t max_owners = 50;

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

/// Code points, not bytes (input is valid UTF-8: the JSON parser checked it).
size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++n;
  return n;
}

struct checker {
  std::vector<field_error>& errors;

  void fail(const std::string& field, const std::string& detail) {
    errors.push_back({field, detail});
  }

  /// Trims a text field and checks length and control characters.
  void text(input_field<std::string>& f, const std::string& name, size_t max,
            bool required, bool nullable = true) {
    if (!f.present) {
      if (required)
        fail(name, "is required");
      return;
    }
    if (!f.value) {
      if (required || !nullable)
        fail(name, "must not be null");
      return;
    }
    *f.value = base::trim_copy(*f.value);
    if (f.value->empty()) {
      if (required || !nullable)
        fail(name, "must not be empty");
      else
        f.value.reset(); // "" means "no value" for optional text
      return;
    }
    check_text(*f.value, name, max);
  }

  void check_text(const std::string& v, const std::string& name, size_t max) {
    if (utf8_length(v) > max)
      fail(name, "must be at most " + std::to_string(max) + " characters");
    else if (has_control(v))
      fail(name, "must not contain control characters");
  }

  void country(std::optional<std::string>& v, const std::string& name) {
    if (!v)
      return;
    std::string up = base::trim_copy(*v);
    std::transform(up.begin(), up.end(), up.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!is_country_code(up))
      fail(name,
           "must be an ISO 3166-1 alpha-2 country code such as 'US' or 'DE', got '" + *v +
               "'");
    else
      v = up;
  }

  void date(std::optional<std::string>& v, const std::string& name,
            const std::string& today, const std::string& earliest) {
    if (!v)
      return;
    *v = base::trim_copy(*v);
    if (!is_iso_date(*v))
      fail(name, "must be a calendar date written YYYY-MM-DD, got '" + *v + "'");
    else if (*v > today)
      fail(name, "must not be in the future");
    else if (*v < earliest)
      fail(name, "must not be before " + earliest);
  }
};

bool valid_jurisdiction(const std::string& j) {
  // ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: "US", "US-DE",
  // "GB-ENG".
  if (j.size() < 2 || !is_country_code(j.substr(0, 2)))
    return false;
  if (j.size() == 2)
    return true;
  if (j[2] != '-' || j.size() < 4 || j.size() > 6)
    return false;
  return std::all_of(j.begin() + 3, j.end(),
                     [](unsigned char c) { return std::isupper(c) || std::isdigit(c); });
}

} // namespace

bool valid_url(const std::string& url, std::string& why) {
  std::string lower = url;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t start = 0;
  if (lower.rfind("https://", 0) == 0)
    start = 8;
  else if (lower.rfind("http://", 0) == 0)
    start = 7;
  else {
    why = "must be an http:// or https:// URL";
    return false;
  }
  auto end = url.find_first_of("/?#", start);
  auto authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.find('@') != std::string::npos) {
    why = "must not contain credentials";
    return false;
  }
  auto host = authority.substr(0, authority.rfind(':') == std::string::npos
                                      ? std::string::npos
                                      : authority.rfind(':'));
  if (host.empty() || host.size() > 253) {
    why = "must name a host";
    return false;
  }
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '-' || c == '.' || u >= 0x80)) {
      why = "has an invalid character in its host name";
      return false;
    }
  }
  if (host.find('.') == std::string::npos) {
    why = "must have a fully qualified host name";
    return false;
  }
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      why = "must not contain spaces or control characters";
      return false;
    }
  return true;
}

bool is_country_code(const std::string& code) {
  static const std::set<std::string> codes = [] {
    std::set<std::string> out;
    const char* p = country_codes;
    while (*p) {
      out.insert(std::string(p, 2));
      p += 2;
      while (*p == ' ')
        ++p;
    }
    return out;
  }();
  return codes.count(code) > 0;
}

bool is_iso_date(const std::string& t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(t[i])))
      return false;
  int y = std::stoi(t.substr(0, 4));
  int m = std::stoi(t.substr(5, 2));
  int d = std::stoi(t.substr(8, 2));
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int limit = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= limit;
}

std::string normalize_tax_id(const std::string& tax_id) {
  std::string out;
  for (char c : tax_id) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      out += static_cast<char>(std::toupper(u));
  }
  return out;
}

std::string mask_tax_id(const std::string& normalized) {
  if (normalized.size() <= 4)
    return std::string(normalized.size(), '*');
  return std::string(normalized.size() - 4, '*') +
         normalized.substr(normalized.size() - 4);
}

std::string mask_date_of_birth(const std::string& iso_date) {
  return iso_date.substr(0, 4) + "-**-**";
}

std::string utc_today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<field_error> validate_business_input(business_input& in, validation_mode mode,
                                                 const std::string& today) {
  std::vector<field_error> errors;
  checker c{errors};
  bool create = mode == validation_mode::create;
  c.text(in.legal_name, "/legal_name", max_name, create, false);
  c.text(in.dba_name, "/dba_name", max_name, false);
  c.text(in.registration_number, "/registration_number", max_short, false);
  c.text(in.description, "/description", max_description, false);

  // country: required on create, never null.
  if (!in.country.present) {
    if (create)
      c.fail("/country", "is required");
  } else if (!in.country.value) {
    c.fail("/country", "must not be null");
  } else {
    c.country(in.country.value, "/country");
  }

  c.text(in.tax_id, "/tax_id", max_short, false);
  if (in.tax_id.value) {
    auto& v = *in.tax_id.value;
    bool chars_ok = std::all_of(v.begin(), v.end(), [](unsigned char ch) {
      return std::isalnum(ch) || ch == ' ' || ch == '-' || ch == '.' || ch == '/';
    });
    auto norm = normalize_tax_id(v);
    if (!chars_ok)
      c.fail("/tax_id", "may contain only letters, digits, spaces, '-', '.' and '/'");
    else if (norm.size() < 4 || norm.size() > 32)
      c.fail("/tax_id", "must have between 4 and 32 letters or digits");
  }

  c.text(in.website_url, "/website_url", max_url, false);
  if (in.website_url.value) {
    std::string why;
    if (!valid_url(*in.website_url.value, why))
      c.fail("/website_url", why);
  }

  c.text(in.registration_jurisdiction, "/registration_jurisdiction", 6, false);
  if (in.registration_jurisdiction.value) {
    auto& j = *in.registration_jurisdiction.value;
    std::transform(j.begin(), j.end(), j.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (!valid_jurisdiction(j))
      c.fail("/registration_jurisdiction",
             "must be an ISO 3166 code such as 'US' or 'US-DE', got '" + j + "'");
  }

  if (in.incorporation_date.present && in.incorporation_date.value)
    c.date(in.incorporation_date.value, "/incorporation_date", today, "1600-01-01");

  if (in.address.present && in.address.value) {
    auto& a = *in.address.value;
    auto sub = [&](std::optional<std::string>& v, const char* name, size_t max) {
      if (!v)
        return;
      *v = base::trim_copy(*v);
      if (v->empty())
        v.reset();
      else
        c.check_text(*v, std::string("/address/") + name, max);
    };
    sub(a.line1, "line1", 200);
    sub(a.line2, "line2", 200);
    sub(a.city, "city", 100);
    sub(a.state, "state", 100);
    sub(a.postal_code, "postal_code", 20);
    c.country(a.country, "/address/country");
    if (!a.line1 && !a.line2 && !a.city && !a.state && !a.postal_code && !a.country)
      in.address.value.reset();
  }

  if (in.owners.present) {
    if (!in.owners.value) {
      in.owners.value.emplace(); // null owners = no owners
    }
    auto& owners = *in.owners.value;
    if (owners.size() > max_owners)
      c.fail("/owners", "must list at most " + std::to_string(max_owners) + " owners");
    double total = 0;
    // The oldest plausible living person: 130 years before today.
    std::string earliest =
        std::to_string(std::stoi(today.substr(0, 4)) - 130) + today.substr(4);
    for (size_t i = 0; i < owners.size() && i < max_owners; ++i) {
      auto& o = owners[i];
      auto base = "/owners/" + std::to_string(i);
      o.name = base::trim_copy(o.name);
      if (o.name.empty())
        c.fail(base + "/name", "is required");
      else
        c.check_text(o.name, base + "/name", 200);
      c.date(o.date_of_birth, base + "/date_of_birth", today, earliest);
      c.country(o.nationality, base + "/nationality");
      if (o.ownership_percent) {
        double p = *o.ownership_percent;
        if (!std::isfinite(p) || p < 0 || p > 100)
          c.fail(base + "/ownership_percent", "must be between 0 and 100");
        else if (std::fabs(p * 100 - std::round(p * 100)) > 1e-6)
          c.fail(base + "/ownership_percent", "must have at most two decimals");
        else
          total += p;
      }
    }
    if (total > 100.0001)
      c.fail("/owners", "ownership percentages add up to more than 100");
  }
  return errors;
}

void apply_business_input(business_record& rec, const business_input& in) {
  auto opt = [](std::optional<std::string>& dst, const input_field<std::string>& f) {
    if (f.present)
      dst = f.value;
  };
  if (in.legal_name.present && in.legal_name.value)
    rec.legal_name = *in.legal_name.value;
  if (in.country.present && in.country.value)
    rec.country = *in.country.value;
  opt(rec.dba_name, in.dba_name);
  if (in.tax_id.present)
    rec.tax_id = in.tax_id.value
                     ? std::optional<std::string>(normalize_tax_id(*in.tax_id.value))
                     : std::nullopt;
  opt(rec.website_url, in.website_url);
  opt(rec.registration_number, in.registration_number);
  opt(rec.registration_jurisdiction, in.registration_jurisdiction);
  opt(rec.incorporation_date, in.incorporation_date);
  opt(rec.description, in.description);
  if (in.address.present)
    rec.address = in.address.value;
  if (in.owners.present)
    rec.owners = in.owners.value ? *in.owners.value : std::vector<owner>{};
}

std::string duplicate_tax_id_detail(const std::string& existing_id) {
  return "business " + existing_id +
         " of this tenant has this tax id; send allow_duplicate_tax_id=true to keep "
         "both";
}

std::optional<std::string> duplicate_tax_id_of(const std::string& detail) {
  constexpr std::string_view prefix = "business ";
  constexpr size_t id_size = 36;
  if (detail.size() < prefix.size() + id_size ||
      detail.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  return detail.substr(prefix.size(), id_size);
}

} // namespace kyb::actors

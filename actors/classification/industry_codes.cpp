#include "actors/classification/industry_codes.hpp"

#include <algorithm>
#include <cctype>

#include "actors/classification/csv_table.hpp"
#include "runtime/base/text.hpp"

namespace kyb::classification {

namespace {

std::string digits_only(const std::string& s) {
  std::string out;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c)))
      out += c;
  return out;
}

std::string pad(std::string code, size_t width) {
  while (code.size() < width)
    code.insert(code.begin(), '0');
  return code;
}

// The 2017 descriptions end with cross-references to *other* industries; those words
// describe what the industry is not, so they are cut off.
std::string strip_cross_references(std::string text) {
  for (const char* marker : {"Cross-References", "Cross-references"}) {
    auto pos = text.find(marker);
    if (pos != std::string::npos)
      text.erase(pos);
  }
  return base::trim_copy(text);
}

expected<csv_table> read_required(const std::string& dir, const char* name) {
  return csv_table::read(dir + "/" + name);
}

} // namespace

const mcc_entry* industry_codes::find_mcc(const std::string& code) const {
  for (const auto& e : mcc)
    if (e.code == code)
      return &e;
  return nullptr;
}

std::string industry_codes::naics_sector(const std::string& naics) {
  if (naics.size() < 2)
    return naics;
  auto two = naics.substr(0, 2);
  if (two == "31" || two == "32" || two == "33")
    return "31-33";
  if (two == "44" || two == "45")
    return "44-45";
  if (two == "48" || two == "49")
    return "48-49";
  return two;
}

expected<industry_codes> industry_codes::load(const std::string& dir,
                                              const std::string& mcc_supplement_csv) {
  industry_codes out;
  // MCC descriptions.
  auto mcc = read_required(dir, "mcc_codes.csv");
  if (!mcc)
    return mcc.err();
  {
    int c_code = mcc->column("mcc"), c_edit = mcc->column("edited_description"),
        c_comb = mcc->column("combined_description"),
        c_usda = mcc->column("usda_description"), c_irs = mcc->column("irs_description");
    if (c_code < 0 || c_edit < 0)
      return error{errc::data_malformed, "mcc_codes.csv lacks mcc/edited_description"};
    for (const auto& row : mcc->rows()) {
      mcc_entry e;
      e.code = pad(base::trim_copy(csv_table::cell(row, c_code)), 4);
      e.description = base::trim_copy(csv_table::cell(row, c_edit));
      for (int c : {c_comb, c_usda, c_irs}) {
        auto t = base::trim_copy(csv_table::cell(row, c));
        if (!t.empty() && t != e.description)
          e.other_texts.push_back(t);
      }
      if (e.code.size() == 4 && !e.description.empty())
        out.mcc.push_back(std::move(e));
    }
  }
  if (!mcc_supplement_csv.empty()) {
    auto sup = csv_table::read(mcc_supplement_csv);
    if (!sup)
      return sup.err();
    int c_code = sup->column("mcc"), c_desc = sup->column("description");
    if (c_code < 0 || c_desc < 0)
      return error{errc::data_malformed, mcc_supplement_csv + " lacks mcc/description"};
    for (const auto& row : sup->rows()) {
      mcc_entry e;
      e.code = pad(base::trim_copy(csv_table::cell(row, c_code)), 4);
      e.description = base::trim_copy(csv_table::cell(row, c_desc));
      if (e.code.size() == 4 && !e.description.empty() && !out.find_mcc(e.code))
        out.mcc.push_back(std::move(e));
    }
  }
  // NAICS 2022 titles.
  auto naics = read_required(dir, "naics_2022_codes.csv");
  if (!naics)
    return naics.err();
  {
    int c_code = naics->column("naics_2022_code"), c_title = naics->column("title");
    if (c_code < 0 || c_title < 0)
      return error{errc::data_malformed, "naics_2022_codes.csv lacks code/title"};
    for (const auto& row : naics->rows()) {
      auto code = base::trim_copy(csv_table::cell(row, c_code));
      if (!code.empty())
        out.naics_title[code] = base::trim_copy(csv_table::cell(row, c_title));
    }
  }
  // NAICS 2017 descriptions, carried to 2022 codes through the concordance.
  auto desc = read_required(dir, "naics_2017_titles_descriptions.csv");
  if (!desc)
    return desc.err();
  auto conc = read_required(dir, "crosswalk_naics_2002_2007_2012_2017_2022.csv");
  if (!conc)
    return conc.err();
  {
    std::map<std::string, std::vector<std::string>> to_2022;
    int c17 = conc->column("NAICS_2017_Code"), c22 = conc->column("NAICS_2022_Code");
    for (const auto& row : conc->rows()) {
      auto a = digits_only(csv_table::cell(row, c17));
      auto b = digits_only(csv_table::cell(row, c22));
      if (a.size() == 6 && b.size() == 6) {
        auto& v = to_2022[a];
        if (std::find(v.begin(), v.end(), b) == v.end())
          v.push_back(b);
      }
    }
    int c_code = desc->column("NAICS"), c_desc = desc->column("2017 NAICS Description");
    if (c_code < 0 || c_desc < 0)
      return error{errc::data_malformed,
                   "naics_2017_titles_descriptions.csv lacks columns"};
    for (const auto& row : desc->rows()) {
      auto code = digits_only(csv_table::cell(row, c_code));
      if (code.size() != 6)
        continue;
      auto text = strip_cross_references(csv_table::cell(row, c_desc));
      std::vector<std::string> targets{code};
      if (auto it = to_2022.find(code); it != to_2022.end())
        targets = it->second;
      for (const auto& t : targets) {
        if (!out.naics_title.count(t))
          continue;
        auto& d = out.naics_description[t];
        if (!d.empty())
          d += ' ';
        d += text;
      }
    }
  }
  // SIC titles.
  auto sic = read_required(dir, "sic_osha_sic-codes.csv");
  if (!sic)
    return sic.err();
  {
    int c_code = sic->column("SIC"), c_desc = sic->column("Description");
    for (const auto& row : sic->rows()) {
      auto code = pad(digits_only(csv_table::cell(row, c_code)), 4);
      if (code.size() == 4)
        out.sic_title[code] = base::trim_copy(csv_table::cell(row, c_desc));
    }
  }
  auto sec = read_required(dir, "sic_sec_codes.csv");
  if (!sec)
    return sec.err();
  {
    int c_code = sec->column("SIC Code"), c_title = sec->column("Industry Title");
    for (const auto& row : sec->rows()) {
      auto code = pad(digits_only(csv_table::cell(row, c_code)), 4);
      if (code.size() == 4)
        out.sic_sec_title[code] = base::trim_copy(csv_table::cell(row, c_title));
    }
  }
  // SIC 1987 -> NAICS 2022 concordance.
  auto links = read_required(dir, "crosswalk_sic1987_to_naics2022_DERIVED.csv");
  if (!links)
    return links.err();
  {
    int c_sic = links->column("sic_1987"), c_title = links->column("sic_title"),
        c_naics = links->column("naics_2022");
    if (c_sic < 0 || c_naics < 0)
      return error{errc::data_malformed, "SIC->NAICS 2022 concordance lacks columns"};
    for (const auto& row : links->rows()) {
      sic_naics_link l;
      l.sic = pad(digits_only(csv_table::cell(row, c_sic)), 4);
      l.naics = digits_only(csv_table::cell(row, c_naics));
      l.sic_note = base::trim_copy(csv_table::cell(row, c_title));
      if (l.sic.size() == 4 && l.naics.size() == 6 && out.naics_title.count(l.naics) &&
          out.sic_title.count(l.sic))
        out.sic_to_naics.push_back(std::move(l));
    }
  }
  if (out.mcc.empty() || out.naics_title.empty() || out.sic_title.empty() ||
      out.sic_to_naics.empty())
    return error{errc::data_malformed, "industry data in " + dir + " is incomplete"};
  return out;
}

} // namespace kyb::classification
